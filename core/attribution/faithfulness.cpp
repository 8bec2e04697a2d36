// SPDX-License-Identifier: MIT
#include "attribution/faithfulness.h"

#include "attribution/perturbation.h"
#include "common/error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace gb {

std::vector<int> attributionOrder(const std::vector<double> &scores)
{
    std::vector<int> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return scores[std::size_t(a)] > scores[std::size_t(b)]; });
    return order;
}

double trapezoidArea(const std::vector<double> &x, const std::vector<double> &y)
{
    double area = 0.0;
    for (std::size_t i = 1; i < std::min(x.size(), y.size()); ++i)
        area += 0.5 * (x[i] - x[i - 1]) * (y[i] + y[i - 1]);
    return area;
}

Faithfulness deletionInsertion(const MaskTarget &target, const std::vector<double> &scores, int maxPoints,
                               Progress &progress, const CancelToken &cancel)
{
    const int t = int(target.length);
    require(int(scores.size()) == t, "deletion/insertion", "needs one score per token");
    require(maxPoints >= 1, "deletion/insertion", "needs at least one point");
    const std::vector<int> order = attributionOrder(scores);
    const int points = std::min(t, maxPoints);
    std::vector<int> moved; // tokens moved at each point, 0..t
    for (int k = 0; k <= points; ++k)
        moved.push_back(int(std::lround(double(k) * t / points)));

    std::vector<TokenMask> masks;
    for (const std::uint8_t start : {std::uint8_t(1), std::uint8_t(0)}) {
        for (const int count : moved) {
            TokenMask m(std::size_t(t), start);
            for (int i = 0; i < count; ++i)
                m[std::size_t(order[std::size_t(i)])] = std::uint8_t(1 - start);
            masks.push_back(std::move(m));
        }
    }
    const std::vector<double> f = evaluateMasks(target, masks, progress, cancel);

    Faithfulness out;
    for (FaithfulnessCurve *c : {&out.deletion, &out.insertion}) {
        const std::size_t offset = c == &out.deletion ? 0 : moved.size();
        for (std::size_t k = 0; k < moved.size(); ++k) {
            c->fractions.push_back(double(moved[k]) / t);
            c->values.push_back(f[offset + k]);
        }
        c->auc = trapezoidArea(c->fractions, c->values);
    }
    return out;
}

namespace {

std::vector<double> averageRanks(const std::vector<double> &v)
{
    std::vector<std::size_t> order(v.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
    std::vector<double> ranks(v.size());
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i;
        while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]])
            ++j;
        const double rank = 0.5 * double(i + j) + 1.0;
        for (std::size_t k = i; k <= j; ++k)
            ranks[order[k]] = rank;
        i = j + 1;
    }
    return ranks;
}

void checkPair(const std::vector<double> &a, const std::vector<double> &b)
{
    if (a.size() != b.size())
        throw Error::badInput("rank correlation: the two score lists differ in length (" + std::to_string(a.size())
                              + " vs " + std::to_string(b.size()) + ")");
}

} // namespace

double spearman(const std::vector<double> &a, const std::vector<double> &b)
{
    checkPair(a, b);
    const std::vector<double> ra = averageRanks(a);
    const std::vector<double> rb = averageRanks(b);
    const double n = double(a.size());
    const double ma = std::accumulate(ra.begin(), ra.end(), 0.0) / n;
    const double mb = std::accumulate(rb.begin(), rb.end(), 0.0) / n;
    double sab = 0.0, saa = 0.0, sbb = 0.0;
    for (std::size_t i = 0; i < ra.size(); ++i) {
        sab += (ra[i] - ma) * (rb[i] - mb);
        saa += (ra[i] - ma) * (ra[i] - ma);
        sbb += (rb[i] - mb) * (rb[i] - mb);
    }
    if (saa <= 0 || sbb <= 0)
        return std::numeric_limits<double>::quiet_NaN();
    return sab / std::sqrt(saa * sbb);
}

double kendallTauB(const std::vector<double> &a, const std::vector<double> &b)
{
    checkPair(a, b);
    // O(n^2) pair count: prompts have at most a few thousand tokens.
    double concordant = 0.0, discordant = 0.0, tiesA = 0.0, tiesB = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        for (std::size_t j = i + 1; j < a.size(); ++j) {
            const double da = a[i] - a[j];
            const double db = b[i] - b[j];
            if (da == 0 && db == 0)
                continue;
            if (da == 0)
                tiesA += 1;
            else if (db == 0)
                tiesB += 1;
            else if ((da > 0) == (db > 0))
                concordant += 1;
            else
                discordant += 1;
        }
    }
    const double denom = std::sqrt((concordant + discordant + tiesA) * (concordant + discordant + tiesB));
    if (denom <= 0)
        return std::numeric_limits<double>::quiet_NaN();
    return (concordant - discordant) / denom;
}

} // namespace gb
