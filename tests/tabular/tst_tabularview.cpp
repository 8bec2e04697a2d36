// SPDX-License-Identifier: MIT
// The Tabular view: effect figures from real computations (screenshots to look at), ICE
// picking, and the page end to end with a workspace.
#include "tabular_testdata.h"
#include "testutils.h"

#include "appcontext.h"
#include "effectplotview.h"
#include "jobrunner.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "pages/tabularfigures.h"
#include "pages/tabularpage.h"
#include "plots/figureexporter.h"
#include "plots/figureregistry.h"
#include "store/workspace.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QTemporaryDir>
#include <QLabel>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTreeWidget>

using namespace gb;

namespace {

QString shot(const char *name)
{
    const QString dir = gbtest::buildDir() + QStringLiteral("/screenshots");
    QDir().mkpath(dir);
    return dir + QLatin1Char('/') + QString::fromLatin1(name);
}

TabularInputs fixtureInputs(const char *model = "mlp_reg.pt")
{
    return loadTabularInputs(QString::fromStdString(gbtest::tabularFixture(model)),
                             QString::fromStdString(gbtest::tabularFixture("data.csv")),
                             ColumnRoles::fromSidecar(gbtest::tabularFixture("data.csv.json")), TabularResponse{});
}

EffectResult compute(const TabularInputs &in, std::vector<int> features, EffectRequest::Method method, int bootstrap,
                     int grid = 60)
{
    EffectRequest r;
    r.features = std::move(features);
    r.method = method;
    r.gridResolution = grid;
    r.aleBins = 12;
    r.bootstrap = bootstrap;
    return computeEffects(in, r, Progress::null(), CancelToken());
}

} // namespace

class TestTabularView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void curvesWithIceBandRugAndAle();
    void icePickingHighlightsTheRow();
    void twoFeatureHeatmaps();
    void categoricalBars();
    void exportsThroughFigureExporter();
    void pageEndToEnd();
};

void TestTabularView::curvesWithIceBandRugAndAle()
{
    const TabularInputs in = fixtureInputs();
    const EffectResult r = compute(in, {0}, EffectRequest::Method::Both, 200);
    QVERIFY(showsCurves(r, *in.data));
    const plots::EffectCurves c = effectCurves(r, *in.data, responseTitle(*in.model));
    QCOMPARE(c.ice.size(), std::size_t(60));
    QCOMPARE(c.bandLo.size(), c.grid.size());
    QCOMPARE(c.rug.size(), std::size_t(60));
    // ALE sits on the PDP's scale: its count-weighted mean is the mean prediction.
    QVERIFY(std::fabs(c.ale.front() - r.ale->ale.front() - r.meanPrediction) < 1e-12);
    EffectPlotView view;
    view.resize(760, 480);
    view.setCurves(c);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(view.grab().save(shot("tabular-effect-1d.png")));
    // The figure round-trips through its JSON (what a workspace run stores for `render`).
    const auto again = plots::figureFromJson(view.figure()->dataJson());
    QCOMPARE(again->kind(), QStringLiteral("xy"));

    EffectRequest centred;
    centred.features = {2};
    centred.centered = true;
    centred.iceCurves = 25;
    const EffectResult rc = computeEffects(in, centred, Progress::null(), CancelToken());
    const plots::EffectCurves cc = effectCurves(rc, *in.data, responseTitle(*in.model));
    QCOMPARE(cc.ice.size(), std::size_t(25));
    for (const auto &curve : cc.ice)
        QCOMPARE(curve.front(), 0.0);
    view.setCurves(cc);
    QVERIFY(view.grab().save(shot("tabular-effect-1d-centred.png")));

    // ALE alone: its own band, named in the legend.
    const EffectResult ra = compute(in, {1}, EffectRequest::Method::Ale, 200);
    const plots::EffectCurves ca = effectCurves(ra, *in.data, responseTitle(*in.model));
    QVERIFY(ca.pdp.empty() && ca.ice.empty());
    QCOMPARE(ca.aleLo.size(), ca.ale.size());
    view.setCurves(ca);
    QVERIFY(view.figure()->dataJson().contains("bootstrap band (ALE)"));
    QVERIFY(view.grab().save(shot("tabular-ale-1d.png")));
}

