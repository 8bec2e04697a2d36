// SPDX-License-Identifier: MIT
#pragma once

#include "axis.h"
#include "figure.h"
#include "legend.h"
#include "marker.h"
#include "plotframe.h"

#include <memory>
#include <vector>

namespace gb {
class Json;
}

namespace gb::plots {

/// One curve or point cloud. An invalid colour means "next palette colour".
struct XYSeries {
    enum class Style { Line, Scatter, LineMarkers };
    QString name;
    std::vector<double> x, y;   ///< NaN in y breaks a line
    QColor color;
    Style style = Style::Line;
    double width = 1.2;         ///< line width in points
    double alpha = 1.0;         ///< 0.1-0.3 for hundreds of ICE lines
    Qt::PenStyle dash = Qt::SolidLine;
    MarkerShape marker = MarkerShape::Circle;
    double markerSize = 3.5;    ///< points
    bool inLegend = true;
};

/// A shaded band between lo(x) and hi(x): confidence or bootstrap intervals.
struct XYBand {
    QString name;
    std::vector<double> x, lo, hi;
    QColor color;
    double alpha = 0.25;
    bool inLegend = true;
};

/// A horizontal (y = value) or vertical (x = value) reference line, e.g. y = 0 on centred ICE.
struct RefLine {
    Qt::Orientation orientation = Qt::Horizontal;
    double value = 0.0;
    QColor color = QColor(0x66, 0x66, 0x66);
    Qt::PenStyle dash = Qt::DashLine;
    QString label;
};

/// Lines, scatter points, bands, reference lines and a rug on x/y axes (linear, log with a
/// zero slot, integer or categorical). The general-purpose plot: PDP / ICE / ALE curves,
/// training curves, decoder-norm evolution, feature density.
class XYFigure : public Figure {
public:
    static constexpr const char *Kind = "xy";

    QString kind() const override { return QString::fromLatin1(Kind); }
    void render(QPainter *painter, const QRectF &rect) const override;
    QSizeF naturalSize() const override { return QSizeF(360, 240); }
    QString dataCsv() const override;
    QByteArray dataJson() const override;

    static std::unique_ptr<Figure> fromJson(const Json &json);
    /// A small, realistic instance (for tests, docs and the export dialog's preview).
    static std::unique_ptr<Figure> example();

    void setTitle(const QString &title) { m_title = title; }
    AxisSpec &xAxis() { return m_x; }
    AxisSpec &yAxis() { return m_y; }
    void addSeries(XYSeries series) { m_series.push_back(std::move(series)); }
    void addBand(XYBand band) { m_bands.push_back(std::move(band)); }
    void addRefLine(RefLine line) { m_lines.push_back(std::move(line)); }
    /// Marks along the x axis at data positions (the distribution under a PDP).
    void setRug(std::vector<double> x) { m_rug = std::move(x); }
    void setLegend(LegendPosition position) { m_legend = position; }

    const std::vector<XYSeries> &series() const { return m_series; }
    const std::vector<XYBand> &bands() const { return m_bands; }

    /// Where render() puts the data area and its scales for `rect` on this painter's device:
    /// views use it to map mouse positions to data (hover, picking).
    PlotFrame::Layout plotLayout(QPainter *painter, const QRectF &rect) const;

private:
    struct Ranges;
    Ranges ranges() const;
    PlotFrame frame() const;
    QColor seriesColor(std::size_t i) const;
    std::vector<LegendEntry> legendEntries() const;

    QString m_title;
    AxisSpec m_x, m_y;
    std::vector<XYSeries> m_series;
    std::vector<XYBand> m_bands;
    std::vector<RefLine> m_lines;
    std::vector<double> m_rug;
    LegendPosition m_legend = LegendPosition::Auto;
};

} // namespace gb::plots
