// SPDX-License-Identifier: MIT
// The app's side of models: loading as a job into AppContext's cache, and the navigator.
#include "appcontext.h"
#include "errorbanner.h"
#include "jobrunner.h"
#include "mainwindow.h"
#include "modeltestutils.h"
#include "navigator.h"

#include <QDockWidget>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QThread>
#include <QTreeView>

#include <algorithm>
#include <atomic>

using namespace gb;

class TestModelApp : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void registeredModelLoadsAndShows();
    void loadReportsProgressAndCancels();
    void failedLoadIsReported();

private:
    QTemporaryDir m_dir;
};

void TestModelApp::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
}

void TestModelApp::registeredModelLoadsAndShows()
{
    AppContext ctx;
    QVERIFY(ctx.openWorkspace(m_dir.filePath(QStringLiteral("models.gbx")), true).isEmpty());
    MainWindow w(ctx);
    w.resize(1280, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const QString gpt2 = m_dir.filePath(QStringLiteral("gpt2-tiny"));
    const QString neox = m_dir.filePath(QStringLiteral("pythia-tiny"));
    gbtest::copyFixture("gpt2-tiny", gpt2);
    gbtest::copyFixture("neox-tiny", neox);
    QSignalSpy loaded(&ctx, &AppContext::modelsChanged);
    ctx.registerArtifact(gpt2); // registering a model folder also loads it
    QTRY_VERIFY_WITH_TIMEOUT(ctx.models().isLoaded(gpt2.toStdString()), 20000);
    ctx.loadModel(neox); // loaded without registering: still listed
    ctx.loadModel(gpt2, QStringLiteral("fold_ln,center_writing_weights"));
    QTRY_COMPARE_WITH_TIMEOUT(ctx.models().loaded().size(), std::size_t(3), 20000);
    QVERIFY(ctx.models().find(gpt2.toStdString(), "center_writing_weights,fold_ln") != nullptr);
    QVERIFY(ctx.models().find(gpt2.toStdString(), "center_unembed") == nullptr);
    QTRY_VERIFY(loaded.count() >= 3);

    QStandardItemModel *nav = w.navigator()->model();
    const auto gpt2Items = nav->findItems(QStringLiteral("gpt2-tiny"), Qt::MatchRecursive);
    QCOMPARE(gpt2Items.size(), 1);
    const QString details = gpt2Items.front()->index().siblingAtColumn(1).data().toString();
    QVERIFY2(details.startsWith(QStringLiteral("loaded")), qPrintable(details));
    const auto factRows = [](QStandardItem *item) {
        QStringList rows;
        for (int i = 0; i < item->rowCount(); ++i)
            rows << item->child(i)->text();
        return rows.join(QLatin1Char('\n'));
    };
    const QString facts = factRows(gpt2Items.front());
    QCOMPARE(facts, QStringLiteral("gpt2, 2 layers, 4 heads\nd_model 16, vocabulary 64\n8.1K parameters\n"
                                   "loaded: raw weights\nloaded: folded LN, centred writers"));
    const auto neoxItems = nav->findItems(QStringLiteral("pythia-tiny"), Qt::MatchRecursive);
    QCOMPARE(neoxItems.size(), 1);
    QCOMPARE(factRows(neoxItems.front()), QStringLiteral("gpt_neox, 2 layers, 2 heads\nd_model 32, vocabulary 64\n"
                                                          "19.2K parameters\nloaded: raw weights"));

    const QString shots = gbtest::buildDir() + QStringLiteral("/screenshots");
    QDir().mkpath(shots);
    QVERIFY(w.grab().save(shots + QStringLiteral("/models-navigator.png")));

    ctx.unloadModel(gpt2);
    QTRY_VERIFY(!ctx.models().isLoaded(gpt2.toStdString()));
    QTRY_VERIFY(!nav->findItems(QStringLiteral("gpt2-tiny"), Qt::MatchRecursive)
                     .front()->index().siblingAtColumn(1).data().toString().startsWith(QStringLiteral("loaded")));
}

namespace {

/// The id of the newest job whose name starts with `prefix` (0 if none).
quint64 newestJob(const JobRunner &jobs, const QString &prefix)
{
    quint64 found = 0;
    for (quint64 id : jobs.jobIds())
        if (jobs.job(id)->name.startsWith(prefix))
            found = std::max(found, id);
    return found;
}

} // namespace

void TestModelApp::loadReportsProgressAndCancels()
{
    AppContext ctx;
    const QString gpt2 = m_dir.filePath(QStringLiteral("gpt2-cancel"));
    gbtest::copyFixture("gpt2-tiny", gpt2);
    QSignalSpy errors(&ctx, &AppContext::errorReported);

    ctx.loadModel(gpt2, QStringLiteral("fold_ln"));
    const quint64 loadId = newestJob(ctx.jobs(), QStringLiteral("Load model gpt2-cancel"));
    QVERIFY(loadId != 0);
    QTRY_COMPARE_WITH_TIMEOUT(ctx.jobs().job(loadId)->state, JobInfo::State::Finished, 20000);
    // The last report reaches the end of the processing stage, which only a processed load has.
    const ProgressUpdate &done = ctx.jobs().job(loadId)->progress;
    QCOMPARE(done.fraction, 1.0);
    QVERIFY2(QString::fromStdString(done.stage).startsWith(QStringLiteral("processing weights")), done.stage.c_str());
    QVERIFY(ctx.models().find(gpt2.toStdString(), "fold_ln") != nullptr);

    // Hold the single compute worker so the next load is still queued when the user cancels it.
    std::atomic<bool> release{false};
    ctx.jobs().submit(QStringLiteral("blocker"), QString(), [&](Progress &, const CancelToken &) -> std::any {
        while (!release)
            QThread::msleep(5);
        return {};
    }, &ctx, [](std::any) {});
    ctx.loadModel(gpt2);
    const quint64 cancelled = newestJob(ctx.jobs(), QStringLiteral("Load model gpt2-cancel"));
    QVERIFY(cancelled != loadId);
    ctx.jobs().cancel(cancelled);
    release = true;
    QVERIFY(ctx.jobs().waitForIdle(20000));
    QTRY_COMPARE(ctx.jobs().job(cancelled)->state, JobInfo::State::Cancelled);
    QVERIFY2(ctx.models().find(gpt2.toStdString()) == nullptr, "a cancelled load left a model in the cache");
    QVERIFY(ctx.models().find(gpt2.toStdString(), "fold_ln") != nullptr);
    QCOMPARE(errors.count(), 0); // cancelling is not an error
}

void TestModelApp::failedLoadIsReported()
{
    AppContext ctx;
    MainWindow w(ctx);
    w.resize(1280, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const QString broken = m_dir.filePath(QStringLiteral("broken"));
    gbtest::copyFixture("gpt2-tiny", broken);
    QVERIFY(QFile::remove(broken + QStringLiteral("/model.safetensors")));
    QSignalSpy errors(&ctx, &AppContext::errorReported);
    ctx.loadModel(broken);
    QTRY_COMPARE(errors.count(), 1);
    QVERIFY(errors.front().front().toString().contains(QStringLiteral("no model.safetensors")));
    QVERIFY(!ctx.models().isLoaded(broken.toStdString()));
    // The user sees it: in the banner (window keeps running) and as a failed job in the Jobs dock.
    QVERIFY(w.banner()->isVisible());
    QVERIFY2(w.banner()->message().contains(QStringLiteral("Loading model broken failed")), qPrintable(w.banner()->message()));
    const quint64 id = newestJob(ctx.jobs(), QStringLiteral("Load model broken"));
    QCOMPARE(ctx.jobs().job(id)->state, JobInfo::State::Failed);
    QVERIFY(ctx.jobs().job(id)->error.contains(QStringLiteral("no model.safetensors")));
    const QString shots = gbtest::buildDir() + QStringLiteral("/screenshots");
    QDir().mkpath(shots);
    QVERIFY(w.grab().save(shots + QStringLiteral("/models-load-error.png")));
}

QTEST_MAIN(TestModelApp)
#include "tst_modelapp.moc"
