// SPDX-License-Identifier: MIT
// The evolution analysis on decoders with planted life stories (tests/evolution/planted.h):
// every statistic is checked against the value known by construction.
#include "dictionaries/decodersource.h"
#include "evolution/checkpointseries.h"
#include "evolution/decodermath.h"
#include "evolution/evolutiondata.h"
#include "evolution/evolutionsummary.h"
#include "evolution/modeldiff.h"
#include "evolution/sampling.h"
#include "evolution/snapshotsteps.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "planted.h"
#include "testutils.h"

#include <ATen/ATen.h>

#include <QDir>

#include <cmath>

using namespace gbtest;

namespace {

gb::EvolutionData plantedData(std::int64_t block = 0)
{
    const gb::TensorDecoderSource src(plantedDecoder(), paperHookPoints());
    return gb::collectEvolutionData(src, gb::Progress::null(), gb::CancelToken(), block);
}

} // namespace

class TestEvolution : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parseStep_data();
    void parseStep();
    void snapshotStepsFromNames();
    void blockStatsMatchATen_data();
    void blockStatsMatchATen();
    void plantedNormsRecovered();
    void plantedFeatures_data();
    void plantedFeatures();
    void emergenceLevel_data();
    void emergenceLevel();
    void turningPoint();
    void medianCurveMatchesSortedValues();
    void directionSimilarity_data();
    void directionSimilarity();
    void streamingBlocksAgree_data();
    void streamingBlocksAgree();
    void cancelAndProgress();
    void nonFiniteDecoderIsFlagged();
    void quantile_data();
    void quantile();
    void modelDiff();
    void modelDiffNeedsTwoHeads();
    void stratifiedSample_data();
    void stratifiedSample();
    void checkpointSeries();
    void checkpointSeriesDuplicateStep();
};

void TestEvolution::parseStep_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<qint64>("step"); // -1: no step
    QTest::addRow("step0") << "step0" << qint64(0);
    QTest::addRow("step143000") << "step143000" << qint64(143000);
    QTest::addRow("underscore") << "step_1000" << qint64(1000);
    QTest::addRow("dash upper") << "Step-512" << qint64(512);
    QTest::addRow("bare") << "2000" << qint64(2000);
    QTest::addRow("hook name") << "blocks.6.hook_resid_post" << qint64(-1);
    QTest::addRow("layer") << "layer6" << qint64(-1);
    QTest::addRow("step only") << "step" << qint64(-1);
    QTest::addRow("trailing text") << "step100a" << qint64(-1);
    QTest::addRow("too long") << "step1234567890123456789" << qint64(-1);
}

void TestEvolution::parseStep()
{
    QFETCH(QString, name);
    QFETCH(qint64, step);
    const auto got = gb::parseStep(name.toStdString());
    QCOMPARE(got ? qint64(*got) : qint64(-1), step);
}

void TestEvolution::snapshotStepsFromNames()
{
    const auto paper = gb::snapshotSteps(paperHookPoints());
    QVERIFY(paper.fromNames);
    QCOMPARE(paper.steps, paperSteps());

    const auto backwards = gb::snapshotSteps({"step10", "step2"});
    QVERIFY(!backwards.fromNames);
    QCOMPARE(backwards.steps, (std::vector<std::int64_t>{0, 1}));
    QVERIFY(backwards.reason.find("'step2' does not come after 'step10'") != std::string::npos);

    const auto models = gb::snapshotSteps({"base", "chat"});
    QVERIFY(!models.fromNames);
    QVERIFY(models.reason.find("'base' names no training step") != std::string::npos);
}

void TestEvolution::blockStatsMatchATen_data()
{
    QTest::addColumn<int>("d");
    QTest::addColumn<bool>("portable");
    QTest::addRow("d 768, auto") << 768 << false;
    QTest::addRow("d 768, portable") << 768 << true;
    QTest::addRow("d 77 (tail), auto") << 77 << false;
    QTest::addRow("d 5 (tail only), portable") << 5 << true;
}

