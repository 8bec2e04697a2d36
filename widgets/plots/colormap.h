// SPDX-License-Identifier: MIT
#pragma once

#include <QColor>
#include <QStringList>

#include <array>

namespace gb::plots {

/// A colour map sampled into a 257-entry table (odd, so a diverging map's middle entry is exactly
/// its neutral colour). Sequential maps (viridis, cividis) take t in
/// [0, 1]; diverging maps (centred at 0.5) are used with a symmetric value range so that zero is
/// the neutral middle colour. All maps offered are colour-vision-deficiency safe.
class ColorMap {
public:
    static ColorMap byName(const QString &name); ///< unknown names give viridis
    static ColorMap viridis();
    static ColorMap cividis();
    static ColorMap blueRed();      ///< diverging, ColorBrewer RdBu reversed (negative = blue)
    static ColorMap orangePurple(); ///< diverging, ColorBrewer PuOr
    static QStringList sequentialNames();
    static QStringList divergingNames();

    /// The positive half of a diverging map (its neutral middle to its positive end) as a
    /// sequential map, for values that cannot be negative (feature activations): zero keeps
    /// the neutral colour. A sequential map is returned unchanged.
    ColorMap positiveHalf() const;

    QString name() const { return m_name; }
    bool isDiverging() const { return m_diverging; }
    /// Colour at t (clamped to [0, 1]); NaN gives the "no data" colour.
    QRgb rgb(double t) const;
    QColor color(double t) const { return QColor::fromRgb(rgb(t)); }

private:
    ColorMap(QString name, bool diverging, std::initializer_list<QRgb> stops);
    ColorMap() = default;

    QString m_name;
    bool m_diverging = false;
    std::array<QRgb, 257> m_table{};
};

/// Colour `i` of the Okabe-Ito qualitative palette (distinguishable with colour-vision
/// deficiencies), cycling after 8: the default colours of series.
QColor categoricalColor(int i);

/// Maps data values to [0, 1] for a colour map: linear between lo and hi; with `symmetric`,
/// the range is [-m, m] where m = max(|lo|, |hi|), so zero sits at the centre.
struct ColorScale {
    double lo = 0.0;
    double hi = 1.0;
    bool symmetric = false;

    static ColorScale fit(double minValue, double maxValue, bool symmetric);
    double lower() const;
    double upper() const;
    /// (v - lower) / (upper - lower), clamped; 0.5 when the range is empty.
    double normalize(double v) const;
};

} // namespace gb::plots
