// SPDX-License-Identifier: MIT
#pragma once

#include <vector>

namespace gb {

/// Orders and rank statistics of per-token scores. Plain C++ (no tensors): views use them too.

/// Token order by descending score; ties keep reading order.
std::vector<int> attributionOrder(const std::vector<double> &scores);

/// 1-based rank of each token in attributionOrder (1 = highest score).
std::vector<int> attributionRanks(const std::vector<double> &scores);

/// Spearman's rho (Pearson correlation of average ranks, so ties are handled) and Kendall's
/// tau-b. Sizes must match (BadInput otherwise); NaN when a side is constant.
double spearman(const std::vector<double> &a, const std::vector<double> &b);
double kendallTauB(const std::vector<double> &a, const std::vector<double> &b);

} // namespace gb
