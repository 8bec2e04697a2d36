// SPDX-License-Identifier: MIT
#include "tabular/walkkernels.h"

#include <algorithm>

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#endif

namespace gb::tabular::walkkernels {

namespace {

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
// The loops over a layer's units also get an AVX2 build, chosen at run time: the release
// build targets baseline x86-64, whose 2-wide SSE2 halves their speed.
#define GB_UNIT_LOOP __attribute__((target_clones("avx2", "default")))
#else
#define GB_UNIT_LOOP
#endif

// Whether the mask disagrees with the sign of a + s t at now or at bound (markCandidates).
bool mismatch(double a, double s, double on, double now, double bound)
{
    const double side = 2.0 * on - 1.0;
    return std::min(side * (a + s * now), side * (a + s * bound)) < 0.0;
}

void markCandidatesScalar(const double *a, const double *s, const double *on, double now, double bound, std::size_t n,
                          std::uint64_t *bits)
{
    for (std::size_t h = 0; h < n; ++h)
        bits[h >> 6] |= std::uint64_t(mismatch(a[h], s[h], on[h], now, bound)) << (h & 63);
}

#if defined(__GNUC__) && defined(__x86_64__)
__attribute__((target("avx2,fma"))) void markCandidatesAvx2(const double *a, const double *s, const double *on, double now,
                                                            double bound, std::size_t n, std::uint64_t *bits)
{
    const __m256d vNow = _mm256_set1_pd(now), vBound = _mm256_set1_pd(bound), one = _mm256_set1_pd(1.0),
                  zero = _mm256_setzero_pd();
    std::size_t h = 0;
    for (; h + 4 <= n; h += 4) {
        const __m256d va = _mm256_loadu_pd(a + h), vs = _mm256_loadu_pd(s + h);
        const __m256d side = _mm256_sub_pd(_mm256_add_pd(_mm256_loadu_pd(on + h), _mm256_loadu_pd(on + h)), one);
        const __m256d m = _mm256_min_pd(_mm256_mul_pd(side, _mm256_fmadd_pd(vs, vNow, va)),
                                        _mm256_mul_pd(side, _mm256_fmadd_pd(vs, vBound, va)));
        bits[h >> 6] |= std::uint64_t(_mm256_movemask_pd(_mm256_cmp_pd(m, zero, _CMP_LT_OQ))) << (h & 63);
    }
    for (; h < n; ++h)
        bits[h >> 6] |= std::uint64_t(mismatch(a[h], s[h], on[h], now, bound)) << (h & 63);
}

} // namespace

void markCandidates(const double *a, const double *s, const double *on, double now, double bound, std::size_t n,
                    std::uint64_t *bits)
{
    static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (avx2)
        markCandidatesAvx2(a, s, on, now, bound, n, bits);
    else
        markCandidatesScalar(a, s, on, now, bound, n, bits);
}
#else
} // namespace

void markCandidates(const double *a, const double *s, const double *on, double now, double bound, std::size_t n,
                    std::uint64_t *bits)
{
    markCandidatesScalar(a, s, on, now, bound, n, bits);
}
#endif

GB_UNIT_LOOP void addDirection(double *__restrict a, double *__restrict s, double *__restrict s2,
                               const double *__restrict d, double ua, double us, double us2, std::size_t n)
{
    if (s2) {
        for (std::size_t o = 0; o < n; ++o) {
            a[o] += ua * d[o];
            s[o] += us * d[o];
            s2[o] += us2 * d[o];
        }
        return;
    }
    for (std::size_t o = 0; o < n; ++o) {
        a[o] += ua * d[o];
        s[o] += us * d[o];
    }
}

// Blocks of 16 outputs stay in registers while the active units' weight rows stream through.
GB_UNIT_LOOP void addActiveColumns(const double *__restrict wT, std::size_t w, const std::int32_t *__restrict active,
                                   std::size_t count, const double *__restrict xs, const double *__restrict ys,
                                   double *__restrict x, double *__restrict y)
{
    constexpr std::size_t B = 16;
    std::size_t o = 0;
    for (; o + B <= w; o += B) {
        double accX[B], accY[B];
        for (std::size_t j = 0; j < B; ++j) {
            accX[j] = x[o + j];
            accY[j] = y[o + j];
        }
        for (std::size_t k = 0; k < count; ++k) {
            const std::size_t i = std::size_t(active[k]);
            const double *col = wT + i * w + o;
            const double xi = xs[i], yi = ys[i];
            for (std::size_t j = 0; j < B; ++j) {
                accX[j] += xi * col[j];
                accY[j] += yi * col[j];
            }
        }
        for (std::size_t j = 0; j < B; ++j) {
            x[o + j] = accX[j];
            y[o + j] = accY[j];
        }
    }
    for (; o < w; ++o)
        for (std::size_t k = 0; k < count; ++k) {
            const std::size_t i = std::size_t(active[k]);
            x[o] += xs[i] * wT[i * w + o];
            y[o] += ys[i] * wT[i * w + o];
        }
}

GB_UNIT_LOOP void acrossMaps(double *__restrict toA, double *__restrict toS, double *__restrict toOn,
                             const double *__restrict a, const double *__restrict s, const double *__restrict s2,
                             const double *__restrict on, double t, double u, std::size_t n)
{
    for (std::size_t h = 0; h < n; ++h) {
        toA[h] = a[h] + s[h] * t - s2[h] * u;
        toS[h] = s2[h];
        toOn[h] = on[h];
    }
}

// Four partial sums, so the compiler may keep them in one vector.
GB_UNIT_LOOP double maskedDot(const double *on, const double *d, const double *w, std::size_t n)
{
    double acc[4] = {0.0, 0.0, 0.0, 0.0};
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4)
        for (std::size_t k = 0; k < 4; ++k)
            acc[k] += on[i + k] * d[i + k] * w[i + k];
    for (; i < n; ++i)
        acc[0] += on[i] * d[i] * w[i];
    return (acc[0] + acc[1]) + (acc[2] + acc[3]);
}

} // namespace gb::tabular::walkkernels
