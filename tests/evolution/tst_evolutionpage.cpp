// SPDX-License-Identifier: MIT
// The evolution page on crosscoders built in code: analysis as a job, the run stored and shown
// again from the workspace, table sorting/filtering/labels (QAbstractItemModelTester), and
// screenshots of every figure (build/screenshots/evolution-*.png) for looking at.
#include "appcontext.h"
#include "figureview.h"
#include "jobrunner.h"
#include "pages/evolutionfeaturemodel.h"
#include "pages/evolutionpage.h"
#include "pages/evolutionresult.h"
#include "planted.h"
#include "plots/figureexporter.h"
#include "store/workspace.h"
#include "testutils.h"

#include <ATen/ATen.h>

#include <QAbstractItemModelTester>
#include <QDir>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>

using namespace gbtest;

namespace {

QString shots()
{
    const QString dir = buildDir() + QStringLiteral("/screenshots");
    QDir().mkpath(dir);
    return dir;
}

void waitIdle(gb::EvolutionPage &page, gb::AppContext &ctx)
{
    QTRY_VERIFY_WITH_TIMEOUT(!page.isBusy() && page.result(), 120000);
    QVERIFY(ctx.jobs().waitForIdle(60000));
    QCoreApplication::processEvents();
}

void saveFigure(const gb::EvolutionPage &page, const QString &name, const QString &file = {})
{
    auto *view = page.findChild<gb::FigureView *>(name);
    QVERIFY2(view && view->figure(), qPrintable(name));
    gb::plots::ExportOptions o;
    o.format = gb::plots::ExportFormat::Png;
    o.dpi = 200;
    const QString path = shots() + QLatin1Char('/') + (file.isEmpty() ? name : file) + QStringLiteral(".png");
    QVERIFY(gb::plots::FigureExporter::toImage(*view->figure(), o).save(path));
}

int column(const gb::EvolutionFeatureModel &m, gb::EvolutionFeatureModel::Column c)
{
    return m.sectionOf(c);
}

} // namespace

class TestEvolutionPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void analysesStoresAndShows();
    void tableSortsFiltersAndLabels();
    void levelRecomputesWithoutReading();
    void storedRunReopens();
    void plantedTurningPoint();
    void twoModelCrosscoder();
    void badFolderReportsError();

private:
    QTemporaryDir m_dir;
    QString m_synthetic, m_planted, m_diff, m_workspace;
};

void TestEvolutionPage::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    m_synthetic = m_dir.filePath(QStringLiteral("synthetic"));
    m_planted = m_dir.filePath(QStringLiteral("planted"));
    m_diff = m_dir.filePath(QStringLiteral("diff"));
    m_workspace = m_dir.filePath(QStringLiteral("w.gbx"));
    CrosscoderFiles::around(syntheticDecoder(3000, 32, 7), paperHookPoints()).write(m_synthetic);
    CrosscoderFiles::around(plantedDecoder(), paperHookPoints()).write(m_planted);
    // Two models: 30% A-only, 20% B-only, the rest shared with a small rotation.
    at::manual_seed(5);
    const std::int64_t F = 2000, d = 32;
    at::Tensor w = at::randn({F, 2, d});
    const at::Tensor u = at::rand({F});
    w.select(1, 1).mul_(at::where(u < 0.3, at::full({F}, 0.02), at::ones({F})).unsqueeze(1));
    w.select(1, 0).mul_(at::where((u >= 0.3) & (u < 0.5), at::full({F}, 0.03), at::ones({F})).unsqueeze(1));
    const at::Tensor shared = u >= 0.5;
    w.select(1, 1).copy_(at::where(shared.unsqueeze(1), w.select(1, 0) + 0.4 * at::randn({F, d}), w.select(1, 1)));
    writeTwoModelCrosscoder(m_diff, w,
                            gb::Json::object().set("d_in", d).set("dict_size", F).set(
                                "model_names", gb::Json::array().push("base").push("chat")));
}

