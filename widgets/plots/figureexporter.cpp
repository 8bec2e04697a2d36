// SPDX-License-Identifier: MIT
#include "figureexporter.h"

#include "figuredata.h"

#include "common/error.h"
#include "common/version.h"
#include "io/json.h"

#include <QBuffer>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QXmlStreamWriter>

#include <cmath>
#include <functional>

namespace gb::plots {

namespace {

// SVG user units per point: 10 keeps text metrics unhinted and positions precise (at 72 dpi,
// an 8 pt font is measured as an 8 px font with whole-pixel advances).
constexpr int SvgDpi = 720;
constexpr int PdfDpi = 1200;

QString generator()
{
    return QStringLiteral("Glassbox %1").arg(QString::fromLatin1(appVersion()));
}

// Applies a style for the lifetime of the guard.
class StyleGuard {
public:
    StyleGuard(Figure &f, const FigureStyle &s)
        : m_figure(f)
        , m_saved(f.style())
    {
        f.setStyle(s);
    }
    ~StyleGuard() { m_figure.setStyle(m_saved); }
    StyleGuard(const StyleGuard &) = delete;
    StyleGuard &operator=(const StyleGuard &) = delete;

private:
    Figure &m_figure;
    FigureStyle m_saved;
};

QString number(double v)
{
    return QString::fromStdString(formatNumber(std::round(v * 1000.0) / 1000.0));
}

// QSvgGenerator writes the size in whole millimetres of an integer pixel size; papers want
// the exact size, so the root element gets it in points.
QByteArray withExactSize(QByteArray svg, const QSizeF &pt)
{
    const int end = svg.indexOf('>', svg.indexOf("<svg"));
    QString head = QString::fromUtf8(svg.left(end));
    head.replace(QRegularExpression(QStringLiteral(" width=\"[^\"]*\"")), QStringLiteral(" width=\"%1pt\"").arg(number(pt.width())));
    head.replace(QRegularExpression(QStringLiteral(" height=\"[^\"]*\"")), QStringLiteral(" height=\"%1pt\"").arg(number(pt.height())));
    return head.toUtf8() + svg.mid(end);
}

QByteArray withMetadata(QByteArray svg, const QByteArray &provenance)
{
    QByteArray block;
    QXmlStreamWriter w(&block);
    w.writeStartElement(QStringLiteral("metadata"));
    w.writeAttribute(QStringLiteral("id"), QStringLiteral("glassbox-provenance"));
    w.writeNamespace(QStringLiteral("urn:glassbox:provenance:1"), QStringLiteral("gb"));
    w.writeTextElement(QStringLiteral("urn:glassbox:provenance:1"), QStringLiteral("provenance"), QString::fromUtf8(provenance));
    w.writeEndElement();
    const QByteArray anchor = "</desc>";
    const int at = svg.indexOf(anchor);
    if (at < 0)
        throw Error::internal("SVG generator wrote no <desc> element");
    return svg.insert(at + anchor.size(), "\n" + block);
}

QByteArray xmp(const Figure &figure, const Provenance &p)
{
    const QString rdf = QStringLiteral("http://www.w3.org/1999/02/22-rdf-syntax-ns#");
    const QString dc = QStringLiteral("http://purl.org/dc/elements/1.1/");
    QByteArray out;
    QXmlStreamWriter w(&out);
    w.writeProcessingInstruction(QStringLiteral("xpacket"),
                                 QStringLiteral("begin=\"%1\" id=\"W5M0MpCehiHzreSzNTczkc9d\"").arg(QChar(0xFEFF)));
    w.writeNamespace(QStringLiteral("adobe:ns:meta/"), QStringLiteral("x"));
    w.writeNamespace(rdf, QStringLiteral("rdf"));
    w.writeNamespace(dc, QStringLiteral("dc"));
    w.writeNamespace(QStringLiteral("http://ns.adobe.com/xap/1.0/"), QStringLiteral("xmp"));
    w.writeNamespace(QStringLiteral("http://ns.adobe.com/pdf/1.3/"), QStringLiteral("pdf"));
    w.writeNamespace(QStringLiteral("urn:glassbox:provenance:1"), QStringLiteral("gb"));
    w.writeStartElement(QStringLiteral("adobe:ns:meta/"), QStringLiteral("xmpmeta"));
    w.writeStartElement(rdf, QStringLiteral("RDF"));
    w.writeStartElement(rdf, QStringLiteral("Description"));
    w.writeAttribute(rdf, QStringLiteral("about"), QString());
    const auto alt = [&](const QString &name, const QString &text) {
        w.writeStartElement(dc, name);
        w.writeStartElement(rdf, QStringLiteral("Alt"));
        w.writeStartElement(rdf, QStringLiteral("li"));
        w.writeAttribute(QStringLiteral("xml:lang"), QStringLiteral("x-default"));
        w.writeCharacters(text);
        w.writeEndElement();
        w.writeEndElement();
        w.writeEndElement();
    };
    alt(QStringLiteral("title"), p.title.isEmpty() ? figure.kind() : p.title);
    alt(QStringLiteral("description"), FigureExporter::provenanceText(figure, p));
    w.writeTextElement(QStringLiteral("http://ns.adobe.com/xap/1.0/"), QStringLiteral("CreatorTool"), generator());
    QStringList keywords{QStringLiteral("Glassbox"), figure.kind()};
    if (!p.method.isEmpty())
        keywords << p.method;
    w.writeTextElement(QStringLiteral("http://ns.adobe.com/pdf/1.3/"), QStringLiteral("Keywords"), keywords.join(QStringLiteral(", ")));
    w.writeTextElement(QStringLiteral("urn:glassbox:provenance:1"), QStringLiteral("provenance"),
                       QString::fromUtf8(FigureExporter::provenanceJson(figure, p)));
    w.writeEndElement();
    w.writeEndElement();
    w.writeEndElement();
    w.writeProcessingInstruction(QStringLiteral("xpacket"), QStringLiteral("end=\"w\""));
    return out;
}

// Writes bytes atomically; returns an error message or "".
QString writeAtomically(const QString &path, const std::function<bool(QIODevice &)> &write)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return QStringLiteral("%1: cannot write (%2)").arg(path, f.errorString());
    if (!write(f)) {
        f.cancelWriting();
        return QStringLiteral("%1: write failed (%2)").arg(path, f.errorString());
    }
    if (!f.commit())
        return QStringLiteral("%1: write failed (%2)").arg(path, f.errorString());
    return {};
}

QString writeBytes(const QString &path, const QByteArray &bytes)
{
    return writeAtomically(path, [&](QIODevice &d) { return d.write(bytes) == bytes.size(); });
}

} // namespace

