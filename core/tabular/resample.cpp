// SPDX-License-Identifier: MIT
#include "tabular/resample.h"

#include "common/error.h"

#include <algorithm>
#include <numeric>

namespace gb::tabular {

std::vector<std::int64_t> sampleRows(std::int64_t n, std::int64_t k, std::uint64_t seed)
{
    std::vector<std::int64_t> rows(static_cast<std::size_t>(std::max<std::int64_t>(0, n)));
    std::iota(rows.begin(), rows.end(), 0);
    if (k <= 0 || k >= n)
        return rows;
    std::mt19937_64 rng(seed);
    for (std::int64_t i = 0; i < k; ++i) {
        std::uniform_int_distribution<std::int64_t> pick(i, n - 1);
        std::swap(rows[std::size_t(i)], rows[std::size_t(pick(rng))]);
    }
    rows.resize(std::size_t(k));
    std::sort(rows.begin(), rows.end());
    return rows;
}

Bootstrap::Bootstrap(std::int64_t n, std::uint64_t seed)
    : m_n(n)
    , m_rng(seed)
    , m_counts(std::size_t(n), 0)
{
}

const std::vector<std::int32_t> &Bootstrap::draw()
{
    std::fill(m_counts.begin(), m_counts.end(), 0);
    std::uniform_int_distribution<std::int64_t> pick(0, m_n - 1);
    for (std::int64_t i = 0; i < m_n; ++i)
        ++m_counts[std::size_t(pick(m_rng))];
    return m_counts;
}

void percentileBand(const std::vector<std::vector<double>> &samples, double confidence, std::vector<double> &lower,
                    std::vector<double> &upper)
{
    lower.clear();
    upper.clear();
    if (samples.empty())
        return;
    const std::size_t points = samples.front().size();
    const auto quantile = [](const std::vector<double> &sorted, double p) {
        const double pos = p * double(sorted.size() - 1);
        const std::size_t lo = std::size_t(pos);
        const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
        return sorted[lo] + (pos - double(lo)) * (sorted[hi] - sorted[lo]);
    };
    std::vector<double> column(samples.size());
    for (std::size_t p = 0; p < points; ++p) {
        for (std::size_t b = 0; b < samples.size(); ++b)
            column[b] = samples[b][p];
        std::sort(column.begin(), column.end());
        lower.push_back(quantile(column, (1.0 - confidence) / 2.0));
        upper.push_back(quantile(column, (1.0 + confidence) / 2.0));
    }
}

void checkBootstrapOptions(int resamples, double confidence)
{
    if (resamples < 0 || resamples == 1)
        throw Error::badInput("a bootstrap band needs at least 2 resamples (0 turns it off)");
    if (resamples > 0 && !(confidence > 0.0 && confidence < 1.0))
        throw Error::badInput("the confidence level must be between 0 and 1 (e.g. 0.95)");
}

} // namespace gb::tabular
