// SPDX-License-Identifier: MIT
// Every registered figure kind exported to every format, checked from the outside: SVG parsed as
// XML, PDF rasterised with poppler's pdftoppm (a blank page fails even when the file starts with
// "%PDF-"), fonts and images listed with pdffonts / pdfimages, PNG decoded; metadata in all.
#include "tst_export.h"

#include "plots/figureexporter.h"
#include "plots/figureregistry.h"
#include "plots/heatmapfigure.h"
#include "plots/xyfigure.h"
#include "io/json.h"
#include "testutils.h"

#include <QGuiApplication>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QDir>
#include <QXmlStreamReader>

#include <cmath>

using namespace gb::plots;
using gb::Json;

Provenance sampleProvenance()
{
    Provenance p;
    p.title = QStringLiteral("Test figure");
    p.method = QStringLiteral("integrated_gradients");
    p.parametersJson = QStringLiteral(R"({"steps":64,"baseline":"zeros"})");
    p.inputs = {{QStringLiteral("/data/model.safetensors"), QStringLiteral("ab12cd34ef56")}};
    p.runId = 42;
    p.workspace = QStringLiteral("/tmp/ws.gbx");
    return p;
}

// Runs a poppler tool; fails the test when it is missing or fails.
QString runTool(const QString &tool, const QStringList &args)
{
    const QString exe = QStandardPaths::findExecutable(tool);
    if (exe.isEmpty()) {
        qWarning("%s not found: install poppler-utils (packaging/setup.sh deps)", qPrintable(tool));
        return QStringLiteral("<missing tool>");
    }
    QProcess p;
    p.start(exe, args);
    if (!p.waitForFinished(60000) || p.exitCode() != 0) {
        qWarning("%s failed: %s", qPrintable(tool), p.readAllStandardError().constData());
        return QStringLiteral("<tool failed>");
    }
    return QString::fromUtf8(p.readAllStandardOutput());
}

// Fraction of pixels that differ visibly from `background`.
double inkFraction(const QImage &img, QColor background)
{
    qint64 ink = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) {
            const QColor c = img.pixelColor(x, y);
            if (std::abs(c.red() - background.red()) + std::abs(c.green() - background.green())
                    + std::abs(c.blue() - background.blue()) > 30
                || std::abs(c.alpha() - background.alpha()) > 30)
                ++ink;
        }
    return double(ink) / (double(img.width()) * img.height());
}

void checkProvenance(const QByteArray &json)
{
    const Json j = Json::parse(json.toStdString(), "provenance");
    QCOMPARE(j.find("run_id")->toInt(), 42);
    QCOMPARE(QString::fromStdString(j.find("method")->toString()), QStringLiteral("integrated_gradients"));
    QCOMPARE(j.find("parameters")->find("steps")->toInt(), 64);
    QCOMPARE(QString::fromStdString(j.find("inputs")->toArray()[0].find("sha256")->toString()), QStringLiteral("ab12cd34ef56"));
    QVERIFY(QString::fromStdString(j.find("generator")->toString()).startsWith(QStringLiteral("Glassbox ")));
}



void TestExport::initTestCase()
{
    m_dir.setPath(gbtest::buildDir() + QStringLiteral("/tst_export"));
    m_dir.removeRecursively();
    QVERIFY(m_dir.mkpath(QStringLiteral(".")));
    QVERIFY(figureKinds().size() >= 4);
}

void TestExport::everyKindEveryFormat_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("format");
    for (const FigureKind &k : figureKinds())
        for (const char *f : {"svg", "pdf", "png"})
            QTest::addRow("%s/%s", k.kind, f) << QString::fromLatin1(k.kind) << QString::fromLatin1(f);
}

