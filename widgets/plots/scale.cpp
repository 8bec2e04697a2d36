// SPDX-License-Identifier: MIT
#include "scale.h"

#include <cmath>
#include <limits>

namespace gb::plots {

namespace {
constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
}

Scale Scale::linear(double lo, double hi)
{
    Scale s;
    s.m_lo = lo;
    s.m_hi = hi;
    return s;
}

Scale Scale::log(double lo, double hi, bool withZero)
{
    Scale s;
    s.m_type = Type::Log;
    s.m_zeroSlot = withZero;
    s.m_lo = lo > 0 ? lo : 1.0;
    s.m_hi = hi > s.m_lo ? hi : s.m_lo * 10.0;
    return s;
}

Scale &Scale::setRange(double r0, double r1)
{
    m_r0 = r0;
    m_r1 = r1;
    return *this;
}

double Scale::logStart() const
{
    return m_zeroSlot ? m_r0 + ZeroSlotFraction * (m_r1 - m_r0) : m_r0;
}

double Scale::map(double v) const
{
    if (std::isnan(v))
        return NaN;
    if (m_type == Type::Linear) {
        const double span = m_hi - m_lo;
        return span == 0.0 ? 0.5 * (m_r0 + m_r1) : m_r0 + (v - m_lo) / span * (m_r1 - m_r0);
    }
    if (v < 0 || (v == 0 && !m_zeroSlot))
        return NaN;
    const double start = logStart();
    if (m_zeroSlot && v < m_lo)
        return m_r0 + (v / m_lo) * (start - m_r0);
    const double t = (std::log10(v) - std::log10(m_lo)) / (std::log10(m_hi) - std::log10(m_lo));
    return start + t * (m_r1 - start);
}

double Scale::invert(double p) const
{
    if (m_r1 == m_r0)
        return m_lo;
    if (m_type == Type::Linear)
        return m_lo + (p - m_r0) / (m_r1 - m_r0) * (m_hi - m_lo);
    const double start = logStart();
    if (m_zeroSlot && (p - m_r0) / (m_r1 - m_r0) < ZeroSlotFraction)
        return std::fmax(0.0, (p - m_r0) / (start - m_r0) * m_lo);
    const double t = (p - start) / (m_r1 - start);
    return std::pow(10.0, std::log10(m_lo) + t * (std::log10(m_hi) - std::log10(m_lo)));
}

bool Scale::contains(double v) const
{
    const double lower = m_zeroSlot ? 0.0 : m_lo;
    const double tol = 1e-9 * std::fmax(std::fabs(m_hi), std::fabs(lower));
    return v >= lower - tol && v <= m_hi + tol;
}

} // namespace gb::plots