void TestEvolution::blockStatsMatchATen()
{
    QFETCH(int, d);
    QFETCH(bool, portable);
    at::manual_seed(3);
    const at::Tensor full = at::randn({6, 40, d});
    full[2][7].zero_();
    const at::Tensor block = full.slice(1, 5, 30); // strided, as a view into a mapped W_D is
    const auto stats = gb::blockDecoderStats(block, portable ? gb::KernelPath::Portable : gb::KernelPath::Auto);
    const at::Tensor refNorms = at::linalg_vector_norm(block.to(at::kDouble), 2, at::IntArrayRef{-1}, false, c10::nullopt);
    QVERIFY(at::allclose(stats.norms.to(at::kDouble), refNorms, 1e-5, 1e-6));
    const at::Tensor refCos = at::cosine_similarity(block.slice(0, 0, 5).to(at::kDouble), block.slice(0, 1, 6).to(at::kDouble), -1);
    QCOMPARE(stats.cosines.sizes(), (at::IntArrayRef{5, 25}));
    // Feature 2 of the block (7 of the full tensor) has a zero row at head 2: no direction there.
    QVERIFY(std::isnan(stats.cosines[1][2].item<float>()) && std::isnan(stats.cosines[2][2].item<float>()));
    const at::Tensor finite = at::isfinite(stats.cosines);
    QCOMPARE(finite.sum().item<std::int64_t>(), std::int64_t(5 * 25 - 2));
    QVERIFY(at::allclose(stats.cosines.masked_select(finite).to(at::kDouble), refCos.masked_select(finite), 1e-5, 1e-6));
}

void TestEvolution::plantedNormsRecovered()
{
    const auto d = plantedData();
    QCOMPARE(d.heads, qint64(32));
    QCOMPARE(d.features, qint64(PlantedFeatures));
    QCOMPARE(d.dModel, PlantedDModel);
    for (std::int64_t s = 0; s < 32; ++s)
        for (std::int64_t f = 0; f < PlantedFeatures; ++f)
            QVERIFY2(isClose(d.norm(s, f), plantedNorm(s, f), 1e-6, 1e-7),
                     qPrintable(QStringLiteral("s=%1 f=%2").arg(s).arg(f)));
}

void TestEvolution::plantedFeatures_data()
{
    QTest::addColumn<int>("feature");
    QTest::addColumn<int>("psi");
    QTest::addColumn<qint64>("peakStep");
    QTest::addColumn<int>("emergence");
    QTest::addColumn<qint64>("emergenceStep");
    QTest::addColumn<int>("snapshotsAlive"); // lifetime x 32
    QTest::addRow("initialisation feature") << int(InitFeature) << 0 << qint64(0) << 0 << qint64(0) << 31;
    QTest::addRow("early peak at step 1000") << int(EarlyFeature) << 10 << qint64(1000) << 10 << qint64(1000) << 22;
    QTest::addRow("late: peaks at the end") << int(LateFeature) << 31 << qint64(143000) << 16 << qint64(7000) << 16;
    QTest::addRow("ramp to step 14000") << int(RampFeature) << 20 << qint64(14000) << 16 << qint64(7000) << 16;
    QTest::addRow("dead: never emerges") << int(DeadFeature) << -1 << qint64(-1) << -1 << qint64(-1) << 0;
    QTest::addRow("flip keeps its norm") << int(FlipFirst) << 0 << qint64(0) << 0 << qint64(0) << 32;
    QTest::addRow("rotating, peak at 60000") << int(RotatingFeature) << 25 << qint64(60000) << 25 << qint64(60000) << 1;
    QTest::addRow("reversal") << int(ReversalFeature) << 0 << qint64(0) << 0 << qint64(0) << 32;
}

void TestEvolution::plantedFeatures()
{
    QFETCH(int, feature);
    QFETCH(int, psi);
    QFETCH(qint64, peakStep);
    QFETCH(int, emergence);
    QFETCH(qint64, emergenceStep);
    QFETCH(int, snapshotsAlive);
    const auto s = gb::summariseEvolution(plantedData());
    QCOMPARE(s.peakIndex[feature], psi);
    QCOMPARE(qint64(s.peakStep[feature]), peakStep);
    QCOMPARE(s.emergenceIndex[feature], emergence);
    QCOMPARE(qint64(s.emergenceStep[feature]), emergenceStep);
    QCOMPARE(s.lifetime[feature], float(snapshotsAlive) / 32.0f);
    QCOMPARE(s.deadCount, qint64(1));
    QCOMPARE(s.nonFiniteCount, qint64(0));
    QCOMPARE(s.psiCounts[0], qint64(7)); // init, 5 flips, reversal
    QCOMPARE(s.psiCounts[10] + s.psiCounts[20] + s.psiCounts[25] + s.psiCounts[31], qint64(4));
}

