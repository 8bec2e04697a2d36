// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace gb::plots {

/// The finite extent of plotted values, and the smallest positive one (a log axis starts there).
struct DataRange {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo, minPositive = lo;
    void add(double v)
    {
        if (!std::isfinite(v))
            return;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
        if (v > 0)
            minPositive = std::min(minPositive, v);
    }
    void add(const std::vector<double> &v)
    {
        for (double e : v)
            add(e);
    }
};

/// Maps data values to pixels along one axis and back. The range may run backwards (a y axis
/// grows downwards on screen; heatmap rows go top to bottom).
///
/// A log scale over [lo, hi] with lo > 0 is plain log10. A log scale that must show zero
/// (training step 0 on a log step axis, zero counts) gets a *zero slot*: 0 sits at the start of
/// the range, the decades start `ZeroSlotFraction` of the length later, and values in (0, lo)
/// fill the gap linearly, so the mapping stays continuous and monotonic. Axis paints a break
/// mark over the gap.
class Scale {
public:
    enum class Type { Linear, Log };
    static constexpr double ZeroSlotFraction = 0.08;

    Scale() = default;
    static Scale linear(double lo, double hi);
    /// `lo` is the smallest positive value shown; `withZero` reserves the zero slot.
    static Scale log(double lo, double hi, bool withZero = false);

    Scale &setRange(double r0, double r1);

    Type type() const { return m_type; }
    bool hasZeroSlot() const { return m_zeroSlot; }
    double lo() const { return m_lo; }
    double hi() const { return m_hi; }
    double rangeStart() const { return m_r0; }
    double rangeEnd() const { return m_r1; }
    /// Where the log part begins (rangeStart() without a zero slot).
    double logStart() const;

    /// Pixel of `v`. Values outside the domain extrapolate; values a log scale cannot show
    /// (negative; zero without a zero slot) give NaN so callers can skip them.
    double map(double v) const;
    /// Data value at pixel `p` (inverse of map).
    double invert(double p) const;
    /// Whether `v` lies in the domain (with a small tolerance).
    bool contains(double v) const;

private:
    Type m_type = Type::Linear;
    bool m_zeroSlot = false;
    double m_lo = 0.0, m_hi = 1.0;
    double m_r0 = 0.0, m_r1 = 1.0;
};

} // namespace gb::plots