void TestExport::everyKindEveryFormat()
{
    QFETCH(QString, kind);
    QFETCH(QString, format);
    std::unique_ptr<Figure> fig = findFigureKind(kind)->example();
    ExportOptions o;
    o.format = *formatFromName(format);
    o.preset = QStringLiteral("single-column");
    o.dpi = 200;
    o.writeData = true;
    o.provenance = sampleProvenance();
    const QSizeF pt = FigureExporter::sizeFor(*fig, o);
    QCOMPARE(pt.width(), 252.0);
    const QString path = m_dir.filePath(kind + QLatin1Char('.') + format);
    const ExportResult r = FigureExporter::exportFigure(*fig, path, o);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.files.size(), 3);

    if (format == QLatin1String("svg")) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QXmlStreamReader xml(&f);
        int texts = 0;
        QStringList words;
        QString title, desc, provenance;
        while (!xml.atEnd()) {
            if (!xml.readNext() || !xml.isStartElement())
                continue;
            if (xml.name() == QLatin1String("svg")) {
                QCOMPARE(xml.attributes().value(QStringLiteral("width")).toString(), QStringLiteral("252pt"));
                const QString h = xml.attributes().value(QStringLiteral("height")).toString();
                QVERIFY2(std::fabs(h.chopped(2).toDouble() - pt.height()) < 0.001, qPrintable(h));
            } else if (xml.name() == QLatin1String("text")) {
                ++texts;
                words << xml.readElementText(QXmlStreamReader::IncludeChildElements);
            } else if (xml.name() == QLatin1String("title")) {
                title = xml.readElementText();
            } else if (xml.name() == QLatin1String("desc")) {
                desc = xml.readElementText();
            } else if (xml.name() == QLatin1String("provenance")) {
                provenance = xml.readElementText();
            }
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QVERIFY2(texts >= 5, qPrintable(QString::number(texts)));
        QCOMPARE(title, QStringLiteral("Test figure"));
        QVERIFY(desc.contains(QStringLiteral("run 42")));
        checkProvenance(provenance.toUtf8());
        // Axis tick labels are real text: some label consists of digits.
        QVERIFY(words.join(QLatin1Char(' ')).contains(QRegularExpression(QStringLiteral("\\d"))));
    } else if (format == QLatin1String("pdf")) {
        const QString info = runTool(QStringLiteral("pdfinfo"), {path});
        QVERIFY2(info.contains(QRegularExpression(QStringLiteral("Pages:\\s+1\n"))), qPrintable(info));
        QVERIFY2(info.contains(QRegularExpression(QStringLiteral("Title:\\s+Test figure\n"))), qPrintable(info));
        QVERIFY2(info.contains(QRegularExpression(QStringLiteral("Creator:\\s+Glassbox \\d"))), qPrintable(info));
        const QRegularExpressionMatch size = QRegularExpression(QStringLiteral("Page size:\\s+([\\d.]+) x ([\\d.]+) pts")).match(info);
        QVERIFY(size.hasMatch());
        QVERIFY(std::fabs(size.captured(1).toDouble() - pt.width()) < 1.0);
        QVERIFY(std::fabs(size.captured(2).toDouble() - pt.height()) < 1.0);
        const QString meta = runTool(QStringLiteral("pdfinfo"), {QStringLiteral("-meta"), path});
        const QRegularExpressionMatch prov = QRegularExpression(QStringLiteral("<gb:provenance>(.*)</gb:provenance>")).match(meta);
        QVERIFY2(prov.hasMatch(), qPrintable(meta.left(2000)));
        QString unescaped = prov.captured(1);
        unescaped.replace(QStringLiteral("&quot;"), QStringLiteral("\"")).replace(QStringLiteral("&lt;"), QStringLiteral("<"))
            .replace(QStringLiteral("&gt;"), QStringLiteral(">")).replace(QStringLiteral("&amp;"), QStringLiteral("&"));
        checkProvenance(unescaped.toUtf8());

        // Not blank: rasterise and count ink.
        const QString png = m_dir.filePath(kind + QStringLiteral("-pdf"));
        runTool(QStringLiteral("pdftoppm"), {QStringLiteral("-r"), QStringLiteral("100"), QStringLiteral("-png"),
                                             QStringLiteral("-singlefile"), path, png});
        const QImage page(png + QStringLiteral(".png"));
        QVERIFY(!page.isNull());
        QCOMPARE(page.width(), int(std::lround(pt.width() * 100 / 72)));
        const double ink = inkFraction(page, Qt::white);
        QVERIFY2(ink > 0.03, qPrintable(QStringLiteral("only %1 of the page is inked").arg(ink)));

        // Vector: fonts embedded, and no page-sized raster.
        const QStringList fonts = runTool(QStringLiteral("pdffonts"), {path}).split(QLatin1Char('\n'), Qt::SkipEmptyParts).mid(2);
        QVERIFY2(!fonts.isEmpty(), "no fonts: text was not written as text");
        for (const QString &line : fonts)
            QVERIFY2(line.contains(QRegularExpression(QStringLiteral("\\byes\\s+(yes|no)\\s+(yes|no)\\s+\\d+\\s+\\d+\\s*$"))),
                     qPrintable(QStringLiteral("font not embedded: ") + line));
        const QStringList images =
            runTool(QStringLiteral("pdfimages"), {QStringLiteral("-list"), path}).split(QLatin1Char('\n'), Qt::SkipEmptyParts).mid(2);
        if (!fig->embedsRaster()) {
            QVERIFY2(images.isEmpty(), qPrintable(images.join(QLatin1Char('\n'))));
        } else {
            QVERIFY(!images.isEmpty());
            for (const QString &line : images)
                QVERIFY2(!line.contains(QStringLiteral(" jpeg ")), "cells must be stored losslessly");
        }
    } else {
        QImage img(path);
        QCOMPARE(img.size(), QSize(int(std::lround(pt.width() * 200 / 72)), int(std::lround(pt.height() * 200 / 72))));
        QVERIFY(inkFraction(img, Qt::white) > 0.03);
        QVERIFY(std::fabs(img.dotsPerMeterX() * 0.0254 - 200) < 0.5);
        QCOMPARE(img.text(QStringLiteral("Title")), QStringLiteral("Test figure"));
        QVERIFY(img.text(QStringLiteral("Software")).startsWith(QStringLiteral("Glassbox ")));
        checkProvenance(img.text(QStringLiteral("glassbox-provenance")).toUtf8());
    }

    // The data files: CSV as the figure wrote it, JSON that rebuilds the same figure.
    const QString base = m_dir.filePath(kind);
    QCOMPARE(QString::fromStdString(gbtest::readFile(base + QStringLiteral(".csv"))), fig->dataCsv());
    const std::string json = gbtest::readFile(base + QStringLiteral(".json"));
    checkProvenance(QByteArray::fromStdString(Json::parse(json).find("provenance")->dump()));
    QCOMPARE(figureFromJson(QByteArray::fromStdString(json))->dataCsv(), fig->dataCsv());
}

