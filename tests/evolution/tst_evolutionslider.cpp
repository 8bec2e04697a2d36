// SPDX-License-Identifier: MIT
// The evolution page's time slider and "open in the feature explorer" on the small demo (built
// in the test, offline): the slider's activations against the crosscoder's own encode of the
// checkpoint's hook activations computed here, the request reaching the Features page's
// dashboard, and a snapshot's top examples from a corpus scan. Screenshots for looking at:
// build/screenshots/evolution-time-slider.png, evolution-open-in-explorer.png.
#include "appcontext.h"
#include "demo/demo_builder.h"
#include "demo/demo_config.h"
#include "dictionaries/crosscoderdictionary.h"
#include "dictionaries/dictionaryloader.h"
#include "featuredashboard.h"
#include "featureheatmap.h"
#include "jobrunner.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "mainwindow.h"
#include "models/transformermodel.h"
#include "figureview.h"
#include "pages/evolutionfeaturemodel.h"
#include "pages/evolutionpage.h"
#include "plots/xyfigure.h"
#include "pages/evolutionresult.h"
#include "pages/evolutionsnapshottab.h"
#include "pages/featuresdashboardtab.h"
#include "pages/featuresjobs.h"
#include "pages/featurespage.h"
#include "pages/featuresstate.h"
#include "testutils.h"
#include "tokenize/tokenizer_loader.h"

#include <ATen/ATen.h>

#include <QDir>
#include <QImage>
#include <QPainter>
#include <QTableView>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace gbtest;

namespace {

const QString Prompt = QStringLiteral("the river ( and the stone [ of ] ) said \"the old word\" again");

/// The hook activations of `prompt` (BOS first) in the checkpoint at `dir`, [T, d].
at::Tensor hookActivations(const QString &dir, const std::string &hook)
{
    const auto model = gb::TransformerModel::load(dir.toStdString());
    const auto tok = gb::loadTokenizer(dir.toStdString());
    std::vector<std::int64_t> ids{*gb::bosTokenId(dir.toStdString(), *tok)};
    for (const auto id : tok->encodeIds(Prompt.toStdString()))
        ids.push_back(id);
    gb::ForwardInput in;
    in.tokens = at::tensor(ids, at::kLong).unsqueeze(0);
    gb::ForwardOptions o;
    o.capture = {hook};
    o.logits = false;
    o.inference = true;
    return model->forward(in, o).hook(hook)[0];
}

} // namespace

class TestEvolutionSlider : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void sliderEncodesTheSnapshot_data();
    void sliderEncodesTheSnapshot();
    void openInExplorerShowsTheDashboard();
    void topExamplesFromAScan();
    void titlesFitInTheDemoWindow();
    void clickingACurvePicksItsFeature();

private:
    void openPage(gb::EvolutionPage &page);

    QTemporaryDir m_dir;
    QString m_demo, m_checkpoints, m_crosscoder;
    gb::AppContext *m_ctx = nullptr;
};

void TestEvolutionSlider::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    m_demo = m_dir.filePath(QStringLiteral("demo"));
    gb::demo::buildDemo(gb::demo::DemoConfig::small(), m_demo.toStdString(), gb::Progress::null(), gb::CancelToken());
    m_checkpoints = m_demo + QStringLiteral("/model/checkpoints");
    m_crosscoder = m_demo + QStringLiteral("/crosscoder");
    m_ctx = new gb::AppContext(this);
    QCOMPARE(m_ctx->openWorkspace(m_demo + QStringLiteral("/demo.gbx"), false), QString());
}

void TestEvolutionSlider::openPage(gb::EvolutionPage &page)
{
    QTRY_VERIFY_WITH_TIMEOUT(page.result() && !page.isBusy(), 60000);
    QVERIFY(m_ctx->jobs().waitForIdle(60000));
}

