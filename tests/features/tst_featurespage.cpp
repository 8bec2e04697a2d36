// SPDX-License-Identifier: MIT
// The Features page end to end on a tiny random GPT-2 and a SAELens JumpReLU dictionary: every
// piece of model work runs as a JobRunner job; the numbers the views show are checked against a
// forward + encode done here; labels persist in the workspace; a scan is cancelled and resumed.
// Screenshots go to <build>/screenshots/features-page-*.png for looking at.
#include "appcontext.h"
#include "featuredashboard.h"
#include "featureheatmap.h"
#include "figureview.h"
#include "jobrunner.h"
#include "pages/featuresdashboardtab.h"
#include "pages/featurespage.h"
#include "pages/featuresprompttab.h"
#include "pages/featuresscantab.h"
#include "pages/featuressearchtab.h"
#include "pages/featuresstate.h"
#include "pages/featuressteertab.h"
#include "plots/figureexporter.h"
#include "scanfixture.h"
#include "plots/steeringfigure.h"

#include "dictionaries/dictionaryloader.h"
#include "dictionaries/sparsedictionary.h"
#include "features/scandata.h"
#include "io/json.h"
#include "store/workspace.h"

#include <QDir>
#include <QLabel>
#include <QListWidget>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>

using namespace gbtest;

namespace {

QString shot(const QString &name)
{
    const QString dir = buildDir() + QStringLiteral("/screenshots");
    QDir().mkpath(dir);
    return dir + QLatin1Char('/') + name;
}

/// The dictionary's activations [T, F] on `ids`, computed here from the model's hook value.
at::Tensor reference(const ScanFixture &f, const std::vector<qint64> &ids)
{
    const auto model = gb::TransformerModel::load(f.model);
    const auto dict = gb::loadDictionary(f.dictionary);
    gb::ForwardInput in;
    in.tokens = at::tensor(std::vector<std::int64_t>(ids.begin(), ids.end()), at::kLong).unsqueeze(0);
    gb::ForwardOptions o;
    o.capture = {dict->hookIn()};
    o.logits = false;
    return dict->encode(model->forward(in, o).hook(dict->hookIn())[0]);
}

/// Checks that the page stored `figure` as run `run`'s "figure" and that `glassbox-cli render`
/// re-renders it from the workspace alone (no model loaded) to the same pixels as the app's export.
void checkStoredFigure(const gb::AppContext &ctx, qint64 run, const std::string &kind, gb::plots::Figure &figure)
{
    QVERIFY(run > 0);
    const auto record = ctx.workspace()->run(run);
    QVERIFY(record);
    QCOMPARE(record->kind, kind);
    QCOMPARE(record->inputs.size(), std::size_t(2)); // model and dictionary, with their hashes
    const auto stored = ctx.workspace()->result(run, "figure");
    QVERIFY(stored);
    QCOMPARE(QByteArray::fromStdString(*stored), figure.dataJson());

    const QString out = shot(QStringLiteral("features-render-%1.png").arg(QString::fromStdString(kind)));
    QProcess cli;
    cli.start(buildDir() + QStringLiteral("/app/glassbox-cli"),
              {QStringLiteral("render"), QStringLiteral("--workspace"), ctx.workspacePath(), QStringLiteral("--run"), QString::number(run),
               QStringLiteral("--out"), out, QStringLiteral("--dpi"), QStringLiteral("100"), QStringLiteral("--quiet")});
    QVERIFY(cli.waitForFinished(120000));
    QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
    const gb::Json j = gb::Json::parse(cli.readAllStandardOutput().toStdString(), "render output");
    QCOMPARE(j.find("figure_kind")->toString(), figure.kind().toStdString());
    gb::plots::ExportOptions o;
    o.format = gb::plots::ExportFormat::Png;
    o.dpi = 100;
    const QImage app = gb::plots::FigureExporter::toImage(figure, o).convertToFormat(QImage::Format_ARGB32);
    QCOMPARE(QImage(out).convertToFormat(QImage::Format_ARGB32), app);
}

void settle(gb::AppContext &ctx)
{
    for (int i = 0; i < 4; ++i) { // a job's result handler may submit the next job
        QVERIFY(ctx.jobs().waitForIdle(120000));
        QCoreApplication::processEvents();
        QTest::qWait(20);
    }
}

} // namespace

class TestFeaturesPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void promptDashboardSearchSteer();
    void scanCancelsAndResumes();
    void badDictionaryIsReported();

