// SPDX-License-Identifier: MIT
#pragma once

#include "colormap.h"

#include <QRectF>
#include <QString>

class QPainter;

namespace gb::plots {

struct FigureStyle;

/// A vertical colour bar with its own tick labels and title, painted right of a plot. The bar
/// is a vector gradient (it stays sharp in SVG/PDF). With a symmetric (diverging) scale, zero is
/// the bar's middle and always a tick.
class ColorBar {
public:
    ColorBar(const ColorMap &map, const ColorScale &scale, const QString &title);

    /// Width (device units) of the strip it needs right of the plot: gap, bar, ticks, labels, title.
    double width(QPainter *painter, const FigureStyle &style, double height) const;
    /// Paints into `strip` (as wide as width()); the bar spans the strip's height.
    void paint(QPainter *painter, const FigureStyle &style, const QRectF &strip) const;

    /// The same bar lying under a plot (text highlights, wide figures): height (device units)
    /// of the strip it needs for a given bar width: gap, bar, ticks, labels, title.
    double horizontalHeight(QPainter *painter, const FigureStyle &style, double width) const;
    /// Paints a horizontal bar spanning `strip`'s width (strip as tall as horizontalHeight()).
    void paintHorizontal(QPainter *painter, const FigureStyle &style, const QRectF &strip) const;

private:
    QRectF barRect(QPainter *painter, const QRectF &strip) const;
    QRectF horizontalBarRect(QPainter *painter, const QRectF &strip) const;
    void fillGradient(QPainter *painter, const QRectF &bar, Qt::Orientation orientation) const;

    ColorMap m_map;
    ColorScale m_scale;
    QString m_title;
};

} // namespace gb::plots
