// SPDX-License-Identifier: MIT
// First-order ALE of a categorical feature (Apley & Zhu 2020, section 5.2; ALEPlot and PyALE):
// levels ordered by how similar the other features are within them, then local effects between
// neighbouring levels.
#include "common/error.h"
#include "io/csv.h"
#include "jobs/progress.h"
#include "tabular/ale_internal.h"
#include "tabular/evaluate.h"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <numeric>

namespace gb::tabular {

namespace {

// numpy/pandas default quantile: linear interpolation at position p * (n - 1).
double linearQuantile(const std::vector<double> &sorted, double p)
{
    const double pos = p * double(sorted.size() - 1);
    const std::size_t lo = std::size_t(std::floor(pos));
    const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (pos - double(lo)) * (sorted[hi] - sorted[lo]);
}

// Kolmogorov-Smirnov distance between the levels' distributions of a continuous feature, taken
// over its 1 % quantiles 0, 0.01, ..., 0.99.
Eigen::MatrixXd continuousDistance(const std::vector<double> &other, const std::vector<int> &level, int K)
{
    std::vector<double> sorted = other;
    std::sort(sorted.begin(), sorted.end());
    std::vector<double> q;
    for (int p = 0; p < 100; ++p)
        q.push_back(linearQuantile(sorted, double(p) / 100.0));
    std::vector<std::vector<double>> byLevel(static_cast<std::size_t>(K));
    for (std::size_t i = 0; i < other.size(); ++i)
        byLevel[std::size_t(level[i])].push_back(other[i]);
    Eigen::MatrixXd ecdf(K, q.size());
    for (int a = 0; a < K; ++a) {
        auto &v = byLevel[std::size_t(a)];
        std::sort(v.begin(), v.end());
        for (std::size_t t = 0; t < q.size(); ++t)
            ecdf(a, Eigen::Index(t)) = double(std::upper_bound(v.begin(), v.end(), q[t]) - v.begin()) / double(v.size());
    }
    Eigen::MatrixXd d(K, K);
    for (int a = 0; a < K; ++a)
        for (int b = 0; b < K; ++b)
            d(a, b) = (ecdf.row(a) - ecdf.row(b)).cwiseAbs().maxCoeff();
    return d;
}

// Total variation distance between the levels' distributions of a categorical feature.
Eigen::MatrixXd categoricalDistance(const std::vector<double> &other, const std::vector<int> &level, int K)
{
    std::map<double, int> values;
    for (double v : other)
        values.emplace(v, 0);
    int next = 0;
    for (auto &[v, index] : values)
        index = next++;
    Eigen::MatrixXd props = Eigen::MatrixXd::Zero(K, next);
    for (std::size_t i = 0; i < other.size(); ++i)
        props(level[i], values[other[i]]) += 1.0;
    for (int a = 0; a < K; ++a)
        props.row(a) /= props.row(a).sum();
    Eigen::MatrixXd d(K, K);
    for (int a = 0; a < K; ++a)
        for (int b = 0; b < K; ++b)
            d(a, b) = (props.row(a) - props.row(b)).cwiseAbs().sum() / 2.0;
    return d;
}

// Classical multidimensional scaling to one dimension.
Eigen::VectorXd mds1(const Eigen::MatrixXd &distance)
{
    const Eigen::Index K = distance.rows();
    const Eigen::MatrixXd centring = Eigen::MatrixXd::Identity(K, K) - Eigen::MatrixXd::Constant(K, K, 1.0 / double(K));
    const Eigen::MatrixXd b = -0.5 * centring * distance.cwiseProduct(distance) * centring;
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(b);
    const Eigen::Index top = K - 1; // eigenvalues ascend
    return eig.eigenvectors().col(top) * std::sqrt(std::max(0.0, eig.eigenvalues()(top)));
}

} // namespace

std::vector<double> orderLevels(const TabularData &data, int feature)
{
    const std::vector<double> x = data.column(feature);
    const std::vector<double> codes = uniqueValues(x);
    const int K = int(codes.size());
    if (K < 3)
        return codes;
    std::vector<int> level(x.size());
    for (std::size_t i = 0; i < x.size(); ++i)
        level[i] = int(std::lower_bound(codes.begin(), codes.end(), x[i]) - codes.begin());
    Eigen::MatrixXd total = Eigen::MatrixXd::Zero(K, K);
    for (int j = 0; j < data.cols(); ++j) {
        if (j == feature)
            continue;
        const std::vector<double> other = data.column(j);
        total += data.categorical[std::size_t(j)] ? categoricalDistance(other, level, K)
                                                  : continuousDistance(other, level, K);
    }
    Eigen::VectorXd coord = mds1(total);
    if (coord(0) > coord(K - 1))
        coord = -coord;
    std::vector<int> order(static_cast<std::size_t>(K));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return coord(a) < coord(b); });
    std::vector<double> ordered;
    for (int k : order)
        ordered.push_back(codes[std::size_t(k)]);
    return ordered;
}

