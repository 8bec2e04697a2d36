// SPDX-License-Identifier: MIT
#include "demo/demo_workspace.h"

#include "dictionaries/crosscoder.h"
#include "evolution/evolutiondata.h"
#include "evolution/evolutionstore.h"
#include "io/artifact_info.h"
#include "io/inspect.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "store/workspace.h"

#include <cstdio>
#include <filesystem>

namespace fs = std::filesystem;

namespace gb::demo {

namespace {

std::int64_t registerPath(Workspace &ws, const std::string &path, const CancelToken &cancel)
{
    Artifact a = describePath(path, &cancel);
    const PathKind kind = inspectPath(path);
    a.kind = kind.kind;
    Json summary = kind.summary;
    summary.set("format", kind.format).set("description", kind.description);
    a.summaryJson = summary.dump();
    return ws.addArtifact(a);
}

std::int64_t recordRun(Workspace &ws, const std::string &kind, const Json &params,
                       const std::vector<std::pair<std::int64_t, std::string>> &inputs,
                       const std::vector<std::pair<std::string, Json>> &results)
{
    const std::int64_t id = ws.beginRun(kind, params.dump(), inputs);
    for (const auto &[name, value] : results)
        ws.putResult(id, name, "json", value.dump());
    ws.finishRun(id);
    return id;
}

/// Notes on the features that match a phenomenon well (F1 >= 0.3): the feature explorer shows
/// them as labels ("dictionary:<artifact id>" scope, feature index as key).
void labelFeatures(Workspace &ws, std::int64_t dictionaryId, const Json &findings)
{
    for (const Json &p : findings.find("phenomena")->toArray()) {
        const auto &best = p.find("best")->toArray();
        if (best.empty() || best.front().find("f1")->toDouble() < 0.3)
            continue;
        const Json &m = best.front();
        char text[256];
        std::snprintf(text, sizeof text, "demo: %s - %s (precision %.2f, recall %.2f)",
                      p.find("name")->toString().c_str(), p.find("description")->toString().c_str(),
                      m.find("precision")->toDouble(), m.find("recall")->toDouble());
        ws.setNote("dictionary:" + std::to_string(dictionaryId), std::to_string(m.find("feature")->toInt()), text);
    }
}

void removeWorkspaceFiles(const std::string &path)
{
    for (const char *suffix : {"", "-wal", "-shm", "-journal"})
        fs::remove(path + suffix);
}

} // namespace

DemoArtifacts writeDemoWorkspace(const DemoPaths &paths, const DemoConfig &config, const Json &results, Progress &progress,
                                 const CancelToken &cancel)
{
    removeWorkspaceFiles(paths.workspace);
    Workspace ws = Workspace::open(paths.workspace, true);
    progress.beginStage("registering the demo in the workspace", 0.0, 1.0);
    const Json &lm = *results.find("language_model");
    const std::string finalModel = lm.find("checkpoints")->toArray().back().find("path")->toString();
    const std::int64_t train = registerPath(ws, paths.corpusTrain, cancel);
    const std::int64_t scan = registerPath(ws, paths.corpusScan, cancel);
    const std::int64_t series = registerPath(ws, paths.checkpoints, cancel);
    const std::int64_t model = registerPath(ws, (fs::path(paths.checkpoints) / finalModel).string(), cancel);
    progress.update(1, 3);
    const std::int64_t sae = registerPath(ws, paths.sae, cancel);
    const std::int64_t crosscoder = registerPath(ws, paths.crosscoder, cancel);
    const Json params = config.toJson();
    recordRun(ws, "train-lm", *params.find("language_model"), {{train, "corpus"}}, {{"summary", lm}});
    recordRun(ws, "train-sae", *params.find("sae"), {{model, "model"}, {train, "corpus"}}, {{"summary", *results.find("sae")}});
    recordRun(ws, "train-crosscoder", *params.find("crosscoder"), {{series, "checkpoints"}, {train, "corpus"}},
              {{"summary", *results.find("crosscoder")}});
    const Json evolutionParams =
        Json::object().set("crosscoder", paths.crosscoder).set("checkpoints", paths.checkpoints).set("level", 0.5).set("direction_level", 0.1);
    const std::int64_t evolution = ws.beginRun("evolution", evolutionParams.dump(), {{crosscoder, "crosscoder"}, {series, "checkpoints"}});
    storeEvolutionData(ws, evolution, collectEvolutionData(*Crosscoder::open(paths.crosscoder), Progress::null(), cancel));
    ws.finishRun(evolution);
    progress.update(2, 3);
    const auto &tabular = results.find("tabular")->toArray();
    for (auto it = tabular.rbegin(); it != tabular.rend(); ++it) {
        const Json &t = *it;
        const std::int64_t data = registerPath(ws, t.find("csv")->toString(), cancel);
        const std::int64_t mlp = registerPath(ws, t.find("model")->toString(), cancel);
        recordRun(ws, "train-tabular", Json::object().set("dataset", t.find("csv")->toString()), {{data, "dataset"}},
                  {{"summary", t}, {"output", Json::object().set("artifact", mlp)}});
    }
    const Json &report = *results.find("report");
    labelFeatures(ws, sae, *report.find("sae_findings"));
    labelFeatures(ws, crosscoder, *report.find("crosscoder_findings"));
    progress.update(3, 3);
    return DemoArtifacts{model, sae, crosscoder, scan, train};
}

void recordDemoRun(const DemoPaths &paths, const DemoConfig &config, const DemoArtifacts &a, const Json &report)
{
    Workspace ws = Workspace::open(paths.workspace);
    recordRun(ws, "demo", config.toJson(),
              {{a.trainCorpus, "corpus"}, {a.scanCorpus, "scan_corpus"}, {a.model, "model"}, {a.sae, "sae"}, {a.crosscoder, "crosscoder"}},
              {{"report", report}});
}

} // namespace gb::demo