QString formatName(ExportFormat f)
{
    switch (f) {
    case ExportFormat::Svg: return QStringLiteral("svg");
    case ExportFormat::Pdf: return QStringLiteral("pdf");
    case ExportFormat::Png: return QStringLiteral("png");
    }
    return {};
}

std::optional<ExportFormat> formatFromName(const QString &name)
{
    const QString n = name.toLower();
    for (ExportFormat f : {ExportFormat::Svg, ExportFormat::Pdf, ExportFormat::Png})
        if (n == formatName(f) || n == QLatin1Char('.') + formatName(f))
            return f;
    return std::nullopt;
}

const std::vector<SizePreset> &sizePresets()
{
    static const std::vector<SizePreset> presets = {
        {QStringLiteral("natural"), QStringLiteral("Natural size"), 0.0, 0.0},
        {QStringLiteral("single-column"), QStringLiteral("Single column (3.5 in)"), 252.0, 8.0},
        {QStringLiteral("double-column"), QStringLiteral("Double column (7 in)"), 504.0, 9.0},
        {QStringLiteral("slide"), QStringLiteral("Slide 16:9 (10 × 5.625 in)"), 720.0, 14.0},
        {QStringLiteral("custom"), QStringLiteral("Custom"), 0.0, 0.0},
    };
    return presets;
}

QSizeF FigureExporter::sizeFor(Figure &figure, const ExportOptions &options)
{
    if (options.preset == QLatin1String("custom") && options.customSize.isValid() && !options.customSize.isEmpty())
        return options.customSize;
    if (options.preset == QLatin1String("slide"))
        return {720.0, 405.0};
    const StyleGuard guard(figure, styleFor(figure, options)); // wrapping depends on the font
    for (const SizePreset &p : sizePresets())
        if (p.name == options.preset && p.widthPt > 0)
            return {p.widthPt, std::min(figure.heightForWidth(p.widthPt), 9.0 * 72.0)}; // a page at most
    return figure.naturalSize();
}