void TestEvolutionSlider::sliderEncodesTheSnapshot_data()
{
    QTest::addColumn<int>("head");
    QTest::addColumn<QString>("folder");
    // Heads follow config.json's hook_points: step0 step1 step2 step4 step8 step16 step32 step60.
    QTest::addRow("step4") << 3 << QStringLiteral("step4");
    QTest::addRow("step60") << 7 << QStringLiteral("step60");
}

void TestEvolutionSlider::sliderEncodesTheSnapshot()
{
    QFETCH(int, head);
    QFETCH(QString, folder);
    gb::EvolutionPage page(*m_ctx);
    page.resize(1500, 900);
    openPage(page);
    gb::EvolutionSnapshotTab *tab = page.snapshotTab();
    // The series comes from the workspace's evolution run; the hook from the checkpoints' depth.
    QCOMPARE(QDir(tab->modelPath(head)), QDir(m_checkpoints + QLatin1Char('/') + folder));
    QCOMPARE(tab->hook(), QStringLiteral("blocks.1.hook_resid_post"));

    QSignalSpy shown(tab, &gb::EvolutionSnapshotTab::resultShown);
    tab->setPrompt(Prompt);
    tab->setSnapshot(head);
    tab->run();
    QVERIFY(shown.wait(60000));
    QCOMPARE(tab->resultHead(), head);
    const gb::FeatureSession::Prompt &p = tab->result();

    // Independent path: the checkpoint's activations at the hook, put into this head of the
    // crosscoder's input with every other head zero, through CrosscoderDictionary::encode.
    const at::Tensor acts = hookActivations(m_checkpoints + QLatin1Char('/') + folder, "blocks.1.hook_resid_post");
    const auto dict = std::dynamic_pointer_cast<const gb::CrosscoderDictionary>(gb::loadDictionary(m_crosscoder.toStdString()));
    QVERIFY(dict);
    const std::int64_t T = acts.size(0), S = dict->info().heads, F = dict->dSae();
    QCOMPARE(S, 8);
    at::Tensor x = at::zeros({T, S, acts.size(1)});
    x.select(1, head).copy_(acts);
    const at::Tensor f = dict->encode(x).select(1, head).contiguous(); // [T, F]
    QCOMPARE(qint64(p.ids.size()), qint64(T));
    const auto C = std::int64_t(p.features.size());
    QVERIFY2(C >= 3, "the prompt should light up a few features");
    std::vector<bool> listed(std::size_t(F), false);
    for (std::int64_t c = 0; c < C; ++c) {
        const std::int64_t id = p.features[std::size_t(c)];
        listed[std::size_t(id)] = true;
        for (std::int64_t t = 0; t < T; ++t)
            QVERIFY2(isClose(p.values[std::size_t(t * C + c)], f[t][id].item<float>(), 1e-4, 1e-5),
                     qPrintable(QStringLiteral("token %1 feature %2: %3 vs %4").arg(t).arg(id).arg(p.values[std::size_t(t * C + c)]).arg(f[t][id].item<float>())));
    }
    for (std::int64_t id = 0; id < F; ++id)
        if (!listed[std::size_t(id)])
            QCOMPARE(f.select(1, id).abs().max().item<float>(), 0.0f); // silent features are left out, active ones are not
    // The heatmap shows the strongest of them, in order, with the same values.
    const gb::plots::FeatureMatrix &m = tab->heatmap()->figure()->matrix();
    QCOMPARE(m.rows(), int(T));
    QVERIFY(m.cols() > 0 && m.cols() <= int(C));
    for (int j = 0; j < m.cols(); ++j)
        for (int t = 0; t < m.rows(); ++t)
            QVERIFY(isClose(m.value(t, j), f[t][m.features[std::size_t(j)]].item<float>(), 1e-4, 1e-5));
    QCOMPARE(tab->featureList()->topLevelItemCount(), int(C));
    QCOMPARE(tab->featureList()->topLevelItem(0)->data(0, Qt::UserRole).toLongLong(), m.features.front());
}

