// SPDX-License-Identifier: MIT
#include "training/lm_trainer.h"

#include "common/error.h"
#include "common/random.h"
#include "common/torch_guard.h"
#include "io/atomic_file.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "models/transformermodel.h"
#include "training/adamw.h"
#include "training/trainer_state.h"
#include "training/schedules.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>

namespace fs = std::filesystem;

namespace gb {

namespace {

AdamW makeOptimizer(const TransformerModel &model, const LmTrainOptions &opt)
{
    AdamW o({opt.beta1, opt.beta2, opt.epsilon, opt.weightDecay});
    // Decay matrices and embeddings; biases and LayerNorm gains keep their scale.
    for (const auto &[name, p] : model.namedParameters())
        o.add(name, p, p.dim() >= 2);
    return o;
}

/// Windows of contextLength + 1 tokens; the starts depend only on (seed, step).
at::Tensor batchAt(const at::Tensor &tokens, std::int64_t trainEnd, const LmTrainOptions &o, std::int64_t step)
{
    Rng rng(o.seed * 0x9E3779B97F4A7C15ULL + std::uint64_t(step) + 1);
    const std::int64_t span = o.contextLength + 1;
    std::vector<std::int64_t> starts(static_cast<std::size_t>(o.batchSize));
    for (auto &s : starts)
        s = std::int64_t(rng.below(std::uint64_t(trainEnd - span + 1)));
    const auto idx = at::tensor(starts, at::kLong).unsqueeze(1) + at::arange(span, at::kLong).unsqueeze(0);
    return tokens.index_select(0, idx.reshape(-1)).reshape({o.batchSize, span});
}

at::Tensor nextTokenLoss(const TransformerModel &model, const at::Tensor &windows)
{
    const auto inputs = windows.slice(1, 0, -1), targets = windows.slice(1, 1);
    ForwardInput in;
    in.tokens = inputs;
    const auto logits = model.forward(in).logits;
    return at::cross_entropy_loss(logits.reshape({-1, logits.size(-1)}), targets.reshape(-1));
}

double evalLoss(const TransformerModel &model, const at::Tensor &evalWindows)
{
    if (!evalWindows.defined() || evalWindows.size(0) == 0)
        return std::nan("");
    at::NoGradGuard noGrad;
    return nextTokenLoss(model, evalWindows).item<double>();
}

at::Tensor makeEvalWindows(const at::Tensor &tokens, std::int64_t trainEnd, const LmTrainOptions &o)
{
    const std::int64_t span = o.contextLength + 1;
    const std::int64_t n = std::min<std::int64_t>(o.evalWindows, (tokens.size(0) - trainEnd) / span);
    if (n <= 0)
        return {};
    return tokens.slice(0, trainEnd, trainEnd + n * span).reshape({n, span});
}

std::string stepDir(const std::string &outDir, std::int64_t step)
{
    return (fs::path(outDir) / ("step" + std::to_string(step))).string();
}

void writeText(const std::string &path, const std::string &text)
{
    AtomicFile f(path);
    f.write(text.data(), text.size());
    f.commit();
}

/// What must not change between a run and its resumption: the options that shape training and
/// the model config.
Json optionsForResume(const LmTrainOptions &o, const ModelConfig &config)
{
    Json out = Json::object();
    const Json all = o.toJson();
    for (const auto &[k, v] : all.toObject())
        if (k != "tokenizer_json")
            out.set(k, v);
    return out.set("model_config", config.toJson());
}

Json checkpointsJson(const std::vector<CheckpointRecord> &checkpoints)
{
    Json a = Json::array();
    for (const auto &c : checkpoints)
        a.push(Json::object().set("step", c.step).set("path", fs::path(c.path).filename().string()).set("eval_loss", c.evalLoss));
    return a;
}

/// What a save leaves for a later resume: the optimiser moments and the run's history.
struct RunState {
    std::int64_t step = 0;
    TrainingCurve curve{{"loss", "lr"}};
    std::vector<CheckpointRecord> checkpoints;
};

void saveRunState(const std::string &outDir, const ModelConfig &config, const LmTrainOptions &opt,
                  const std::string &signature, const AdamW &o, const RunState &run)
{
    const Json log = Json::object()
                         .set("config", config.toJson())
                         .set("options", opt.toJson())
                         .set("step", run.step)
                         .set("losses", run.curve.toJson())
                         .set("checkpoints", checkpointsJson(run.checkpoints));
    writeText((fs::path(outDir) / "training_log.json").string(), log.dump(1));
    TrainerState{run.step, optionsForResume(opt, config), signature}.write(outDir, o, false);
}

} // namespace

ModelConfig pythiaConfig(int layers, int dModel, int heads, int vocabSize, int contextLength)
{
    require(layers >= 1 && heads >= 1 && dModel % heads == 0, "model config", "d_model must be a multiple of the head count");
    const Json j = Json::object()
                       .set("architectures", Json::array().push("GPTNeoXForCausalLM"))
                       .set("model_type", "gpt_neox")
                       .set("num_hidden_layers", layers)
                       .set("hidden_size", dModel)
                       .set("num_attention_heads", heads)
                       .set("intermediate_size", 4 * dModel)
                       .set("vocab_size", vocabSize)
                       .set("max_position_embeddings", contextLength)
                       .set("rotary_pct", 0.25)
                       .set("rotary_emb_base", 10000)
                       .set("use_parallel_residual", true)
                       .set("hidden_act", "gelu")
                       .set("layer_norm_eps", 1e-5)
                       .set("initializer_range", 0.02)
                       .set("tie_word_embeddings", false)
                       .set("bos_token_id", 0)
                       .set("eos_token_id", 0);
    return ModelConfig::fromJson(j, "model config");
}

Json LmTrainOptions::toJson() const
{
    return Json::object()
        .set("steps", steps)
        .set("batch_size", batchSize)
        .set("context_length", contextLength)
        .set("learning_rate", learningRate)
        .set("min_lr_ratio", minLrRatio)
        .set("warmup_steps", warmupSteps)
        .set("weight_decay", weightDecay)
        .set("beta1", beta1)
        .set("beta2", beta2)
        .set("epsilon", epsilon)
        .set("grad_clip", gradClip)
        .set("seed", std::int64_t(seed))
        .set("checkpoints", checkpoints)
        .set("eval_fraction", evalFraction)
        .set("eval_windows", evalWindows)
        .set("tokenizer_json", tokenizerJson);
}

Json LmTrainResult::toJson() const
{
    return Json::object()
        .set("start_step", startStep)
        .set("seconds", seconds)
        .set("tokens_per_second", tokensPerSecond)
        .set("final_loss", curve.last("loss"))
        .set("checkpoints", checkpointsJson(checkpoints))
        .set("losses", curve.toJson());
}

namespace {

void validate(const ModelConfig &config, const at::Tensor &tokens, const LmTrainOptions &o)
{
    const std::string where = "language-model training";
    require(o.steps >= 1 && o.batchSize >= 1 && o.contextLength >= 2, where, "steps, batch size and context length must be positive");
    require(o.contextLength <= config.nCtx, where,
            "context length " + std::to_string(o.contextLength) + " exceeds the model's " + std::to_string(config.nCtx));
    require(o.learningRate > 0 && o.minLrRatio >= 0 && o.minLrRatio <= 1 && o.warmupSteps >= 0, where,
            "learning rate must be positive, min ratio in [0, 1], warm-up not negative");
    require(o.evalFraction >= 0 && o.evalFraction < 0.5, where, "eval fraction must be in [0, 0.5)");
    require(tokens.defined() && tokens.dim() == 1, where, "tokens must be a 1-D tensor of ids");
    require(tokens.size(0) >= 2 * (o.contextLength + 1), where,
            "only " + std::to_string(tokens.size(0)) + " tokens; need at least two windows of context + 1");
    const auto maxId = tokens.max().item<std::int64_t>(), minId = tokens.min().item<std::int64_t>();
    require(minId >= 0 && maxId < config.vocabSize, where,
            "token ids must be in [0, " + std::to_string(config.vocabSize) + "), found " + std::to_string(minId) + ".." + std::to_string(maxId));
}

RunState readLog(const std::string &outDir, std::int64_t upTo)
{
    RunState run;
    run.step = upTo;
    const std::string path = (fs::path(outDir) / "training_log.json").string();
    const Json log = Json::parseFile(path);
    const Json *losses = log.find("losses");
    const Json *checkpoints = log.find("checkpoints");
    require(losses && checkpoints, path, "no \"losses\" or \"checkpoints\"");
    run.curve = TrainingCurve::fromJson(*losses, {"loss", "lr"}, upTo, path);
    for (const Json &c : checkpoints->toArray("checkpoints")) {
        const std::int64_t step = c.find("step") ? c.find("step")->toInt("step") : -1;
        const Json *ev = c.find("eval_loss");
        if (step >= 0 && step <= upTo)
            run.checkpoints.push_back({step, stepDir(outDir, step), ev && !ev->isNull() ? ev->toDouble("eval_loss") : std::nan("")});
    }
    return run;
}

/// Restores model, moments and history of the last save; BadInput when options or data changed.
RunState resumeFrom(const std::string &outDir, const TrainerState &state, const ModelConfig &config,
                    const LmTrainOptions &opt, const std::string &signature, std::shared_ptr<TransformerModel> &model,
                    std::unique_ptr<AdamW> &o)
{
    state.requireSameRun(outDir, optionsForResume(opt, config), signature);
    model = TransformerModel::load(stepDir(outDir, state.step));
    model->setTrainable(true);
    o = std::make_unique<AdamW>(makeOptimizer(*model, opt));
    state.restore(outDir, *o, false);
    return readLog(outDir, state.step);
}

void copyTokenizer(const std::string &tokenizerJson, const std::string &dir)
{
    if (tokenizerJson.empty())
        return;
    std::error_code ec;
    fs::copy_file(tokenizerJson, fs::path(dir) / "tokenizer.json", fs::copy_options::overwrite_existing, ec);
    if (ec)
        throw Error::badInput(tokenizerJson + ": cannot copy into " + dir + ": " + ec.message());
}

} // namespace

LmTrainResult trainLanguageModel(const ModelConfig &config, const at::Tensor &tokensIn, const LmTrainOptions &opt,
                                 const std::string &outDir, Progress &progress, const CancelToken &cancel)
{
    const auto start = std::chrono::steady_clock::now();
    const at::Tensor tokens = tokensIn.to(at::kLong).contiguous();
    validate(config, tokens, opt);
    return torchGuard("language-model training", [&] {
        fs::create_directories(outDir);
        const auto schedule = pythiaCheckpointSteps(opt.steps, opt.checkpoints);
        const std::int64_t span = opt.contextLength + 1;
        const std::int64_t trainEnd =
            std::max(span, tokens.size(0) - std::int64_t(std::llround(double(tokens.size(0)) * opt.evalFraction)));
        const at::Tensor evalWindows = makeEvalWindows(tokens, trainEnd, opt);
        const std::string signature = dataSignature(tokens);
        const auto state = TrainerState::read(outDir);
        const bool hasState = state.has_value();
        if (hasState && !opt.resume)
            throw Error::badInput(outDir + ": already holds a training run; resume it or choose an empty folder");
        std::shared_ptr<TransformerModel> model;
        std::unique_ptr<AdamW> o;
        RunState run;
        if (hasState) {
            run = resumeFrom(outDir, *state, config, opt, signature, model, o);
        } else {
            model = TransformerModel::random(config, opt.seed);
            model->setTrainable(true);
            o = std::make_unique<AdamW>(makeOptimizer(*model, opt));
        }
        LmTrainResult result;
        result.startStep = run.step;
        const auto save = [&](std::int64_t step) {
            if (!std::binary_search(schedule.begin(), schedule.end(), step))
                return;
            const std::string dir = stepDir(outDir, step);
            model->save(dir);
            copyTokenizer(opt.tokenizerJson, dir);
            const double ev = evalLoss(*model, evalWindows);
            run.checkpoints.push_back({step, dir, ev});
            run.step = step;
            saveRunState(outDir, config, opt, signature, *o, run);
            progress.setValue("eval_loss", ev);
        };
        progress.beginStage("training language model", 0.0, 1.0, "steps");
        if (!hasState)
            save(0);
        for (std::int64_t step = run.step; step < opt.steps; ++step) {
            if (step == opt.stopAt)
                throw Error::cancelled();
            cancel.throwIfCancelled();
            const double lr = warmupCosineLr(step, opt.warmupSteps, opt.steps, opt.learningRate, opt.minLrRatio);
            auto loss = nextTokenLoss(*model, batchAt(tokens, trainEnd, opt, step));
            loss.backward();
            o->clipGradNorm(opt.gradClip);
            o->step(lr);
            const double l = loss.item<double>();
            run.curve.add(step, {l, lr});
            progress.setValue("step", double(step + 1));
            progress.setValue("loss", l);
            progress.setValue("lr", lr);
            save(step + 1);
            progress.update(step + 1 - result.startStep, opt.steps - result.startStep);
        }
        progress.flush();
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        result.curve = std::move(run.curve);
        result.checkpoints = std::move(run.checkpoints);
        result.seconds = seconds;
        result.tokensPerSecond = double(opt.steps - result.startStep) * opt.batchSize * opt.contextLength / std::max(seconds, 1e-9);
        return result;
    });
}

} // namespace gb
