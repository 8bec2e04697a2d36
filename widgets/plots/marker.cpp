// SPDX-License-Identifier: MIT
#include "marker.h"

#include "figure.h"

#include <QPainter>
#include <QPolygonF>

namespace gb::plots {

namespace {
const char *const Names[] = {"circle", "square", "triangle", "diamond", "cross"};
}

QString markerName(MarkerShape shape)
{
    return QString::fromLatin1(Names[int(shape)]);
}

MarkerShape markerFromName(const QString &name)
{
    for (int i = 0; i < 5; ++i)
        if (name == QLatin1String(Names[i]))
            return MarkerShape(i);
    return MarkerShape::Circle;
}

void drawMarker(QPainter *painter, const QPointF &c, MarkerShape shape, double sizePt, const QColor &color)
{
    const double r = 0.5 * sizePt * pointScale(painter);
    switch (shape) {
    case MarkerShape::Circle:
        painter->drawEllipse(c, r, r);
        break;
    case MarkerShape::Square:
        painter->drawRect(QRectF(c.x() - 0.9 * r, c.y() - 0.9 * r, 1.8 * r, 1.8 * r));
        break;
    case MarkerShape::Triangle:
        painter->drawPolygon(QPolygonF({QPointF(c.x(), c.y() - 1.1 * r), QPointF(c.x() + r, c.y() + 0.7 * r),
                                        QPointF(c.x() - r, c.y() + 0.7 * r)}));
        break;
    case MarkerShape::Diamond:
        painter->drawPolygon(QPolygonF({QPointF(c.x(), c.y() - 1.2 * r), QPointF(c.x() + r, c.y()),
                                        QPointF(c.x(), c.y() + 1.2 * r), QPointF(c.x() - r, c.y())}));
        break;
    case MarkerShape::Cross: {
        painter->save();
        painter->setPen(QPen(color, 0.3 * r + 0.5 * pointScale(painter)));
        painter->drawLine(QPointF(c.x() - r, c.y() - r), QPointF(c.x() + r, c.y() + r));
        painter->drawLine(QPointF(c.x() - r, c.y() + r), QPointF(c.x() + r, c.y() - r));
        painter->restore();
        break;
    }
    }
}

} // namespace gb::plots