void TestEvolutionSlider::openInExplorerShowsTheDashboard()
{
    gb::MainWindow window(*m_ctx);
    window.resize(1500, 950);
    window.show();
    auto *evolution = window.findChild<gb::EvolutionPage *>();
    auto *features = window.findChild<gb::FeaturesPage *>();
    QVERIFY(evolution && features);
    openPage(*evolution);
    window.pages()->setCurrentWidget(evolution);
    evolution->tabs()->setCurrentWidget(evolution->snapshotTab());
    gb::EvolutionSnapshotTab *tab = evolution->snapshotTab();
    QSignalSpy shown(tab, &gb::EvolutionSnapshotTab::resultShown);
    tab->setPrompt(Prompt);
    tab->setSnapshot(6);
    tab->run();
    QVERIFY(shown.wait(60000));
    QVERIFY(tab->featureList()->topLevelItemCount() > 0);
    const qint64 feature = tab->featureList()->topLevelItem(0)->data(0, Qt::UserRole).toLongLong();

    // Double-click in the list: the Features page comes forward with that feature of head 6,
    // read from the step32 checkpoint.
    QTreeWidget *list = tab->featureList();
    const QRect cell = list->visualItemRect(list->topLevelItem(0));
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, cell.center()); // a double-click follows a press
    QTest::mouseDClick(list->viewport(), Qt::LeftButton, {}, cell.center());
    QCOMPARE(window.pages()->currentWidget(), features);
    auto *view = features->dashboardTab()->view();
    QTRY_VERIFY_WITH_TIMEOUT(view->dashboard() && view->dashboard()->data().feature == feature, 60000);
    const gb::FeatureTarget &t = features->state().target();
    QCOMPARE(QDir(t.dictionaryPath), QDir(m_crosscoder));
    QCOMPARE(t.head, 6);
    QCOMPARE(t.headHook, QStringLiteral("blocks.1.hook_resid_post"));
    QCOMPARE(QDir(t.modelPath), QDir(m_checkpoints + QStringLiteral("/step32")));
    QCOMPARE(features->tabs()->currentWidget(), features->dashboardTab());
    QVERIFY(m_ctx->jobs().waitForIdle(60000));
    QTest::qWait(100);
    QVERIFY(window.grab().save(screenshotsDir() + QStringLiteral("/evolution-open-in-explorer.png")));

    // From the feature table: the feature's peak snapshot and its checkpoint.
    const gb::EvolutionResult &r = *evolution->result();
    qint64 other = 0;
    while (r.summary.isDead(other) || other == feature)
        ++other;
    const int peak = r.summary.peakIndex[std::size_t(other)];
    window.pages()->setCurrentWidget(evolution);
    evolution->openInExplorer(other);
    QCOMPARE(window.pages()->currentWidget(), features);
    QTRY_VERIFY_WITH_TIMEOUT(view->dashboard() && view->dashboard()->data().feature == other, 60000);
    QCOMPARE(features->state().target().head, peak);
    QCOMPARE(QDir(features->state().target().modelPath), QDir(evolution->snapshotTab()->modelPath(peak)));
}

