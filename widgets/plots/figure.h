// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QColor>
#include <QFont>
#include <QList>
#include <QPair>
#include <QRectF>
#include <QSizeF>
#include <QPaintDevice>
#include <QPainter>
#include <QString>

namespace gb::plots {

/// Typography and background of a figure; the same figure renders for the screen and for a paper.
struct FigureStyle {
    QString fontFamily = QStringLiteral("DejaVu Sans");
    double fontPointSize = 8.0;
    bool transparentBackground = false;
    QColor background = QColor(0xFF, 0xFF, 0xFF);
    QColor foreground = QColor(0x22, 0x22, 0x22);
    QString sequentialMap = QStringLiteral("viridis");
    QString divergingMap = QStringLiteral("blue-red");

    /// The style's font scaled by `relative` (1 = body text).
    QFont font(double relative = 1.0, bool bold = false) const
    {
        QFont f(fontFamily);
        f.setPointSizeF(fontPointSize * relative);
        f.setBold(bold);
        return f;
    }
};

/// Device units per typographic point on the painter's device (1 for 72-dpi SVG, 4/3 on a
/// 96-dpi screen, dpi/72 for PNG and PDF). Pen widths, tick lengths and paddings are specified
/// in points and multiplied by this, so a figure looks the same on every device.
inline double pointScale(const QPainter *painter)
{
    const QPaintDevice *d = painter->device();
    return d ? d->logicalDpiY() / 72.0 : 1.0;
}

/// Where a figure came from; stamped into every exported file's metadata.
struct Provenance {
    QString title;
    QString method;                          ///< e.g. "integrated_gradients"
    QString parametersJson;                  ///< the run's parameters
    QList<QPair<QString, QString>> inputs;   ///< (path, sha256)
    qint64 runId = 0;                        ///< run id in the workspace, 0 if none
    QString workspace;                       ///< workspace file path
};

/// A plot that can paint itself anywhere: on screen (its widget calls render in paintEvent),
/// into SVG, PDF or PNG (FigureExporter), or headless (glassbox-cli render). A figure holds an
/// immutable, precomputed model; render() does no computation beyond layout.
///
/// Coordinates: render() receives a rectangle in the painter's logical units. Fonts use
/// `style().fontPointSize` through font(); text metrics must be taken with
/// QFontMetricsF(font, painter->device()) so that layout is right on every device.
class Figure {
public:
    virtual ~Figure() = default;

    /// Stable identifier of the figure type ("heatmap", "token_strip", "effect_plot", ...).
    virtual QString kind() const = 0;
    /// Paints the whole figure (axes, legend and colour bar included) into `rect`.
    virtual void render(QPainter *painter, const QRectF &rect) const = 0;
    /// Size in points (1/72 inch) the figure looks best at when no preset is chosen.
    virtual QSizeF naturalSize() const { return QSizeF(360, 240); }
    /// Height in points the figure needs when `widthPt` wide (size presets fix the width).
    /// The default keeps the natural aspect ratio; figures whose layout wraps with the width
    /// (token strips) override it. Evaluated with the export's style applied.
    virtual double heightForWidth(double widthPt) const
    {
        const QSizeF n = naturalSize();
        return widthPt * n.height() / n.width();
    }
    /// The exact data the figure plots, as CSV (with a header row) and as JSON. The JSON is
    /// the figure's whole model ("kind" included): FigureRegistry rebuilds the figure from it,
    /// which is how `glassbox-cli render` re-renders a stored run without recomputing.
    virtual QString dataCsv() const = 0;
    virtual QByteArray dataJson() const = 0;
    /// True when the figure paints a raster image (heatmaps). Export tests then accept an
    /// embedded image in PDF output; every other figure must stay pure vector.
    virtual bool embedsRaster() const { return false; }

    void setStyle(const FigureStyle &style) { m_style = style; }
    const FigureStyle &style() const { return m_style; }
    QFont font(double relative = 1.0, bool bold = false) const { return m_style.font(relative, bold); }

private:
    FigureStyle m_style;
};

} // namespace gb::plots
