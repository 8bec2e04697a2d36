// SPDX-License-Identifier: MIT
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "testutils.h"

#include <thread>

class TestJobs : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void cancelIsShared();
    void progressIsThrottled();
    void progressMapsStages();
};

void TestJobs::cancelIsShared()
{
    gb::CancelToken t;
    const gb::CancelToken copy = t;
    QVERIFY(!copy.isCancelled());
    t.cancel();
    QVERIFY(copy.isCancelled());
    try {
        copy.throwIfCancelled();
        QFAIL("no throw");
    } catch (const gb::Error &e) {
        QCOMPARE(e.kind(), gb::Error::Kind::Cancelled);
    }
}

void TestJobs::progressIsThrottled()
{
    std::vector<gb::ProgressUpdate> seen;
    gb::Progress p([&](const gb::ProgressUpdate &u) { seen.push_back(u); });
    p.beginStage("work");
    // A million updates in a tight loop must not reach the sink a million times.
    for (int i = 0; i < 1000000; ++i)
        p.update(i, 1000000);
    p.flush();
    QVERIFY2(seen.size() < 100, qPrintable(QString::number(seen.size())));
    QCOMPARE(seen.front().stage, std::string("work"));
    QVERIFY(seen.back().fraction > 0.99);
}

void TestJobs::progressMapsStages()
{
    std::vector<gb::ProgressUpdate> seen;
    gb::Progress p([&](const gb::ProgressUpdate &u) { seen.push_back(u); });
    p.beginStage("load", 0.0, 0.2);
    p.beginStage("compute", 0.2, 1.0, "rows");
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    p.update(50, 100);
    QCOMPARE(seen.back().stage, std::string("compute"));
    QVERIFY(gbtest::isClose(seen.back().fraction, 0.6));
    QCOMPARE(seen.back().unit, std::string("rows"));
    QVERIFY(seen.back().rate > 0);
    QVERIFY(seen.back().etaSeconds > 0);
}

QTEST_GUILESS_MAIN(TestJobs)
#include "tst_jobs.moc"
