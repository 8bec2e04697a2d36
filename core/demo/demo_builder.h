// SPDX-License-Identifier: MIT
#pragma once

#include "demo/demo_config.h"
#include "io/json.h"

#include <string>

namespace gb {
class CancelToken;
class Progress;
} // namespace gb

namespace gb::demo {

/// Where the demo puts things, relative to its folder.
struct DemoPaths {
    explicit DemoPaths(const std::string &root);
    std::string root;
    std::string corpusTrain, corpusScan, corpusInfo; ///< one document per line; the generator's facts
    std::string tokenizer;                          ///< tokenizer/tokenizer.json
    std::string checkpoints;                        ///< model/checkpoints/step<N>/ (the series)
    std::string sae, crosscoder;                    ///< dictionary folders
    std::string tabular;                            ///< tabular/<name>.csv, .json, _mlp.pt
    std::string workspace;                          ///< demo.gbx
    std::string report;                             ///< report.json: what the build measured
    std::string finalCheckpoint(std::int64_t step) const;
};

/// True when a finished build is there: buildDemo writes the report last.
bool isDemoBuilt(const DemoPaths &paths);

/// Builds the demo from nothing into `outDir`: the synthetic corpus and its tokenizer, a small
/// Pythia-architecture model trained with a Pythia-like checkpoint series, an SAE on the last
/// checkpoint and a crosscoder over all checkpoints at the same hook, the tabular demos, the
/// measurements of what the dictionaries found (report.json) and the workspace demo.gbx that
/// registers all of it with the runs, and corpus scans of the held-out documents for the feature
/// dashboards (see scanDemoCorpus). A cancelled build resumes the language model from its last
/// checkpoint when run again. Returns the report.
Json buildDemo(const DemoConfig &config, const std::string &outDir, Progress &progress, const CancelToken &cancel);

} // namespace gb::demo