void TestExport::noClippingAtAnyPreset_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("preset");
    for (const FigureKind &k : figureKinds())
        for (const char *p : {"natural", "single-column", "double-column", "slide", "custom"})
            QTest::addRow("%s/%s", k.kind, p) << QString::fromLatin1(k.kind) << QString::fromLatin1(p);
}

// Labels must not be clipped and the layout must fit: with a transparent background, the
// outermost pixels (a 2 px frame) stay empty, and a good part of the figure is drawn.
void TestExport::noClippingAtAnyPreset()
{
    QFETCH(QString, kind);
    QFETCH(QString, preset);
    std::unique_ptr<Figure> fig = findFigureKind(kind)->example();
    ExportOptions o;
    o.format = ExportFormat::Png;
    o.preset = preset;
    o.customSize = QSizeF(200, 150); // small: the layout has to squeeze
    o.dpi = 150;
    o.transparentBackground = true;
    const QImage img = FigureExporter::toImage(*fig, o);
    img.save(m_dir.filePath(QStringLiteral("layout-%1-%2.png").arg(kind, preset)));
    int border = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x)
            if ((x < 2 || y < 2 || x >= img.width() - 2 || y >= img.height() - 2) && qAlpha(img.pixel(x, y)) > 0)
                ++border;
    QVERIFY2(border == 0, qPrintable(QStringLiteral("%1 pixels drawn on the edge").arg(border)));
    QVERIFY(inkFraction(img, QColor(0, 0, 0, 0)) > 0.02);
}

