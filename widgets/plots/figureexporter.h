// SPDX-License-Identifier: MIT
#pragma once

#include "figure.h"

#include <QByteArray>
#include <QImage>
#include <QSizeF>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>
#include <vector>

namespace gb::plots {

enum class ExportFormat { Svg, Pdf, Png };
QString formatName(ExportFormat f);                     ///< "svg", "pdf", "png"
std::optional<ExportFormat> formatFromName(const QString &name); ///< also accepts a file suffix

/// A named figure size. Width is fixed; the height follows the figure's natural aspect ratio
/// (slides are 16:9).
struct SizePreset {
    QString name;    ///< "natural", "single-column", "double-column", "slide", "custom"
    QString label;   ///< for menus
    double widthPt;  ///< 0 for natural/custom
    double fontPt;   ///< default font size for this preset
};
const std::vector<SizePreset> &sizePresets();

/// Everything that decides how an export looks, besides the figure itself.
struct ExportOptions {
    ExportFormat format = ExportFormat::Svg;
    QString preset = QStringLiteral("natural");
    QSizeF customSize;                  ///< points, for preset "custom"
    double dpi = 300.0;                 ///< PNG only
    QString fontFamily;                 ///< empty: keep the figure's
    double fontPointSize = 0.0;         ///< 0: the preset's (natural: the figure's)
    bool transparentBackground = false;
    QString sequentialMap;              ///< empty: keep the figure's
    QString divergingMap;
    bool writeData = false;             ///< also <base>.csv and <base>.json
    Provenance provenance;
};

/// Outcome of an export: errors are values (the exporter never shows dialogs).
struct ExportResult {
    bool ok = false;
    QString error;
    QStringList files; ///< every file written
};

/// Writes any Figure as SVG (QSvgGenerator: text stays <text>), PDF (QPdfWriter: vector, fonts
/// embedded, page = figure) or PNG (chosen dpi), with provenance in each file's metadata:
/// SVG <title>/<desc>/<metadata>, PDF Title/Creator and XMP, PNG text chunks. Files are written
/// atomically (QSaveFile): a failed export leaves no partial file behind.
///
/// Exports apply the options' style to the figure for the duration of the call and restore it,
/// so do not render the same figure concurrently from another thread.
class FigureExporter {
public:
    /// Size in points the options give this figure (preset width, height from
    /// Figure::heightForWidth with the options' style applied).
    static QSizeF sizeFor(Figure &figure, const ExportOptions &options);
    /// The figure's style with the options' font, background and colour maps applied.
    static FigureStyle styleFor(const Figure &figure, const ExportOptions &options);

    static ExportResult exportFigure(Figure &figure, const QString &path, const ExportOptions &options);
    /// Called after each figure of a batch with (done, total); returning false stops the batch.
    using BatchProgress = std::function<bool(int done, int total)>;
    /// Exports each (figure, base name) into `folder` (created if needed) with the options'
    /// format suffix; stops at the first error or when `progress` says so (the result lists what
    /// was written before; a stop is reported as the error "cancelled").
    static ExportResult exportBatch(const std::vector<std::pair<Figure *, QString>> &figures, const QString &folder,
                                    const ExportOptions &options, const BatchProgress &progress = {});

    static QByteArray toSvg(Figure &figure, const ExportOptions &options);
    static QByteArray toPdf(Figure &figure, const ExportOptions &options);
    static QImage toImage(Figure &figure, const ExportOptions &options);

    /// Provenance as JSON text (app version, figure kind, inputs with hashes, method,
    /// parameters, run id, workspace, time) and as one human-readable line.
    static QByteArray provenanceJson(const Figure &figure, const Provenance &p);
    static QString provenanceText(const Figure &figure, const Provenance &p);
};

} // namespace gb::plots