void TestEvolution::emergenceLevel_data()
{
    QTest::addColumn<int>("feature");
    QTest::addColumn<double>("level");
    QTest::addColumn<int>("emergence");
    QTest::addColumn<int>("snapshotsAlive");
    // Ramp: normalised (s - 12) / 8 up to snapshot 20, then 0.75.
    QTest::addRow("ramp 0.25") << int(RampFeature) << 0.25 << 14 << 18;
    QTest::addRow("ramp 0.5") << int(RampFeature) << 0.5 << 16 << 16;
    QTest::addRow("ramp 0.9") << int(RampFeature) << 0.9 << 20 << 1;
    QTest::addRow("ramp 1.0") << int(RampFeature) << 1.0 << 20 << 1;
    // Init: 1, 0.8 x 7, 0.2, 0.6 x 23.
    QTest::addRow("init 0.7") << int(InitFeature) << 0.7 << 0 << 8;
    QTest::addRow("init 0.1") << int(InitFeature) << 0.1 << 0 << 32;
    QTest::addRow("rotating 0.3") << int(RotatingFeature) << 0.3 << 0 << 32;
}

void TestEvolution::emergenceLevel()
{
    QFETCH(int, feature);
    QFETCH(double, level);
    QFETCH(int, emergence);
    QFETCH(int, snapshotsAlive);
    gb::EvolutionOptions o;
    o.level = level;
    const auto s = gb::summariseEvolution(plantedData(), o);
    QCOMPARE(s.emergenceIndex[feature], emergence);
    QCOMPARE(s.lifetime[feature], float(snapshotsAlive) / 32.0f);
    GB_VERIFY_THROWS(gb::summariseEvolution(plantedData(), gb::EvolutionOptions{0.0}), "level must be in (0, 1]");
}

void TestEvolution::turningPoint()
{
    const auto d = plantedData();
    const auto s = gb::summariseEvolution(d);
    QCOMPARE(s.turningIndex, PlantedTurningIndex);
    // Counted at 9 -> 10: init, late, 5 flips, rotating, reversal (early and ramp are ~0 there).
    QCOMPARE(s.changeCounts[PlantedTurningIndex], qint64(9));
    QCOMPARE(s.medianChange[PlantedTurningIndex], 1.0f);
    QVERIFY(isClose(s.meanChange[PlantedTurningIndex], (5.0 + 1.0 - std::cos(0.1)) / 9.0, 1e-5));
    for (int t = 0; t < 31; ++t)
        if (t != PlantedTurningIndex)
            QVERIFY2(std::fabs(s.medianChange[t]) < 1e-6, qPrintable(QString::number(t)));
    // The reversal at 20 -> 21 (1 - cos = 2) moves the mean, not the median.
    // All 11 live features count there: reversal 2, rotating 1 - cos(0.1), the rest 0.
    QCOMPARE(s.changeCounts[PlantedReversalIndex], qint64(11));
    QVERIFY(isClose(s.meanChange[PlantedReversalIndex], (2.0 + 1.0 - std::cos(0.1)) / 11.0, 1e-5));
    QCOMPARE(d.stepCosine(PlantedReversalIndex, ReversalFeature), -1.0f);
    QCOMPARE(d.stepCosine(PlantedTurningIndex, FlipFirst), 0.0f);
    QVERIFY(std::isnan(d.stepCosine(0, DeadFeature)));

    // With no direction filter the zero-norm rows of early/ramp still count as NaN (skipped).
    gb::EvolutionOptions all;
    all.directionLevel = 0.0;
    QCOMPARE(gb::summariseEvolution(d, all).turningIndex, PlantedTurningIndex);
}

void TestEvolution::medianCurveMatchesSortedValues()
{
    const auto s = gb::summariseEvolution(plantedData());
    for (std::int64_t h = 0; h < 32; ++h) {
        std::vector<double> v; // independent: full sort of the planted definitions
        for (std::int64_t f = 0; f < PlantedFeatures; ++f) {
            if (f == DeadFeature)
                continue;
            double peak = 0;
            for (std::int64_t k = 0; k < 32; ++k)
                peak = std::max<double>(peak, plantedNorm(k, f));
            v.push_back(plantedNorm(h, f) / peak);
        }
        std::sort(v.begin(), v.end());
        QCOMPARE(v.size(), std::size_t(11));
        QVERIFY(isClose(s.medianCurve[h], v[5], 1e-5));
        QVERIFY(isClose(s.lowerQuartileCurve[h], v[2] + 0.5 * (v[3] - v[2]), 1e-5)); // position 2.5
        QVERIFY(isClose(s.upperQuartileCurve[h], v[7] + 0.5 * (v[8] - v[7]), 1e-5)); // position 7.5
    }
}

