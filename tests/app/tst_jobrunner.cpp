// SPDX-License-Identifier: MIT
#include "jobrunner.h"
#include "testutils.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTimer>

#include <thread>

using gb::CancelToken;
using gb::JobInfo;
using gb::JobRunner;
using gb::Progress;

namespace {

// Busy-work that polls the token like a core job does between batches.
std::any spin(Progress &progress, const CancelToken &cancel, int millis)
{
    progress.beginStage("spinning", 0, 1, "steps");
    QElapsedTimer t;
    t.start();
    volatile double sink = 0;
    std::int64_t steps = 0;
    while (t.elapsed() < millis) {
        for (int i = 0; i < 20000; ++i)
            sink = sink + std::sqrt(double(i));
        ++steps;
        progress.update(t.elapsed(), millis);
        cancel.throwIfCancelled();
    }
    return steps;
}

bool waitFor(const std::function<bool()> &cond, int msecs = 10000)
{
    QElapsedTimer t;
    t.start();
    while (!cond() && t.elapsed() < msecs)
        QTest::qWait(5);
    return cond();
}

} // namespace

class TestJobRunner : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void deliversResultOnGuiThread();
    void reportsProgress();
    void deliversErrors();
    void cancelsWithin200ms();
    void dropsStaleResults();
    void staysResponsive();
};

void TestJobRunner::deliversResultOnGuiThread()
{
    JobRunner runner;
    QThread *resultThread = nullptr;
    int value = 0;
    runner.submit(QStringLiteral("answer"), QString(), [](Progress &, const CancelToken &) -> std::any { return 42; },
                  this, [&](std::any r) {
                      resultThread = QThread::currentThread();
                      value = std::any_cast<int>(r);
                  });
    QVERIFY(waitFor([&] { return value != 0; }));
    QCOMPARE(value, 42);
    QCOMPARE(resultThread, QThread::currentThread());
}

void TestJobRunner::reportsProgress()
{
    JobRunner runner;
    QSignalSpy changed(&runner, &JobRunner::jobChanged);
    bool done = false;
    const auto id = runner.submit(QStringLiteral("spin"), QString(),
                                  [](Progress &p, const CancelToken &c) { return spin(p, c, 400); }, this,
                                  [&](std::any) { done = true; });
    double maxSeen = 0;
    QVERIFY(waitFor([&] {
        if (const JobInfo *j = runner.job(id); j && j->state == JobInfo::State::Running)
            maxSeen = std::max(maxSeen, j->progress.fraction);
        return done;
    }));
    QVERIFY2(maxSeen > 0.2, qPrintable(QString::number(maxSeen)));
    QVERIFY(changed.count() >= 3);
    QVERIFY(changed.count() < 200); // throttled
    QCOMPARE(runner.job(id)->state, JobInfo::State::Finished);
    QVERIFY(runner.job(id)->progress.rate > 0);
}

void TestJobRunner::deliversErrors()
{
    JobRunner runner;
    QString message;
    bool badInput = false;
    bool gotResult = false;
    const auto id = runner.submit(
        QStringLiteral("bad"), QString(),
        [](Progress &, const CancelToken &) -> std::any { throw gb::Error::badInput("model.safetensors: truncated"); },
        this, [&](std::any) { gotResult = true; },
        [&](const QString &m, bool bad) {
            message = m;
            badInput = bad;
        });
    QVERIFY(waitFor([&] { return !message.isEmpty(); }));
    QCOMPARE(message, QStringLiteral("model.safetensors: truncated"));
    QVERIFY(badInput);
    QVERIFY(!gotResult);
    QCOMPARE(runner.job(id)->state, JobInfo::State::Failed);
    QCOMPARE(runner.job(id)->error, message);

    // A foreign exception is an internal error, not a crash.
    QString internal;
    runner.submit(QStringLiteral("oops"), QString(),
                  [](Progress &, const CancelToken &) -> std::any { throw std::runtime_error("boom"); }, this,
                  [](std::any) {}, [&](const QString &m, bool bad) { internal = bad ? QString() : m; });
    QVERIFY(waitFor([&] { return !internal.isEmpty(); }));
    QCOMPARE(internal, QStringLiteral("boom"));
}

void TestJobRunner::cancelsWithin200ms()
{
    JobRunner runner;
    const auto id = runner.submit(QStringLiteral("long"), QString(),
                                  [](Progress &p, const CancelToken &c) { return spin(p, c, 30000); }, this,
                                  [](std::any) { QFAIL("cancelled job delivered a result"); });
    QVERIFY(waitFor([&] { return runner.job(id)->state == JobInfo::State::Running; }));
    QElapsedTimer t;
    t.start();
    runner.cancel(id);
    QVERIFY(waitFor([&] { return runner.job(id)->state == JobInfo::State::Cancelled; }, 2000));
    QVERIFY2(t.elapsed() < 200, qPrintable(QStringLiteral("cancel took %1 ms").arg(t.elapsed())));
}

void TestJobRunner::dropsStaleResults()
{
    JobRunner runner;
    QList<int> delivered;
    // The first job ignores cancellation (a job that cannot be interrupted mid-call): its
    // result still arrives, but after a newer request for the same slot, so it must be dropped.
    const auto first = runner.submit(QStringLiteral("old"), QStringLiteral("view"),
        [](Progress &, const CancelToken &) -> std::any {
            std::this_thread::sleep_for(std::chrono::milliseconds(150));
            return 1;
        },
        this, [&](std::any r) { delivered.append(std::any_cast<int>(r)); });
    QVERIFY(waitFor([&] { return runner.job(first)->state == JobInfo::State::Running; }));
    const auto second = runner.submit(QStringLiteral("new"), QStringLiteral("view"),
        [](Progress &, const CancelToken &) -> std::any { return 2; }, this,
        [&](std::any r) { delivered.append(std::any_cast<int>(r)); });
    QVERIFY(waitFor([&] { return runner.job(second)->state == JobInfo::State::Finished; }));
    QCOMPARE(delivered, QList<int>{2});
    QCOMPARE(runner.job(first)->state, JobInfo::State::Stale);
}

void TestJobRunner::staysResponsive()
{
    // A 3-second CPU-bound job must not stall the GUI thread's event loop: the largest gap
    // between ticks of a 5 ms timer stays under 50 ms.
    JobRunner runner;
    bool done = false;
    runner.submit(QStringLiteral("cpu"), QString(),
                  [](Progress &p, const CancelToken &c) { return spin(p, c, 3000); }, this,
                  [&](std::any) { done = true; });
    QElapsedTimer clock;
    clock.start();
    qint64 last = 0, worst = 0;
    QTimer tick;
    tick.setInterval(5);
    connect(&tick, &QTimer::timeout, this, [&] {
        const qint64 now = clock.elapsed();
        worst = std::max(worst, now - last);
        last = now;
    });
    tick.start();
    QVERIFY(waitFor([&] { return done; }, 20000));
    tick.stop();
    qInfo("largest event-loop gap during a 3 s job: %lld ms", static_cast<long long>(worst));
    QVERIFY2(worst < 50, qPrintable(QStringLiteral("gap %1 ms").arg(worst)));
}

QTEST_MAIN(TestJobRunner)
#include "tst_jobrunner.moc"
