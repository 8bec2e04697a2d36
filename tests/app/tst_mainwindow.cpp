// SPDX-License-Identifier: MIT
#include "appcontext.h"
#include "errorbanner.h"
#include "jobrunner.h"
#include "jobsdock.h"
#include "mainwindow.h"
#include "navigator.h"
#include "pages/workflowpage.h"
#include "store/workspace.h"
#include "testutils.h"

#include <QAction>
#include <QDir>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QThread>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTabWidget>

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void switchesThroughPagesAndScreenshots();
    void registersArtifactsAndRemembersThem();
    void badWorkspaceKeepsCurrentOne();
    void jobsDockShowsProgressAndCancels();
    void persistsWindowStateAndShortcuts();
    void rateFormatting_data();
    void rateFormatting();

private:
    QTemporaryDir m_dir;
};

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("GlassboxTest"));
    QSettings().clear(); // test-mode settings persist between runs; start from defaults
    QVERIFY(m_dir.isValid());
}

void TestMainWindow::switchesThroughPagesAndScreenshots()
{
    gb::AppContext ctx;
    QVERIFY(ctx.openWorkspace(m_dir.filePath(QStringLiteral("a.gbx")), true).isEmpty());
    gb::MainWindow w(ctx);
    w.resize(1280, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const QString shots = gbtest::buildDir() + QStringLiteral("/screenshots");
    QDir().mkpath(shots);
    QCOMPARE(w.pages()->count(), 4);
    for (int i = 0; i < w.pages()->count(); ++i) {
        w.pages()->setCurrentIndex(i);
        QTest::qWait(20);
        QVERIFY(w.page(i)->isVisible());
        QVERIFY2(!w.page(i)->title().isEmpty(), "page has no title");
        const QString file = QStringLiteral("%1/mainwindow-page%2.png").arg(shots).arg(i);
        QVERIFY(w.grab().save(file));
    }
}

void TestMainWindow::registersArtifactsAndRemembersThem()
{
    const QString wsPath = m_dir.filePath(QStringLiteral("b.gbx"));
    const QString csv = m_dir.filePath(QStringLiteral("data.csv"));
    gbtest::writeFile(csv, "x,y\n1,2\n3,4\n");
    {
        gb::AppContext ctx;
        QVERIFY(ctx.openWorkspace(wsPath, true).isEmpty());
        gb::MainWindow w(ctx);
        ctx.registerArtifact(csv);
        QTRY_COMPARE(ctx.workspace()->artifacts(QStringLiteral("dataset").toStdString()).size(), std::size_t(1));
        // The navigator lists it under "Data sets".
        const auto matches = w.navigator()->model()->findItems(QStringLiteral("data.csv"), Qt::MatchRecursive);
        QCOMPARE(matches.size(), 1);
        // Something that is not a known kind is rejected with a message, nothing registered.
        const QString junk = m_dir.filePath(QStringLiteral("junk.bin"));
        gbtest::writeFile(junk, "\x01\x02");
        ctx.registerArtifact(junk);
        QTRY_VERIFY(!w.banner()->message().isEmpty());
        QVERIFY(w.banner()->message().contains(QStringLiteral("not recognised")));
    }
    // Reopening shows it again.
    gb::AppContext ctx;
    QVERIFY(ctx.openWorkspace(wsPath, false).isEmpty());
    gb::MainWindow w(ctx);
    QCOMPARE(w.navigator()->model()->findItems(QStringLiteral("data.csv"), Qt::MatchRecursive).size(), 1);
    const auto a = ctx.workspace()->artifacts("dataset").front();
    QCOMPARE(a.size, 12);
    QCOMPARE(a.sha256.size(), std::size_t(64));
}

void TestMainWindow::badWorkspaceKeepsCurrentOne()
{
    gb::AppContext ctx;
    const QString good = m_dir.filePath(QStringLiteral("c.gbx"));
    QVERIFY(ctx.openWorkspace(good, true).isEmpty());
    const QString bad = m_dir.filePath(QStringLiteral("bad.gbx"));
    gbtest::writeFile(bad, "definitely not sqlite");
    const QString error = ctx.openWorkspace(bad, false);
    QVERIFY(error.contains(QStringLiteral("not a Glassbox workspace")));
    QCOMPARE(ctx.workspacePath(), good);
}

void TestMainWindow::jobsDockShowsProgressAndCancels()
{
    gb::AppContext ctx;
    QVERIFY(ctx.openWorkspace(m_dir.filePath(QStringLiteral("d.gbx")), true).isEmpty());
    gb::MainWindow w(ctx);
    w.resize(1280, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const auto id = ctx.jobs().submit(QStringLiteral("Long computation"), QString(),
        [](gb::Progress &p, const gb::CancelToken &c) -> std::any {
            p.beginStage("crunching", 0, 1, "batches");
            for (int i = 0; i < 1000; ++i) {
                QThread::msleep(10);
                p.update(i, 1000);
                c.throwIfCancelled();
            }
            return 0;
        },
        &w, [](std::any) {});
    QTRY_VERIFY(ctx.jobs().job(id)->progress.fraction > 0.05);
    auto *bar = w.jobsDock()->findChild<QProgressBar *>();
    QVERIFY(bar);
    QTRY_VERIFY(bar->value() > 50);
    QVERIFY(w.grab().save(gbtest::buildDir() + QStringLiteral("/screenshots/mainwindow-job-running.png")));
    auto *cancel = w.jobsDock()->findChild<QPushButton *>(QStringLiteral("cancelJob%1").arg(id));
    QVERIFY(cancel && cancel->isEnabled());
    QTest::mouseClick(cancel, Qt::LeftButton);
    QTRY_COMPARE(ctx.jobs().job(id)->state, gb::JobInfo::State::Cancelled);
    QVERIFY(!cancel->isEnabled());
}

void TestMainWindow::persistsWindowStateAndShortcuts()
{
    gb::AppContext ctx;
    QVERIFY(ctx.openWorkspace(m_dir.filePath(QStringLiteral("e.gbx")), true).isEmpty());
    {
        QSettings s;
        s.setValue(QStringLiteral("shortcuts/openModel"), QStringLiteral("Ctrl+Alt+M"));
    }
    {
        gb::MainWindow w(ctx);
        w.show();
        w.pages()->setCurrentIndex(2);
        w.jobsDock()->hide();
        w.close();
    }
    gb::MainWindow w(ctx);
    QCOMPARE(w.pages()->currentIndex(), 2);
    QAction *openModel = nullptr;
    for (QAction *a : w.shortcutActions())
        if (a->objectName() == QLatin1String("openModel"))
            openModel = a;
    QVERIFY(openModel);
    QCOMPARE(openModel->shortcut(), QKeySequence(QStringLiteral("Ctrl+Alt+M")));
    w.show();
    QVERIFY(!w.jobsDock()->isVisible());
}

void TestMainWindow::rateFormatting_data()
{
    QTest::addColumn<double>("rate");
    QTest::addColumn<QString>("unit");
    QTest::addColumn<double>("eta");
    QTest::addColumn<QString>("expected");
    QTest::addRow("tokens") << 12345.0 << "tokens" << 12.4 << "12.3k tokens/s, 12 s left";
    QTest::addRow("minutes") << 3.0 << "rows" << 600.0 << "3.0 rows/s, 10 min left";
    QTest::addRow("unknown") << 0.0 << "" << -1.0 << "";
}

void TestMainWindow::rateFormatting()
{
    QFETCH(double, rate);
    QFETCH(QString, unit);
    QFETCH(double, eta);
    QFETCH(QString, expected);
    QCOMPARE(gb::JobsDock::formatRate(rate, unit, eta), expected);
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
