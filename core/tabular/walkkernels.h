// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>

/// The loops over one layer's units that the exact line walk (linewalk.cpp) spends its time in.
/// On x86-64 with GCC they also exist as AVX2 builds picked at run time (the release build
/// targets baseline x86-64).
namespace gb::tabular::walkkernels {

/// Sets bit h of `bits` ((n + 63) / 64 zeroed words) when unit h's mask (`on`, 1 or 0) disagrees
/// with the sign of a + s t at `now` or at `bound`: a superset of the units with a region boundary
/// in [now, bound] (a unit that rounding puts on the other side sits at zero there, where either
/// side gives the same value), found without a division or a branch per unit.
void markCandidates(const double *a, const double *s, const double *on, double now, double bound, std::size_t n,
                    std::uint64_t *bits);

/// One direction into two or three maps: a += ua d, s += us d and, unless s2 is null, s2 += us2 d.
void addDirection(double *a, double *s, double *s2, const double *d, double ua, double us, double us2, std::size_t n);

/// x += sum over the listed units i of xs[i] * row i of `wT` (rows of w values), and y likewise
/// with ys: a layer's forward from its active inputs.
void addActiveColumns(const double *wT, std::size_t w, const std::int32_t *active, std::size_t count, const double *xs,
                      const double *ys, double *x, double *y);

/// The maps of the line along a second feature that crosses a line along the first at t, where
/// the second feature is u: intercept a + s t - s2 u, slope s2, masks unchanged.
void acrossMaps(double *toA, double *toS, double *toOn, const double *a, const double *s, const double *s2,
                const double *on, double t, double u, std::size_t n);

/// sum over i of on[i] d[i] w[i].
double maskedDot(const double *on, const double *d, const double *w, std::size_t n);

} // namespace gb::tabular::walkkernels
