// SPDX-License-Identifier: MIT
#pragma once

#include "axis.h"

#include <QRectF>
#include <QString>

#include <functional>

class QPainter;

namespace gb::plots {

struct FigureStyle;

/// The layout every axes-based figure shares: an optional title on top, the y axis on the left,
/// the x axis at the bottom and an optional strip right of the plot (colour bar, outside
/// legend). Margins are measured on the painter's device, so labels are never clipped.
///
/// Typical render():
///     fillBackground(p, style(), rect);
///     const PlotFrame frame(Axis(AxisEdge::Bottom, m_x, xs), Axis(AxisEdge::Left, m_y, ys), m_title);
///     const auto L = frame.layout(p, style(), rect);
///     frame.paintGrid(p, style(), L);
///     ... draw data with L.xs.map(x), L.ys.map(y), clipped to L.plot ...
///     frame.paintAxes(p, style(), L);
class PlotFrame {
public:
    struct Layout {
        QRectF plot;   ///< the data area
        QRectF strip;  ///< right of the plot (empty without a strip)
        AxisLayout x, y;
        Scale xs, ys;  ///< data -> device coordinates for this layout
    };
    /// Width of the right strip for a given plot height (e.g. ColorBar::width).
    using StripWidth = std::function<double(double plotHeight)>;

    PlotFrame(const Axis &x, const Axis &y, const QString &title = {});

    Layout layout(QPainter *painter, const FigureStyle &style, const QRectF &outer,
                  const StripWidth &stripWidth = {}) const;
    void paintGrid(QPainter *painter, const FigureStyle &style, const Layout &layout) const;
    /// Axes and title (call after the data so ticks sit on top).
    void paintAxes(QPainter *painter, const FigureStyle &style, const Layout &layout) const;

    const Axis &x() const { return m_x; }
    const Axis &y() const { return m_y; }

private:
    double titleHeight(QPainter *painter, const FigureStyle &style) const;

    Axis m_x;
    Axis m_y;
    QString m_title;
};

/// Fills `rect` with the style's background unless it is transparent.
void fillBackground(QPainter *painter, const FigureStyle &style, const QRectF &rect);

} // namespace gb::plots
