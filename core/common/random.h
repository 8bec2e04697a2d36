// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace gb {

/// A small seeded generator (xoshiro256**, seeded through splitmix64) whose draws are the same on
/// every platform and standard library. The <random> distributions are implementation-defined,
/// so anything that must be reproducible from a seed (the demo, sampled ICE rows, bootstrap)
/// draws from this instead.
class Rng {
public:
    explicit Rng(std::uint64_t seed)
    {
        for (auto &s : m_state) {
            seed += 0x9E3779B97F4A7C15ULL;
            std::uint64_t z = seed;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
            s = z ^ (z >> 31);
        }
    }

    std::uint64_t next()
    {
        const std::uint64_t result = rotl(m_state[1] * 5, 7) * 9;
        const std::uint64_t t = m_state[1] << 17;
        m_state[2] ^= m_state[0];
        m_state[3] ^= m_state[1];
        m_state[1] ^= m_state[2];
        m_state[0] ^= m_state[3];
        m_state[2] ^= t;
        m_state[3] = rotl(m_state[3], 45);
        return result;
    }

    /// Uniform in [0, 1) with 53 random bits.
    double uniform() { return double(next() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    /// Uniform integer in [0, n); n > 0. The modulo bias is below n / 2^64, far under any use here.
    std::uint64_t below(std::uint64_t n) { return next() % n; }
    /// Uniform integer in [lo, hi] (inclusive).
    int between(int lo, int hi) { return lo + int(below(std::uint64_t(hi - lo + 1))); }
    bool bernoulli(double p) { return uniform() < p; }
    /// Standard normal (Box-Muller; one draw per call keeps the sequence simple to reason about).
    double normal()
    {
        const double u1 = 1.0 - uniform(); // (0, 1]: log is finite
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
    /// Index drawn with probability proportional to `weights` (non-negative, not all zero).
    std::size_t categorical(const std::vector<double> &weights)
    {
        double total = 0.0;
        for (double w : weights)
            total += w;
        double r = uniform() * total;
        for (std::size_t i = 0; i < weights.size(); ++i) {
            r -= weights[i];
            if (r < 0.0)
                return i;
        }
        return weights.size() - 1;
    }
    template<typename T>
    void shuffle(std::vector<T> &v)
    {
        for (std::size_t i = v.size(); i > 1; --i)
            std::swap(v[i - 1], v[below(i)]);
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t m_state[4];
};

} // namespace gb