AleResult categoricalAle(const Predictor &model, const TabularData &data, const AleOptions &o, Progress &progress,
                         const CancelToken &cancel)
{
    const int f = o.features[0];
    AleResult r;
    r.features = o.features;
    r.categorical = true;
    const std::vector<double> ordered = orderLevels(data, f);
    const int K = int(ordered.size());
    if (K < 2)
        throw Error::badInput(data.names[std::size_t(f)] + ": a categorical feature needs at least two levels for ALE");
    r.edges.push_back(ordered);
    for (double code : ordered)
        r.levels.push_back(data.levelText(f, code));

    const std::vector<double> x = data.column(f);
    std::map<double, int> position;
    for (int k = 0; k < K; ++k)
        position[ordered[std::size_t(k)]] = k;
    FirstOrderProblem p;
    p.steps = K - 1;
    p.groups = K;
    p.intervalWeights = false;
    for (double v : x)
        p.rowGroup.push_back(position[v]);

    // Tasks per row: the row as is, then moved one level down and one level up where possible.
    struct Task {
        std::int64_t row;
        int level; // -1: unchanged
    };
    std::vector<Task> tasks;
    for (std::int64_t i = 0; i < data.rows; ++i) {
        const int k = p.rowGroup[std::size_t(i)];
        tasks.push_back({i, -1});
        if (k > 0)
            tasks.push_back({i, k - 1});
        if (k < K - 1)
            tasks.push_back({i, k + 1});
    }
    const std::int64_t width = data.cols();
    const std::vector<float> pred = evaluateAll(
        model, std::int64_t(tasks.size()),
        [&](std::int64_t begin, std::int64_t end, float *out) {
            for (std::int64_t t = begin; t < end; ++t, out += width) {
                const Task &task = tasks[std::size_t(t)];
                std::memcpy(out, data.values.data() + task.row * width, std::size_t(width) * sizeof(float));
                if (task.level >= 0)
                    out[f] = float(ordered[std::size_t(task.level)]);
            }
        },
        progress, cancel);

    std::vector<double> own(static_cast<std::size_t>(data.rows));
    for (std::size_t t = 0; t < tasks.size(); ++t)
        if (tasks[t].level < 0)
            own[std::size_t(tasks[t].row)] = pred[t];
    for (std::size_t t = 0; t < tasks.size(); ++t) {
        const Task &task = tasks[t];
        if (task.level < 0)
            continue;
        const int k = p.rowGroup[std::size_t(task.row)];
        const double moved = pred[t], base = own[std::size_t(task.row)];
        // Step s joins levels s and s + 1; its effect is f(level s + 1) - f(level s).
        if (task.level > k)
            p.effects.push_back({task.row, k, moved - base});
        else
            p.effects.push_back({task.row, k - 1, base - moved});
    }
    r.counts.assign(std::size_t(K), 0);
    for (int g : p.rowGroup)
        ++r.counts[std::size_t(g)];
    const std::vector<double> weights(r.counts.begin(), r.counts.end());
    r.ale = accumulateCentred(stepMeans(p.effects, p.steps, nullptr), weights, false);
    if (o.bootstrap > 0)
        bootstrapFirstOrder(p, o, r, cancel);
    return r;
}

} // namespace gb::tabular
