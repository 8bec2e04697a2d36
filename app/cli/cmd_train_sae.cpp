// SPDX-License-Identifier: MIT
// glassbox-cli train-sae: a sparse autoencoder on one hook of a model, saved in the SAELens layout.
#include "cli.h"
#include "train_cli.h"

#include "common/error.h"
#include "jobs/cancel.h"
#include "models/hookpoints.h"
#include "models/transformermodel.h"
#include "tokenize/tokenizer_loader.h"
#include "training/activations.h"
#include "training/sae_trainer.h"

#include <ATen/ATen.h>

#include <QFileInfo>

namespace gb::cli {

namespace {

SaeTrainOptions optionsFrom(Context &ctx)
{
    SaeTrainOptions o;
    const QString arch = ctx.isSet(QStringLiteral("architecture")) ? ctx.value(QStringLiteral("architecture")) : QStringLiteral("relu");
    if (arch == QLatin1String("topk"))
        o.architecture = SaeTrainOptions::Architecture::TopK;
    else if (arch != QLatin1String("relu"))
        throw Error::badInput("--architecture must be relu or topk, not \"" + arch.toStdString() + "\"");
    o.k = ctx.intValue(QStringLiteral("k"), o.k);
    o.l1Coefficient = ctx.doubleValue(QStringLiteral("l1"), o.l1Coefficient);
    readDictionaryOptions(ctx, o);
    return o;
}

int runTrainSae(Context &ctx)
{
    Stopwatch watch;
    const std::string modelDir = ctx.required(QStringLiteral("model")).toStdString();
    const std::string hook = ctx.required(QStringLiteral("hook")).toStdString();
    const std::string corpus = ctx.required(QStringLiteral("corpus")).toStdString();
    const std::string out = ctx.required(QStringLiteral("out")).toStdString();
    const int context = ctx.intValue(QStringLiteral("context"), 128);
    const int tokens = ctx.intValue(QStringLiteral("tokens"), 200000);
    require(context >= 1 && tokens >= context, "--context/--tokens", "need at least one window of context tokens");
    const auto model = TransformerModel::load(modelDir);
    model->hooks().require(hook);
    const auto tokenizer = loadTokenizer(modelDir);
    const auto ids = at::tensor(tokenStream(corpus, *tokenizer, endOfText(*tokenizer, corpus)), at::kLong);
    const SaeTrainOptions options = optionsFrom(ctx);
    const double loadSeconds = watch.lap();

    Progress progress = trainerProgress(ctx);
    Progress collect = progress.nested(0.0, 0.15);
    collect.beginStage("activations at " + hook, 0.0, 1.0, "windows");
    const auto acts = collectActivations(*model, tokenWindows(ids, context, tokens / context), hook, 32, collect, CancelToken());
    Progress train = progress.nested(0.15, 1.0);
    const SaeTrainResult r = trainSae(acts, options, {QFileInfo(QString::fromStdString(modelDir)).fileName().toStdString(), hook, context, corpus},
                                      out, train, CancelToken());
    const double computeSeconds = watch.lap();
    Json result = r.toJson();
    result.set("activations", acts.size(0)).set("output", out);
    if (ctx.workspace()) {
        const std::int64_t m = ctx.registerInput(modelDir, "model");
        const std::int64_t c = ctx.registerInput(corpus, "corpus");
        const std::int64_t d = ctx.registerInput(out, "dictionary");
        const Json params = options.toJson().set("hook", hook).set("context", context).set("tokens", tokens);
        result.set("run_id", ctx.recordRun("train-sae", params, {{m, "model"}, {c, "corpus"}, {d, "output"}}, {{"summary", result.dump()}}));
    }
    ctx.writeJson(result, loadSeconds, computeSeconds, false);
    return 0;
}

Command trainSaeCommand()
{
    return Command{QStringLiteral("train-sae"), 81,
                   QStringLiteral("Train a sparse autoencoder (ReLU + L1 or TopK) on one hook of a model; saved in the "
                                  "SAELens layout."),
                   [](QCommandLineParser &p) {
                       p.addOption({QStringLiteral("model"), QStringLiteral("Model folder."), QStringLiteral("DIR")});
                       p.addOption({QStringLiteral("hook"), QStringLiteral("Hook point, e.g. blocks.1.hook_resid_post."), QStringLiteral("NAME")});
                       p.addOption({QStringLiteral("corpus"), QStringLiteral("Text file, one document per line."), QStringLiteral("FILE")});
                       p.addOption({QStringLiteral("architecture"), QStringLiteral("relu (L1, decoder-norm weighted) or topk."), QStringLiteral("A")});
                       p.addOption({QStringLiteral("features"), QStringLiteral("Dictionary size (512)."), QStringLiteral("N")});
                       p.addOption({QStringLiteral("k"), QStringLiteral("Active features for topk (16)."), QStringLiteral("K")});
                       p.addOption({QStringLiteral("l1"), QStringLiteral("L1 coefficient for relu (5)."), QStringLiteral("X")});
                       p.addOption({QStringLiteral("steps"), QStringLiteral("Optimizer steps (3000)."), QStringLiteral("N")});
                       p.addOption({QStringLiteral("batch"), QStringLiteral("Activations per step (512)."), QStringLiteral("N")});
                       p.addOption({QStringLiteral("lr"), QStringLiteral("Learning rate (1e-3)."), QStringLiteral("X")});
                       p.addOption({QStringLiteral("context"), QStringLiteral("Tokens per window (128)."), QStringLiteral("N")});
                       p.addOption({QStringLiteral("tokens"), QStringLiteral("Activation tokens to train on (200000)."), QStringLiteral("N")});
                       p.addOption({QStringLiteral("seed"), QStringLiteral("Seed (1)."), QStringLiteral("N")});
                       p.addOption({QStringLiteral("no-resume"), QStringLiteral("Ignore a cancelled run found in the output folder.")});
                   },
                   runTrainSae};
}

[[maybe_unused]] const bool registered = registerCommand(trainSaeCommand());

} // namespace

} // namespace gb::cli
