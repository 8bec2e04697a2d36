// SPDX-License-Identifier: MIT
// glassbox-cli scan: run (or resume) a corpus scan into a workspace.
#include "cli.h"

#include "common/error.h"
#include "dictionaries/compatibility.h"
#include "dictionaries/crosscoderdictionary.h"
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

/// --head S (index or hook point name, e.g. step32) of a crosscoder, read at --hook (default: the
/// config's hook_name): the head seen as an SAE, and the `extra` the Features page records for a
/// scan through that head (FeatureSession::scan), so the Scans tab and the evolution slider find it.
struct HeadChoice {
    std::shared_ptr<const SparseDictionary> dictionary;
    Json extra; ///< null without --head
};

HeadChoice chooseHead(Context &ctx, std::shared_ptr<const SparseDictionary> dict, const std::string &dictDir)
{
    if (!ctx.isSet(QStringLiteral("head"))) {
        require(!ctx.isSet(QStringLiteral("hook")), "--hook", "only applies with --head (the hook a crosscoder head reads)");
        return {std::move(dict), Json()};
    }
    const auto cc = std::dynamic_pointer_cast<const CrosscoderDictionary>(dict);
    require(cc != nullptr, "--head", dictDir + " is a " + dict->info().architecture + ", not a crosscoder: it has no heads");
    const std::vector<std::string> &names = cc->info().headNames;
    const std::string text = ctx.value(QStringLiteral("head")).trimmed().toStdString();
    std::int64_t head = -1;
    for (std::size_t s = 0; s < names.size(); ++s)
        if (names[s] == text)
            head = std::int64_t(s);
    if (head < 0) {
        bool number = false;
        const qlonglong n = QString::fromStdString(text).toLongLong(&number);
        std::string list;
        for (const auto &name : names)
            list += (list.empty() ? "" : ", ") + name;
        require(number, "--head", "'" + text + "' is neither a head index nor a hook point of " + dictDir + " (" + list + ")");
        require(n >= 0 && n < qlonglong(names.size()), "--head",
                std::to_string(n) + " is out of range: " + dictDir + " has heads 0.." + std::to_string(names.size() - 1));
        head = n;
    }
    const std::string hook = ctx.isSet(QStringLiteral("hook")) ? ctx.value(QStringLiteral("hook")).trimmed().toStdString()
                                                               : cc->info().hookIn;
    require(!hook.empty(), "--hook", dictDir + "/config.json names no model hook (hook_name): give the hook its heads read, "
                                     "e.g. --hook blocks.6.hook_resid_post");
    return {cc->head(head, hook), Json::object().set("head", head).set("head_hook", hook)};
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
    const HeadChoice head = chooseHead(ctx, loadDictionary(dictDir), dictDir);
    in.dictionary = head.dictionary;
    checkCompatibility(*in.dictionary, *in.model);
    in.corpusPath = corpus;
    in.settings = settings;
    Workspace &ws = *ctx.workspace();
    in.workspacePath = ws.path();

    const std::int64_t modelId = ctx.registerInput(modelDir, "model");
    const std::int64_t dictId = ctx.registerInput(dictDir, "dictionary");
    const std::int64_t corpusId = ctx.registerInput(corpus, "corpus");
    const Json params = scanParams(ws.artifact(modelId)->sha256, ws.artifact(dictId)->sha256, ws.artifact(corpusId)->sha256, settings, head.extra);
    const ScanRun run = openScanRun(ws, params, {{modelId, "model"}, {dictId, "dictionary"}, {corpusId, "corpus"}});
    in.runId = run.id;
    const double loadSeconds = watch.lap();

    Json result = Json::object();
    result.set("run_id", run.id).set("dictionary", in.dictionary->info().toJson()).set("settings", settings.identity());
    if (!head.extra.isNull())
        result.set("head", *head.extra.find("head")).set("head_hook", *head.extra.find("head_hook"));
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
            p.addOption({QStringLiteral("head"),
                         QStringLiteral("Crosscoder only: scan through this head (snapshot index or hook point, e.g. step32), as the "
                                        "Features page does."),
                         QStringLiteral("S")});
            p.addOption({QStringLiteral("hook"),
                         QStringLiteral("With --head: the model hook the head reads (default: the crosscoder's hook_name)."),
                         QStringLiteral("NAME")});
        },
        runScanCommand};
}

[[maybe_unused]] const bool registered = registerCommand(scanCommand());

} // namespace

} // namespace gb::cli
