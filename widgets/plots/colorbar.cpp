// SPDX-License-Identifier: MIT
#include "colorbar.h"

#include "axis.h"
#include "figure.h"

#include <QLinearGradient>
#include <QPainter>

namespace gb::plots {

namespace {
constexpr double Gap = 8.0;      // points between plot and bar
constexpr double BarWidth = 8.0; // points
constexpr int Stops = 64;        // gradient stops; the map is piecewise linear between 10-11 stops

Axis barAxis(const ColorScale &scale, const QString &title, AxisEdge edge = AxisEdge::Right)
{
    AxisSpec spec;
    spec.title = title;
    return Axis(edge, spec, Scale::linear(scale.lower(), scale.upper()));
}
} // namespace

ColorBar::ColorBar(const ColorMap &map, const ColorScale &scale, const QString &title)
    : m_map(map)
    , m_scale(scale)
    , m_title(title)
{
}

QRectF ColorBar::barRect(QPainter *painter, const QRectF &strip) const
{
    const double pt = pointScale(painter);
    return QRectF(strip.left() + Gap * pt, strip.top(), BarWidth * pt, strip.height());
}

double ColorBar::width(QPainter *painter, const FigureStyle &style, double height) const
{
    const QRectF bar = barRect(painter, QRectF(0, 0, 0, height));
    const AxisLayout layout = barAxis(m_scale, m_title).layout(painter, style, bar);
    return bar.right() + layout.margins.right();
}

void ColorBar::fillGradient(QPainter *painter, const QRectF &bar, Qt::Orientation orientation) const
{
    QLinearGradient g(bar.bottomLeft(), orientation == Qt::Vertical ? bar.topLeft() : bar.bottomRight());
    for (int i = 0; i <= Stops; ++i) {
        const double t = double(i) / Stops;
        g.setColorAt(t, m_map.color(t));
    }
    painter->save();
    painter->setPen(Qt::NoPen);
    painter->setBrush(g);
    painter->drawRect(bar);
    painter->restore();
}

void ColorBar::paint(QPainter *painter, const FigureStyle &style, const QRectF &strip) const
{
    const QRectF bar = barRect(painter, strip);
    fillGradient(painter, bar, Qt::Vertical);
    const Axis axis = barAxis(m_scale, m_title);
    axis.paint(painter, style, bar, axis.layout(painter, style, bar));
}

QRectF ColorBar::horizontalBarRect(QPainter *painter, const QRectF &strip) const
{
    const double pt = pointScale(painter);
    return QRectF(strip.left(), strip.top() + Gap * pt, strip.width(), BarWidth * pt);
}

double ColorBar::horizontalHeight(QPainter *painter, const FigureStyle &style, double width) const
{
    const QRectF bar = horizontalBarRect(painter, QRectF(0, 0, width, 0));
    const AxisLayout layout = barAxis(m_scale, m_title, AxisEdge::Bottom).layout(painter, style, bar);
    return bar.bottom() + layout.margins.bottom();
}

void ColorBar::paintHorizontal(QPainter *painter, const FigureStyle &style, const QRectF &strip) const
{
    const QRectF bar = horizontalBarRect(painter, strip);
    fillGradient(painter, bar, Qt::Horizontal);
    const Axis axis = barAxis(m_scale, m_title, AxisEdge::Bottom);
    axis.paint(painter, style, bar, axis.layout(painter, style, bar));
}

} // namespace gb::plots
