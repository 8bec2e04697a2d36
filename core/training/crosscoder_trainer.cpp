// SPDX-License-Identifier: MIT
#include "training/crosscoder_trainer.h"

#include "common/error.h"
#include "common/random.h"
#include "common/torch_guard.h"
#include "common/version.h"
#include "dictionaries/crosscoderconfig.h"
#include "dictionaries/crosscoderwriter.h"
#include "io/atomic_file.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "training/activations.h"
#include "training/adamw.h"
#include "training/trainer_state.h"
#include "training/training_curve.h"

#include <ATen/ATen.h>
#include <torch/autograd.h>

#include <chrono>
#include <cmath>
#include <filesystem>

namespace fs = std::filesystem;

namespace gb {

namespace {

/// JumpReLU(u) = u * 1[u > theta] with theta = exp(log_theta). Backward: the identity inside the
/// kept region for u, and for theta the straight-through estimate of the jump,
/// d/dtheta = -(theta / eps) * 1[|u - theta| < eps / 2] (spec-facts 1.3), chained to log theta.
struct JumpReLUFunction : public torch::autograd::Function<JumpReLUFunction> {
    static at::Tensor forward(torch::autograd::AutogradContext *ctx, const at::Tensor &u, const at::Tensor &logTheta,
                              double window)
    {
        const auto theta = logTheta.exp();
        ctx->save_for_backward({u, theta});
        ctx->saved_data["window"] = window;
        return u * u.gt(theta);
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext *ctx,
                                                   torch::autograd::variable_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const auto &u = saved[0], &theta = saved[1];
        const double window = ctx->saved_data["window"].toDouble();
        const auto &g = grads[0];
        const auto gradU = g * u.gt(theta);
        const auto near = (u - theta).abs().lt(window / 2).to(g.scalar_type());
        std::vector<std::int64_t> batchDims;
        for (std::int64_t i = 0; i + 1 < g.dim(); ++i)
            batchDims.push_back(i);
        const auto gradTheta = (g * near).sum(batchDims) * theta * (-1.0 / window);
        return {gradU, gradTheta * theta, at::Tensor()}; // d/d log(theta) = theta d/d theta
    }
};

} // namespace

namespace {

using Activation = CrosscoderTrainOptions::Activation;

struct Cc {
    at::Tensor wE, bE, wD, bD, logTheta;
};

struct Pass {
    at::Tensor reconstruction; ///< [B, S, d], scaled units
    at::Tensor sparsity;       ///< scalar penalty before lambda
    at::Tensor active;         ///< [B, S, F] bool
};

Pass run(const Cc &c, const at::Tensor &x, const CrosscoderTrainOptions &o)
{
    const auto z = at::einsum("bsd,sdf->bf", {x, c.wE}) + c.bE.sum(0);
    const auto n = c.wD.norm(2, {2}); // [S, F]
    Pass p;
    if (o.activation == Activation::ReluL1) {
        const auto f = at::relu(z);
        p.reconstruction = at::einsum("bf,sfd->bsd", {f, c.wD}) + c.bD;
        p.sparsity = (f * n.sum(0)).sum(-1).mean();
        p.active = f.gt(0).unsqueeze(1).expand({x.size(0), x.size(1), f.size(1)});
        return p;
    }
    const auto g = JumpReLUFunction::apply(z.unsqueeze(1) * n, c.logTheta, o.thresholdWindow); // [B, S, F]
    const auto f = g / n.clamp_min(1e-8);
    p.reconstruction = at::einsum("bsf,sfd->bsd", {f, c.wD}) + c.bD;
    const auto freq = at::tanh(o.tanhStretch * g).mean(std::vector<std::int64_t>{0, 1});
    p.sparsity = (freq * (1.0 + freq / o.frequencyScale)).sum();
    p.active = g.gt(0);
    return p;
}

Cc initialise(const at::Tensor &xScaled, const CrosscoderTrainOptions &o)
{
    const std::int64_t s = xScaled.size(1), d = xScaled.size(2);
    Rng rng(o.seed);
    std::vector<float> w(static_cast<std::size_t>(s * o.features * d));
    for (auto &v : w)
        v = float(rng.normal());
    auto dec = at::tensor(w).reshape({s, o.features, d});
    dec = dec / dec.norm(2, {2}, true) * o.decoderInitNorm;
    Cc c;
    c.wD = dec.clone().requires_grad_(true);
    c.wE = dec.transpose(1, 2).contiguous().requires_grad_(true);
    c.bE = at::zeros({s, o.features}).requires_grad_(true);
    c.bD = xScaled.mean(0).clone().requires_grad_(true);
    if (o.activation == Activation::JumpReLU) {
        double theta = o.initialThreshold;
        if (theta <= 0) {
            at::NoGradGuard noGrad;
            const auto sample = xScaled.slice(0, 0, 4096);
            const auto z = at::einsum("bsd,sdf->bf", {sample, c.wE}) + c.bE.sum(0);
            theta = 0.5 * (z.unsqueeze(1) * c.wD.norm(2, {2})).std().item<double>();
        }
        c.logTheta = at::full({o.features}, std::log(theta)).requires_grad_(true);
    }
    return c;
}

CrosscoderMetrics measure(const Cc &c, const at::Tensor &x, const CrosscoderTrainOptions &o)
{
    at::NoGradGuard noGrad;
    CrosscoderMetrics m;
    at::Tensor sse = at::zeros({x.size(1)}, at::kDouble), sst = sse.clone(), fired;
    double activeCount = 0;
    const auto mean = x.mean(0);
    for (std::int64_t b = 0; b < x.size(0); b += 1024) {
        const auto xb = x.slice(0, b, b + 1024);
        const Pass p = run(c, xb, o);
        sse += (p.reconstruction - xb).pow(2).sum(std::vector<std::int64_t>{0, 2}).to(at::kDouble);
        sst += (xb - mean).pow(2).sum(std::vector<std::int64_t>{0, 2}).to(at::kDouble);
        activeCount += p.active.sum().item<double>();
        const auto any = p.active.any(1).any(0);
        fired = fired.defined() ? fired.logical_or(any) : any;
    }
    for (std::int64_t s = 0; s < x.size(1); ++s)
        m.explainedVariance.push_back(1.0 - sse[s].item<double>() / sst[s].item<double>());
    m.l0 = activeCount / double(x.size(0) * x.size(1));
    m.deadFeatures = int(fired.logical_not().sum().item<std::int64_t>());
    return m;
}

void validate(const at::Tensor &x, const std::vector<std::string> &hooks, const CrosscoderTrainOptions &o)
{
    const std::string where = "crosscoder training";
    require(x.defined() && x.dim() == 3 && x.size(0) >= 16 && x.size(1) >= 1 && x.size(2) >= 1, where,
            "activations must be [N >= 16, snapshots, d]");
    require(std::int64_t(hooks.size()) == x.size(1), where,
            std::to_string(hooks.size()) + " hook points for " + std::to_string(x.size(1)) + " snapshots");
    require(o.features >= 1 && o.steps >= 1 && o.batchSize >= 1 && o.learningRate > 0, where,
            "features, steps, batch size and learning rate must be positive");
    // The file stores expansion_factor; OpenMOSS derives d_sae = int(d_model * expansion_factor).
    const double ef = double(o.features) / double(x.size(2));
    require(std::int64_t(double(x.size(2)) * ef) == o.features, where,
            "features / d_model must give back the feature count (d_sae = int(d_model * expansion_factor))");
    require(o.initialThreshold >= 0 && o.thresholdWindow > 0, where, "the threshold must not be negative and its window positive");
    require(at::isfinite(x).all().item<bool>(), where, "activations contain NaN or infinity");
}

Json openMossConfig(std::int64_t d, const std::vector<std::string> &hooks, const CrosscoderTrainOptions &o,
                    const CrosscoderTrainResult &r)
{
    const bool jump = o.activation == Activation::JumpReLU;
    return Json::object()
        .set("sae_type", "crosscoder")
        .set("d_model", d)
        .set("expansion_factor", double(o.features) / double(d))
        .set("act_fn", jump ? "jumprelu" : "relu")
        .set("norm_activation", "dataset-wise")
        .set("hook_points", Json::arrayOf(hooks))
        .set("use_decoder_bias", true)
        .set("sparsity_include_decoder_norm", true)
        .set("top_k", 0)
        .set("jumprelu_threshold_window", o.thresholdWindow)
        .set("sparsity_loss_type", jump ? "tanh-quad" : "l1")
        .set("tanh_stretch_coefficient", o.tanhStretch)
        .set("l1_coefficient", o.sparsityCoefficient)
        .set("use_triton_kernel", false)
        .set("glassbox_training", Json::object()
                                      .set("options", o.toJson())
                                      .set("initial", r.initial.toJson())
                                      .set("final", r.final.toJson())
                                      .set("version", appVersion()));
}

/// Through the dictionaries' writer, which checks the files by reading them back.
void saveTrained(const std::string &outDir, const Cc &c, const std::vector<std::string> &hooks,
                 const CrosscoderTrainOptions &o, const CrosscoderTrainResult &r)
{
    const std::string configPath = (fs::path(outDir) / "config.json").string();
    CrosscoderConfig config = CrosscoderConfig::fromJson(openMossConfig(c.wE.size(1), hooks, o, r), configPath);
    config.hookName = o.hookName;
    const bool jump = o.activation == Activation::JumpReLU;
    saveCrosscoder(outDir, config,
                   CrosscoderWeights{c.wE, c.bE, c.wD, c.bD, jump ? c.logTheta : at::Tensor(), r.datasetNorms});
}

double scheduleLr(const CrosscoderTrainOptions &o, std::int64_t step)
{
    const double total = double(o.steps);
    return o.learningRate * std::min({1.0, double(step + 1) / std::max(1.0, 0.05 * total), (total - double(step)) / (0.2 * total)});
}

} // namespace

Json CrosscoderTrainOptions::toJson() const
{
    Json j = Json::object();
    j.set("activation", activation == Activation::JumpReLU ? "jumprelu" : "relu_l1")
        .set("features", features)
        .set("sparsity_coefficient", sparsityCoefficient);
    if (activation == Activation::JumpReLU)
        j.set("tanh_stretch", tanhStretch)
            .set("frequency_scale", frequencyScale)
            .set("threshold_window", thresholdWindow)
            .set("initial_threshold", initialThreshold)
            .set("threshold_lr_factor", thresholdLrFactor);
    return j.set("decoder_init_norm", decoderInitNorm)
        .set("steps", steps)
        .set("batch_size", batchSize)
        .set("learning_rate", learningRate)
        .set("sparsity_warmup_fraction", sparsityWarmupFraction)
        .set("eval_fraction", evalFraction)
        .set("seed", std::int64_t(seed))
        .set("saves", saves);
}

Json CrosscoderMetrics::toJson() const
{
    return Json::object().set("explained_variance", Json::arrayOf(explainedVariance)).set("l0", l0).set("dead_features", deadFeatures);
}

Json CrosscoderTrainResult::toJson() const
{
    return Json::object()
        .set("initial", initial.toJson())
        .set("final", final.toJson())
        .set("dataset_norms", Json::arrayOf(datasetNorms))
        .set("start_step", startStep)
        .set("seconds", seconds);
}

CrosscoderTrainResult trainCrosscoder(const at::Tensor &activations, const std::vector<std::string> &hooks,
                                      const CrosscoderTrainOptions &o, const std::string &outDir, Progress &progress,
                                      const CancelToken &cancel)
{
    const auto start = std::chrono::steady_clock::now();
    const at::Tensor x = activations.to(at::kFloat).contiguous();
    validate(x, hooks, o);
    return torchGuard("crosscoder training", [&] {
        std::vector<std::int64_t> perm(static_cast<std::size_t>(x.size(0)));
        for (std::size_t i = 0; i < perm.size(); ++i)
            perm[i] = std::int64_t(i);
        Rng(o.seed + 7).shuffle(perm);
        const auto permT = at::tensor(perm, at::kLong);
        const std::int64_t nEval = std::max<std::int64_t>(1, std::int64_t(double(x.size(0)) * o.evalFraction));
        const auto train = x.index_select(0, permT.slice(0, nEval)), eval = x.index_select(0, permT.slice(0, 0, nEval));
        CrosscoderTrainResult r;
        const auto norms = train.norm(2, {2}).mean(0).to(at::kDouble); // [S]
        for (std::int64_t s = 0; s < x.size(1); ++s)
            r.datasetNorms.push_back(norms[s].item<double>());
        const auto scale = (std::sqrt(double(x.size(2))) / norms).to(at::kFloat).reshape({1, -1, 1});
        const auto trainS = train * scale, evalS = eval * scale;

        Cc c = initialise(trainS, o);
        AdamW opt({0.9, 0.999, 1e-8, 0.0});
        opt.add("W_E", c.wE, false);
        opt.add("b_E", c.bE, false);
        opt.add("W_D", c.wD, false);
        opt.add("b_D", c.bD, false);
        if (c.logTheta.defined())
            opt.add("log_threshold", c.logTheta, false, o.thresholdLrFactor);
        r.initial = measure(c, evalS, o);
        TrainingCurve curve({"loss", "mse", "sparsity", "l0"});
        const std::string signature = dataSignature(x);
        if (const auto state = TrainerState::read(outDir); state && o.resume) {
            state->requireSameRun(outDir, o.toJson(), signature);
            state->restore(outDir, opt, true);
            r.startStep = state->step;
            curve = TrainingCurve::fromJson(Json::parseFile((fs::path(outDir) / "training_log.json").string()),
                                            curve.names(), state->step, outDir + "/training_log.json");
        }
        const std::int64_t saveEvery = std::max<std::int64_t>(1, o.steps / std::max(1, o.saves));
        const auto writeLog = [&] {
            fs::create_directories(outDir);
            const std::string text = curve.toJson().dump();
            AtomicFile f((fs::path(outDir) / "training_log.json").string());
            f.write(text.data(), text.size());
            f.commit();
        };
        progress.beginStage("training crosscoder", 0.0, 0.95, "steps");
        for (std::int64_t step = r.startStep; step < o.steps; ++step) {
            if (step == o.stopAt)
                throw Error::cancelled();
            cancel.throwIfCancelled();
            const auto batch = batchOfRows(trainS, o.batchSize, o.seed, step);
            const Pass p = run(c, batch, o);
            const auto mse = (p.reconstruction - batch).pow(2).sum(-1).mean();
            const double warm = std::min(1.0, double(step + 1) / std::max(1.0, o.sparsityWarmupFraction * double(o.steps)));
            const auto loss = mse + o.sparsityCoefficient * warm * p.sparsity;
            loss.backward();
            opt.step(scheduleLr(o, step));
            const double l0 = p.active.sum().item<double>() / double(batch.size(0) * batch.size(1));
            curve.add(step, {loss.item<double>(), mse.item<double>(), p.sparsity.item<double>(), l0});
            progress.setValue("step", double(step + 1));
            progress.setValue("loss", curve.last("loss"));
            progress.setValue("mse", curve.last("mse"));
            progress.setValue("l0", l0);
            progress.update(step + 1 - r.startStep, o.steps - r.startStep);
            if ((step + 1) % saveEvery == 0 && step + 1 < o.steps) {
                writeLog();
                TrainerState{step + 1, o.toJson(), signature}.write(outDir, opt, true);
            }
        }
        progress.beginStage("saving crosscoder", 0.95, 1.0);
        r.final = measure(c, evalS, o);
        r.steps = curve.steps();
        r.loss = curve.series("loss");
        r.reconstruction = curve.series("mse");
        r.sparsity = curve.series("sparsity");
        r.l0 = curve.series("l0");
        r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        saveTrained(outDir, c, hooks, o, r);
        writeLog();
        fs::remove_all(TrainerState::path(outDir));
        progress.flush();
        return r;
    });
}

} // namespace gb