FigureStyle FigureExporter::styleFor(const Figure &figure, const ExportOptions &options)
{
    FigureStyle s = figure.style();
    if (!options.fontFamily.isEmpty())
        s.fontFamily = options.fontFamily;
    double size = options.fontPointSize;
    for (const SizePreset &p : sizePresets())
        if (size <= 0 && p.name == options.preset && p.fontPt > 0)
            size = p.fontPt;
    if (size > 0)
        s.fontPointSize = size;
    s.transparentBackground = options.transparentBackground;
    if (!options.sequentialMap.isEmpty())
        s.sequentialMap = options.sequentialMap;
    if (!options.divergingMap.isEmpty())
        s.divergingMap = options.divergingMap;
    return s;
}

QByteArray FigureExporter::toSvg(Figure &figure, const ExportOptions &options)
{
    const StyleGuard guard(figure, styleFor(figure, options));
    const QSizeF pt = sizeFor(figure, options);
    const QSizeF px = pt * (SvgDpi / 72.0);
    QByteArray bytes;
    {
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        QSvgGenerator gen;
        gen.setOutputDevice(&buffer);
        gen.setResolution(SvgDpi);
        gen.setSize(px.toSize());
        gen.setViewBox(QRectF(QPointF(0, 0), px));
        gen.setTitle(options.provenance.title.isEmpty() ? figure.kind() : options.provenance.title);
        gen.setDescription(provenanceText(figure, options.provenance));
        QPainter p(&gen);
        figure.render(&p, QRectF(QPointF(0, 0), px));
    }
    return withMetadata(withExactSize(bytes, pt), provenanceJson(figure, options.provenance));
}

QByteArray FigureExporter::toPdf(Figure &figure, const ExportOptions &options)
{
    const StyleGuard guard(figure, styleFor(figure, options));
    const QSizeF pt = sizeFor(figure, options);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QPdfWriter writer(&buffer);
    writer.setResolution(PdfDpi);
    writer.setPageSize(QPageSize(pt, QPageSize::Point, QString(), QPageSize::ExactMatch));
    writer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout::Point);
    writer.setTitle(options.provenance.title.isEmpty() ? figure.kind() : options.provenance.title);
    writer.setCreator(generator());
    writer.setDocumentXmpMetadata(xmp(figure, options.provenance));
    QPainter p;
    if (!p.begin(&writer))
        throw Error::internal("PDF writer did not start");
    figure.render(&p, QRectF(QPointF(0, 0), pt * (PdfDpi / 72.0)));
    p.end();
    return bytes;
}

QImage FigureExporter::toImage(Figure &figure, const ExportOptions &options)
{
    const FigureStyle style = styleFor(figure, options);
    const StyleGuard guard(figure, style);
    const QSizeF pt = sizeFor(figure, options);
    const double dpi = options.dpi > 0 ? options.dpi : 300.0;
    const QSize px(int(std::lround(pt.width() * dpi / 72.0)), int(std::lround(pt.height() * dpi / 72.0)));
    if (px.width() < 1 || px.height() < 1 || double(px.width()) * px.height() > 400e6)
        throw Error::badInput("image of " + std::to_string(px.width()) + " x " + std::to_string(px.height())
                              + " pixels is out of range; lower the DPI or the size");
    QImage img(px, QImage::Format_ARGB32_Premultiplied);
    if (img.isNull())
        throw Error::badInput("not enough memory for a " + std::to_string(px.width()) + " x " + std::to_string(px.height()) + " image");
    img.fill(style.transparentBackground ? QColor(Qt::transparent) : style.background);
    img.setDotsPerMeterX(int(std::lround(dpi / 0.0254)));
    img.setDotsPerMeterY(int(std::lround(dpi / 0.0254)));
    {
        QPainter p(&img);
        figure.render(&p, QRectF(QPointF(0, 0), QSizeF(px)));
    }
    img.setText(QStringLiteral("Title"), options.provenance.title.isEmpty() ? figure.kind() : options.provenance.title);
    img.setText(QStringLiteral("Description"), provenanceText(figure, options.provenance));
    img.setText(QStringLiteral("Software"), generator());
    img.setText(QStringLiteral("glassbox-provenance"), QString::fromUtf8(provenanceJson(figure, options.provenance)));
    return img;
}