void TestEvolutionPage::analysesStoresAndShows()
{
    gb::AppContext ctx;
    QVERIFY(ctx.openWorkspace(m_workspace, true).isEmpty());
    gb::EvolutionPage page(ctx);
    QVERIFY(!page.requirementText().isEmpty());
    page.resize(1600, 1000);
    page.show();
    page.openCrosscoder(m_synthetic);
    waitIdle(page, ctx);
    QVERIFY(page.requirementText().isEmpty());
    QCOMPARE(page.featureModel()->rowCount(), 3000);
    QVERIFY(page.result()->runId > 0);
    const auto runs = ctx.workspace()->runs("evolution");
    QCOMPARE(runs.size(), std::size_t(1));
    QCOMPARE(runs.front().status, gb::RunRecord::Status::Finished);
    // The synthetic population turns between steps 512 and 1000.
    QCOMPARE(page.result()->summary.turningIndex, 9);
    // Four strong features, one per quarter of training, are plotted from the start.
    QTRY_VERIFY(page.findChild<gb::FigureView *>(QStringLiteral("evolution-direction-similarity"))->figure());
    QCOMPARE(page.table()->selectionModel()->selectedRows().size(), 4);

    auto *tabs = page.findChild<QTabWidget *>();
    QVERIFY(!tabs->isTabVisible(2)); // no model-diff tab for 32 snapshots
    QVERIFY(page.grab().save(shots() + QStringLiteral("/evolution-page-population.png")));
    tabs->setCurrentIndex(1);
    QVERIFY(page.grab().save(shots() + QStringLiteral("/evolution-page-features.png")));
    for (const char *name : {"evolution-population", "evolution-psi-histogram", "evolution-turning-point",
                             "evolution-feature-curves", "evolution-direction-similarity"})
        saveFigure(page, QString::fromLatin1(name));

    // Exports carry the run: SVG metadata names the method, the run id and the crosscoder, and
    // the data files come along.
    QTemporaryDir out;
    for (const char *name : {"evolution-population", "evolution-turning-point", "evolution-feature-curves"}) {
        auto *view = page.findChild<gb::FigureView *>(QString::fromLatin1(name));
        QCOMPARE(view->provenance().runId, page.result()->runId);
        QCOMPARE(view->provenance().inputs.value(0).first, m_synthetic);
        QTRY_VERIFY(!view->provenance().inputs.value(0).second.isEmpty()); // once the folder is registered
        gb::plots::ExportOptions o;
        o.writeData = true;
        o.provenance = view->provenance();
        const auto r = gb::plots::FigureExporter::exportFigure(*view->figure(), out.filePath(QString::fromLatin1(name) + QStringLiteral(".svg")), o);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.files.size(), 3); // .svg, .csv, .json
        const QString svg = QString::fromStdString(readFile(r.files.front()));
        QVERIFY(svg.contains(QStringLiteral("evolution")));
        QVERIFY2(svg.contains(QString::number(page.result()->runId)), qPrintable(svg.left(2000)));
    }
}