void TestEvolution::directionSimilarity_data()
{
    QTest::addColumn<int>("feature");
    QTest::addColumn<int>("i");
    QTest::addColumn<int>("j");
    QTest::addColumn<double>("cosine"); // NaN: undefined
    QTest::addRow("flip, same side") << int(FlipFirst) << 0 << 9 << 1.0;
    QTest::addRow("flip, across") << int(FlipFirst) << 9 << 10 << 0.0;
    QTest::addRow("flip, after") << int(FlipLast) << 10 << 31 << 1.0;
    QTest::addRow("reversal") << int(ReversalFeature) << 20 << 21 << -1.0;
    QTest::addRow("reversal, ends") << int(ReversalFeature) << 0 << 31 << -1.0;
    QTest::addRow("rotating by 0.5 rad") << int(RotatingFeature) << 3 << 8 << std::cos(0.5);
    QTest::addRow("diagonal") << int(LateFeature) << 7 << 7 << 1.0;
    QTest::addRow("early, absent row") << int(EarlyFeature) << 0 << 10 << std::nan("");
    QTest::addRow("dead") << int(DeadFeature) << 4 << 4 << std::nan("");
}

void TestEvolution::directionSimilarity()
{
    QFETCH(int, feature);
    QFETCH(int, i);
    QFETCH(int, j);
    QFETCH(double, cosine);
    const gb::TensorDecoderSource src(plantedDecoder(), paperHookPoints());
    const auto sim = gb::featureDirectionSimilarity(src, feature);
    QCOMPARE(sim.size(), std::size_t(32 * 32));
    const float got = sim[i * 32 + j];
    QCOMPARE(sim[j * 32 + i], got);
    if (std::isnan(cosine))
        QVERIFY(std::isnan(got));
    else
        QVERIFY2(isClose(got, cosine, 1e-6, 1e-6), qPrintable(QString::number(got)));
    GB_VERIFY_THROWS(gb::featureDirectionSimilarity(src, PlantedFeatures), "feature 12 out of range (0..11)");
}

void TestEvolution::streamingBlocksAgree_data()
{
    QTest::addColumn<int>("block");
    QTest::addRow("1") << 1;
    QTest::addRow("5 (ragged last block)") << 5;
    QTest::addRow("all at once") << 12;
    QTest::addRow("larger than F") << 1000;
}

void TestEvolution::streamingBlocksAgree()
{
    QFETCH(int, block);
    const auto whole = plantedData(PlantedFeatures);
    const auto streamed = plantedData(block);
    QCOMPARE(streamed.norms, whole.norms);
    QCOMPARE(streamed.stepCosines.size(), whole.stepCosines.size());
    for (std::size_t i = 0; i < whole.stepCosines.size(); ++i)
        QVERIFY(streamed.stepCosines[i] == whole.stepCosines[i] ||
                (std::isnan(streamed.stepCosines[i]) && std::isnan(whole.stepCosines[i])));
}

void TestEvolution::cancelAndProgress()
{
    const gb::TensorDecoderSource src(plantedDecoder(), paperHookPoints());
    gb::CancelToken cancel;
    cancel.cancel();
    try {
        gb::collectEvolutionData(src, gb::Progress::null(), cancel, 1);
        QFAIL("not cancelled");
    } catch (const gb::Error &e) {
        QCOMPARE(e.kind(), gb::Error::Kind::Cancelled);
    }
    std::vector<gb::ProgressUpdate> seen;
    gb::Progress p([&](const gb::ProgressUpdate &u) { seen.push_back(u); });
    p.beginStage("norms", 0.5, 1.0, "features");
    gb::collectEvolutionData(src, p, gb::CancelToken(), 1);
    QVERIFY(!seen.empty());
    QCOMPARE(seen.back().fraction, 1.0);
    QCOMPARE(seen.back().unit, std::string("features"));
}