ExportResult FigureExporter::exportFigure(Figure &figure, const QString &path, const ExportOptions &options)
{
    ExportResult result;
    try {
        QString error;
        switch (options.format) {
        case ExportFormat::Svg: error = writeBytes(path, toSvg(figure, options)); break;
        case ExportFormat::Pdf: error = writeBytes(path, toPdf(figure, options)); break;
        case ExportFormat::Png: {
            const QImage img = toImage(figure, options);
            error = writeAtomically(path, [&](QIODevice &d) { return img.save(&d, "PNG"); });
            break;
        }
        }
        if (!error.isEmpty()) {
            result.error = error;
            return result;
        }
        result.files << path;
        if (options.writeData) {
            const QFileInfo info(path);
            const QString base = info.dir().filePath(info.completeBaseName());
            Json data = Json::parse(figure.dataJson().toStdString(), "figure data");
            data.set("provenance", Json::parse(provenanceJson(figure, options.provenance).toStdString(), "provenance"));
            const std::pair<QString, QByteArray> files[] = {
                {base + QStringLiteral(".csv"), figure.dataCsv().toUtf8()},
                {base + QStringLiteral(".json"), QByteArray::fromStdString(data.dump())}};
            for (const auto &[file, bytes] : files) {
                error = writeBytes(file, bytes);
                if (!error.isEmpty()) {
                    result.error = error;
                    return result;
                }
                result.files << file;
            }
        }
        result.ok = true;
    } catch (const Error &e) {
        result.error = QStringLiteral("%1: %2").arg(path, QString::fromUtf8(e.what()));
    } catch (const std::bad_alloc &) {
        result.error = QStringLiteral("%1: out of memory").arg(path);
    }
    return result;
}

ExportResult FigureExporter::exportBatch(const std::vector<std::pair<Figure *, QString>> &figures, const QString &folder,
                                         const ExportOptions &options, const BatchProgress &progress)
{
    ExportResult all;
    if (!QDir().mkpath(folder)) {
        all.error = QStringLiteral("%1: cannot create folder").arg(folder);
        return all;
    }
    for (std::size_t i = 0; i < figures.size(); ++i) {
        const auto &[figure, name] = figures[i];
        const QString path = QDir(folder).filePath(name + QLatin1Char('.') + formatName(options.format));
        const ExportResult r = exportFigure(*figure, path, options);
        all.files << r.files;
        if (!r.ok) {
            all.error = r.error;
            return all;
        }
        if (progress && !progress(int(i) + 1, int(figures.size()))) {
            all.error = QStringLiteral("cancelled");
            return all;
        }
    }
    all.ok = true;
    return all;
}

QByteArray FigureExporter::provenanceJson(const Figure &figure, const Provenance &p)
{
    Json j = Json::object();
    j.set("generator", generator().toStdString()).set("figure_kind", figure.kind().toStdString());
    if (!p.title.isEmpty())
        j.set("title", p.title.toStdString());
    if (!p.method.isEmpty())
        j.set("method", p.method.toStdString());
    if (!p.parametersJson.isEmpty()) {
        try {
            j.set("parameters", Json::parse(p.parametersJson.toStdString(), "parameters"));
        } catch (const Error &) {
            j.set("parameters", p.parametersJson.toStdString()); // keep what we were given
        }
    }
    Json inputs = Json::array();
    for (const auto &[path, sha] : p.inputs)
        inputs.push(Json::object().set("path", path.toStdString()).set("sha256", sha.toStdString()));
    j.set("inputs", std::move(inputs));
    if (p.runId > 0)
        j.set("run_id", p.runId);
    if (!p.workspace.isEmpty())
        j.set("workspace", p.workspace.toStdString());
    j.set("exported_at", QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toStdString());
    return QByteArray::fromStdString(j.dump());
}

QString FigureExporter::provenanceText(const Figure &figure, const Provenance &p)
{
    QStringList parts{QStringLiteral("Made with %1 (%2 figure)").arg(generator(), figure.kind())};
    if (!p.method.isEmpty())
        parts << QStringLiteral("method %1").arg(p.method);
    if (p.runId > 0)
        parts << QStringLiteral("run %1 of workspace %2").arg(p.runId).arg(p.workspace);
    for (const auto &[path, sha] : p.inputs)
        parts << QStringLiteral("input %1 (sha256 %2)").arg(path, sha);
    if (!p.parametersJson.isEmpty())
        parts << QStringLiteral("parameters %1").arg(p.parametersJson);
    return parts.join(QStringLiteral("; "));
}

} // namespace gb::plots