void TestEvolutionPage::tableSortsFiltersAndLabels()
{
    gb::AppContext ctx;
    QVERIFY(ctx.openWorkspace(m_dir.filePath(QStringLiteral("labels.gbx")), true).isEmpty());
    gb::EvolutionPage page(ctx);
    page.openCrosscoder(m_planted);
    waitIdle(page, ctx);
    gb::EvolutionFeatureModel &model = *page.featureModel();
    gb::EvolutionFeatureFilter &filter = *page.featureFilter();
    QAbstractItemModelTester modelTester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester filterTester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), int(PlantedFeatures));
    QCOMPARE(filter.rowCount(), int(PlantedFeatures) - 1); // the dead feature is hidden by default

    const int psi = column(model, gb::EvolutionFeatureModel::Column::Psi);
    QCOMPARE(model.index(RampFeature, psi).data().toString(), QStringLiteral("20"));
    QCOMPARE(model.index(RampFeature, column(model, gb::EvolutionFeatureModel::Column::PeakStep)).data().toString(),
             QStringLiteral("14k"));
    QCOMPARE(model.index(LateFeature, column(model, gb::EvolutionFeatureModel::Column::EmergenceStep)).data().toString(),
             QStringLiteral("7k"));
    QCOMPARE(model.index(InitFeature, column(model, gb::EvolutionFeatureModel::Column::Lifetime)).data().toString(),
             QStringLiteral("97%"));
    QCOMPARE(model.index(DeadFeature, psi).data().toString(), QStringLiteral("\u2014"));

    filter.sort(psi, Qt::DescendingOrder);
    QCOMPARE(filter.index(0, 0).data(gb::EvolutionFeatureModel::FeatureRole).toLongLong(), qint64(LateFeature));
    double last = 1e9;
    for (int r = 0; r < filter.rowCount(); ++r) {
        const double v = filter.index(r, psi).data(gb::EvolutionFeatureModel::SortRole).toDouble();
        QVERIFY(v <= last);
        last = v;
    }
    filter.setHideDead(false);
    QCOMPARE(filter.rowCount(), int(PlantedFeatures));
    QCOMPARE(filter.index(filter.rowCount() - 1, 0).data(gb::EvolutionFeatureModel::FeatureRole).toLongLong(),
             qint64(DeadFeature)); // "none" sorts below every PSI
    filter.setPsiRange(10, 25);
    QCOMPARE(filter.rowCount(), 3); // early (10), ramp (20), rotating (25), not the dead one
    filter.setPsiRange(0, 31);
    filter.setText(QStringLiteral("3"));
    QCOMPARE(filter.rowCount(), 1);

    // Labels are workspace notes of the registered crosscoder.
    QTRY_VERIFY(!ctx.workspace()->artifacts("dictionary").empty());
    QTRY_VERIFY(model.flags(model.index(0, 0)) != Qt::NoItemFlags);
    const int label = column(model, gb::EvolutionFeatureModel::Column::Label);
    const auto artifacts = ctx.workspace()->artifacts("dictionary");
    QVERIFY(model.setData(model.index(RampFeature, label), QStringLiteral("induction-ish")));
    const auto notes = ctx.workspace()->notes("dictionary:" + std::to_string(artifacts.front().id));
    QCOMPARE(notes.size(), std::size_t(1));
    QCOMPARE(notes.front().first, std::to_string(int(RampFeature)));
    filter.setText(QStringLiteral("INDUCTION"));
    QCOMPARE(filter.rowCount(), 1);
    QCOMPARE(filter.index(0, 0).data(gb::EvolutionFeatureModel::FeatureRole).toLongLong(), qint64(RampFeature));
}

void TestEvolutionPage::levelRecomputesWithoutReading()
{
    gb::AppContext ctx;
    QVERIFY(ctx.openWorkspace(m_dir.filePath(QStringLiteral("level.gbx")), true).isEmpty());
    gb::EvolutionPage page(ctx);
    page.openCrosscoder(m_planted);
    waitIdle(page, ctx);
    QCOMPARE(page.result()->summary.emergenceIndex[RampFeature], 16);
    const auto *data = page.result()->data.get();
    page.setLevel(0.25);
    QTRY_COMPARE(page.result()->summary.emergenceIndex[RampFeature], 14);
    QCOMPARE(page.result()->data.get(), data); // same norms, no second pass over the decoder
    QCOMPARE(ctx.workspace()->runs("evolution").size(), std::size_t(1));
}

