// SPDX-License-Identifier: MIT
#pragma once

#include <QColor>
#include <QPointF>
#include <QString>

class QPainter;

namespace gb::plots {

enum class MarkerShape { Circle, Square, Triangle, Diamond, Cross };

QString markerName(MarkerShape shape);
/// Inverse of markerName; unknown names give Circle.
MarkerShape markerFromName(const QString &name);

/// Draws a marker `sizePt` points across centred on `center` with the painter's current pen and
/// brush (set them once for many markers); Cross, which has no area, strokes in `color`.
void drawMarker(QPainter *painter, const QPointF &center, MarkerShape shape, double sizePt, const QColor &color);

} // namespace gb::plots
