// SPDX-License-Identifier: MIT
#pragma once

#include <QFont>
#include <QImage>
#include <QPainter>
#include <QPointF>
#include <QSizeF>
#include <QString>
#include <QStringList>

class QPaintDevice;

namespace gb::plots {

/// Text measured on the device it will be drawn on (screen, SVG, PDF and PNG differ in DPI,
/// so metrics taken elsewhere misplace labels).
class TextMetrics {
public:
    TextMetrics(const QFont &font, QPaintDevice *device);

    double width(const QString &text) const;
    /// Ascent + descent: the height a line of this font occupies.
    double height() const { return m_ascent + m_descent; }
    double ascent() const { return m_ascent; }
    double descent() const { return m_descent; }
    /// Widest of `texts` (0 for none).
    double maxWidth(const QStringList &texts) const;
    /// `text` shortened with "…" in the middle or at the end to fit `width`.
    QString elide(const QString &text, double width, Qt::TextElideMode mode = Qt::ElideRight) const;

private:
    QFont m_font;
    QPaintDevice *m_device;
    double m_ascent = 0.0;
    double m_descent = 0.0;
};

/// Draws `text` so that the point of its box named by `align` (e.g. AlignRight | AlignVCenter)
/// lies on `anchor`, after rotating the text by `degrees` about that point (negative = counter-
/// clockwise, the usual rotated x-axis labels). Uses the painter's current font and pen; the
/// text stays text in SVG and PDF.
void drawText(QPainter *painter, const QPointF &anchor, const QString &text, Qt::Alignment align,
              double degrees = 0.0);

/// A painter on a 1-pixel image with `device`'s resolution, for layouts that take a painter but
/// are needed outside painting (hit tests, heights for a width).
struct Measurer {
    explicit Measurer(QPaintDevice *device);
    QImage image;
    QPainter painter;
};

} // namespace gb::plots