void TestEvolution::nonFiniteDecoderIsFlagged()
{
    at::Tensor w = plantedDecoder();
    w[3][LateFeature][0] = std::nanf("");
    const gb::TensorDecoderSource src(w, paperHookPoints());
    const auto s = gb::summariseEvolution(gb::collectEvolutionData(src, gb::Progress::null(), gb::CancelToken()));
    QCOMPARE(s.nonFiniteCount, qint64(1));
    QCOMPARE(s.deadCount, qint64(2));
    QCOMPARE(s.peakIndex[LateFeature], -1);

    gb::EvolutionData broken = plantedData();
    broken.norms.pop_back();
    GB_VERIFY_THROWS(gb::summariseEvolution(broken), "decoder_norms must hold heads x features values");
}

void TestEvolution::quantile_data()
{
    QTest::addColumn<QVector<float>>("values");
    QTest::addColumn<double>("q");
    QTest::addColumn<double>("expected"); // numpy.quantile, default linear method
    QTest::addRow("median even") << QVector<float>{4, 1, 3, 2} << 0.5 << 2.5;
    QTest::addRow("median odd") << QVector<float>{5, 1, 3} << 0.5 << 3.0;
    QTest::addRow("q25") << QVector<float>{4, 1, 3, 2} << 0.25 << 1.75;
    QTest::addRow("q75") << QVector<float>{10, 0, 7, 1, 2} << 0.75 << 7.0;
    QTest::addRow("q90") << QVector<float>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10} << 0.9 << 9.1;
    QTest::addRow("min") << QVector<float>{3, 2, 1} << 0.0 << 1.0;
    QTest::addRow("max") << QVector<float>{3, 2, 1} << 1.0 << 3.0;
    QTest::addRow("single") << QVector<float>{7} << 0.3 << 7.0;
}

void TestEvolution::quantile()
{
    QFETCH(QVector<float>, values);
    QFETCH(double, q);
    QFETCH(double, expected);
    std::vector<float> v(values.begin(), values.end());
    QVERIFY(isClose(gb::quantile(v, q), expected, 1e-6));
    std::vector<float> none;
    QVERIFY(std::isnan(gb::quantile(none, 0.5)));
}

void TestEvolution::modelDiff()
{
    // Features: A-only, B-only, shared at 60 degrees, 3:1 (r = 0.25), shared identical, dead.
    const std::int64_t d = 4;
    at::Tensor w = at::zeros({2, 6, d});
    w[0][0][0] = 2.0f;
    w[1][1][1] = 0.5f;
    w[0][2][0] = 1.0f;
    w[1][2][0] = 0.5f;
    w[1][2][1] = static_cast<float>(std::sqrt(3.0) / 2.0);
    w[0][3][2] = 3.0f;
    w[1][3][2] = 1.0f;
    w[0][4][3] = 1.5f;
    w[1][4][3] = 1.5f;
    const gb::TensorDecoderSource src(w, {"base", "chat"});
    const auto data = gb::collectEvolutionData(src, gb::Progress::null(), gb::CancelToken());
    QVERIFY(!data.steps.fromNames);
    const auto m = gb::summariseModelDiff(data, gb::ModelDiffOptions{0.1, 0.3, 0.7, 10});
    const std::vector<double> r{0.0, 1.0, 0.5, 0.25, 0.5};
    for (std::size_t f = 0; f < r.size(); ++f)
        QVERIFY2(isClose(m.relativeNorm[f], r[f], 1e-6, 1e-7), qPrintable(QString::number(f)));
    QVERIFY(std::isnan(m.relativeNorm[5]));
    QVERIFY(isClose(m.cosine[2], 0.5, 1e-6));
    QVERIFY(isClose(m.cosine[4], 1.0, 1e-6));
    QVERIFY(std::isnan(m.cosine[0]));
    QCOMPARE(m.aOnly, qint64(1));
    QCOMPARE(m.bOnly, qint64(1));
    QCOMPARE(m.shared, qint64(2));
    QCOMPARE(m.dead, qint64(1));
    QCOMPARE(m.relativeNormHistogram, (std::vector<std::int64_t>{1, 0, 1, 0, 0, 2, 0, 0, 0, 1}));
    // Shared cosines 0.5 and 1.0 over [-1, 1] in 10 bins: bins 7 and 9 (1.0 closes the last bin).
    QCOMPARE(m.sharedCosineHistogram[7], qint64(1));
    QCOMPARE(m.sharedCosineHistogram[9], qint64(1));
    QCOMPARE(gb::histogramBin(1.0, 0.0, 1.0, 10), 9);
    QCOMPARE(gb::histogramBin(-0.01, 0.0, 1.0, 10), -1);
}

