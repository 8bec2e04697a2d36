// SPDX-License-Identifier: MIT
#include "tokenstripview.h"

#include "plots/tokenstripfigure.h"

#include <QMouseEvent>
#include <QToolTip>

#include <cmath>

namespace gb {

TokenStripView::TokenStripView(QWidget *parent)
    : FigureView(parent)
{
    setMouseTracking(true);
    QSizePolicy policy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
}

void TokenStripView::setStrip(std::shared_ptr<plots::TokenStripFigure> strip)
{
    m_strip = std::move(strip);
    m_hovered = {-1, -1};
    setFigure(m_strip);
    if (m_strip)
        setMinimumHeight(heightForWidth(width()));
}

int TokenStripView::heightForWidth(int width) const
{
    if (!m_strip)
        return FigureView::sizeHint().height();
    return int(std::ceil(m_strip->heightFor(const_cast<TokenStripView *>(this), std::max(width, 120))));
}

QSize TokenStripView::sizeHint() const
{
    const QSize hint = FigureView::sizeHint();
    return m_strip ? QSize(hint.width(), heightForWidth(hint.width())) : hint;
}

std::pair<int, int> TokenStripView::tokenAt(const QPoint &pos)
{
    if (!m_strip)
        return {-1, -1};
    return m_strip->hitTest(this, QRectF(rect()), QPointF(pos));
}

QString TokenStripView::toolTipAt(const QPoint &pos)
{
    const auto [row, token] = tokenAt(pos);
    return token >= 0 ? m_strip->describe(row, token) : QString();
}

void TokenStripView::mouseMoveEvent(QMouseEvent *event)
{
    const QPoint pos = event->position().toPoint();
    const std::pair<int, int> hit = tokenAt(pos);
    if (hit != m_hovered) {
        m_hovered = hit;
        Q_EMIT tokenHovered(hit.first, hit.second);
    }
    if (hit.second >= 0)
        QToolTip::showText(event->globalPosition().toPoint(), m_strip->describe(hit.first, hit.second), this);
    else
        QToolTip::hideText();
    FigureView::mouseMoveEvent(event);
}

void TokenStripView::leaveEvent(QEvent *event)
{
    if (m_hovered.second >= 0) {
        m_hovered = {-1, -1};
        Q_EMIT tokenHovered(-1, -1);
    }
    FigureView::leaveEvent(event);
}

void TokenStripView::resizeEvent(QResizeEvent *event)
{
    // Wrapping depends on the width: the height follows it, so a scroll area can scroll.
    if (m_strip)
        setMinimumHeight(heightForWidth(width()));
    FigureView::resizeEvent(event);
}

} // namespace gb
