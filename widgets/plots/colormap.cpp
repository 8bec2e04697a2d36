// SPDX-License-Identifier: MIT
#include "colormap.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace gb::plots {

ColorMap::ColorMap(QString name, bool diverging, std::initializer_list<QRgb> stops)
    : m_name(std::move(name))
    , m_diverging(diverging)
{
    const std::vector<QRgb> s(stops);
    const int n = int(s.size());
    for (int i = 0; i < 257; ++i) {
        const double x = double(i) / 256.0 * (n - 1);
        const int k = std::min(int(x), n - 2);
        const double f = x - k;
        const auto mix = [f](int a, int b) { return int(std::lround(a + (b - a) * f)); };
        m_table[std::size_t(i)] = qRgb(mix(qRed(s[k]), qRed(s[k + 1])), mix(qGreen(s[k]), qGreen(s[k + 1])),
                                       mix(qBlue(s[k]), qBlue(s[k + 1])));
    }
}

// Stops: viridisLite's 10-colour samples of each map; ColorBrewer's 11-class diverging schemes.
ColorMap ColorMap::viridis()
{
    return ColorMap(QStringLiteral("viridis"), false,
                    {0x440154, 0x482878, 0x3E4A89, 0x31688E, 0x26828E, 0x1F9E89, 0x35B779, 0x6DCD59, 0xB4DE2C, 0xFDE725});
}

ColorMap ColorMap::cividis()
{
    return ColorMap(QStringLiteral("cividis"), false,
                    {0x00204D, 0x00336F, 0x39486B, 0x575C6D, 0x707173, 0x8A8779, 0xA69D75, 0xC4B56C, 0xE4CF5B, 0xFFEA46});
}

ColorMap ColorMap::blueRed()
{
    return ColorMap(QStringLiteral("blue-red"), true,
                    {0x053061, 0x2166AC, 0x4393C3, 0x92C5DE, 0xD1E5F0, 0xF7F7F7, 0xFDDBC7, 0xF4A582, 0xD6604D, 0xB2182B, 0x67001F});
}

ColorMap ColorMap::orangePurple()
{
    return ColorMap(QStringLiteral("orange-purple"), true,
                    {0x7F3B08, 0xB35806, 0xE08214, 0xFDB863, 0xFEE0B6, 0xF7F7F7, 0xD8DAEB, 0xB2ABD2, 0x8073AC, 0x542788, 0x2D004B});
}

ColorMap ColorMap::positiveHalf() const
{
    if (!m_diverging)
        return *this;
    ColorMap half;
    half.m_name = m_name + QStringLiteral(" (positive half)");
    for (std::size_t i = 0; i < half.m_table.size(); ++i) // entry i of 257 <- entry 128 + i/2
        half.m_table[i] = m_table[std::min<std::size_t>(128 + (i + 1) / 2, m_table.size() - 1)];
    return half;
}

ColorMap ColorMap::byName(const QString &name)
{
    if (name == QLatin1String("cividis"))
        return cividis();
    if (name == QLatin1String("blue-red"))
        return blueRed();
    if (name == QLatin1String("orange-purple"))
        return orangePurple();
    return viridis();
}

QStringList ColorMap::sequentialNames()
{
    return {QStringLiteral("viridis"), QStringLiteral("cividis")};
}

QStringList ColorMap::divergingNames()
{
    return {QStringLiteral("blue-red"), QStringLiteral("orange-purple")};
}

QRgb ColorMap::rgb(double t) const
{
    if (std::isnan(t))
        return qRgb(0xCC, 0xCC, 0xCC);
    const int i = int(std::lround(std::clamp(t, 0.0, 1.0) * 256.0));
    return m_table[std::size_t(i)];
}

QColor categoricalColor(int i)
{
    // Okabe & Ito (2008), "Color Universal Design"; yellow last, it is faint on white.
    static const QRgb palette[] = {0x0072B2, 0xD55E00, 0x009E73, 0xCC79A7, 0xE69F00, 0x56B4E9, 0x000000, 0xF0E442};
    return QColor::fromRgb(palette[((i % 8) + 8) % 8]);
}

ColorScale ColorScale::fit(double minValue, double maxValue, bool symmetric)
{
    return ColorScale{minValue, maxValue, symmetric};
}

double ColorScale::lower() const
{
    return symmetric ? -std::max(std::fabs(lo), std::fabs(hi)) : lo;
}

double ColorScale::upper() const
{
    return symmetric ? std::max(std::fabs(lo), std::fabs(hi)) : hi;
}

double ColorScale::normalize(double v) const
{
    if (std::isnan(v))
        return v;
    const double a = lower(), b = upper();
    if (!(b > a))
        return 0.5;
    return std::clamp((v - a) / (b - a), 0.0, 1.0);
}

} // namespace gb::plots