void TestEvolution::modelDiffNeedsTwoHeads()
{
    GB_VERIFY_THROWS(gb::summariseModelDiff(plantedData()), "this one has 32 heads");
}

void TestEvolution::stratifiedSample_data()
{
    QTest::addColumn<QVector<int>>("groups");
    QTest::addColumn<int>("maxCount");
    QTest::addColumn<QVector<int>>("expected");
    QTest::addRow("fits: all live, dead left out") << QVector<int>{0, -1, 1, 1} << 10 << QVector<int>{0, 2, 3};
    // 8 in group 0, 2 in group 1, 10 live, 5 wanted: quotas 4 and 1; picks at (2k+1)n/(2q).
    QTest::addRow("proportional") << QVector<int>{0, 0, 0, 0, 0, 0, 0, 0, 1, 1} << 5 << QVector<int>{1, 3, 5, 7, 9};
    // A single feature in a rare group keeps one curve although its share rounds to 0.
    QTest::addRow("rare group kept") << QVector<int>{2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0} << 2 << QVector<int>{0, 3, 8};
    QTest::addRow("nothing live") << QVector<int>{-1, -1} << 3 << QVector<int>{};
}

void TestEvolution::stratifiedSample()
{
    QFETCH(QVector<int>, groups);
    QFETCH(int, maxCount);
    QFETCH(QVector<int>, expected);
    const std::vector<std::int32_t> g(groups.begin(), groups.end());
    const auto got = gb::stratifiedSample(g, maxCount);
    QCOMPARE(got, std::vector<std::int64_t>(expected.begin(), expected.end()));
}

void TestEvolution::checkpointSeries()
{
    QTemporaryDir tmp;
    const QString root = tmp.path();
    for (const char *name : {"step0", "step2", "step1000", "step_143000", "step5000"})
        QDir().mkpath(root + QLatin1Char('/') + QLatin1String(name));
    for (const char *name : {"step0", "step2", "step1000", "step5000"})
        writeFile(root + QLatin1Char('/') + QLatin1String(name) + QStringLiteral("/config.json"), "{}");
    writeFile(root + QStringLiteral("/notes.txt"), "x");
    QDir().mkpath(root + QStringLiteral("/tokenizer"));

    const auto series = gb::scanCheckpointSeries(root.toStdString());
    QCOMPARE(series.checkpoints.size(), std::size_t(5));
    QCOMPARE(series.checkpoints[2].step, qint64(1000));
    QCOMPARE(series.checkpoints[4].name, std::string("step_143000")); // sorted by step, not by name
    QCOMPARE(series.ignored, (std::vector<std::string>{"notes.txt", "tokenizer"}));

    const auto m = gb::matchCheckpointSeries(series, {"step0", "step2", "step4", "step1000", "step143000"});
    QCOMPARE(m.missing, std::vector<std::string>{"step4"});
    QCOMPARE(m.extra, std::vector<std::string>{"step5000"});
    QCOMPARE(m.noConfig, std::vector<std::string>{"step_143000"});
    QVERIFY(!m.complete());
    QVERIFY(m.paths[2].empty());
    QVERIFY(QString::fromStdString(m.paths[3]).endsWith(QStringLiteral("/step1000")));
    const std::string text = m.describe();
    QVERIFY(text.find("4 of 5 snapshots") != std::string::npos);
    QVERIFY(text.find("Missing: step4.") != std::string::npos);
    QVERIFY(text.find("Not in the crosscoder (ignored): step5000.") != std::string::npos);

    GB_VERIFY_THROWS(gb::matchCheckpointSeries(series, {"base", "chat"}), "'base' names no training step");
    GB_VERIFY_THROWS(gb::scanCheckpointSeries(QString(root + QStringLiteral("/notes.txt")).toStdString()), "not a folder");
}

void TestEvolution::checkpointSeriesDuplicateStep()
{
    QTemporaryDir tmp;
    QDir().mkpath(tmp.path() + QStringLiteral("/step1000"));
    QDir().mkpath(tmp.path() + QStringLiteral("/step_1000"));
    GB_VERIFY_THROWS(gb::scanCheckpointSeries(tmp.path().toStdString()), "both name step 1000");
}

QTEST_GUILESS_MAIN(TestEvolution)
#include "tst_evolution.moc"
