// SPDX-License-Identifier: MIT
#include "plotframe.h"

#include "figure.h"
#include "text.h"

#include <QPainter>

#include <algorithm>

namespace gb::plots {

namespace {
constexpr double OuterPad = 4.0;    // points around the whole figure
constexpr double TitleGap = 4.0;    // points between title and plot
constexpr double TitleScale = 1.1;
constexpr double MinPlot = 12.0;    // points: the plot never collapses below this
} // namespace

void fillBackground(QPainter *painter, const FigureStyle &style, const QRectF &rect)
{
    if (!style.transparentBackground)
        painter->fillRect(rect, style.background);
}

PlotFrame::PlotFrame(const Axis &x, const Axis &y, const QString &title)
    : m_x(x)
    , m_y(y)
    , m_title(title)
{
}

double PlotFrame::titleHeight(QPainter *painter, const FigureStyle &style) const
{
    if (m_title.isEmpty())
        return 0.0;
    return TextMetrics(style.font(TitleScale, true), painter->device()).height() + TitleGap * pointScale(painter);
}

PlotFrame::Layout PlotFrame::layout(QPainter *painter, const FigureStyle &style, const QRectF &outer,
                                    const StripWidth &stripWidth) const
{
    const double pt = pointScale(painter);
    const QRectF area = outer.adjusted(OuterPad * pt, OuterPad * pt, -OuterPad * pt, -OuterPad * pt);
    const double title = titleHeight(painter, style);
    Layout L;
    L.plot = area.adjusted(0, title, 0, 0);
    // Axis margins depend on tick labels, which depend on the plot size: a few rounds settle it.
    for (int round = 0; round < 3; ++round) {
        L.x = m_x.layout(painter, style, L.plot);
        L.y = m_y.layout(painter, style, L.plot);
        const double strip = stripWidth ? stripWidth(L.plot.height()) : 0.0;
        const double left = std::max(L.x.margins.left(), L.y.margins.left());
        const double top = std::max({title, L.x.margins.top(), L.y.margins.top()});
        const double right = std::max({L.x.margins.right(), L.y.margins.right(), strip});
        const double bottom = std::max(L.x.margins.bottom(), L.y.margins.bottom());
        L.plot = area.adjusted(left, top, -right, -bottom);
        if (L.plot.width() < MinPlot * pt)
            L.plot.setWidth(MinPlot * pt);
        if (L.plot.height() < MinPlot * pt)
            L.plot.setHeight(MinPlot * pt);
        L.strip = strip > 0 ? QRectF(L.plot.right(), L.plot.top(), strip, L.plot.height()) : QRectF();
    }
    L.xs = m_x.scale(L.plot);
    L.ys = m_y.scale(L.plot);
    return L;
}

void PlotFrame::paintGrid(QPainter *painter, const FigureStyle &style, const Layout &layout) const
{
    m_x.paintGrid(painter, style, layout.plot, layout.x);
    m_y.paintGrid(painter, style, layout.plot, layout.y);
}

void PlotFrame::paintAxes(QPainter *painter, const FigureStyle &style, const Layout &layout) const
{
    m_x.paint(painter, style, layout.plot, layout.x);
    m_y.paint(painter, style, layout.plot, layout.y);
    if (m_title.isEmpty())
        return;
    painter->save();
    painter->setFont(style.font(TitleScale, true));
    painter->setPen(style.foreground);
    const TextMetrics tm(painter->font(), painter->device());
    const double top = layout.plot.top() - titleHeight(painter, style);
    const QString text = tm.elide(m_title, layout.plot.width() + layout.strip.width());
    drawText(painter, QPointF(layout.plot.center().x(), top), text, Qt::AlignHCenter | Qt::AlignTop);
    painter->restore();
}

} // namespace gb::plots