void TestEvolutionSlider::topExamplesFromAScan()
{
    gb::EvolutionPage page(*m_ctx);
    page.resize(1500, 950);
    page.show();
    openPage(page);
    page.tabs()->setCurrentWidget(page.snapshotTab());
    gb::EvolutionSnapshotTab *tab = page.snapshotTab();
    const int head = 6; // step32
    // The demo ships a scan of the last snapshot (step60 through head 7), none of step32.
    QVERIFY(tab->scanRun() > 0);
    tab->setSnapshot(head);
    QCOMPARE(tab->scanRun(), qint64(0));

    // A scan of the step32 checkpoint through head 6, as the feature explorer runs it.
    gb::FeatureTarget t;
    t.modelPath = tab->modelPath(head);
    t.dictionaryPath = m_crosscoder;
    t.head = head;
    t.headHook = tab->hook();
    gb::FeatureSession session(m_ctx->modelCache());
    gb::FeatureSession::ScanRequest request;
    request.corpus = m_demo + QStringLiteral("/corpus/scan.txt");
    request.workspacePath = m_ctx->workspacePath();
    request.context = 32;
    const auto outcome = session.scan(t, request, gb::Progress::null(), gb::CancelToken());
    QVERIFY(outcome.runId > 0);
    Q_EMIT m_ctx->runsChanged();

    QSignalSpy shown(tab, &gb::EvolutionSnapshotTab::resultShown);
    tab->setPrompt(Prompt);
    tab->setSnapshot(head);
    tab->run();
    QVERIFY(shown.wait(60000));
    QCOMPARE(tab->scanRun(), outcome.runId);
    QVERIFY(tab->featureList()->topLevelItemCount() > 0);
    QSignalSpy examples(tab, &gb::EvolutionSnapshotTab::examplesShown);
    tab->featureList()->setCurrentItem(tab->featureList()->topLevelItem(0));
    QVERIFY(examples.wait(60000));
    const qint64 feature = tab->featureList()->topLevelItem(0)->data(0, Qt::UserRole).toLongLong();
    const gb::plots::FeatureDashboardData &d = tab->examples()->dashboard()->data();
    QCOMPARE(d.feature, feature);
    QVERIFY(d.count > 0);
    QVERIFY(!d.top.empty());
    // The top example recomputed from its window is the scan's maximum for that feature.
    QVERIFY(isClose(d.top.front().value, d.maxValue, 1e-4, 1e-5));
    QVERIFY(m_ctx->jobs().waitForIdle(60000));
    QTest::qWait(100);
    QVERIFY(page.grab().save(screenshotsDir() + QStringLiteral("/evolution-time-slider.png")));

    // A second scanned step (step60, head 7): every scanned step's strongest windows, by step,
    // the step32 ones being the chosen-step dashboard's.
    std::vector<float> at32;
    for (std::size_t i = 0; i < std::min<std::size_t>(3, d.top.size()); ++i)
        at32.push_back(d.top[i].value);
    t.modelPath = tab->modelPath(7);
    t.head = 7;
    QVERIFY(session.scan(t, request, gb::Progress::null(), gb::CancelToken()).runId > outcome.runId);
    Q_EMIT m_ctx->runsChanged();
    tab->setExamplesAtEveryStep(true);
    QVERIFY(examples.wait(60000));
    const gb::plots::FeatureDashboardData &all = tab->examples()->dashboard()->data();
    QCOMPARE(all.feature, feature);
    QVERIFY(all.top.size() > at32.size());
    for (std::size_t i = 0; i < at32.size(); ++i) {
        QCOMPARE(all.top[i].caption, QStringLiteral("32"));
        QCOMPARE(all.top[i].value, at32[i]);
    }
    for (std::size_t i = at32.size(); i < all.top.size(); ++i)
        QCOMPARE(all.top[i].caption, QStringLiteral("60"));
    QVERIFY(m_ctx->jobs().waitForIdle(60000));
    QTest::qWait(100);
    QVERIFY(page.grab().save(screenshotsDir() + QStringLiteral("/evolution-time-slider-every-step.png")));

    // Other snapshots have no scan: no examples, and the tab says which steps have one.
    tab->setSnapshot(2);
    QCOMPARE(tab->scanRun(), qint64(0));
    QVERIFY(m_ctx->jobs().waitForIdle(60000));

    // The feature explorer, asked for a head, uses that head's scan and no other's: its
    // dashboards re-run the scan's windows through the head and checkpoint it shows.
    gb::FeaturesPage features(*m_ctx);
    auto *view = features.dashboardTab()->view();
    features.showFeature(m_crosscoder, head, feature, tab->modelPath(head), tab->hook());
    QTRY_VERIFY_WITH_TIMEOUT(view->dashboard() && view->dashboard()->data().feature == feature, 60000);
    QCOMPARE(features.state().scanRun(), outcome.runId);
    QCOMPARE(view->dashboard()->data().top.front().value, at32.front());
    features.showFeature(m_crosscoder, 2, feature, tab->modelPath(2), tab->hook());
    QTRY_VERIFY_WITH_TIMEOUT(features.state().target().head == 2 && view->dashboard() && m_ctx->jobs().activeCount() == 0, 60000);
    QCOMPARE(features.state().scanRun(), qint64(0));
    QVERIFY(view->dashboard()->data().top.empty());
}

