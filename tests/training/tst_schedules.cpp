// SPDX-License-Identifier: MIT
#include "training/schedules.h"
#include "testutils.h"

#include <cmath>
#include <memory>

class TestSchedules : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void learningRate_data();
    void learningRate();
    void checkpointSchedule_data();
    void checkpointSchedule();
    void badSchedule();
};

void TestSchedules::learningRate_data()
{
    QTest::addColumn<int>("step");
    QTest::addColumn<double>("expected");
    // warm-up 10, total 110, peak 1, floor 0.1: linear (step + 1) / 10, then 0.1 + 0.9 (1 + cos(pi p)) / 2.
    QTest::addRow("first") << 0 << 0.1;
    QTest::addRow("warm") << 4 << 0.5;
    QTest::addRow("peak") << 10 << 1.0;
    QTest::addRow("half") << 60 << 0.55;
    QTest::addRow("quarter") << 35 << 0.1 + 0.9 * (1 + std::cos(M_PI / 4)) / 2;
    QTest::addRow("end") << 110 << 0.1;
    QTest::addRow("after") << 500 << 0.1;
}

void TestSchedules::learningRate()
{
    QFETCH(int, step);
    QFETCH(double, expected);
    QVERIFY(gbtest::isClose(gb::warmupCosineLr(step, 10, 110, 1.0, 0.1), expected, 1e-12, 1e-12));
}

void TestSchedules::checkpointSchedule_data()
{
    QTest::addColumn<int>("total");
    QTest::addColumn<int>("count");
    QTest::addColumn<std::vector<std::int64_t>>("expected");
    std::vector<std::int64_t> pythia = {0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512};
    for (std::int64_t s = 1000; s <= 143000; s += 1000)
        pythia.push_back(s);
    QTest::addRow("pythia") << 143000 << 154 << pythia;
    QTest::addRow("short run") << 6 << 10 << std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6};
    // 1000 steps, 20 checkpoints: powers up to 64 (the next, 128, would not stay below
    // ceil(1000 / 11) = 91), then ceil(1000 / 12) = 84 apart, and 1000.
    QTest::addRow("demo-like") << 1000 << 20
                               << std::vector<std::int64_t>{0, 1, 2, 4, 8, 16, 32, 64, 84, 168, 252, 336, 420,
                                                            504, 588, 672, 756, 840, 924, 1000};
    // 101 steps, 11 checkpoints: powers up to 16 (16 < ceil(101 / 5) = 21, but 32 is not below
    // ceil(101 / 4) = 26), then every 21, and 101.
    QTest::addRow("uneven") << 101 << 11 << std::vector<std::int64_t>{0, 1, 2, 4, 8, 16, 21, 42, 63, 84, 101};
}

void TestSchedules::checkpointSchedule()
{
    QFETCH(int, total);
    QFETCH(int, count);
    QFETCH(std::vector<std::int64_t>, expected);
    QCOMPARE(gb::pythiaCheckpointSteps(total, count), expected);
}

void TestSchedules::badSchedule()
{
    GB_VERIFY_THROWS(gb::pythiaCheckpointSteps(0, 4), "at least one step");
    GB_VERIFY_THROWS(gb::pythiaCheckpointSteps(10, 1), "at least two checkpoints");
}

std::unique_ptr<QObject> makeSchedulesTest() { return std::make_unique<TestSchedules>(); }

#include "tst_schedules.moc"
