// SPDX-License-Identifier: MIT
// glassbox-cli train-lm: a Pythia-architecture language model with a checkpoint series.
#include "cli.h"
#include "train_cli.h"

#include "common/error.h"
#include "jobs/cancel.h"
#include "tokenize/tokenizer_loader.h"
#include "training/bpe_trainer.h"
#include "training/lm_trainer.h"

#include <ATen/ATen.h>

#include <QDir>
#include <QFile>

namespace gb::cli {

namespace {

std::vector<std::string> readLines(const std::string &path)
{
    QFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::ReadOnly))
        throw Error::badInput(path + ": cannot read the corpus");
    std::vector<std::string> lines;
    while (!f.atEnd()) {
        const QByteArray line = f.readLine().trimmed();
        if (!line.isEmpty())
            lines.push_back(line.toStdString());
    }
    return lines;
}

/// The tokenizer folder given, or one trained on the corpus into <out>/tokenizer.json.
std::shared_ptr<const BpeTokenizer> tokenizerFor(Context &ctx, const std::string &corpus, const std::string &out,
                                                 Progress &progress)
{
    if (ctx.isSet(QStringLiteral("tokenizer")))
        return loadTokenizer(ctx.value(QStringLiteral("tokenizer")).toStdString());
    BpeTrainOptions o;
    o.merges = ctx.intValue(QStringLiteral("merges"), 1000);
    require(o.merges >= 0, "--merges", "must not be negative");
    const BpeVocabulary vocab = trainBpe(countPreTokens(readLines(corpus)), o, progress, CancelToken());
    QDir().mkpath(QString::fromStdString(out));
    vocab.writeTokenizerJson(out + "/tokenizer.json");
    return loadTokenizer(out);
}

LmTrainOptions optionsFrom(Context &ctx)
{
    LmTrainOptions o;
    o.steps = ctx.intValue(QStringLiteral("steps"), 1000);
    o.batchSize = ctx.intValue(QStringLiteral("batch"), 16);
    o.contextLength = ctx.intValue(QStringLiteral("context"), 128);
    o.learningRate = ctx.doubleValue(QStringLiteral("lr"), 3e-3);
    o.warmupSteps = ctx.intValue(QStringLiteral("warmup"), 50);
    o.weightDecay = ctx.doubleValue(QStringLiteral("weight-decay"), o.weightDecay);
    o.checkpoints = ctx.intValue(QStringLiteral("checkpoints"), 32);
    o.seed = std::uint64_t(ctx.intValue(QStringLiteral("seed"), 1));
    o.resume = !ctx.isSet(QStringLiteral("no-resume"));
    return o;
}

int runTrainLm(Context &ctx)
{
    Stopwatch watch;
    const std::string corpus = ctx.required(QStringLiteral("corpus")).toStdString();
    const std::string out = ctx.required(QStringLiteral("out")).toStdString();
    Progress progress = trainerProgress(ctx);
    const auto tokenizer = tokenizerFor(ctx, corpus, out, progress);
    const std::string tokenizerJson = findTokenizerFiles(ctx.isSet(QStringLiteral("tokenizer"))
                                                             ? ctx.value(QStringLiteral("tokenizer")).toStdString()
                                                             : out)
                                          .tokenizerJson;
    const auto ids = tokenStream(corpus, *tokenizer, endOfText(*tokenizer, corpus));
    LmTrainOptions options = optionsFrom(ctx);
    options.tokenizerJson = tokenizerJson;
    const int vocab = int((tokenizer->vocabSize() + 63) / 64 * 64);
    const ModelConfig config = pythiaConfig(ctx.intValue(QStringLiteral("layers"), 2), ctx.intValue(QStringLiteral("d-model"), 64),
                                            ctx.intValue(QStringLiteral("heads"), 4), vocab, options.contextLength);
    const double loadSeconds = watch.lap();
    const LmTrainResult r = trainLanguageModel(config, at::tensor(ids, at::kLong), options, out + "/checkpoints", progress, CancelToken());
    const double computeSeconds = watch.lap();
    Json result = r.toJson();
    result.set("tokens", std::int64_t(ids.size())).set("parameters", config.parameterCount()).set("checkpoints_folder", out + "/checkpoints");
    if (ctx.workspace()) {
        const std::int64_t input = ctx.registerInput(corpus, "corpus");
        const std::int64_t series = ctx.registerInput(out + "/checkpoints", "checkpoint_series");
        const Json params = options.toJson().set("model_config", config.toJson());
        result.set("run_id", ctx.recordRun("train-lm", params, {{input, "corpus"}, {series, "output"}}, {{"summary", result.dump()}}));
    }
    ctx.writeJson(result, loadSeconds, computeSeconds, false);
    return 0;
}

Command trainLmCommand()
{
    return Command{QStringLiteral("train-lm"), 80,
                   QStringLiteral("Train a small Pythia-architecture language model on a text corpus, saving "
                                  "step<N>/ checkpoints (Hugging Face layout) on a Pythia-like schedule."),
                   [](QCommandLineParser &p) {
                       p.addOption({QStringLiteral("corpus"), QStringLiteral("Text file, one document per line."), QStringLiteral("FILE")});
                       p.addOption({QStringLiteral("tokenizer"), QStringLiteral("Folder with tokenizer.json (default: train one on the corpus)."), QStringLiteral("DIR")});
                       p.addOption({QStringLiteral("merges"), QStringLiteral("BPE merges when training the tokenizer (1000)."), QStringLiteral("N")});
                       p.addOption({QStringLiteral("layers"), QStringLiteral("Transformer layers (2)."), QStringLiteral("N")});
                       p.addOption({QStringLiteral("d-model"), QStringLiteral("Width (64)."), QStringLiteral("N")});
                       p.addOption({QStringLiteral("heads"), QStringLiteral("Attention heads (4)."), QStringLiteral("N")});
                       p.addOption({QStringLiteral("context"), QStringLiteral("Tokens per training window (128)."), QStringLiteral("N")});
                       p.addOption({QStringLiteral("steps"), QStringLiteral("Optimizer steps (1000)."), QStringLiteral("N")});
                       p.addOption({QStringLiteral("batch"), QStringLiteral("Windows per step (16)."), QStringLiteral("N")});
                       p.addOption({QStringLiteral("lr"), QStringLiteral("Peak learning rate (3e-3)."), QStringLiteral("X")});
                       p.addOption({QStringLiteral("warmup"), QStringLiteral("Warm-up steps (50)."), QStringLiteral("N")});
                       p.addOption({QStringLiteral("weight-decay"), QStringLiteral("AdamW weight decay (0.01)."), QStringLiteral("X")});
                       p.addOption({QStringLiteral("checkpoints"), QStringLiteral("How many checkpoints (32)."), QStringLiteral("N")});
                       p.addOption({QStringLiteral("seed"), QStringLiteral("Seed of initialisation and batch order (1)."), QStringLiteral("N")});
                       p.addOption({QStringLiteral("no-resume"), QStringLiteral("Refuse to continue a run found in the output folder.")});
                   },
                   runTrainLm};
}

[[maybe_unused]] const bool registered = registerCommand(trainLmCommand());

} // namespace

} // namespace gb::cli