void TestEvolutionSlider::titlesFitInTheDemoWindow()
{
    gb::MainWindow window(*m_ctx);
    window.resize(1400, 900); // what tst_demo shows
    window.show();
    auto *evolution = window.findChild<gb::EvolutionPage *>();
    openPage(*evolution);
    window.pages()->setCurrentWidget(evolution);
    evolution->tabs()->setCurrentIndex(0);
    QTest::qWait(100);
    QVERIFY(window.grab().save(screenshotsDir() + QStringLiteral("/evolution-demo-population.png")));
}

void TestEvolutionSlider::clickingACurvePicksItsFeature()
{
    gb::EvolutionPage page(*m_ctx);
    page.resize(1500, 900);
    page.show();
    openPage(page);
    page.tabs()->setCurrentIndex(1);
    const gb::EvolutionResult &r = *page.result();
    // Two features whose normalised curves are far apart at some snapshot.
    qint64 a = -1, b = -1;
    std::int64_t at = -1;
    for (qint64 f = 0; f < r.data->features && a < 0; ++f)
        for (qint64 g = f + 1; g < r.data->features && a < 0; ++g)
            for (std::int64_t s = 1; s + 1 < r.data->heads && a < 0; ++s)
                if (!r.summary.isDead(f) && !r.summary.isDead(g)
                    && r.data->norm(s, f) / r.summary.maxNorm[std::size_t(f)] > 0.9 && r.data->norm(s, g) / r.summary.maxNorm[std::size_t(g)] < 0.3) {
                    a = f;
                    b = g;
                    at = s;
                }
    QVERIFY(a >= 0);
    page.selectFeatures({a, b});
    QTest::qWait(50);
    auto *curves = page.findChild<gb::FigureView *>(QStringLiteral("evolution-feature-curves"));
    const auto *fig = dynamic_cast<const gb::plots::XYFigure *>(curves->figure().get());
    QVERIFY(fig);
    // Where the figure itself draws a's point at that snapshot (its own layout, not the pick's code).
    QImage probe(1, 1, QImage::Format_ARGB32);
    probe.setDotsPerMeterX(qRound(curves->logicalDpiX() / 0.0254));
    probe.setDotsPerMeterY(qRound(curves->logicalDpiY() / 0.0254));
    QPainter painter(&probe);
    const auto L = fig->plotLayout(&painter, QRectF(curves->rect()));
    painter.end();
    const QPointF onA(L.xs.map(r.x(at)), L.ys.map(r.data->norm(at, a) / r.summary.maxNorm[std::size_t(a)]));
    QCOMPARE(page.featureAt(curves, onA + QPointF(1, 2)), a);
    QCOMPARE(page.featureAt(curves, QPointF(L.plot.right() + 40, L.plot.top() - 40)), qint64(-1));
    // A click on b's curve in the population picture selects b in the table.
    page.tabs()->setCurrentIndex(0);
    QTest::qWait(50);
    auto *population = page.findChild<gb::FigureView *>(QStringLiteral("evolution-population"));
    qint64 picked = -1;
    QPoint where;
    for (int y = 0; y < population->height() && picked < 0; y += 3)
        for (int x = 0; x < population->width() && picked < 0; x += 3)
            if (page.featureAt(population, QPointF(x, y)) >= 0) {
                where = QPoint(x, y);
                picked = page.featureAt(population, QPointF(x, y));
            }
    QVERIFY(picked >= 0);
    QTest::mouseClick(population, Qt::LeftButton, {}, where);
    const QModelIndexList rows = page.table()->selectionModel()->selectedRows();
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.front().data(gb::EvolutionFeatureModel::FeatureRole).toLongLong(), picked);
}

QTEST_MAIN(TestEvolutionSlider)
#include "tst_evolutionslider.moc"