void TestTabularView::icePickingHighlightsTheRow()
{
    const TabularInputs in = fixtureInputs();
    EffectRequest request;
    request.features = {1};
    request.iceCurves = 12;
    const EffectResult r = computeEffects(in, request, Progress::null(), CancelToken());
    EffectPlotView view;
    view.resize(640, 420);
    view.setCurves(effectCurves(r, *in.data, QStringLiteral("prediction")));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.repaint();
    // Find a curve point no other curve passes within the pick radius, hover it.
    QSignalSpy hovered(&view, &EffectPlotView::curveHovered);
    int picked = -1;
    for (int k = 0; k < 12 && picked < 0; ++k)
        for (int g = 1; g < 40 && picked < 0; g += 7) {
            const auto p = view.curvePoint(k, g);
            QVERIFY(p.has_value());
            if (view.curveAt(*p) == k) {
                QTest::mouseMove(&view, p->toPoint());
                QTRY_COMPARE(view.hoveredCurve(), k);
                picked = k;
            }
        }
    QVERIFY(picked >= 0);
    QVERIFY(!hovered.isEmpty());
    QCOMPARE(hovered.last().at(0).toInt(), picked);
    QVERIFY(view.grab().save(shot("tabular-effect-hover.png")));
    QCOMPARE(view.curveAt(QPointF(2, 2)), -1); // outside the plot
}

void TestTabularView::twoFeatureHeatmaps()
{
    const TabularInputs in = fixtureInputs();
    const EffectResult both = compute(in, {0, 1}, EffectRequest::Method::Both, 0, 40);
    QVERIFY(!showsCurves(both, *in.data));
    const auto figures = effectFigures(both, *in.data, QStringLiteral("prediction"));
    QCOMPARE(figures.size(), std::size_t(2)); // PDP, then second-order ALE
    for (const auto &figure : figures) {
        QCOMPARE(figure->kind(), QStringLiteral("heatmap"));
        // The numeric extent survives the JSON a run stores (what `glassbox-cli render` reads).
        QVERIFY(figure->dataJson().contains("\"extent\""));
        QCOMPARE(plots::figureFromJson(figure->dataJson())->dataJson(), figure->dataJson());
    }
    QVERIFY(figures[1]->dataJson().contains("Second-order ALE"));
    FigureView view;
    view.resize(640, 480);
    view.setFigure(figures[0]);
    QVERIFY(view.grab().save(shot("tabular-pdp-2d.png")));
    const EffectResult ale = compute(in, {0, 1}, EffectRequest::Method::Ale, 0);
    const auto aleOnly = effectFigures(ale, *in.data, QStringLiteral("prediction"));
    QCOMPARE(aleOnly.size(), std::size_t(1));
    view.setFigure(aleOnly[0]);
    QVERIFY(view.grab().save(shot("tabular-ale-2d.png")));
}

void TestTabularView::categoricalBars()
{
    const TabularInputs in = fixtureInputs();
    const EffectResult r = compute(in, {3}, EffectRequest::Method::Both, 200);
    QVERIFY(!showsCurves(r, *in.data));
    const auto figures = effectFigures(r, *in.data, QStringLiteral("prediction"));
    QCOMPARE(figures.size(), std::size_t(1)); // PDP and ALE bars side by side in one chart
    QCOMPARE(figures[0]->kind(), QStringLiteral("bar"));
    // Bars follow the ALE level order, not the codes' order.
    const QStringList csv = figures[0]->dataCsv().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QStringList order;
    for (const QString &line : csv.mid(1))
        if (line.startsWith(QStringLiteral("ALE,")))
            order << line.section(QLatin1Char(','), 1, 1);
    QStringList expected;
    for (const gb::Json &code : gbtest::expectedTabular().find("ale_group")->find("edges")->toArray())
        expected << QString::number(code.toInt());
    QCOMPARE(order, expected);
    FigureView view;
    view.resize(560, 400);
    view.setFigure(figures[0]);
    QVERIFY(view.grab().save(shot("tabular-categorical.png")));
}