// Faint ICE curves stay faint in every format (each writer handles translucency differently).
void TestExport::translucentLines()
{
    auto fig = std::make_unique<XYFigure>();
    XYSeries s;
    s.x = {0, 1};
    s.y = {0, 1};
    s.color = QColor(0, 0, 255);
    s.alpha = 0.2;
    s.width = 20;
    fig->addSeries(s);
    ExportOptions o;
    o.format = ExportFormat::Svg;
    const QByteArray svg = FigureExporter::toSvg(*fig, o);
    QVERIFY2(svg.contains("stroke=\"#0000ff\" stroke-opacity=\"0.2"), svg.constData());
    for (ExportFormat f : {ExportFormat::Pdf, ExportFormat::Png}) {
        o.format = f;
        const QString path = m_dir.filePath(QStringLiteral("translucent.") + formatName(f));
        QVERIFY(FigureExporter::exportFigure(*fig, path, o).ok);
        QString png = path;
        if (f == ExportFormat::Pdf) {
            runTool(QStringLiteral("pdftoppm"), {QStringLiteral("-r"), QStringLiteral("72"), QStringLiteral("-png"),
                                                 QStringLiteral("-singlefile"), path, path});
            png = path + QStringLiteral(".png");
        }
        // The line's middle is 20% blue over white: (204, 204, 255).
        const QImage img(png);
        const QColor mid = img.pixelColor(img.width() / 2, img.height() / 2);
        QVERIFY2(std::abs(mid.red() - 204) <= 8 && mid.blue() >= 245, qPrintable(formatName(f) + QStringLiteral(": ") + mid.name()));
    }
}

void TestExport::roundTripsThroughJson_data()
{
    QTest::addColumn<QString>("kind");
    for (const FigureKind &k : figureKinds())
        QTest::addRow("%s", k.kind) << QString::fromLatin1(k.kind);
}

void TestExport::roundTripsThroughJson()
{
    QFETCH(QString, kind);
    const std::unique_ptr<Figure> a = findFigureKind(kind)->example();
    QCOMPARE(a->kind(), kind);
    const std::unique_ptr<Figure> b = figureFromJson(a->dataJson());
    QCOMPARE(b->kind(), kind);
    QCOMPARE(b->dataJson(), a->dataJson());
    // And it paints the same pixels.
    ExportOptions o;
    o.format = ExportFormat::Png;
    o.dpi = 72;
    QCOMPARE(FigureExporter::toImage(*b, o), FigureExporter::toImage(*a, o));
}

void TestExport::sizePresets_data()
{
    QTest::addColumn<QString>("preset");
    QTest::addColumn<QSizeF>("size");
    QTest::addColumn<double>("font");
    // XYFigure's natural size is 360 x 240 pt (3:2), 8 pt text.
    QTest::addRow("natural") << "natural" << QSizeF(360, 240) << 8.0;
    QTest::addRow("single column 3.5 in") << "single-column" << QSizeF(252, 168) << 8.0;
    QTest::addRow("double column 7 in") << "double-column" << QSizeF(504, 336) << 9.0;
    QTest::addRow("slide 16:9") << "slide" << QSizeF(720, 405) << 14.0;
    QTest::addRow("custom") << "custom" << QSizeF(300, 100) << 8.0;
}

void TestExport::sizePresets()
{
    QFETCH(QString, preset);
    QFETCH(QSizeF, size);
    QFETCH(double, font);
    const auto fig = XYFigure::example();
    ExportOptions o;
    o.preset = preset;
    o.customSize = QSizeF(300, 100);
    QCOMPARE(FigureExporter::sizeFor(*fig, o), size);
    QCOMPARE(FigureExporter::styleFor(*fig, o).fontPointSize, font);
    o.fontPointSize = 11;
    QCOMPARE(FigureExporter::styleFor(*fig, o).fontPointSize, 11.0);
}

void TestExport::transparentPng()
{
    const auto fig = XYFigure::example();
    ExportOptions o;
    o.format = ExportFormat::Png;
    o.dpi = 72;
    o.transparentBackground = true;
    const QImage img = FigureExporter::toImage(*fig, o);
    QCOMPARE(qAlpha(img.pixel(0, 0)), 0);
    QVERIFY(inkFraction(img, QColor(0, 0, 0, 0)) > 0.03);
}

void TestExport::styleIsRestored()
{
    const auto fig = HeatmapFigure::example();
    ExportOptions o;
    o.fontFamily = QStringLiteral("DejaVu Serif");
    o.divergingMap = QStringLiteral("orange-purple");
    o.format = ExportFormat::Png;
    o.dpi = 72;
    const QImage a = FigureExporter::toImage(*fig, o);
    QCOMPARE(fig->style().fontFamily, QStringLiteral("DejaVu Sans"));
    QCOMPARE(fig->style().divergingMap, QStringLiteral("blue-red"));
    o.divergingMap.clear();
    QVERIFY(FigureExporter::toImage(*fig, o) != a); // the colour map option changed the pixels
}

