// SPDX-License-Identifier: MIT
#pragma once

#include "marker.h"

#include <QColor>
#include <QRectF>
#include <QString>

#include <vector>

class QPainter;

namespace gb::plots {

struct FigureStyle;

/// One legend row: a symbol drawn like the series it names, and its label.
struct LegendEntry {
    enum class Symbol { Line, Marker, LineMarker, Patch };
    QString label;
    QColor color;
    Symbol symbol = Symbol::Line;
    Qt::PenStyle dash = Qt::SolidLine;
    MarkerShape marker = MarkerShape::Circle;
    double lineWidth = 1.2; ///< points
    double alpha = 1.0;
};

enum class LegendPosition { Auto, TopRight, TopLeft, BottomRight, BottomLeft, Outside, None };
QString legendPositionName(LegendPosition p);
LegendPosition legendPositionFromName(const QString &name); ///< unknown names give Auto

/// A framed list of entries placed in a corner of the plot or in a strip right of it. At most
/// MaxRows rows are shown; the rest are summarised as "… and N more".
class Legend {
public:
    static constexpr int MaxRows = 16;

    explicit Legend(std::vector<LegendEntry> entries);

    bool isEmpty() const { return m_entries.empty(); }
    QSizeF size(QPainter *painter, const FigureStyle &style) const;
    void paint(QPainter *painter, const FigureStyle &style, const QPointF &topLeft) const;

    /// Where a legend of `size` goes for `position` inside `plot` (inset by a small margin).
    /// Auto picks the corner covering the fewest of `points` (device coordinates of the data).
    static QRectF place(LegendPosition position, const QRectF &plot, const QSizeF &size, double margin,
                        const std::vector<QPointF> &points = {});

private:
    QStringList rowLabels() const;

    std::vector<LegendEntry> m_entries;
};

} // namespace gb::plots
