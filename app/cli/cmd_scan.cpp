// SPDX-License-Identifier: MIT
// glassbox-cli scan: run (or resume) a corpus scan into a workspace.
#include "cli.h"

#include "common/error.h"
#include "dictionaries/compatibility.h"
#include "dictionaries/dictionaryloader.h"
#include "features/scan.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "models/transformermodel.h"
#include "store/workspace.h"
#include "tokenize/tokenizer_loader.h"

namespace gb::cli {

namespace {

ScanSettings settingsFrom(Context &ctx, const std::string &corpus)
{
    ScanSettings s;
    s.format = ctx.isSet(QStringLiteral("format")) ? corpusFormatFromString(ctx.value(QStringLiteral("format")).toStdString())
                                                   : corpusFormatFor(corpus);
    s.context = ctx.intValue(QStringLiteral("context"), s.context);
    s.topK = ctx.intValue(QStringLiteral("top-k"), s.topK);
    s.prependBos = !ctx.isSet(QStringLiteral("no-bos"));
    s.countBos = ctx.isSet(QStringLiteral("count-bos"));
    s.batchTokens = ctx.intValue(QStringLiteral("batch-tokens"), s.batchTokens);
    s.checkpointSeconds = ctx.doubleValue(QStringLiteral("checkpoint-seconds"), s.checkpointSeconds);
    require(s.topK >= 1 && s.topK <= 255, "--top-k", "must be 1..255");
    require(s.batchTokens >= 1, "--batch-tokens", "must be positive");
    require(s.checkpointSeconds >= 0, "--checkpoint-seconds", "must not be negative");
    return s;
}

int runScanCommand(Context &ctx)
{
    Stopwatch watch;
    const std::string modelDir = ctx.required(QStringLiteral("model")).toStdString();
    const std::string dictDir = ctx.required(QStringLiteral("dictionary")).toStdString();
    const std::string corpus = ctx.required(QStringLiteral("corpus")).toStdString();
    ctx.required(QStringLiteral("workspace"));
    const ScanSettings settings = settingsFrom(ctx, corpus);

    ScanInput in;
    in.model = TransformerModel::load(modelDir);
    in.tokenizer = loadTokenizer(modelDir);
    in.dictionary = loadDictionary(dictDir);
    checkCompatibility(*in.dictionary, *in.model);
    in.corpusPath = corpus;
    in.settings = settings;
    Workspace &ws = *ctx.workspace();
    in.workspacePath = ws.path();

    const std::int64_t modelId = ctx.registerInput(modelDir, "model");
    const std::int64_t dictId = ctx.registerInput(dictDir, "dictionary");
    const std::int64_t corpusId = ctx.registerInput(corpus, "corpus");
    const Json params = scanParams(ws.artifact(modelId)->sha256, ws.artifact(dictId)->sha256, ws.artifact(corpusId)->sha256, settings);
    const ScanRun run = openScanRun(ws, params, {{modelId, "model"}, {dictId, "dictionary"}, {corpusId, "corpus"}});
    in.runId = run.id;
    const double loadSeconds = watch.lap();

    Json result = Json::object();
    result.set("run_id", run.id).set("dictionary", in.dictionary->info().toJson()).set("settings", settings.identity());
    if (run.finished) {
        result.set("status", "finished").set("already_finished", true);
        if (const auto summary = ws.result(run.id, "summary"))
            result.set("summary", Json::parse(*summary, "stored scan summary"));
        ctx.writeJson(result, loadSeconds, 0.0);
        return 0;
    }
    const auto print = ctx.progressPrinter();
    Progress progress([&](const ProgressUpdate &u) {
        char stage[96];
        std::snprintf(stage, sizeof stage, "%s %.0f %s/s", u.stage.c_str(), u.rate, u.unit.c_str());
        print(stage, u.fraction);
    });
    const ScanResult r = runScan(in, progress, CancelToken());
    result.set("status", "finished").set("already_finished", false).set("summary", r.toJson());
    ctx.writeJson(result, loadSeconds, watch.lap());
    return 0;
}

Command scanCommand()
{
    return Command{
        QStringLiteral("scan"), 41,
        QStringLiteral("Scan a corpus with a model and a sparse dictionary into a workspace (top examples, histograms, density per feature); resumes an interrupted scan."),
        [](QCommandLineParser &p) {
            p.addOption({QStringLiteral("model"), QStringLiteral("Hugging Face model folder with its tokenizer."), QStringLiteral("DIR")});
            p.addOption({QStringLiteral("dictionary"), QStringLiteral("SAELens, OpenMOSS or Gemma Scope dictionary."), QStringLiteral("DIR")});
            p.addOption({QStringLiteral("corpus"), QStringLiteral("Text (one document per line) or JSONL with a \"text\" field."), QStringLiteral("FILE")});
            p.addOption({QStringLiteral("format"), QStringLiteral("lines, whole or jsonl (default: from the extension)."), QStringLiteral("FORMAT")});
            p.addOption({QStringLiteral("context"), QStringLiteral("Tokens per window, BOS included (default 128)."), QStringLiteral("N")});
            p.addOption({QStringLiteral("top-k"), QStringLiteral("Top examples kept per feature (default 20)."), QStringLiteral("K")});
            p.addOption({QStringLiteral("no-bos"), QStringLiteral("Do not start windows with BOS.")});
            p.addOption({QStringLiteral("count-bos"), QStringLiteral("Include BOS positions in the statistics.")});
            p.addOption({QStringLiteral("batch-tokens"), QStringLiteral("Tokens per forward pass (default 1024)."), QStringLiteral("N")});
            p.addOption({QStringLiteral("checkpoint-seconds"),
                         QStringLiteral("Commit progress to the workspace this often (default 20)."), QStringLiteral("S")});
        },
        runScanCommand};
}

[[maybe_unused]] const bool registered = registerCommand(scanCommand());

} // namespace

} // namespace gb::cli
