// SPDX-License-Identifier: MIT
// glassbox-cli render, end to end: a workspace holding a run with a stored figure is rendered
// to each format by the real executable; provenance comes from the run record.
#include "tst_export.h"

#include "io/json.h"
#include "plots/xyfigure.h"
#include "plots/heatmapfigure.h"
#include "store/workspace.h"
#include "testutils.h"

#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QXmlStreamReader>

#include <cmath>

using gb::Json;

namespace {

struct Cli {
    int code = -1;
    QString out, err;
};

Cli runCli(const QStringList &args, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(gbtest::buildDir() + QStringLiteral("/app/glassbox-cli"), args);
    p.waitForFinished(120000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

const char *const ModelHash = "9f2c0d1e8b7a6f5e4d3c2b1a09f8e7d6c5b4a3928170f6e5d4c3b2a1908f7e6d";

} // namespace

QString TestExport::makeWorkspace()
{
    if (!m_workspace.isEmpty())
        return m_workspace;
    m_workspace = m_dir.filePath(QStringLiteral("render.gbx"));
    QFile::remove(m_workspace);
    gb::Workspace ws = gb::Workspace::open(m_workspace.toStdString(), true);
    gb::Artifact a;
    a.path = "/data/heart.pt";
    a.kind = "tabular_model";
    a.sha256 = ModelHash;
    const auto aid = ws.addArtifact(a);
    m_runId = ws.beginRun("pdp", R"({"feature":"age","grid":40})", {{aid, "model"}});
    ws.putResult(m_runId, "figure", "json", gb::plots::XYFigure::example()->dataJson().toStdString());
    ws.putResult(m_runId, "figure:cells", "json", gb::plots::HeatmapFigure::example()->dataJson().toStdString());
    ws.finishRun(m_runId);
    // A run whose stored figure is damaged.
    const auto bad = ws.beginRun("pdp", "{}");
    ws.putResult(bad, "figure", "json", R"({"kind":"heatmap","rows":2,"cols":2,"values":[1]})");
    ws.finishRun(bad);
    return m_workspace;
}

void TestExport::renderFromWorkspace_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("result");
    // Each row starts the CLI (about 1 s with libtorch): every format once, plus a second result.
    for (const char *f : {"svg", "pdf", "png"})
        QTest::addRow("%s", f) << QString::fromLatin1(f) << QStringLiteral("figure");
    QTest::addRow("pdf heatmap") << QStringLiteral("pdf") << QStringLiteral("figure:cells");
}

void TestExport::renderFromWorkspace()
{
    QFETCH(QString, format);
    QFETCH(QString, result);
    const QString ws = makeWorkspace();
    const QString out = m_dir.filePath(QStringLiteral("rendered-%1.%2").arg(result.contains(QLatin1Char(':')) ? 2 : 1).arg(format));
    const Cli r = runCli({QStringLiteral("render"), QStringLiteral("--workspace"), ws, QStringLiteral("--run"), QString::number(m_runId),
                          QStringLiteral("--result"), result, QStringLiteral("--out"), out, QStringLiteral("--preset"),
                          QStringLiteral("single-column"), QStringLiteral("--dpi"), QStringLiteral("150"), QStringLiteral("--data")});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const Json j = Json::parse(r.out.toStdString(), "render output");
    QCOMPARE(j.find("run_id")->toInt(), m_runId);
    QCOMPARE(j.find("files")->size(), std::size_t(3));
    QCOMPARE(j.find("width_pt")->toDouble(), 252.0);
    QVERIFY(j.find("timing")->find("compute_s"));
    const double heightPt = j.find("height_pt")->toDouble();

    // Provenance from the run record: the input's hash, the parameters, the run id.
    QByteArray meta;
    if (format == QLatin1String("svg")) {
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        meta = f.readAll();
        QXmlStreamReader xml(meta);
        while (!xml.atEnd())
            xml.readNext();
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QVERIFY(meta.contains("width=\"252pt\""));
    } else if (format == QLatin1String("pdf")) {
        meta = runTool(QStringLiteral("pdfinfo"), {QStringLiteral("-meta"), out}).toUtf8();
        runTool(QStringLiteral("pdftoppm"), {QStringLiteral("-r"), QStringLiteral("72"), QStringLiteral("-png"),
                                             QStringLiteral("-singlefile"), out, out + QStringLiteral("-page")});
        const QImage page(out + QStringLiteral("-page.png"));
        QVERIFY(!page.isNull());
        QVERIFY(inkFraction(page, Qt::white) > 0.03);
    } else {
        const QImage img(out);
        QCOMPARE(img.size(), QSize(525, int(std::lround(heightPt * 150 / 72))));
        QVERIFY(inkFraction(img, Qt::white) > 0.03);
        meta = img.text(QStringLiteral("glassbox-provenance")).toUtf8();
    }
    QVERIFY2(meta.contains(ModelHash), meta.left(3000).constData());
    QVERIFY(meta.contains("/data/heart.pt"));
    QVERIFY(meta.contains("grid"));
    QVERIFY(meta.contains(QStringLiteral("run_id&quot;:%1").arg(m_runId).toUtf8())
            || meta.contains(QStringLiteral("\"run_id\":%1").arg(m_runId).toUtf8()));
    QVERIFY(QFile::exists(out.left(out.lastIndexOf(QLatin1Char('.'))) + QStringLiteral(".csv")));
}

void TestExport::renderWithoutDisplaySettings()
{
    // No QT_QPA_PLATFORM, no DISPLAY: the CLI picks the offscreen platform itself.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("QT_QPA_PLATFORM"));
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    const QString out = m_dir.filePath(QStringLiteral("nodisplay.png"));
    const Cli r = runCli({QStringLiteral("render"), QStringLiteral("--workspace"), makeWorkspace(), QStringLiteral("--run"),
                          QString::number(m_runId), QStringLiteral("--out"), out, QStringLiteral("--dpi"), QStringLiteral("72")},
                         env);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QCOMPARE(QImage(out).size(), QSize(360, 240)); // natural size at 72 dpi
}

void TestExport::renderExample()
{
    const QString out = m_dir.filePath(QStringLiteral("example-bar.svg"));
    const Cli r = runCli({QStringLiteral("render"), QStringLiteral("--example"), QStringLiteral("bar"), QStringLiteral("--preset"),
                          QStringLiteral("slide"), QStringLiteral("--out"), out});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QByteArray svg = QByteArray::fromStdString(gbtest::readFile(out));
    QVERIFY(svg.contains("width=\"720pt\" height=\"405pt\""));
    QVERIFY(svg.contains(">Saliency</text>"));
}

void TestExport::renderListsFigures()
{
    const Cli r = runCli({QStringLiteral("render"), QStringLiteral("--workspace"), makeWorkspace(), QStringLiteral("--list")});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const Json j = Json::parse(r.out.toStdString());
    const Json &first = j.find("runs")->toArray().at(0);
    QCOMPARE(first.find("run_id")->toInt(), m_runId);
    QCOMPARE(first.find("figures")->dump(), std::string(R"(["figure","figure:cells"])"));
}

void TestExport::renderErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("needle");
    const QString out = QStringLiteral("--out=") + m_dir.filePath(QStringLiteral("x.svg"));
    QTest::addRow("no workspace file") << QStringList{QStringLiteral("--workspace=/nonexistent/ws.gbx"), QStringLiteral("--run=1"), out}
                                       << "no such workspace file";
    QTest::addRow("unknown run") << QStringList{QStringLiteral("--run=999"), out} << "run 999 is not in";
    QTest::addRow("no such result") << QStringList{QStringLiteral("--run=1"), QStringLiteral("--result=attribution"), out}
                                    << "has no result \"attribution\" (it has: figure, figure:cells)";
    QTest::addRow("damaged figure") << QStringList{QStringLiteral("--run=2"), out} << "run 2 result \"figure\": heatmap of 2 x 2 needs 4 values";
    QTest::addRow("bad format") << QStringList{QStringLiteral("--run=1"), QStringLiteral("--out=x.gif")} << "--format must be svg, pdf or png";
    QTest::addRow("bad preset") << QStringList{QStringLiteral("--run=1"), QStringLiteral("--preset=poster"), out} << "--preset must be one of natural";
    QTest::addRow("unknown example") << QStringList{QStringLiteral("--example=pie"), out} << "--example must be one of xy, heatmap";
    QTest::addRow("unwritable out") << QStringList{QStringLiteral("--run=1"), QStringLiteral("--out=/nonexistent/dir/f.pdf")} << "cannot write";
}

void TestExport::renderErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, needle);
    QStringList all{QStringLiteral("render")};
    if (!args.first().startsWith(QStringLiteral("--workspace")))
        all << QStringLiteral("--workspace") << makeWorkspace();
    const Cli r = runCli(all + args);
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains(needle), qPrintable(r.err));
}
