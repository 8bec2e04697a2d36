// SPDX-License-Identifier: MIT
// glassbox-cli train-crosscoder: one crosscoder over a checkpoint series at one hook (OpenMOSS layout).
#include "cli.h"
#include "train_cli.h"

#include "common/error.h"
#include "evolution/checkpointseries.h"
#include "jobs/cancel.h"
#include "models/hookpoints.h"
#include "models/transformermodel.h"
#include "tokenize/tokenizer_loader.h"
#include "training/activations.h"
#include "training/crosscoder_trainer.h"

#include <ATen/ATen.h>

namespace gb::cli {

namespace {

CrosscoderTrainOptions optionsFrom(Context &ctx)
{
    CrosscoderTrainOptions o;
    const QString act = ctx.isSet(QStringLiteral("activation")) ? ctx.value(QStringLiteral("activation")) : QStringLiteral("jumprelu");
    if (act == QLatin1String("relu"))
        o.activation = CrosscoderTrainOptions::Activation::ReluL1;
    else if (act != QLatin1String("jumprelu"))
        throw Error::badInput("--activation must be jumprelu or relu, not \"" + act.toStdString() + "\"");
    o.sparsityCoefficient = ctx.doubleValue(QStringLiteral("sparsity"), o.sparsityCoefficient);
    readDictionaryOptions(ctx, o);
    return o;
}

int runTrainCrosscoder(Context &ctx)
{
    Stopwatch watch;
    const std::string dir = ctx.required(QStringLiteral("checkpoints")).toStdString();
    const std::string hook = ctx.required(QStringLiteral("hook")).toStdString();
    const std::string corpus = ctx.required(QStringLiteral("corpus")).toStdString();
    const std::string out = ctx.required(QStringLiteral("out")).toStdString();
    const int context = ctx.intValue(QStringLiteral("context"), 128);
    const int tokens = ctx.intValue(QStringLiteral("tokens"), 32768);
    require(context >= 1 && tokens >= context, "--context/--tokens", "need at least one window of context tokens");
    const CheckpointSeries series = scanCheckpointSeries(dir);
    require(series.checkpoints.size() >= 2, dir, "needs at least two step<N> model folders");
    const auto tokenizer = loadTokenizer(ctx.isSet(QStringLiteral("tokenizer")) ? ctx.value(QStringLiteral("tokenizer")).toStdString()
                                                                                : series.checkpoints.back().path);
    const auto windows = tokenWindows(at::tensor(tokenStream(corpus, *tokenizer, endOfText(*tokenizer, corpus)), at::kLong),
                                      context, tokens / context);
    const CrosscoderTrainOptions options = optionsFrom(ctx);
    const double loadSeconds = watch.lap();

    Progress progress = trainerProgress(ctx);
    Progress collect = progress.nested(0.0, 0.3);
    collect.beginStage("activations of every checkpoint", 0.0, 1.0, "checkpoints");
    std::vector<at::Tensor> parts;
    std::vector<std::string> hookPoints;
    for (std::size_t i = 0; i < series.checkpoints.size(); ++i) {
        const auto model = TransformerModel::load(series.checkpoints[i].path);
        model->hooks().require(hook);
        parts.push_back(collectActivations(*model, windows, hook, 32, Progress::null(), CancelToken()));
        hookPoints.push_back("step" + std::to_string(series.checkpoints[i].step));
        collect.update(std::int64_t(i + 1), std::int64_t(series.checkpoints.size()));
    }
    Progress train = progress.nested(0.3, 1.0);
    const CrosscoderTrainResult r = trainCrosscoder(at::stack(parts, 1), hookPoints, options, out, train, CancelToken());
    const double computeSeconds = watch.lap();
    Json result = r.toJson();
    result.set("snapshots", Json::arrayOf(hookPoints)).set("activations", windows.numel()).set("output", out);
    if (ctx.workspace()) {
        const std::int64_t s = ctx.registerInput(dir, "checkpoint_series");
        const std::int64_t c = ctx.registerInput(corpus, "corpus");
        const std::int64_t d = ctx.registerInput(out, "dictionary");
        const Json params = options.toJson().set("hook", hook).set("context", context).set("tokens", tokens);
        result.set("run_id", ctx.recordRun("train-crosscoder", params, {{s, "checkpoints"}, {c, "corpus"}, {d, "output"}},
                                           {{"summary", result.dump()}}));
    }
    ctx.writeJson(result, loadSeconds, computeSeconds, false);
    return 0;
}

Command trainCrosscoderCommand()
{
    return Command{QStringLiteral("train-crosscoder"), 82,
                   QStringLiteral("Train one crosscoder over a checkpoint series (step<N>/ folders) at one hook "
                                  "(JumpReLU or ReLU + L1); saved in the OpenMOSS layout for the evolution view."),
                   [](QCommandLineParser &p) {
                       p.addOption({QStringLiteral("checkpoints"), QStringLiteral("Folder of step<N>/ model folders."), QStringLiteral("DIR")});
                       p.addOption({QStringLiteral("hook"), QStringLiteral("Hook point, e.g. blocks.1.hook_resid_post."), QStringLiteral("NAME")});
                       p.addOption({QStringLiteral("corpus"), QStringLiteral("Text file, one document per line."), QStringLiteral("FILE")});
                       p.addOption({QStringLiteral("tokenizer"), QStringLiteral("Tokenizer folder (default: the last checkpoint's)."), QStringLiteral("DIR")});
                       p.addOption({QStringLiteral("activation"), QStringLiteral("jumprelu (tanh-quad sparsity) or relu (L1)."), QStringLiteral("A")});
                       p.addOption({QStringLiteral("features"), QStringLiteral("Dictionary size (256)."), QStringLiteral("N")});
                       p.addOption({QStringLiteral("sparsity"), QStringLiteral("Sparsity coefficient (0.3)."), QStringLiteral("X")});
                       p.addOption({QStringLiteral("steps"), QStringLiteral("Optimizer steps (2000)."), QStringLiteral("N")});
                       p.addOption({QStringLiteral("batch"), QStringLiteral("Tokens per step (128)."), QStringLiteral("N")});
                       p.addOption({QStringLiteral("lr"), QStringLiteral("Learning rate (1e-3)."), QStringLiteral("X")});
                       p.addOption({QStringLiteral("context"), QStringLiteral("Tokens per window (128)."), QStringLiteral("N")});
                       p.addOption({QStringLiteral("tokens"), QStringLiteral("Activation tokens (32768)."), QStringLiteral("N")});
                       p.addOption({QStringLiteral("seed"), QStringLiteral("Seed (1)."), QStringLiteral("N")});
                       p.addOption({QStringLiteral("no-resume"), QStringLiteral("Ignore a cancelled run found in the output folder.")});
                   },
                   runTrainCrosscoder};
}

[[maybe_unused]] const bool registered = registerCommand(trainCrosscoderCommand());

} // namespace

} // namespace gb::cli
