// SPDX-License-Identifier: MIT
#include "demo/demo_scan.h"

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

namespace gb::demo {

namespace {

struct DemoScan {
    std::shared_ptr<const SparseDictionary> dictionary;
    std::int64_t dictionaryId = 0;
    Json extra; ///< what else identifies the scan (a crosscoder head), null for none
};

Json runDemoScan(const DemoPaths &paths, const DemoArtifacts &a, ScanInput in, const DemoScan &d, Progress &progress,
                 const CancelToken &cancel)
{
    Workspace ws = Workspace::open(paths.workspace);
    checkCompatibility(*d.dictionary, *in.model);
    const auto sha = [&](std::int64_t id) {
        const auto artifact = ws.artifact(id);
        if (!artifact)
            throw Error::internal("demo scan: artifact " + std::to_string(id) + " is not in " + paths.workspace);
        return artifact->sha256;
    };
    const Json params = scanParams(sha(a.model), sha(d.dictionaryId), sha(a.scanCorpus), in.settings, d.extra);
    const ScanRun run = openScanRun(ws, params, {{a.model, "model"}, {d.dictionaryId, "dictionary"}, {a.scanCorpus, "corpus"}});
    in.dictionary = d.dictionary;
    in.runId = run.id;
    const ScanResult r = runScan(in, progress, cancel);
    Json j = r.toJson();
    return j.set("run_id", run.id).set("dictionary", d.dictionary->info().path);
}

} // namespace

Json scanDemoCorpus(const DemoPaths &paths, const DemoConfig &c, const DemoArtifacts &a, const std::string &finalModelDir,
                    Progress &progress, const CancelToken &cancel)
{
    const auto sae = loadDictionary(paths.sae);
    ScanInput in;
    in.model = TransformerModel::load(finalModelDir);
    in.tokenizer = loadTokenizer(finalModelDir);
    in.corpusPath = paths.corpusScan;
    in.workspacePath = paths.workspace;
    in.settings.format = CorpusFormat::Lines;
    in.settings.context = c.scanContext;
    in.settings.topK = c.scanTopK;
    // Windows as the dictionaries were trained: cut from the token stream, without BOS.
    in.settings.prependBos = sae->info().prependBos;

    const auto cc = std::dynamic_pointer_cast<const CrosscoderDictionary>(loadDictionary(paths.crosscoder));
    if (!cc)
        throw Error::internal("demo scan: " + paths.crosscoder + " is not read as a crosscoder");
    const std::int64_t last = cc->info().heads - 1;
    const DemoScan head{cc->head(last, c.hook), a.crosscoder, Json::object().set("head", last).set("head_hook", c.hook)};
    Json out = Json::object();
    Progress headProgress = progress.nested(0.0, 0.5);
    out.set("crosscoder_head", runDemoScan(paths, a, in, head, headProgress, cancel));
    Progress saeProgress = progress.nested(0.5, 1.0);
    out.set("sae", runDemoScan(paths, a, in, DemoScan{sae, a.sae, Json()}, saeProgress, cancel));
    return out;
}

} // namespace gb::demo
