// SPDX-License-Identifier: MIT
#include "common/random.h"
#include "io/json.h"
#include "io/safetensors.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "training/crosscoder_trainer.h"
#include "training/sae_trainer.h"
#include "testutils.h"

#include <ATen/ATen.h>

#include <QDir>
#include <QTemporaryDir>

#include <cmath>
#include <memory>

namespace {

/// Unit directions [n, d] drawn from a seeded normal.
at::Tensor directions(int n, int d, std::uint64_t seed)
{
    gb::Rng rng(seed);
    std::vector<float> v(static_cast<std::size_t>(n * d));
    for (auto &x : v)
        x = float(rng.normal());
    const auto t = at::tensor(v).reshape({n, d});
    return t / t.norm(2, {1}, true);
}

/// Sparse codes [rows, n]: `active` latents per row with magnitudes in [1, 3].
at::Tensor sparseCodes(int rows, int n, int active, std::uint64_t seed)
{
    gb::Rng rng(seed);
    auto codes = at::zeros({rows, n});
    auto a = codes.accessor<float, 2>();
    for (int r = 0; r < rows; ++r)
        for (int k = 0; k < active; ++k)
            a[r][int(rng.below(std::uint64_t(n)))] = float(rng.uniform(1.0, 3.0));
    return codes;
}

/// For each planted direction, the best cosine with any decoder row ([F, d]).
at::Tensor bestCosines(const at::Tensor &planted, const at::Tensor &decoder)
{
    const auto dn = decoder / decoder.norm(2, {1}, true).clamp_min(1e-12);
    return std::get<0>(planted.matmul(dn.t()).max(1));
}

gb::SaeTrainOptions saeOptions(gb::SaeTrainOptions::Architecture a)
{
    gb::SaeTrainOptions o;
    o.architecture = a;
    o.features = 128;
    o.k = 4;
    o.steps = 800;
    o.batchSize = 256;
    o.learningRate = 3e-3;
    o.l1Coefficient = 1.0;
    return o;
}

gb::SaeProvenance provenance() { return {"toy", "blocks.0.hook_resid_post", 16, "planted.txt"}; }

} // namespace

class TestDictionaryTrainers : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void saeRecoversPlantedFeatures_data();
    void saeRecoversPlantedFeatures();
    void saeResumeEqualsUninterrupted();
    void crosscoderDecoderNormsFollowPlantedPhases_data();
    void crosscoderDecoderNormsFollowPlantedPhases();
    void badInput();
};

void TestDictionaryTrainers::saeRecoversPlantedFeatures_data()
{
    QTest::addColumn<int>("architecture");
    QTest::addRow("relu-l1") << int(gb::SaeTrainOptions::Architecture::ReluL1);
    QTest::addRow("topk") << int(gb::SaeTrainOptions::Architecture::TopK);
}