void TestTabularView::exportsThroughFigureExporter()
{
    const TabularInputs in = fixtureInputs();
    const EffectResult curves = compute(in, {0}, EffectRequest::Method::Both, 50);
    const EffectResult surface = compute(in, {0, 1}, EffectRequest::Method::Pdp, 0, 20);
    const EffectResult bars = compute(in, {3}, EffectRequest::Method::Both, 50);
    const std::vector<std::pair<std::shared_ptr<plots::Figure>, QString>> figures{
        {plots::makeEffectFigure(effectCurves(curves, *in.data, QStringLiteral("prediction"))), QStringLiteral("PDP, ICE and ALE of age")},
        {effectFigures(surface, *in.data, QStringLiteral("prediction"))[0], QStringLiteral("Partial dependence on age and bmi")},
        {effectFigures(bars, *in.data, QStringLiteral("prediction"))[0], QStringLiteral("Effect of group by level")},
    };
    QTemporaryDir dir;
    plots::ExportOptions o;
    o.preset = QStringLiteral("single-column");
    o.writeData = true;
    o.provenance.method = QStringLiteral("pdp+ale");
    for (std::size_t k = 0; k < figures.size(); ++k) {
        plots::Figure &figure = *figures[k].first;
        const QString base = dir.filePath(QStringLiteral("effect%1").arg(k));
        for (const auto format : {plots::ExportFormat::Svg, plots::ExportFormat::Pdf, plots::ExportFormat::Png}) {
            o.format = format;
            const QString path = base + QLatin1Char('.') + plots::formatName(format);
            const plots::ExportResult r = plots::FigureExporter::exportFigure(figure, path, o);
            QVERIFY2(r.ok, qPrintable(r.error));
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray bytes = file.readAll();
            if (format == plots::ExportFormat::Svg) // text stays text: the title is searchable
                QVERIFY2(bytes.contains(figures[k].second.toUtf8()), qPrintable(figures[k].second));
            else if (format == plots::ExportFormat::Pdf)
                QVERIFY(bytes.startsWith("%PDF-"));
            else
                QVERIFY(QImage::fromData(bytes, "PNG").width() > 900); // 3.5 in at 300 dpi
        }
        // The data behind the figure goes along with it.
        QVERIFY(QFileInfo(base + QStringLiteral(".csv")).size() > 0);
        QVERIFY(gb::Json::parse(gbtest::readFile(base + QStringLiteral(".json"))).isObject());
    }
}

void TestTabularView::pageEndToEnd()
{
    QTemporaryDir dir;
    AppContext ctx;
    QVERIFY(ctx.openWorkspace(dir.filePath(QStringLiteral("w.gbx")), true).isEmpty());
    TabularPage page(ctx);
    page.resize(1280, 760);
    page.show();
    QVERIFY(page.requirementText().contains(QStringLiteral("TorchScript")));
    page.openInputs(QString::fromStdString(gbtest::tabularFixture("mlp_reg.pt")),
                    QString::fromStdString(gbtest::tabularFixture("data.csv")));
    QTRY_VERIFY_WITH_TIMEOUT(page.lastRunId() > 0, 60000);
    QCOMPARE(page.featureList()->topLevelItemCount(), 4);
    double previous = INFINITY;
    for (int i = 0; i < 4; ++i) {
        const double spread = page.featureList()->topLevelItem(i)->text(1).toDouble();
        QVERIFY(spread <= previous);
        previous = spread;
    }
    QVERIFY(page.curveView()->isVisible());
    const auto run = ctx.workspace()->run(page.lastRunId());
    QVERIFY(run);
    QCOMPARE(run->kind, std::string("pdp"));
    QVERIFY(plots::figureFromJson(QByteArray::fromStdString(*ctx.workspace()->result(page.lastRunId(), "figure"))));
    page.bootstrap()->setValue(100);
    page.method()->setCurrentIndex(2);
    const qint64 before = page.lastRunId();
    QTRY_VERIFY_WITH_TIMEOUT(page.lastRunId() > before && ctx.jobs().activeCount() == 0, 60000);
    // Hovering an ICE curve names its row and lists the row's values.
    page.curveView()->repaint();
    bool shown = false;
    for (int k = 0; k < 60 && !shown; ++k)
        if (const auto p = page.curveView()->curvePoint(k, 30); p && page.curveView()->curveAt(*p) == k) {
            QTest::mouseMove(page.curveView(), p->toPoint());
            QTRY_VERIFY(page.hoverInfo()->text().contains(QStringLiteral("Row ")));
            QVERIFY(page.hoverInfo()->text().contains(QStringLiteral("(target)")));
            shown = true;
        }
    QVERIFY(shown);
    QVERIFY(page.grab().save(shot("tabular-page.png")));

    const qint64 twoD = page.lastRunId();
    page.secondFeature()->setCurrentIndex(page.secondFeature()->findText(QStringLiteral("bp")));
    QTRY_VERIFY_WITH_TIMEOUT(page.lastRunId() > twoD && ctx.jobs().activeCount() == 0, 60000);
    QVERIFY(page.figureView()->isVisible());
    // PDP + ICE + ALE with two features: the 2-D PDP and the second-order ALE side by side.
    QVERIFY(page.aleFigureView()->isVisible());
    QCOMPARE(page.aleFigureView()->figure()->kind(), QStringLiteral("heatmap"));
    QVERIFY(ctx.workspace()->result(page.lastRunId(), "figure:ale"));
    QVERIFY(page.grab().save(shot("tabular-page-2d.png")));
}

QTEST_MAIN(TestTabularView)
#include "tst_tabularview.moc"
