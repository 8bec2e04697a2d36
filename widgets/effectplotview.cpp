// SPDX-License-Identifier: MIT
#include "effectplotview.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace gb {

namespace {

constexpr double PickRadiusPx = 5.0;

double distanceToSegment(const QPointF &p, const QPointF &a, const QPointF &b)
{
    const QPointF ab = b - a;
    const double len2 = QPointF::dotProduct(ab, ab);
    const double t = len2 > 0 ? std::clamp(QPointF::dotProduct(p - a, ab) / len2, 0.0, 1.0) : 0.0;
    const QPointF d = p - (a + t * ab);
    return std::hypot(d.x(), d.y());
}

} // namespace

EffectPlotView::EffectPlotView(QWidget *parent)
    : FigureView(parent)
{
    setMouseTracking(true);
}

void EffectPlotView::setCurves(plots::EffectCurves curves)
{
    m_curves = std::move(curves);
    m_layout.reset();
    setFigure(plots::makeEffectFigure(m_curves));
}

void EffectPlotView::setHoveredCurve(int curve)
{
    if (curve == m_curves.highlighted)
        return;
    m_curves.highlighted = curve;
    setFigure(plots::makeEffectFigure(m_curves));
    Q_EMIT curveHovered(curve);
}

void EffectPlotView::paintEvent(QPaintEvent *event)
{
    FigureView::paintEvent(event);
    if (const auto *xy = dynamic_cast<const plots::XYFigure *>(figure().get())) {
        QPainter p(this);
        m_layout = xy->plotLayout(&p, QRectF(rect()));
    }
}

int EffectPlotView::curveAt(const QPointF &pos) const
{
    if (!m_layout || !m_layout->plot.adjusted(-PickRadiusPx, -PickRadiusPx, PickRadiusPx, PickRadiusPx).contains(pos)
        || m_curves.grid.size() < 2)
        return -1;
    const auto &L = *m_layout;
    std::vector<double> px;
    for (double g : m_curves.grid)
        px.push_back(L.xs.map(g));
    // Only the segments around the pointer's x can be within reach.
    const std::size_t n = px.size();
    const std::size_t seg = std::size_t(std::clamp<std::ptrdiff_t>(std::lower_bound(px.begin(), px.end(), pos.x()) - px.begin(), 1,
                                                                   std::ptrdiff_t(n) - 1)) - 1;
    const std::size_t from = seg > 0 ? seg - 1 : 0, to = std::min(seg + 1, n - 2);
    int best = -1;
    double bestDistance = PickRadiusPx;
    for (std::size_t k = 0; k < m_curves.ice.size(); ++k) {
        const auto &y = m_curves.ice[k];
        for (std::size_t i = from; i <= to; ++i) {
            const double d = distanceToSegment(pos, QPointF(px[i], L.ys.map(y[i])), QPointF(px[i + 1], L.ys.map(y[i + 1])));
            if (d < bestDistance) {
                bestDistance = d;
                best = int(k);
            }
        }
    }
    return best;
}

std::optional<QPointF> EffectPlotView::curvePoint(int curve, int index) const
{
    if (!m_layout || curve < 0 || std::size_t(curve) >= m_curves.ice.size() || index < 0
        || std::size_t(index) >= m_curves.grid.size())
        return std::nullopt;
    return QPointF(m_layout->xs.map(m_curves.grid[std::size_t(index)]),
                   m_layout->ys.map(m_curves.ice[std::size_t(curve)][std::size_t(index)]));
}

void EffectPlotView::mouseMoveEvent(QMouseEvent *event)
{
    setHoveredCurve(curveAt(event->position()));
    FigureView::mouseMoveEvent(event);
}

void EffectPlotView::leaveEvent(QEvent *event)
{
    setHoveredCurve(-1);
    FigureView::leaveEvent(event);
}

} // namespace gb