// Activations made of 3 of 64 planted directions (plus a little noise, and an offset and scale
// the trainer must normalise away): the SAE reconstructs far better than its initialisation,
// with a small L0, finds most planted directions, and the saved SAELens files reproduce the
// measured numbers when applied by hand to raw activations.
void TestDictionaryTrainers::saeRecoversPlantedFeatures()
{
    QFETCH(int, architecture);
    const auto arch = gb::SaeTrainOptions::Architecture(architecture);
    const auto dirs = directions(64, 32, 1);
    const auto x = (sparseCodes(12000, 64, 3, 2).matmul(dirs) + 0.02 * at::randn({12000, 32}, at::TensorOptions().dtype(at::kFloat))) * 7.0 + 0.5;
    QTemporaryDir dir;
    const auto o = saeOptions(arch);
    const auto r = gb::trainSae(x, o, provenance(), dir.path().toStdString(), gb::Progress::null(), gb::CancelToken());
    // L1 shrinks activations, so the ReLU SAE's ceiling is below TopK's (0.91 vs 0.94 measured).
    QVERIFY2(r.final.explainedVariance > 0.88 && r.final.explainedVariance > r.initial.explainedVariance + 0.3,
             qPrintable(QStringLiteral("EV %1 -> %2").arg(r.initial.explainedVariance).arg(r.final.explainedVariance)));
    QVERIFY(r.final.mse < 0.2 * r.initial.mse);
    QVERIFY2(r.final.l0 >= 1 && r.final.l0 <= 12, qPrintable(QString::number(r.final.l0)));
    if (arch == gb::SaeTrainOptions::Architecture::TopK)
        QVERIFY(r.final.l0 <= 4.0);

    const auto weights = gb::SafetensorsFile::open(dir.filePath(QStringLiteral("sae_weights.safetensors")).toStdString());
    const auto wEnc = weights->floatTensor("W_enc", {32, 128}), bEnc = weights->floatTensor("b_enc", {128});
    const auto wDec = weights->floatTensor("W_dec", {128, 32}), bDec = weights->floatTensor("b_dec", {32});
    const auto found = bestCosines(dirs, wDec);
    QVERIFY2(found.gt(0.9).to(at::kFloat).mean().item<double>() > 0.8, qPrintable(QString::number(found.gt(0.9).to(at::kFloat).mean().item<double>())));

    // SAELens standard / topk encode (spec-facts 3.5) on raw activations.
    auto pre = (x - bDec).matmul(wEnc) + bEnc;
    at::Tensor f = at::relu(pre);
    if (arch == gb::SaeTrainOptions::Architecture::TopK) {
        const auto [v, i] = pre.topk(4, -1);
        f = at::zeros_like(pre).scatter(-1, i, at::relu(v));
    }
    const auto xh = f.matmul(wDec) + bDec;
    const double ev = 1.0 - (xh - x).pow(2).sum().item<double>() / (x - x.mean(0)).pow(2).sum().item<double>();
    QVERIFY2(std::fabs(ev - r.final.explainedVariance) < 0.02, qPrintable(QStringLiteral("%1 vs %2").arg(ev).arg(r.final.explainedVariance)));
    const auto sparsity = gb::SafetensorsFile::open(dir.filePath(QStringLiteral("sparsity.safetensors")).toStdString())->floatTensor("sparsity", {128});
    QVERIFY(at::allclose(sparsity, (f.gt(0).to(at::kDouble).mean(0) + 1e-10).log10().to(at::kFloat), 1e-4, 1e-4));

    const auto cfg = gb::Json::parseFile(dir.filePath(QStringLiteral("cfg.json")).toStdString());
    QCOMPARE(cfg.find("architecture")->toString(), std::string(arch == gb::SaeTrainOptions::Architecture::TopK ? "topk" : "standard"));
    QCOMPARE(cfg.find("d_in")->toInt(), std::int64_t(32));
    QCOMPARE(cfg.find("d_sae")->toInt(), std::int64_t(128));
    QCOMPARE(cfg.find("apply_b_dec_to_input")->toBool(), true);
    QCOMPARE(cfg.find("metadata")->find("hook_name")->toString(), std::string("blocks.0.hook_resid_post"));
    QVERIFY(!QDir(dir.filePath(QStringLiteral("trainer_state"))).exists());
}

