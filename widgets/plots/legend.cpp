// SPDX-License-Identifier: MIT
#include "legend.h"

#include "figure.h"
#include "text.h"

#include <QPainter>

#include <algorithm>

namespace gb::plots {

namespace {
constexpr double Pad = 3.0;         // points inside the frame
constexpr double SymbolWidth = 14.0; // points
constexpr double SymbolGap = 4.0;    // points between symbol and label
constexpr double RowGap = 1.0;       // points between rows
const char *const PositionNames[] = {"auto", "top-right", "top-left", "bottom-right", "bottom-left", "outside", "none"};
} // namespace

QString legendPositionName(LegendPosition p)
{
    return QString::fromLatin1(PositionNames[int(p)]);
}

LegendPosition legendPositionFromName(const QString &name)
{
    for (int i = 0; i < 7; ++i)
        if (name == QLatin1String(PositionNames[i]))
            return LegendPosition(i);
    return LegendPosition::Auto;
}

Legend::Legend(std::vector<LegendEntry> entries)
    : m_entries(std::move(entries))
{
}

QStringList Legend::rowLabels() const
{
    QStringList labels;
    const int n = int(m_entries.size());
    const int shown = n > MaxRows ? MaxRows - 1 : n;
    for (int i = 0; i < shown; ++i)
        labels << m_entries[std::size_t(i)].label;
    if (shown < n)
        labels << QStringLiteral("\u2026 and %1 more").arg(n - shown);
    return labels;
}

QSizeF Legend::size(QPainter *painter, const FigureStyle &style) const
{
    if (m_entries.empty())
        return {};
    const double pt = pointScale(painter);
    const TextMetrics tm(style.font(0.9), painter->device());
    const QStringList labels = rowLabels();
    const double w = 2 * Pad * pt + SymbolWidth * pt + SymbolGap * pt + tm.maxWidth(labels);
    const double h = 2 * Pad * pt + labels.size() * tm.height() + (labels.size() - 1) * RowGap * pt;
    return {w, h};
}

void Legend::paint(QPainter *painter, const FigureStyle &style, const QPointF &topLeft) const
{
    if (m_entries.empty())
        return;
    const double pt = pointScale(painter);
    const TextMetrics tm(style.font(0.9), painter->device());
    const QStringList labels = rowLabels();
    const int symbols = int(m_entries.size()) > MaxRows ? MaxRows - 1 : int(m_entries.size());
    painter->save();
    QColor frame = style.foreground;
    frame.setAlphaF(0.25);
    QColor fill = style.transparentBackground ? QColor(255, 255, 255) : style.background;
    fill.setAlphaF(0.85);
    painter->setPen(QPen(frame, 0.5 * pt));
    painter->setBrush(fill);
    painter->drawRect(QRectF(topLeft, size(painter, style)));
    painter->setFont(style.font(0.9));
    double y = topLeft.y() + Pad * pt;
    const double x0 = topLeft.x() + Pad * pt, x1 = x0 + SymbolWidth * pt;
    for (int i = 0; i < labels.size(); ++i, y += tm.height() + RowGap * pt) {
        const double mid = y + tm.height() / 2;
        if (i < symbols) {
            const LegendEntry &e = m_entries[std::size_t(i)];
            QColor c = e.color;
            c.setAlphaF(c.alphaF() * e.alpha);
            if (e.symbol == LegendEntry::Symbol::Patch) {
                painter->setPen(Qt::NoPen);
                painter->setBrush(c);
                painter->drawRect(QRectF(x0, mid - 0.3 * tm.height(), x1 - x0, 0.6 * tm.height()));
            }
            if (e.symbol == LegendEntry::Symbol::Line || e.symbol == LegendEntry::Symbol::LineMarker) {
                QPen pen(c, e.lineWidth * pt, e.dash);
                pen.setCapStyle(Qt::FlatCap);
                painter->setPen(pen);
                painter->drawLine(QPointF(x0, mid), QPointF(x1, mid));
            }
            if (e.symbol == LegendEntry::Symbol::Marker || e.symbol == LegendEntry::Symbol::LineMarker) {
                painter->setPen(Qt::NoPen);
                painter->setBrush(c);
                drawMarker(painter, QPointF(0.5 * (x0 + x1), mid), e.marker, 4.0, c);
            }
        }
        painter->setPen(style.foreground);
        drawText(painter, QPointF(x1 + SymbolGap * pt, mid), labels[i], Qt::AlignLeft | Qt::AlignVCenter);
    }
    painter->restore();
}

QRectF Legend::place(LegendPosition position, const QRectF &plot, const QSizeF &size, double margin,
                     const std::vector<QPointF> &points)
{
    const QRectF inner = plot.adjusted(margin, margin, -margin, -margin);
    const auto corner = [&](LegendPosition p) {
        const bool right = p == LegendPosition::TopRight || p == LegendPosition::BottomRight;
        const bool bottom = p == LegendPosition::BottomLeft || p == LegendPosition::BottomRight;
        return QRectF(QPointF(right ? inner.right() - size.width() : inner.left(),
                              bottom ? inner.bottom() - size.height() : inner.top()), size);
    };
    if (position != LegendPosition::Auto)
        return corner(position);
    LegendPosition best = LegendPosition::TopRight;
    long fewest = -1;
    for (LegendPosition p : {LegendPosition::TopRight, LegendPosition::TopLeft, LegendPosition::BottomRight,
                             LegendPosition::BottomLeft}) {
        const QRectF r = corner(p);
        const long covered = long(std::count_if(points.begin(), points.end(), [&](const QPointF &q) { return r.contains(q); }));
        if (fewest < 0 || covered < fewest) {
            fewest = covered;
            best = p;
        }
    }
    return corner(best);
}

} // namespace gb::plots