void TestExport::errorsAreValues()
{
    const auto fig = XYFigure::example();
    ExportOptions o;
    const QString bad = m_dir.filePath(QStringLiteral("no/such/folder/f.svg"));
    const ExportResult r = FigureExporter::exportFigure(*fig, bad, o);
    QVERIFY(!r.ok);
    QVERIFY2(r.error.startsWith(bad) && r.error.contains(QStringLiteral("cannot write")), qPrintable(r.error));
    QVERIFY(r.files.isEmpty());
    o.format = ExportFormat::Png;
    o.dpi = 1e6;
    const ExportResult huge = FigureExporter::exportFigure(*fig, m_dir.filePath(QStringLiteral("huge.png")), o);
    QVERIFY(!huge.ok);
    QVERIFY2(huge.error.contains(QStringLiteral("lower the DPI")), qPrintable(huge.error));
    QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("huge.png"))));
}

void TestExport::rejectsBadFigureJson_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("needle");
    QTest::addRow("not json") << QByteArray("{kind") << "stored.json: ";
    QTest::addRow("no kind") << QByteArray(R"({"title":"x"})") << "no \"kind\"";
    QTest::addRow("unknown kind") << QByteArray(R"({"kind":"pie"})") << "unknown figure kind \"pie\" (known: xy, heatmap";
    QTest::addRow("heatmap size") << QByteArray(R"({"kind":"heatmap","rows":2,"cols":2,"values":[1,2,3]})")
                                  << "heatmap of 2 x 2 needs 4 values, got 3";
    QTest::addRow("xy lengths") << QByteArray(R"({"kind":"xy","series":[{"name":"a","x":[1,2],"y":[1]}]})")
                                << "x has 2 values but y has 1";
    QTest::addRow("xy wrong type") << QByteArray(R"({"kind":"xy","series":[{"x":"abc","y":[]}]})") << "series x must be an array";
    QTest::addRow("histogram edges") << QByteArray(R"({"kind":"histogram","edges":[0,1],"counts":[1,2]})")
                                     << "one more edge than counts";
    QTest::addRow("feature heatmap cell feature")
        << QByteArray(R"({"kind":"feature_heatmap","tokens":["a","b"],"features":[5,9],"cells":[[1,7,0.5]]})")
        << "cell feature 7 is not in \"features\"";
    QTest::addRow("feature heatmap cell position")
        << QByteArray(R"({"kind":"feature_heatmap","tokens":["a"],"features":[5],"cells":[[3,5,0.5]]})")
        << "cell position 3 is outside the 1 tokens";
    QTest::addRow("dashboard example lengths")
        << QByteArray(R"({"kind":"feature_dashboard","top":[{"caption":"#1","tokens":["a","b"],"activations":[1]}]})")
        << "has 2 tokens but 1 activations";
    QTest::addRow("steering probability") << QByteArray(R"({"kind":"steering","top_before":[{"token":"a","probability":1.5}]})")
                                          << "top_before: each candidate needs a \"probability\" between 0 and 1";
    QTest::addRow("bar lengths") << QByteArray(R"({"kind":"bar","categories":["a","b"],"series":[{"values":[1]}]})")
                                 << "values has 1 values for 2 categories";
}

void TestExport::rejectsBadFigureJson()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, needle);
    std::string message;
    QVERIFY(gbtest::throwsErrorContaining([&] { figureFromJson(json, "stored.json"); }, needle.toStdString(), &message));
    QVERIFY2(message.rfind("stored.json", 0) == 0, message.c_str());
}

void TestExport::batchExport()
{
    std::vector<std::unique_ptr<Figure>> owned;
    std::vector<std::pair<Figure *, QString>> list;
    for (const FigureKind &k : figureKinds()) {
        owned.push_back(k.example());
        list.emplace_back(owned.back().get(), QStringLiteral("feature_%1").arg(list.size()));
    }
    ExportOptions o;
    o.format = ExportFormat::Pdf;
    const QString folder = m_dir.filePath(QStringLiteral("batch/dashboards"));
    const ExportResult r = FigureExporter::exportBatch(list, folder, o);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.files.size(), int(list.size()));
    for (const QString &f : r.files)
        QVERIFY(gbtest::readFile(f).rfind("%PDF-", 0) == 0);
    QVERIFY(QFile::exists(folder + QStringLiteral("/feature_0.pdf")));
}

QTEST_MAIN(TestExport)