void TestDictionaryTrainers::saeResumeEqualsUninterrupted()
{
    const auto x = sparseCodes(3000, 32, 3, 5).matmul(directions(32, 16, 4));
    auto o = saeOptions(gb::SaeTrainOptions::Architecture::ReluL1);
    o.features = 32;
    o.steps = 100;
    o.saves = 4;
    QTemporaryDir a, b;
    gb::trainSae(x, o, provenance(), a.path().toStdString(), gb::Progress::null(), gb::CancelToken());
    o.stopAt = 60; // saves at 25, 50, 75: resumes from 50
    GB_VERIFY_THROWS(gb::trainSae(x, o, provenance(), b.path().toStdString(), gb::Progress::null(), gb::CancelToken()), "cancelled");
    o.stopAt = -1;
    o.features = 64;
    GB_VERIFY_THROWS(gb::trainSae(x, o, provenance(), b.path().toStdString(), gb::Progress::null(), gb::CancelToken()), "other options");
    o.features = 32;
    const auto r = gb::trainSae(x, o, provenance(), b.path().toStdString(), gb::Progress::null(), gb::CancelToken());
    QCOMPARE(r.startStep, std::int64_t(50));
    QCOMPARE(r.steps.size(), std::size_t(100));
    QCOMPARE(r.steps.back(), std::int64_t(99));
    const auto wa = gb::SafetensorsFile::open(a.filePath(QStringLiteral("sae_weights.safetensors")).toStdString());
    const auto wb = gb::SafetensorsFile::open(b.filePath(QStringLiteral("sae_weights.safetensors")).toStdString());
    for (const char *name : {"W_enc", "b_enc", "W_dec", "b_dec"})
        QVERIFY2(at::equal(wa->floatTensor(name), wb->floatTensor(name)), name);
}

void TestDictionaryTrainers::crosscoderDecoderNormsFollowPlantedPhases_data()
{
    QTest::addColumn<int>("activation");
    QTest::addRow("jumprelu") << int(gb::CrosscoderTrainOptions::Activation::JumpReLU);
    QTest::addRow("relu-l1") << int(gb::CrosscoderTrainOptions::Activation::ReluL1);
}

// Four snapshots. Latents 0-7 exist only in snapshots 0-1 ("early"), 8-15 only in 2-3 ("late"),
// 16-23 in all four ("throughout", with a direction that differs per snapshot). The crosscoder
// feature that matches each latent has decoder norms that vanish where the latent is absent.
void TestDictionaryTrainers::crosscoderDecoderNormsFollowPlantedPhases()
{
    QFETCH(int, activation);
    constexpr int S = 4, d = 16, latents = 24, rows = 8000;
    std::vector<at::Tensor> dirs;
    for (int s = 0; s < S; ++s)
        dirs.push_back(directions(latents, d, 10 + std::uint64_t(s)));
    const auto codes = sparseCodes(rows, latents, 3, 20);
    const auto present = [](int latent, int s) { return latent >= 16 || (latent < 8 ? s < 2 : s >= 2); };
    std::vector<at::Tensor> perSnapshot;
    for (int s = 0; s < S; ++s) {
        auto mask = at::zeros({latents});
        for (int l = 0; l < latents; ++l)
            mask[l] = present(l, s) ? 1.0f : 0.0f;
        perSnapshot.push_back((codes * mask).matmul(dirs[std::size_t(s)]) + 0.01 * at::randn({rows, d}));
    }
    const auto x = at::stack(perSnapshot, 1); // [rows, S, d]
    gb::CrosscoderTrainOptions o;
    o.activation = gb::CrosscoderTrainOptions::Activation(activation);
    o.features = 48;
    o.steps = 400;
    o.batchSize = 256;
    o.learningRate = 3e-3;
    o.sparsityCoefficient = o.activation == gb::CrosscoderTrainOptions::Activation::JumpReLU ? 0.02 : 0.5;
    QTemporaryDir dir;
    const std::vector<std::string> hooks = {"step0", "step10", "step100", "step1000"};
    const auto r = gb::trainCrosscoder(x, hooks, o, dir.path().toStdString(), gb::Progress::null(), gb::CancelToken());
    for (int s = 0; s < S; ++s)
        QVERIFY2(r.final.explainedVariance[std::size_t(s)] > 0.8, qPrintable(QString::number(r.final.explainedVariance[std::size_t(s)])));

    const auto file = gb::SafetensorsFile::open(dir.filePath(QStringLiteral("sae_weights.safetensors")).toStdString());
    const auto wD = file->floatTensor("W_D", {S, 48, d});
    const auto norms = wD.norm(2, {2}); // [S, F]
    int ok = 0;
    QString report;
    for (int l = 0; l < latents; ++l) {
        const int home = l < 8 ? 0 : (l < 16 ? 2 : 0);
        const auto cos = (wD[home] / norms[home].unsqueeze(1).clamp_min(1e-12)).matmul(dirs[std::size_t(home)][l]);
        const int feature = int(cos.argmax().item<std::int64_t>());
        const auto profile = norms.select(1, feature);
        const double peak = profile.max().item<double>();
        double worst = 0.0;
        for (int s = 0; s < S; ++s) {
            const double rel = profile[s].item<double>() / peak;
            worst = std::max(worst, present(l, s) ? 1.0 - std::min(1.0, rel / 0.5) : rel / 0.2);
        }
        ok += cos.max().item<double>() > 0.9 && worst <= 1.0;
        report += QStringLiteral("%1:%2 ").arg(l).arg(worst, 0, 'f', 2);
    }
    // Planted: absent snapshots below 20 % of the peak, present ones above 50 %.
    QVERIFY2(ok >= 21, qPrintable(QStringLiteral("%1 of 24 match: %2").arg(ok).arg(report)));

    const auto cfg = gb::Json::parseFile(dir.filePath(QStringLiteral("config.json")).toStdString());
    QCOMPARE(cfg.find("sae_type")->toString(), std::string("crosscoder"));
    QCOMPARE(cfg.find("hook_points")->toArray().size(), std::size_t(4));
    QCOMPARE(cfg.find("norm_activation")->toString(), std::string("dataset-wise"));
    QCOMPARE(file->floatTensor("W_E").sizes().vec(), (std::vector<std::int64_t>{S, d, 48}));
    QCOMPARE(file->contains("activation_function.log_jumprelu_threshold"),
             o.activation == gb::CrosscoderTrainOptions::Activation::JumpReLU);
    // Early snapshots carry 16 of 24 latents' energy in the mixture; the stored norms are the
    // data's measured averages.
    for (int s = 0; s < S; ++s)
        QVERIFY(gbtest::isClose(file->floatTensor("dataset_average_activation_norm." + hooks[std::size_t(s)]).item<double>(),
                                r.datasetNorms[std::size_t(s)], 1e-6));
}

