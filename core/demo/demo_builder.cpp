// SPDX-License-Identifier: MIT
#include "demo/demo_builder.h"

#include "common/error.h"
#include "common/torch_guard.h"
#include "demo/annotated_tokens.h"
#include "demo/demo_analysis.h"
#include "demo/demo_scan.h"
#include "demo/demo_workspace.h"
#include "demo/side_task.h"
#include "demo/tabular_data.h"
#include "io/atomic_file.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "models/transformermodel.h"
#include "tokenize/bpe_tokenizer.h"
#include "tokenize/tokenizer_loader.h"
#include "training/activations.h"

#include <ATen/ATen.h>

#include <chrono>
#include <ctime>
#include <filesystem>

namespace fs = std::filesystem;

namespace gb::demo {

DemoPaths::DemoPaths(const std::string &r)
    : root(fs::absolute(r).lexically_normal().string())
{
    const fs::path p(root);
    corpusTrain = (p / "corpus" / "train.txt").string();
    corpusScan = (p / "corpus" / "scan.txt").string();
    corpusInfo = (p / "corpus" / "corpus.json").string();
    tokenizer = (p / "tokenizer" / "tokenizer.json").string();
    checkpoints = (p / "model" / "checkpoints").string();
    sae = (p / "sae").string();
    crosscoder = (p / "crosscoder").string();
    tabular = (p / "tabular").string();
    workspace = (p / "demo.gbx").string();
    report = (p / "report.json").string();
}

std::string DemoPaths::finalCheckpoint(std::int64_t step) const
{
    return (fs::path(checkpoints) / ("step" + std::to_string(step))).string();
}

bool isDemoBuilt(const DemoPaths &paths)
{
    return fs::is_regular_file(paths.workspace) && fs::is_regular_file(paths.report);
}

namespace {

void writeText(const std::string &path, const std::string &text)
{
    fs::create_directories(fs::path(path).parent_path());
    AtomicFile f(path);
    f.write(text.data(), text.size());
    f.commit();
}

void writeLines(const std::string &path, const SyntheticCorpus &corpus, std::size_t first, std::size_t last)
{
    std::string text;
    for (std::size_t d = first; d < last; ++d)
        text += corpus.documents[d].text + "\n";
    writeText(path, text);
}

Json corpusInfo(const SyntheticCorpus &c, std::size_t trainDocs)
{
    Json topics = Json::array();
    for (const auto &v : c.topicVocab)
        topics.push(Json::arrayOf(v));
    return Json::object()
        .set("generator", "glassbox synthetic corpus")
        .set("seed", std::int64_t(c.config.seed))
        .set("train_documents", std::int64_t(trainDocs))
        .set("scan_documents", std::int64_t(c.documents.size() - trainDocs))
        .set("words", c.totalWords())
        .set("common_words", Json::arrayOf(c.commonVocab))
        .set("topic_words", std::move(topics))
        .set("planted", "Zipf unigrams and preferred bigram successors; spans of rare words that repeat later in the "
                        "document (induction); nested ( ) and [ ] and quotations; topic segments with their own words");
}

/// CPU seconds of the calling thread: with one intra-op thread per task, a stage's own work.
/// On a shared machine this is what an idle one would take (wall time includes the waits).
double threadCpuSeconds()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

struct StageTime {
    double wall = 0, cpu = 0;
};

/// `f`'s result and the time it took.
template<typename F>
auto timed(F &&f)
{
    const auto start = std::chrono::steady_clock::now();
    const double cpu = threadCpuSeconds();
    auto result = f();
    return std::make_pair(std::move(result),
                          StageTime{std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                                    threadCpuSeconds() - cpu});
}

/// Records a stage's wall time as timings.<name> and its CPU time as timings.cpu.<name>.
void record(Json &timings, const char *name, const StageTime &t)
{
    timings.set(name, t.wall);
    Json cpu = timings.find("cpu") ? *timings.find("cpu") : Json::object();
    timings.set("cpu", cpu.set(name, t.cpu));
}

/// Runs `f` as one stage of the build, timing it into `timings`.
template<typename F>
auto stage(Json &timings, const char *name, F &&f)
{
    auto [result, time] = timed(std::forward<F>(f));
    record(timings, name, time);
    return result;
}

std::int64_t closerId(const BpeTokenizer &tok, const char *text)
{
    const auto ids = tok.encodeIds(text);
    if (ids.size() != 1)
        throw Error::internal(std::string("demo: \"") + text + "\" is not a single token of the demo tokenizer");
    return ids.front();
}

/// Activations of every checkpoint at the hook on the same windows: [N, S, d].
at::Tensor snapshotActivations(const std::vector<CheckpointRecord> &checkpoints, const at::Tensor &windows,
                               const std::string &hook, Progress &progress, const CancelToken &cancel)
{
    std::vector<at::Tensor> parts;
    progress.beginStage("activations of every checkpoint", 0.0, 1.0, "checkpoints");
    for (std::size_t i = 0; i < checkpoints.size(); ++i) {
        const auto model = TransformerModel::load(checkpoints[i].path);
        parts.push_back(collectActivations(*model, windows, hook, 32, Progress::null(), cancel));
        progress.update(std::int64_t(i + 1), std::int64_t(checkpoints.size()));
    }
    return at::stack(parts, 1);
}

} // namespace

namespace {

Json trainTabular(const TabularDataset &d, const MlpOptions &mlp, const std::string &dir, const CancelToken &cancel)
{
    fs::create_directories(dir);
    const std::string base = (fs::path(dir) / d.name).string();
    d.writeCsv(base + ".csv");
    writeText(base + ".csv.json", d.sidecar().dump(1));
    const auto x = at::tensor(d.x).reshape({d.rows(), d.columns()});
    const auto y = at::tensor(d.y);
    const MlpReport r = trainTabularMlp(x, y, d.classification ? int(d.classes.size()) : 0, mlp, base + "_mlp.pt",
                                        Progress::null(), cancel);
    Json j = r.toJson();
    return j.set("data", d.about()).set("csv", base + ".csv").set("sidecar", base + ".csv.json").set("model", base + "_mlp.pt");
}

} // namespace

Json buildDemo(const DemoConfig &c, const std::string &outDir, Progress &progress, const CancelToken &cancel)
{
    const auto start = std::chrono::steady_clock::now();
    const std::clock_t cpuStart = std::clock();
    const DemoPaths paths(outDir);
    std::error_code ec;
    fs::create_directories(paths.root, ec);
    if (ec || !fs::is_directory(paths.root))
        throw Error::badInput(paths.root + ": cannot make the demo folder here (" +
                              (ec ? ec.message() : std::string("not a folder")) + ")");
    fs::remove(paths.report); // until the new build finishes, the folder does not count as built
    Json timings = Json::object();

    progress.beginStage("generating the corpus", 0.0, 0.01);
    CorpusConfig corpusConfig = c.corpus;
    corpusConfig.documents = c.corpus.documents + c.scanDocuments;
    const std::size_t trainDocs = std::size_t(c.corpus.documents);
    const SyntheticCorpus corpus = stage(timings, "corpus_s", [&] {
        SyntheticCorpus generated = generateCorpus(corpusConfig);
        writeLines(paths.corpusTrain, generated, 0, trainDocs);
        writeLines(paths.corpusScan, generated, trainDocs, generated.documents.size());
        writeText(paths.corpusInfo, corpusInfo(generated, trainDocs).dump(1));
        return generated;
    });
    cancel.throwIfCancelled();

    Progress tokenizerProgress = progress.nested(0.01, 0.03);
    const auto tokenizer = stage(timings, "tokenizer_s", [&] {
        std::vector<std::string> texts = corpus.texts();
        texts.resize(trainDocs);
        const BpeVocabulary vocab = trainBpe(countPreTokens(texts), c.bpe, tokenizerProgress, cancel);
        fs::create_directories(fs::path(paths.tokenizer).parent_path());
        vocab.writeTokenizerJson(paths.tokenizer);
        return loadTokenizer(fs::path(paths.tokenizer).parent_path().string());
    });
    const std::int64_t eos = *tokenizer->tokenId("<|endoftext|>");
    progress.beginStage("tokenizing", 0.03, 0.04);
    const AnnotatedTokens trainTokens = tokenizeCorpus(corpus, *tokenizer, eos, 0, trainDocs);
    const AnnotatedTokens scanTokens = tokenizeCorpus(corpus, *tokenizer, eos, trainDocs, corpus.documents.size());
    const at::Tensor trainIds = trainTokens.idsTensor();

    const int vocabSize = int((tokenizer->vocabSize() + 63) / 64 * 64);
    const ModelConfig modelConfig = pythiaConfig(c.layers, c.dModel, c.heads, vocabSize, c.contextLength);
    LmTrainOptions lmOptions = c.lm;
    lmOptions.contextLength = c.contextLength;
    lmOptions.tokenizerJson = paths.tokenizer;
    IntraOpThreads one(1); // see IntraOpThreads: the second core runs the side tasks

    // The tabular demos need nothing else: they train beside the language model.
    SideTask<std::pair<Json, StageTime>> tabularTask([&] {
        return timed([&] {
            Json t = Json::array();
            t.push(trainTabular(friedman1(c.tabularRows, 1.0, c.corpus.seed + 1), c.mlp, paths.tabular, cancel));
            t.push(trainTabular(classificationSet(c.tabularRows, c.corpus.seed + 2), c.mlp, paths.tabular, cancel));
            return t;
        });
    });
    Progress lmProgress = progress.nested(0.04, 0.62);
    const LmTrainResult lm = stage(timings, "language_model_s", [&] {
        return trainLanguageModel(modelConfig, trainIds, lmOptions, paths.checkpoints, lmProgress, cancel);
    });
    const auto [tabular, tabularTime] = tabularTask.get();
    record(timings, "tabular_s", tabularTime);
    const std::string finalDir = lm.checkpoints.back().path;
    std::vector<std::pair<std::int64_t, std::string>> series;
    std::vector<std::string> dirs, hookPoints;
    for (const auto &ck : lm.checkpoints) {
        series.emplace_back(ck.step, ck.path);
        dirs.push_back(ck.path);
        hookPoints.push_back("step" + std::to_string(ck.step));
    }
    const AnalysisWindows windows = makeAnalysisWindows(scanTokens, c.contextLength, c.analysisWindows, c.corpus.topics,
                                                        closerId(*tokenizer, " )"), closerId(*tokenizer, " ]"));

    // The SAE, then what each checkpoint learned, beside the crosscoder (the longest stage).
    struct SaeSide {
        SaeTrainResult sae;
        Json behaviour;
        StageTime saeTime, behaviourTime;
    };
    SideTask<SaeSide> saeTask([&] {
        SaeSide out;
        std::tie(out.sae, out.saeTime) = timed([&] {
            const auto model = TransformerModel::load(finalDir);
            const auto acts = collectActivations(*model, tokenWindows(trainIds, c.contextLength, c.saeWindows), c.hook, 32,
                                                 Progress::null(), cancel);
            return trainSae(acts, c.sae, {"glassbox-demo-pythia", c.hook, c.contextLength, paths.corpusTrain}, paths.sae,
                            Progress::null(), cancel);
        });
        std::tie(out.behaviour, out.behaviourTime) =
            timed([&] { return behaviourOverTraining(series, windows, Progress::null(), cancel); });
        return out;
    });
    Progress ccProgress = progress.nested(0.62, 0.92);
    const CrosscoderTrainResult crosscoder = stage(timings, "crosscoder_s", [&] {
        Progress collect = ccProgress.nested(0.0, 0.3);
        const auto x = snapshotActivations(lm.checkpoints, tokenWindows(trainIds, c.contextLength, c.crosscoderWindows),
                                           c.hook, collect, cancel);
        Progress train = ccProgress.nested(0.3, 1.0);
        CrosscoderTrainOptions options = c.crosscoder;
        options.hookName = c.hook;
        return trainCrosscoder(x, hookPoints, options, paths.crosscoder, train, cancel);
    });
    progress.beginStage("training the SAE", 0.92, 0.94);
    SaeSide side = saeTask.get();
    const SaeTrainResult &sae = side.sae;
    record(timings, "sae_s", side.saeTime);
    record(timings, "behaviour_s", side.behaviourTime);

    Json report = Json::object();
    report.set("behaviour", side.behaviour);
    stage(timings, "findings_s", [&] {
        Progress saeAnalysis = progress.nested(0.94, 0.95);
        saeAnalysis.beginStage("matching SAE features to the planted phenomena", 0.0, 1.0);
        report.set("sae_findings", saeFindings(finalDir, c.hook, paths.sae, windows, vocabSize, saeAnalysis, cancel));
        Progress ccAnalysis = progress.nested(0.95, 0.96);
        ccAnalysis.beginStage("matching crosscoder features to the planted phenomena", 0.0, 1.0);
        report.set("crosscoder_findings",
                   crosscoderFindings(dirs, c.hook, paths.crosscoder, windows, vocabSize, ccAnalysis, cancel));
        return 0;
    });
    report.set("config", c.toJson())
        .set("tokens", Json::object()
                           .set("train", std::int64_t(trainTokens.ids.size()))
                           .set("scan", std::int64_t(scanTokens.ids.size()))
                           .set("vocab_size", std::int64_t(tokenizer->vocabSize())))
        .set("language_model", Json::object()
                                   .set("parameters", modelConfig.parameterCount())
                                   .set("tokens_per_second", lm.tokensPerSecond)
                                   .set("final_eval_loss", lm.checkpoints.back().evalLoss))
        .set("sae", sae.toJson())
        .set("crosscoder", crosscoder.toJson())
        .set("tabular", tabular);

    Progress wsProgress = progress.nested(0.96, 0.97);
    Json results = Json::object()
                       .set("language_model", lm.toJson())
                       .set("sae", sae.toJson())
                       .set("crosscoder", crosscoder.toJson())
                       .set("tabular", tabular)
                       .set("report", report);
    const DemoArtifacts artifacts =
        stage(timings, "workspace_s", [&] { return writeDemoWorkspace(paths, c, results, wsProgress, cancel); });
    Progress scanProgress = progress.nested(0.97, 1.0);
    scanProgress.beginStage("scanning the held-out corpus for the feature dashboards", 0.0, 1.0);
    report.set("scans", stage(timings, "scan_s", [&] {
                   return scanDemoCorpus(paths, c, artifacts, finalDir, scanProgress, cancel);
               }));
    record(timings, "total_s",
           {std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
            double(std::clock() - cpuStart) / CLOCKS_PER_SEC}); // the process's CPU: every thread

    report.set("timings", timings);
    recordDemoRun(paths, c, artifacts, report);
    writeText(paths.report, report.dump(1));
    progress.flush();
    return report;
}

} // namespace gb::demo