private:
    /// A page with the fixture's model and dictionary open.
    void openBoth(gb::FeaturesPage &page, gb::AppContext &ctx);

    QTemporaryDir m_dir;
    ScanFixture m_f;
};

void TestFeaturesPage::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    m_f = makeScanFixture(m_dir.path(), 60);
}

void TestFeaturesPage::openBoth(gb::FeaturesPage &page, gb::AppContext &ctx)
{
    QVERIFY(!page.requirementText().isEmpty());
    page.openModel(QString::fromStdString(m_f.model));
    settle(ctx);
    page.openDictionary(QString::fromStdString(m_f.dictionary));
    settle(ctx);
    QTRY_VERIFY(page.state().target().valid());
    QVERIFY(page.requirementText().isEmpty());
    QCOMPARE(page.state().dictionary().dSae, m_f.dSae);
    QCOMPARE(page.state().dictionary().hookIn, QStringLiteral("blocks.1.hook_resid_post"));
}

void TestFeaturesPage::promptDashboardSearchSteer()
{
    gb::AppContext ctx;
    QVERIFY(ctx.openWorkspace(m_dir.filePath(QStringLiteral("page.gbx")), true).isEmpty());
    gb::FeaturesPage page(ctx);
    page.resize(1400, 900);
    page.show();
    openBoth(page, ctx);

    // A scan first, so that dashboards have examples.
    page.tabs()->setCurrentWidget(page.scanTab());
    page.scanTab()->setCorpus(QString::fromStdString(m_f.corpus));
    page.scanTab()->setContext(32); // the tiny model's context is 64
    QSignalSpy errors(&ctx, &gb::AppContext::errorReported);
    page.scanTab()->startScan();
    settle(ctx);
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.front().front().toString()));
    QVERIFY2(page.state().scanRun() > 0, qPrintable(page.scanTab()->findChild<QLabel *>(QStringLiteral("scan-status"))->text()));
    QVERIFY(!page.scanTab()->isScanning());
    QVERIFY(page.grab().save(shot(QStringLiteral("features-page-scans.png"))));

    // Prompt view: the heatmap holds exactly the active features of a forward + encode here.
    page.tabs()->setCurrentWidget(page.promptTab());
    page.promptTab()->setPrompt(QStringLiteral("the cat sat on the mat (1 22)"));
    page.promptTab()->analyse();
    settle(ctx);
    const gb::FeatureSession::Prompt &p = page.promptTab()->result();
    QVERIFY(p.ids.size() > 10);
    QCOMPARE(p.ids.front(), m_f.eot); // BOS
    const at::Tensor ref = reference(m_f, p.ids);
    const at::Tensor active = (ref > 0).any(0);
    QCOMPARE(std::int64_t(p.features.size()), active.sum().item<std::int64_t>());
    const auto matrix = page.promptTab()->heatmap()->figure()->matrix();
    QCOMPARE(matrix.rows(), int(p.ids.size()));
    QCOMPARE(matrix.cols(), int(p.features.size()));
    float maxSeen = 0;
    for (int c = 0; c < matrix.cols(); ++c)
        for (int r = 0; r < matrix.rows(); ++r) {
            const float want = ref[r][matrix.features[std::size_t(c)]].item<float>();
            QVERIFY2(std::abs(matrix.value(r, c) - want) <= 1e-4f * (1 + std::abs(want)),
                     qPrintable(QStringLiteral("token %1 feature %2").arg(r).arg(matrix.features[std::size_t(c)])));
            maxSeen = std::max(maxSeen, matrix.value(r, c));
        }
    // Sorted by max activation: the first column holds the largest value.
    float firstMax = 0;
    for (int r = 0; r < matrix.rows(); ++r)
        firstMax = std::max(firstMax, matrix.value(r, 0));
    QCOMPARE(firstMax, maxSeen);
    // A token's strongest features, strongest first.
    page.promptTab()->showToken(3);
    QVERIFY(page.promptTab()->tokenFeatures()->count() > 0);
    const qint64 strongest = page.promptTab()->tokenFeatures()->item(0)->data(Qt::UserRole).toLongLong();
    QCOMPARE(strongest, ref[3].argmax().item<std::int64_t>());
    QVERIFY(page.grab().save(shot(QStringLiteral("features-page-prompt.png"))));

    // Clicking a feature id opens its dashboard; its top example is where the scan saw the largest
    // activation, and that window re-encoded here gives the same value at the same token.
    const qint64 feature = matrix.features.front();
    QSignalSpy opened(&page.state(), &gb::FeaturesState::openFeature);
    const auto L = page.promptTab()->heatmap()->figure()->layout(page.promptTab()->heatmap()->viewport(),
                                                                 QRectF(page.promptTab()->heatmap()->viewport()->rect()));
    QTest::mouseClick(page.promptTab()->heatmap()->viewport(), Qt::LeftButton, {},
                      QPointF(L.cells.left() + 0.5 * L.cellPx, L.header.center().y()).toPoint());
    QCOMPARE(opened.count(), 1);
    QCOMPARE(opened.front().front().toLongLong(), feature);
    settle(ctx);
    QCOMPARE(page.tabs()->currentWidget(), page.dashboardTab());
    auto dash = page.dashboardTab()->view()->dashboard();
    QVERIFY(dash);
    const gb::plots::FeatureDashboardData &d = dash->data();
    QCOMPARE(d.feature, feature);
    const gb::ScanData scan = gb::ScanData::load(*ctx.workspace(), page.state().scanRun());
    const auto top = scan.stats().top(feature);
    QVERIFY(!top.empty());
    QCOMPARE(d.top.size(), std::min<std::size_t>(top.size(), 10));
    QCOMPARE(d.count, scan.stats().count(feature));
    const auto &window = scan.window(top.front().window);
    const at::Tensor wref = reference(m_f, std::vector<qint64>(window.begin(), window.end()));
    const gb::plots::FeatureExampleRow &row0 = d.top.front();
    QCOMPARE(row0.value, top.front().value);
    QVERIFY(std::abs(row0.value - wref[top.front().position][feature].item<float>()) < 1e-4f);
    QVERIFY(std::abs(row0.activations[std::size_t(row0.focus)] - row0.value) < 1e-4f);
    QVERIFY(!d.positive.empty() && !d.negative.empty());
    QVERIFY(d.positive.front().value >= d.positive.back().value);
    QVERIFY(!d.neighbours.empty());
    // Byte tokens that are not UTF-8 on their own are shown as \xNN, never as U+FFFD.
    for (const auto &e : d.positive)
        QVERIFY2(!e.token.contains(QChar(0xFFFD)), qPrintable(e.token));
    for (const auto &e : d.negative)
        QVERIFY2(!e.token.contains(QChar(0xFFFD)), qPrintable(e.token));
    std::uint64_t histTotal = 0;
    for (const double c : d.histCounts)
        histTotal += std::uint64_t(c);
    QCOMPARE(histTotal, d.count);
    QVERIFY(page.grab().save(shot(QStringLiteral("features-page-dashboard.png"))));
    gb::plots::ExportOptions o;
    o.format = gb::plots::ExportFormat::Png;
    o.dpi = 150;
    QVERIFY(gb::plots::FigureExporter::toImage(*dash, o).save(shot(QStringLiteral("features-page-dashboard-export.png"))));

    // A label is saved in the workspace and shown on the dashboard and in the prompt's token list.
    page.dashboardTab()->saveLabel(QStringLiteral("the letter t"), QStringLiteral("fires inside words"));
    settle(ctx);
    QCOMPARE(page.dashboardTab()->view()->dashboard()->data().label, QStringLiteral("the letter t"));
    {
        gb::AppContext other;
        QVERIFY(other.openWorkspace(ctx.workspacePath(), false).isEmpty());
        gb::FeaturesState state(other);
        state.setTarget(page.state().target(), page.state().dictionary());
        QCOMPARE(state.label(feature), QStringLiteral("the letter t"));
        QCOMPARE(state.note(feature), QStringLiteral("fires inside words"));
    }

    // Search: the features firing on "cat" over the scanned corpus, strongest mean first.
    page.tabs()->setCurrentWidget(page.searchTab());
    page.searchTab()->searchText(QStringLiteral(" cat"));
    settle(ctx);
    QTableWidget *table = page.searchTab()->table();
    QVERIFY(table->rowCount() > 0);
    for (int r = 1; r < table->rowCount(); ++r)
        QVERIFY(table->item(r - 1, 1)->text().toDouble() >= table->item(r, 1)->text().toDouble());
    QVERIFY(page.searchTab()->chart()->figure());
    QVERIFY(page.grab().save(shot(QStringLiteral("features-page-search.png"))));

    // Steering: zeroing the strongest feature everywhere changes the next-token distribution.
    page.tabs()->setCurrentWidget(page.steerTab());
    page.steerTab()->setPrompt(QStringLiteral("the cat sat on"));
    page.steerTab()->addEdit(feature, QStringLiteral("clamp"), 4 * double(maxSeen));
    page.steerTab()->run();
    settle(ctx);
    const auto steering = std::dynamic_pointer_cast<gb::plots::SteeringFigure>(page.steerTab()->view()->figure());
    QVERIFY(steering);
    const auto rows = steering->rows();
    QVERIFY(!rows.empty());
    double moved = 0;
    for (const auto &r : rows)
        moved += std::abs(r.after - r.before);
    QVERIFY(moved > 1e-3);
    QVERIFY(!steering->data().continuationBefore.isEmpty());
    QVERIFY(!steering->data().continuationAfter.contains(QChar(0xFFFD)));
    QVERIFY(page.grab().save(shot(QStringLiteral("features-page-steer.png"))));

    // Each view was stored with its run; `glassbox-cli render --run` redraws it without the model.
    checkStoredFigure(ctx, page.promptTab()->runId(), "prompt_features", *page.promptTab()->heatmap()->figure());
    checkStoredFigure(ctx, page.dashboardTab()->runId(), "feature_dashboard", *page.dashboardTab()->view()->dashboard());
    checkStoredFigure(ctx, page.steerTab()->runId(), "steering", *steering);
}

