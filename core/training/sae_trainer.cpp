// SPDX-License-Identifier: MIT
#include "training/sae_trainer.h"

#include "common/error.h"
#include "common/random.h"
#include "common/torch_guard.h"
#include "common/version.h"
#include "dictionaries/saelensconfig.h"
#include "io/atomic_file.h"
#include "io/safetensors.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "training/activations.h"
#include "training/adamw.h"
#include "training/trainer_state.h"
#include "training/training_curve.h"

#include <ATen/ATen.h>

#include <chrono>
#include <cmath>
#include <filesystem>

namespace fs = std::filesystem;

namespace gb {

namespace {

/// The autoencoder in training units (inputs scaled to mean norm sqrt(d)).
struct Sae {
    at::Tensor wEnc, bEnc, wDec, bDec;
};

at::Tensor encode(const Sae &s, const at::Tensor &x, const SaeTrainOptions &o)
{
    const auto pre = at::addmm(s.bEnc, x - s.bDec, s.wEnc);
    if (o.architecture == SaeTrainOptions::Architecture::ReluL1)
        return at::relu(pre);
    const auto [values, indices] = pre.topk(o.k, -1);
    return at::zeros_like(pre).scatter(-1, indices, at::relu(values));
}

at::Tensor decode(const Sae &s, const at::Tensor &f) { return at::addmm(s.bDec, f, s.wDec); }

Sae initialise(const at::Tensor &x, const SaeTrainOptions &o)
{
    const std::int64_t d = x.size(1);
    Rng rng(o.seed);
    std::vector<float> w(static_cast<std::size_t>(o.features * d));
    for (auto &v : w)
        v = float(rng.normal());
    auto dec = at::tensor(w).reshape({o.features, d});
    const double norm = o.architecture == SaeTrainOptions::Architecture::TopK ? 1.0 : o.decoderInitNorm;
    dec = dec / dec.norm(2, {1}, true) * norm;
    Sae s;
    s.wDec = dec.clone().requires_grad_(true);
    s.wEnc = dec.t().contiguous().requires_grad_(true);
    s.bEnc = at::zeros({o.features}).requires_grad_(true);
    s.bDec = x.mean(0).clone().requires_grad_(true);
    return s;
}

SaeMetrics measure(const Sae &s, const at::Tensor &x, double scale, const SaeTrainOptions &o)
{
    at::NoGradGuard noGrad;
    const auto f = encode(s, x, o);
    const auto err = (decode(s, f) - x).pow(2);
    SaeMetrics m;
    m.mse = err.sum(-1).mean().item<double>() / (scale * scale);
    m.explainedVariance = 1.0 - err.sum().item<double>() / (x - x.mean(0)).pow(2).sum().item<double>();
    const auto active = f.gt(0);
    m.l0 = active.sum(-1).to(at::kDouble).mean().item<double>();
    m.deadFeatures = int(active.any(0).logical_not().sum().item<std::int64_t>());
    return m;
}

void validate(const at::Tensor &x, const SaeTrainOptions &o)
{
    const std::string where = "SAE training";
    require(x.defined() && x.dim() == 2 && x.size(0) >= 16 && x.size(1) >= 1, where, "activations must be [N >= 16, d]");
    require(o.features >= 1 && o.steps >= 1 && o.batchSize >= 1 && o.learningRate > 0, where,
            "features, steps, batch size and learning rate must be positive");
    require(o.architecture != SaeTrainOptions::Architecture::TopK || (o.k >= 1 && o.k <= o.features), where,
            "k must be in [1, features]");
    require(o.l1Coefficient >= 0 && o.evalFraction > 0 && o.evalFraction < 0.5, where,
            "the L1 coefficient must not be negative and the eval fraction in (0, 0.5)");
    require(at::isfinite(x).all().item<bool>(), where, "activations contain NaN or infinity");
}

void writeText(const std::string &path, const std::string &text)
{
    AtomicFile f(path);
    f.write(text.data(), text.size());
    f.commit();
}

/// cfg.json through the dictionaries' SAELens writer (what the loader reads back), plus the
/// training facts SAELens also records (l1_coefficient, dataset_path, training version).
Json saeLensConfig(std::int64_t d, const SaeTrainOptions &o, const SaeProvenance &p, const SaeTrainResult &r)
{
    const bool topk = o.architecture == SaeTrainOptions::Architecture::TopK;
    SaeLensConfig c;
    c.info.architecture = topk ? "topk" : "standard";
    c.info.dIn = c.info.dOut = d;
    c.info.dSae = o.features;
    c.info.hookIn = c.info.hookOut = p.hookName;
    c.info.modelName = p.modelName;
    c.info.contextSize = p.contextSize;
    c.info.prependBos = false; // windows are cut from the token stream
    c.spec.activation = topk ? SaeSpec::Activation::TopK : SaeSpec::Activation::ReLU;
    c.spec.k = topk ? o.k : 0;
    c.spec.subtractDecoderBias = true;
    Json cfg = c.toJson();
    Json meta = *cfg.find("metadata");
    meta.set("dataset_path", p.datasetPath).set("sae_lens_training_version", "glassbox " + std::string(appVersion()));
    cfg.set("metadata", std::move(meta));
    if (!topk)
        cfg.set("l1_coefficient", o.l1Coefficient);
    cfg.set("glassbox_training", Json::object()
                                     .set("options", o.toJson())
                                     .set("input_scale_folded", r.inputScale)
                                     .set("initial", r.initial.toJson())
                                     .set("final", r.final.toJson()));
    return cfg;
}

/// Writes the SAELens folder with the input scale folded in: the saved SAE reads raw activations.
void saveSae(const std::string &outDir, const Sae &s, const at::Tensor &xAll, double scale, const SaeTrainOptions &o,
             const SaeProvenance &p, const SaeTrainResult &r)
{
    at::NoGradGuard noGrad;
    fs::create_directories(outDir);
    writeSafetensors((fs::path(outDir) / "sae_weights.safetensors").string(),
                     {{"W_enc", s.wEnc.detach() * scale},
                      {"b_enc", s.bEnc.detach()},
                      {"W_dec", s.wDec.detach() / scale},
                      {"b_dec", s.bDec.detach() / scale}});
    at::Tensor fired = at::zeros({o.features}, at::kDouble);
    for (std::int64_t b = 0; b < xAll.size(0); b += 4096)
        fired += encode(s, xAll.slice(0, b, b + 4096) * scale, o).gt(0).sum(0).to(at::kDouble);
    const auto sparsity = (fired / double(xAll.size(0)) + 1e-10).log10().to(at::kFloat);
    writeSafetensors((fs::path(outDir) / "sparsity.safetensors").string(), {{"sparsity", sparsity}});
    writeText((fs::path(outDir) / "cfg.json").string(), saeLensConfig(xAll.size(1), o, p, r).dump(1));
}

} // namespace

Json SaeTrainOptions::toJson() const
{
    Json j = Json::object();
    j.set("architecture", architecture == Architecture::TopK ? "topk" : "relu_l1").set("features", features);
    if (architecture == Architecture::TopK)
        j.set("k", k);
    else
        j.set("l1_coefficient", l1Coefficient).set("l1_warmup_fraction", l1WarmupFraction).set("decoder_init_norm", decoderInitNorm);
    return j.set("steps", steps)
        .set("batch_size", batchSize)
        .set("learning_rate", learningRate)
        .set("eval_fraction", evalFraction)
        .set("seed", std::int64_t(seed))
        .set("saves", saves);
}

Json SaeMetrics::toJson() const
{
    return Json::object().set("mse", mse).set("explained_variance", explainedVariance).set("l0", l0).set("dead_features", deadFeatures);
}

Json SaeTrainResult::toJson() const
{
    return Json::object()
        .set("initial", initial.toJson())
        .set("final", final.toJson())
        .set("input_scale", inputScale)
        .set("start_step", startStep)
        .set("seconds", seconds);
}

SaeTrainResult trainSae(const at::Tensor &activations, const SaeTrainOptions &o, const SaeProvenance &provenance,
                        const std::string &outDir, Progress &progress, const CancelToken &cancel)
{
    const auto start = std::chrono::steady_clock::now();
    const at::Tensor x = activations.to(at::kFloat).contiguous();
    validate(x, o);
    return torchGuard("SAE training", [&] {
        // Held-out rows: a seeded permutation's tail.
        std::vector<std::int64_t> perm(static_cast<std::size_t>(x.size(0)));
        for (std::size_t i = 0; i < perm.size(); ++i)
            perm[i] = std::int64_t(i);
        Rng(o.seed + 7).shuffle(perm);
        const auto permT = at::tensor(perm, at::kLong);
        const std::int64_t nEval = std::max<std::int64_t>(1, std::int64_t(double(x.size(0)) * o.evalFraction));
        const auto train = x.index_select(0, permT.slice(0, nEval)), eval = x.index_select(0, permT.slice(0, 0, nEval));
        const double scale = std::sqrt(double(x.size(1))) / train.norm(2, {1}).mean().item<double>();
        const auto trainS = train * scale, evalS = eval * scale;

        Sae s = initialise(trainS, o);
        AdamW opt({0.9, 0.999, 1e-8, 0.0});
        opt.add("W_enc", s.wEnc, false);
        opt.add("b_enc", s.bEnc, false);
        opt.add("W_dec", s.wDec, false);
        opt.add("b_dec", s.bDec, false);
        SaeTrainResult r;
        r.inputScale = scale;
        r.initial = measure(s, evalS, scale, o);
        TrainingCurve curve({"loss", "mse", "l0"});
        const std::string signature = dataSignature(x);
        if (const auto state = TrainerState::read(outDir); state && o.resume) {
            state->requireSameRun(outDir, o.toJson(), signature);
            state->restore(outDir, opt, true);
            r.startStep = state->step;
            curve = TrainingCurve::fromJson(Json::parseFile((fs::path(outDir) / "training_log.json").string()),
                                            curve.names(), state->step, outDir + "/training_log.json");
        }
        const bool topk = o.architecture == SaeTrainOptions::Architecture::TopK;
        const std::int64_t saveEvery = std::max<std::int64_t>(1, o.steps / std::max(1, o.saves));
        progress.beginStage("training SAE", 0.0, 0.95, "steps");
        for (std::int64_t step = r.startStep; step < o.steps; ++step) {
            if (step == o.stopAt)
                throw Error::cancelled();
            cancel.throwIfCancelled();
            const auto batch = batchOfRows(trainS, o.batchSize, o.seed, step);
            const auto f = encode(s, batch, o);
            const auto mse = (decode(s, f) - batch).pow(2).sum(-1).mean();
            auto loss = mse;
            if (!topk) {
                const double warm = std::min(1.0, double(step + 1) / std::max(1.0, o.l1WarmupFraction * double(o.steps)));
                loss = loss + o.l1Coefficient * warm * (f * s.wDec.norm(2, {1})).sum(-1).mean();
            }
            loss.backward();
            const double lr = o.learningRate * std::min(1.0, double(o.steps - step) / (0.2 * double(o.steps)));
            opt.step(lr);
            if (topk) {
                at::NoGradGuard noGrad;
                s.wDec.div_(s.wDec.norm(2, {1}, true).clamp_min(1e-8));
            }
            const double l0 = f.gt(0).sum(-1).to(at::kDouble).mean().item<double>();
            curve.add(step, {loss.item<double>(), mse.item<double>(), l0});
            progress.setValue("step", double(step + 1));
            progress.setValue("loss", curve.last("loss"));
            progress.setValue("mse", curve.last("mse"));
            progress.setValue("l0", l0);
            progress.update(step + 1 - r.startStep, o.steps - r.startStep);
            if ((step + 1) % saveEvery == 0 && step + 1 < o.steps) {
                fs::create_directories(outDir);
                AtomicFile log((fs::path(outDir) / "training_log.json").string());
                const std::string text = curve.toJson().dump();
                log.write(text.data(), text.size());
                log.commit();
                TrainerState{step + 1, o.toJson(), signature}.write(outDir, opt, true);
            }
        }
        progress.beginStage("saving SAE", 0.95, 1.0);
        r.final = measure(s, evalS, scale, o);
        r.steps = curve.steps();
        r.loss = curve.series("loss");
        r.mse = curve.series("mse");
        r.l0 = curve.series("l0");
        r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        saveSae(outDir, s, x, scale, o, provenance, r);
        writeText((fs::path(outDir) / "training_log.json").string(), curve.toJson().dump());
        // The dictionary folder is complete: resume points would only weigh on it (and on its hash).
        fs::remove_all(TrainerState::path(outDir));
        progress.flush();
        return r;
    });
}

} // namespace gb