void TestEvolutionPage::storedRunReopens()
{
    // The run stored by analysesStoresAndShows comes back without opening the crosscoder.
    gb::AppContext ctx;
    QVERIFY(ctx.openWorkspace(m_workspace, false).isEmpty());
    gb::EvolutionPage page(ctx);
    waitIdle(page, ctx);
    QCOMPARE(page.featureModel()->rowCount(), 3000);
    QCOMPARE(page.result()->crosscoderPath, QFileInfo(m_synthetic).absoluteFilePath());
    QCOMPARE(page.result()->summary.turningIndex, 9);
    page.selectFeatures({42});
    QTRY_VERIFY(page.findChild<gb::FigureView *>(QStringLiteral("evolution-direction-similarity"))->figure());
}

void TestEvolutionPage::plantedTurningPoint()
{
    gb::AppContext ctx;
    QVERIFY(ctx.openWorkspace(m_dir.filePath(QStringLiteral("planted.gbx")), true).isEmpty());
    gb::EvolutionPage page(ctx);
    page.resize(1400, 900);
    page.openCrosscoder(m_planted);
    waitIdle(page, ctx);
    page.selectFeatures({FlipFirst, RampFeature, EarlyFeature, LateFeature});
    const auto *sim = page.findChild<gb::FigureView *>(QStringLiteral("evolution-direction-similarity"));
    QTRY_VERIFY(sim->figure() && sim->figure()->dataJson().contains("Feature 5"));
    const QByteArray turning =
        page.findChild<gb::FigureView *>(QStringLiteral("evolution-turning-point"))->figure()->dataJson();
    QVERIFY2(turning.contains("Turning point: 512"), turning.left(200).constData());
    QVERIFY(page.grab().save(shots() + QStringLiteral("/evolution-page-planted.png")));
    saveFigure(page, QStringLiteral("evolution-direction-similarity"), QStringLiteral("evolution-planted-flip-similarity"));
}

void TestEvolutionPage::twoModelCrosscoder()
{
    gb::AppContext ctx;
    QVERIFY(ctx.openWorkspace(m_dir.filePath(QStringLiteral("diff.gbx")), true).isEmpty());
    gb::EvolutionPage page(ctx);
    page.resize(1400, 800);
    page.show();
    page.openCrosscoder(m_diff);
    waitIdle(page, ctx);
    QVERIFY(page.result()->modelDiff);
    const auto &m = *page.result()->modelDiff;
    QVERIFY(m.aOnly > 450 && m.bOnly > 300 && m.shared > 800);
    auto *tabs = page.findChild<QTabWidget *>();
    QVERIFY(tabs->isTabVisible(2));
    QVERIFY(!tabs->isTabVisible(0));
    QCOMPARE(tabs->currentIndex(), 2);
    QCOMPARE(page.featureModel()->columnCount(), 6); // id, relative norm, cosine, two norms, label
    QCOMPARE(page.featureModel()->headerData(2, Qt::Horizontal).toString(), QStringLiteral("cos(base, chat)"));
    QVERIFY(page.grab().save(shots() + QStringLiteral("/evolution-page-model-diff.png")));
    saveFigure(page, QStringLiteral("evolution-relative-norm"));
    saveFigure(page, QStringLiteral("evolution-shared-cosine"));
}

void TestEvolutionPage::badFolderReportsError()
{
    gb::AppContext ctx;
    QVERIFY(ctx.openWorkspace(m_dir.filePath(QStringLiteral("bad.gbx")), true).isEmpty());
    gb::EvolutionPage page(ctx);
    QString reported;
    connect(&ctx, &gb::AppContext::errorReported, this, [&](const QString &m) { reported = m; });
    page.openCrosscoder(m_dir.filePath(QStringLiteral("nothing-here")));
    QTRY_VERIFY(!reported.isEmpty());
    QVERIFY2(reported.contains(QStringLiteral("not a folder")), qPrintable(reported));
    QVERIFY(!page.isBusy());
    QVERIFY(!page.requirementText().isEmpty()); // still the empty state: nothing was lost
}

QTEST_MAIN(TestEvolutionPage)
#include "tst_evolutionpage.moc"
