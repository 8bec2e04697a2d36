// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace gb::tabular {

/// `k` distinct rows of `n` drawn with a seeded generator, ascending (all rows when k <= 0 or
/// k >= n). Same seed, same rows.
std::vector<std::int64_t> sampleRows(std::int64_t n, std::int64_t k, std::uint64_t seed);

/// Bootstrap resamples of n rows: each draw() gives how often each row was drawn (n draws with
/// replacement). Seeded, so a band is reproducible.
class Bootstrap {
public:
    Bootstrap(std::int64_t n, std::uint64_t seed);
    const std::vector<std::int32_t> &draw();

private:
    std::int64_t m_n;
    std::mt19937_64 m_rng;
    std::vector<std::int32_t> m_counts;
};

/// Per column of `samples` ([resamples][points]), the two-sided percentile interval at
/// `confidence` (linear interpolation between order statistics, numpy's default).
void percentileBand(const std::vector<std::vector<double>> &samples, double confidence, std::vector<double> &lower,
                    std::vector<double> &upper);

/// BadInput unless 0 < confidence < 1 and resamples >= 0.
void checkBootstrapOptions(int resamples, double confidence);

} // namespace gb::tabular
