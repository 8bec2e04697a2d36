// SPDX-License-Identifier: MIT
#include "attribution/sampling.h"

#include <numeric>
#include <utility>
#include <vector>

namespace gb {

std::uint64_t MaskSampler::below(std::uint64_t n)
{
    // Rejection keeps the draw unbiased: values past the last multiple of n are redrawn.
    const std::uint64_t limit = std::mt19937_64::max() - std::mt19937_64::max() % n;
    std::uint64_t v = m_rng();
    while (v >= limit)
        v = m_rng();
    return v % n;
}

TokenMask MaskSampler::removing(int length, int removed)
{
    std::vector<int> order(static_cast<std::size_t>(length));
    std::iota(order.begin(), order.end(), 0);
    TokenMask mask(std::size_t(length), 1);
    // Partial Fisher-Yates: the first `removed` slots become a uniform random subset.
    for (int i = 0; i < removed; ++i) {
        const int j = i + int(below(std::uint64_t(length - i)));
        std::swap(order[std::size_t(i)], order[std::size_t(j)]);
        mask[std::size_t(order[std::size_t(i)])] = 0;
    }
    return mask;
}

} // namespace gb