void TestFeaturesPage::scanCancelsAndResumes()
{
    const QString corpus = m_dir.filePath(QStringLiteral("big.txt"));
    writeFile(corpus, syntheticCorpus(3000, 9));
    gb::AppContext ctx;
    QVERIFY(ctx.openWorkspace(m_dir.filePath(QStringLiteral("cancel.gbx")), true).isEmpty());
    gb::FeaturesPage page(ctx);
    openBoth(page, ctx);
    page.scanTab()->setCorpus(corpus);
    page.scanTab()->setContext(32);
    page.scanTab()->startScan();
    QVERIFY(page.scanTab()->isScanning());
    // Cancel once the scan has reported progress (it is running, not queued).
    QTRY_VERIFY_WITH_TIMEOUT(ctx.jobs().activeCount() == 1 && ctx.jobs().job(ctx.jobs().jobIds().back())->progress.fraction > 0, 60000);
    page.scanTab()->cancelScan();
    settle(ctx);
    QVERIFY(!page.scanTab()->isScanning());
    const auto runs = ctx.workspace()->runs("scan");
    QCOMPARE(runs.size(), std::size_t(1));
    QVERIFY(runs.front().status != gb::RunRecord::Status::Finished);
    // Run again: the same run resumes and finishes.
    page.scanTab()->startScan();
    settle(ctx);
    const auto after = ctx.workspace()->runs("scan");
    QCOMPARE(after.size(), std::size_t(1));
    QCOMPARE(after.front().status, gb::RunRecord::Status::Finished);
    QCOMPARE(page.state().scanRun(), qint64(after.front().id));
}

