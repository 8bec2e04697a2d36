// SPDX-License-Identifier: MIT
#pragma once

#include "attribution/target.h"

#include <cstdint>
#include <random>

namespace gb {

/// Seeded random token masks. Draws use only the 64-bit Mersenne Twister's raw output (not the
/// standard distributions, whose algorithms differ between libraries), so a seed gives the same
/// masks on every platform.
class MaskSampler {
public:
    explicit MaskSampler(std::uint64_t seed) : m_rng(seed) {}

    /// Uniform integer in [0, n).
    std::uint64_t below(std::uint64_t n);
    /// A mask of `length` tokens with exactly `removed` zeros at uniformly drawn positions.
    TokenMask removing(int length, int removed);

private:
    std::mt19937_64 m_rng;
};

} // namespace gb
