// SPDX-License-Identifier: MIT
#include "text.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QStringList>

#include <algorithm>
#include <cmath>

namespace gb::plots {

Measurer::Measurer(QPaintDevice *device)
    : image(1, 1, QImage::Format_ARGB32_Premultiplied)
{
    image.setDotsPerMeterX(int(std::lround(device->logicalDpiX() / 0.0254)));
    image.setDotsPerMeterY(int(std::lround(device->logicalDpiY() / 0.0254)));
    painter.begin(&image);
}

TextMetrics::TextMetrics(const QFont &font, QPaintDevice *device)
    : m_font(font)
    , m_device(device)
{
    const QFontMetricsF fm(m_font, m_device);
    m_ascent = fm.ascent();
    m_descent = fm.descent();
}

double TextMetrics::width(const QString &text) const
{
    return QFontMetricsF(m_font, m_device).horizontalAdvance(text);
}

double TextMetrics::maxWidth(const QStringList &texts) const
{
    const QFontMetricsF fm(m_font, m_device);
    double w = 0.0;
    for (const QString &t : texts)
        w = std::max(w, fm.horizontalAdvance(t));
    return w;
}

QString TextMetrics::elide(const QString &text, double width, Qt::TextElideMode mode) const
{
    return QFontMetricsF(m_font, m_device).elidedText(text, mode, std::max(0.0, width));
}

void drawText(QPainter *painter, const QPointF &anchor, const QString &text, Qt::Alignment align, double degrees)
{
    if (text.isEmpty())
        return;
    const QFontMetricsF fm(painter->font(), painter->device());
    const double w = fm.horizontalAdvance(text);
    double x = 0.0;
    if (align & Qt::AlignRight)
        x = -w;
    else if (align & Qt::AlignHCenter)
        x = -w / 2.0;
    // Baseline offset: the anchor is the top, bottom or vertical centre of ascent + descent.
    double y = 0.0;
    if (align & Qt::AlignTop)
        y = fm.ascent();
    else if (align & Qt::AlignBottom)
        y = -fm.descent();
    else if (align & Qt::AlignVCenter)
        y = (fm.ascent() - fm.descent()) / 2.0;
    else if (!(align & Qt::AlignBaseline))
        y = (fm.ascent() - fm.descent()) / 2.0;
    if (degrees == 0.0) {
        painter->drawText(QPointF(anchor.x() + x, anchor.y() + y), text);
        return;
    }
    painter->save();
    painter->translate(anchor);
    painter->rotate(degrees);
    painter->drawText(QPointF(x, y), text);
    painter->restore();
}

} // namespace gb::plots