void TestFeaturesPage::badDictionaryIsReported()
{
    gb::AppContext ctx;
    QVERIFY(ctx.openWorkspace(m_dir.filePath(QStringLiteral("bad.gbx")), true).isEmpty());
    gb::FeaturesPage page(ctx);
    QSignalSpy errors(&ctx, &gb::AppContext::errorReported);
    const QString bad = m_dir.filePath(QStringLiteral("bad-sae"));
    QDir().mkpath(bad);
    writeFile(bad + QStringLiteral("/cfg.json"), "{\"architecture\": \"jumprelu\", \"d_in\": 16, \"d_sae\": 8}");
    page.openDictionary(bad);
    settle(ctx);
    QCOMPARE(errors.count(), 1);
    QVERIFY2(errors.front().front().toString().contains(QStringLiteral("sae_weights.safetensors")),
             qPrintable(errors.front().front().toString()));
    QVERIFY(page.state().dictionary().path.isEmpty());
    // A dictionary for another width is refused before any compute, naming both widths.
    const QString wide = m_dir.filePath(QStringLiteral("wide-sae"));
    writeSaeLens(wide.toStdString(), "jumprelu", 24, 32, "blocks.1.hook_resid_post");
    page.openModel(QString::fromStdString(m_f.model));
    settle(ctx);
    page.openDictionary(wide);
    settle(ctx);
    page.promptTab()->setPrompt(QStringLiteral("the cat"));
    page.promptTab()->analyse();
    settle(ctx);
    QVERIFY(errors.count() >= 2);
    const QString message = errors.back().front().toString();
    QVERIFY2(message.contains(QStringLiteral("24")) && message.contains(QStringLiteral("16")), qPrintable(message));
}

QTEST_MAIN(TestFeaturesPage)
#include "tst_featurespage.moc"
