// SPDX-License-Identifier: MIT
#include "common/random.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "models/transformermodel.h"
#include "training/lm_trainer.h"
#include "training/schedules.h"
#include "testutils.h"

#include <ATen/ATen.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <cmath>
#include <memory>

namespace {

constexpr int Vocab = 16;

/// A Markov chain whose entropy rate is known: the next token is (previous + 1) mod 8 with
/// probability 3/4, else uniform over the 8 symbols (ids 1..8; id 0 is EOS, unused).
at::Tensor markovTokens(int n, std::uint64_t seed)
{
    gb::Rng rng(seed);
    std::vector<std::int64_t> t(static_cast<std::size_t>(n));
    std::int64_t x = 0;
    for (auto &v : t) {
        x = rng.bernoulli(0.75) ? (x + 1) % 8 : std::int64_t(rng.below(8));
        v = x + 1;
    }
    return at::tensor(t, at::kLong);
}

/// Entropy rate of that chain in nats: P(successor) = 3/4 + 1/32, P(each other) = 1/32.
double markovEntropy()
{
    const double p = 0.75 + 0.25 / 8, q = 0.25 / 8;
    return -(p * std::log(p) + 7 * q * std::log(q));
}

gb::LmTrainOptions tinyOptions(std::int64_t steps)
{
    gb::LmTrainOptions o;
    o.steps = steps;
    o.batchSize = 8;
    o.contextLength = 16;
    o.learningRate = 1e-2;
    o.warmupSteps = 5;
    o.checkpoints = 8;
    o.evalWindows = 16;
    o.evalFraction = 0.1;
    return o;
}

gb::ModelConfig tinyConfig() { return gb::pythiaConfig(2, 32, 4, Vocab, 32); }

bool sameWeights(const gb::TransformerModel &a, const gb::TransformerModel &b)
{
    const auto pa = a.namedParameters(), pb = b.namedParameters();
    if (pa.size() != pb.size())
        return false;
    for (std::size_t i = 0; i < pa.size(); ++i)
        if (pa[i].first != pb[i].first || !at::equal(pa[i].second, pb[i].second))
            return false;
    return true;
}

} // namespace

class TestLmTrainer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void lossApproachesEntropy();
    void resumeEqualsUninterrupted();
    void badInput();
};

// On a chain with a known entropy rate, training drives the held-out loss from about ln(16)
// down to within 0.1 nats of the entropy (no model can go below it, up to sampling error).
void TestLmTrainer::lossApproachesEntropy()
{
    QTemporaryDir dir;
    auto o = tinyOptions(150);
    // 200 held-out windows (3200 predicted tokens): the sampling error of the eval loss is ~0.03.
    o.evalFraction = 0.2;
    o.evalWindows = 200;
    std::vector<double> seenLoss;
    gb::Progress progress([&](const gb::ProgressUpdate &u) {
        for (const auto &[name, v] : u.values)
            if (name == "loss")
                seenLoss.push_back(v);
    });
    const auto r = gb::trainLanguageModel(tinyConfig(), markovTokens(20000, 1), o, dir.path().toStdString(), progress,
                                          gb::CancelToken());
    const double h = markovEntropy();
    QVERIFY2(std::fabs(r.checkpoints.front().evalLoss - std::log(double(Vocab))) < 0.3,
             qPrintable(QString::number(r.checkpoints.front().evalLoss)));
    QVERIFY2(r.checkpoints.back().evalLoss < h + 0.1 && r.checkpoints.back().evalLoss > h - 0.1,
             qPrintable(QStringLiteral("%1 vs entropy %2").arg(r.checkpoints.back().evalLoss).arg(h)));
    QCOMPARE(r.curve.size(), std::size_t(150));
    QVERIFY(!seenLoss.empty()); // the live curve got values
    // Folders on the schedule, each a model the loader opens.
    std::vector<std::int64_t> steps;
    for (const auto &c : r.checkpoints) {
        steps.push_back(c.step);
        QVERIFY(QFile::exists(QString::fromStdString(c.path + "/config.json")));
    }
    QCOMPARE(steps, gb::pythiaCheckpointSteps(150, 8));
    QVERIFY(sameWeights(*gb::TransformerModel::load(r.checkpoints.front().path), *gb::TransformerModel::random(tinyConfig(), o.seed)));
}

// Cancel mid-run, resume: the final checkpoint is bit-identical to an uninterrupted run's
// (batches depend only on seed and step, moments and weights are restored exactly).
void TestLmTrainer::resumeEqualsUninterrupted()
{
    QTemporaryDir a, b;
    const auto tokens = markovTokens(6000, 2);
    auto o = tinyOptions(24);
    gb::trainLanguageModel(tinyConfig(), tokens, o, a.path().toStdString(), gb::Progress::null(), gb::CancelToken());
    o.stopAt = 11; // the schedule saves 0, 1, 2, 4, 6, 12, 18, 24: resumes from 6
    GB_VERIFY_THROWS(gb::trainLanguageModel(tinyConfig(), tokens, o, b.path().toStdString(), gb::Progress::null(), gb::CancelToken()),
                     "cancelled");
    o.stopAt = -1;
    QVERIFY(!QDir(b.filePath(QStringLiteral("step24"))).exists());
    const auto r = gb::trainLanguageModel(tinyConfig(), tokens, o, b.path().toStdString(), gb::Progress::null(), gb::CancelToken());
    QCOMPARE(r.startStep, std::int64_t(6));
    QCOMPARE(r.curve.size(), std::size_t(24));
    QCOMPARE(r.curve.steps().back(), std::int64_t(23));
    QVERIFY(sameWeights(*gb::TransformerModel::load(a.filePath(QStringLiteral("step24")).toStdString()),
                        *gb::TransformerModel::load(b.filePath(QStringLiteral("step24")).toStdString())));
    // Resuming a finished run does nothing; other options are refused.
    QCOMPARE(gb::trainLanguageModel(tinyConfig(), tokens, o, b.path().toStdString(), gb::Progress::null(), gb::CancelToken()).startStep,
             std::int64_t(24));
    o.learningRate *= 2;
    GB_VERIFY_THROWS(gb::trainLanguageModel(tinyConfig(), tokens, o, b.path().toStdString(), gb::Progress::null(), gb::CancelToken()),
                     "other options");
    // A real cancel token stops the run too.
    QTemporaryDir c;
    gb::CancelToken cancel;
    cancel.cancel();
    GB_VERIFY_THROWS(gb::trainLanguageModel(tinyConfig(), tokens, o, c.path().toStdString(), gb::Progress::null(), cancel), "cancelled");
}

void TestLmTrainer::badInput()
{
    QTemporaryDir dir;
    const std::string out = dir.path().toStdString();
    auto o = tinyOptions(2);
    GB_VERIFY_THROWS(gb::trainLanguageModel(tinyConfig(), at::full({200}, Vocab, at::kLong), o, out, gb::Progress::null(), gb::CancelToken()),
                     "token ids must be in [0, 16)");
    GB_VERIFY_THROWS(gb::trainLanguageModel(tinyConfig(), markovTokens(20, 1), o, out, gb::Progress::null(), gb::CancelToken()),
                     "only 20 tokens");
    o.contextLength = 64;
    GB_VERIFY_THROWS(gb::trainLanguageModel(tinyConfig(), markovTokens(2000, 1), o, out, gb::Progress::null(), gb::CancelToken()),
                     "exceeds the model's 32");
}

std::unique_ptr<QObject> makeLmTrainerTest() { return std::make_unique<TestLmTrainer>(); }

#include "tst_lm_trainer.moc"