void TestDictionaryTrainers::badInput()
{
    QTemporaryDir dir;
    const std::string out = dir.path().toStdString();
    gb::SaeTrainOptions so;
    GB_VERIFY_THROWS(gb::trainSae(at::zeros({8, 4}), so, provenance(), out, gb::Progress::null(), gb::CancelToken()), "[N >= 16, d]");
    auto bad = at::ones({100, 4});
    bad[3][2] = NAN;
    GB_VERIFY_THROWS(gb::trainSae(bad, so, provenance(), out, gb::Progress::null(), gb::CancelToken()), "NaN");
    so.architecture = gb::SaeTrainOptions::Architecture::TopK;
    so.k = 0;
    GB_VERIFY_THROWS(gb::trainSae(at::ones({100, 4}), so, provenance(), out, gb::Progress::null(), gb::CancelToken()), "k must be");
    gb::CrosscoderTrainOptions co;
    GB_VERIFY_THROWS(gb::trainCrosscoder(at::ones({100, 3, 4}), {"step0", "step1"}, co, out, gb::Progress::null(), gb::CancelToken()),
                     "2 hook points for 3 snapshots");
    co.features = 61; // 7 * (61 / 7) is 60.99... in doubles: int() would make 60 features
    GB_VERIFY_THROWS(gb::trainCrosscoder(at::ones({100, 2, 7}), {"step0", "step1"}, co, out, gb::Progress::null(), gb::CancelToken()),
                     "expansion_factor");
}

std::unique_ptr<QObject> makeDictionaryTrainersTest() { return std::make_unique<TestDictionaryTrainers>(); }

#include "tst_dictionary_trainers.moc"
