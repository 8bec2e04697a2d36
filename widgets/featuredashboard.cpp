// SPDX-License-Identifier: MIT
#include "featuredashboard.h"

#include <QMouseEvent>
#include <QToolTip>

namespace gb {

FeatureDashboardView::FeatureDashboardView(QWidget *parent)
    : FigureView(parent)
{
    setMouseTracking(true);
}

void FeatureDashboardView::setDashboard(std::shared_ptr<plots::FeatureDashboardFigure> figure)
{
    m_dashboard = figure;
    setExportName(figure ? QStringLiteral("feature-%1").arg(figure->data().feature) : QStringLiteral("feature"));
    setFigure(std::move(figure));
}

void FeatureDashboardView::mouseMoveEvent(QMouseEvent *event)
{
    if (!m_dashboard)
        return;
    const auto box = m_dashboard->hitTest(this, QRectF(rect()), event->position());
    if (box)
        QToolTip::showText(event->globalPosition().toPoint(), m_dashboard->describe(*box), this);
    else
        QToolTip::hideText();
    setCursor(box && box->neighbour >= 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
}

void FeatureDashboardView::mousePressEvent(QMouseEvent *event)
{
    if (!m_dashboard || event->button() != Qt::LeftButton)
        return FigureView::mousePressEvent(event);
    if (const auto box = m_dashboard->hitTest(this, QRectF(rect()), event->position()); box && box->neighbour >= 0)
        Q_EMIT featureClicked(box->neighbour);
}

} // namespace gb
