// SPDX-License-Identifier: MIT
// Second-order ALE as in ALEPlot (spec-facts 10.3): cell means of the 4-corner second difference,
// nearest-cell filling of empty cells, accumulation, removal of the main effects, centring.
#include "common/error.h"
#include "io/csv.h"
#include "jobs/progress.h"
#include "tabular/ale_internal.h"
#include "tabular/evaluate.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace gb::tabular {

namespace {

// A (rows x cols) row-major matrix of doubles.
struct Grid2 {
    int rows = 0, cols = 0;
    std::vector<double> v;
    Grid2(int r, int c, double fill = 0.0) : rows(r), cols(c), v(std::size_t(r) * std::size_t(c), fill) {}
    double &operator()(int i, int j) { return v[std::size_t(i) * std::size_t(cols) + std::size_t(j)]; }
    double operator()(int i, int j) const { return v[std::size_t(i) * std::size_t(cols) + std::size_t(j)]; }
};

// Empty cells take the value of the nearest non-empty cell, by distance between cell centres
// with each axis divided by its range (ties: the first cell in row-major order).
void fillEmptyCells(Grid2 &delta, const Grid2 &count, const std::vector<double> &z1, const std::vector<double> &z2)
{
    const double range1 = z1.back() - z1.front(), range2 = z2.back() - z2.front();
    const auto centre = [](const std::vector<double> &z, int k, double range) { return (z[std::size_t(k)] + z[std::size_t(k) + 1]) / 2.0 / range; };
    std::vector<std::pair<int, int>> filled;
    for (int k = 0; k < delta.rows; ++k)
        for (int l = 0; l < delta.cols; ++l)
            if (count(k, l) > 0)
                filled.emplace_back(k, l);
    const Grid2 known = delta;
    for (int k = 0; k < delta.rows; ++k) {
        for (int l = 0; l < delta.cols; ++l) {
            if (count(k, l) > 0)
                continue;
            double best = std::numeric_limits<double>::infinity();
            for (const auto &[fk, fl] : filled) {
                const double d1 = centre(z1, k, range1) - centre(z1, fk, range1);
                const double d2 = centre(z2, l, range2) - centre(z2, fl, range2);
                const double d = d1 * d1 + d2 * d2;
                if (d < best) {
                    best = d;
                    delta(k, l) = known(fk, fl);
                }
            }
        }
    }
}

// Accumulated effects on the (K1+1) x (K2+1) corners, minus both main effects, centred.
Grid2 accumulateInteraction(const Grid2 &delta, const Grid2 &count)
{
    const int K1 = delta.rows, K2 = delta.cols;
    Grid2 f(K1 + 1, K2 + 1);
    for (int k = 0; k < K1; ++k)
        for (int l = 0; l < K2; ++l)
            f(k + 1, l + 1) = delta(k, l) + f(k, l + 1) + f(k + 1, l) - f(k, l);

    std::vector<double> main1(std::size_t(K1) + 1, 0.0), main2(std::size_t(K2) + 1, 0.0);
    for (int k = 0; k < K1; ++k) {
        double weighted = 0.0, total = 0.0;
        for (int l = 0; l < K2; ++l) {
            weighted += count(k, l) * ((f(k + 1, l) - f(k, l)) + (f(k + 1, l + 1) - f(k, l + 1))) / 2.0;
            total += count(k, l);
        }
        main1[std::size_t(k) + 1] = main1[std::size_t(k)] + (total > 0 ? weighted / total : 0.0);
    }
    for (int l = 0; l < K2; ++l) {
        double weighted = 0.0, total = 0.0;
        for (int k = 0; k < K1; ++k) {
            weighted += count(k, l) * ((f(k, l + 1) - f(k, l)) + (f(k + 1, l + 1) - f(k + 1, l))) / 2.0;
            total += count(k, l);
        }
        main2[std::size_t(l) + 1] = main2[std::size_t(l)] + (total > 0 ? weighted / total : 0.0);
    }
    for (int k = 0; k <= K1; ++k)
        for (int l = 0; l <= K2; ++l)
            f(k, l) -= main1[std::size_t(k)] + main2[std::size_t(l)];

    double weighted = 0.0, total = 0.0;
    for (int k = 0; k < K1; ++k)
        for (int l = 0; l < K2; ++l) {
            weighted += count(k, l) * (f(k, l) + f(k, l + 1) + f(k + 1, l) + f(k + 1, l + 1)) / 4.0;
            total += count(k, l);
        }
    for (double &v : f.v)
        v -= weighted / total;
    return f;
}

} // namespace

AleResult secondOrderAle(const Predictor &model, const TabularData &data, const AleOptions &o, Progress &progress,
                         const CancelToken &cancel)
{
    AleResult r;
    r.features = o.features;
    const int f1 = o.features[0], f2 = o.features[1];
    const std::vector<double> x1 = data.column(f1), x2 = data.column(f2);
    r.edges.push_back(aleEdges(x1, o.bins, o.edges, data.names[std::size_t(f1)]));
    r.edges.push_back(aleEdges(x2, o.bins, o.edges, data.names[std::size_t(f2)]));
    const std::vector<double> &z1 = r.edges[0], &z2 = r.edges[1];
    const std::vector<int> a1 = binIndices(x1, z1), a2 = binIndices(x2, z2);
    const int K1 = int(z1.size()) - 1, K2 = int(z2.size()) - 1;

    // Row i is evaluated at its cell's four corners: task 4i + 2 * upper1 + upper2.
    const std::int64_t n = data.rows, width = data.cols();
    const std::vector<float> pred = evaluateAll(
        model, 4 * n,
        [&](std::int64_t begin, std::int64_t end, float *out) {
            for (std::int64_t t = begin; t < end; ++t, out += width) {
                const std::size_t i = std::size_t(t / 4);
                std::memcpy(out, data.values.data() + std::int64_t(i) * width, std::size_t(width) * sizeof(float));
                out[f1] = float(z1[std::size_t(a1[i] + int((t / 2) % 2))]);
                out[f2] = float(z2[std::size_t(a2[i] + int(t % 2))]);
            }
        },
        progress, cancel);

    Grid2 sum(K1, K2), count(K1, K2);
    for (std::int64_t i = 0; i < n; ++i) {
        const float *y = pred.data() + 4 * i; // y11, y12, y21, y22
        const double d = (double(y[3]) - double(y[2])) - (double(y[1]) - double(y[0]));
        sum(a1[std::size_t(i)], a2[std::size_t(i)]) += d;
        count(a1[std::size_t(i)], a2[std::size_t(i)]) += 1.0;
    }
    Grid2 delta(K1, K2);
    for (std::size_t c = 0; c < delta.v.size(); ++c)
        delta.v[c] = count.v[c] > 0 ? sum.v[c] / count.v[c] : 0.0;
    fillEmptyCells(delta, count, z1, z2);
    r.ale = accumulateInteraction(delta, count).v;
    r.counts.assign(count.v.begin(), count.v.end());
    return r;
}

} // namespace gb::tabular
