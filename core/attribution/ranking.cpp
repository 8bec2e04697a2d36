// SPDX-License-Identifier: MIT
#include "attribution/ranking.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

namespace gb {

std::vector<int> attributionOrder(const std::vector<double> &scores)
{
    std::vector<int> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return scores[std::size_t(a)] > scores[std::size_t(b)]; });
    return order;
}

std::vector<int> attributionRanks(const std::vector<double> &scores)
{
    const std::vector<int> order = attributionOrder(scores);
    std::vector<int> ranks(scores.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        ranks[std::size_t(order[i])] = int(i) + 1;
    return ranks;
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
