// SPDX-License-Identifier: MIT
#pragma once

#include "demo/synthetic_corpus.h"
#include "io/json.h"
#include "training/bpe_trainer.h"
#include "training/crosscoder_trainer.h"
#include "training/lm_trainer.h"
#include "training/sae_trainer.h"
#include "training/tabular_trainer.h"

#include <string>

namespace gb::demo {

/// Everything that decides what `glassbox-cli demo` builds. The same config gives the same
/// files (seeded throughout; bit-identical on the same machine and thread count).
struct DemoConfig {
    std::string name = "standard";
    CorpusConfig corpus;
    int scanDocuments = 300;      ///< held-out documents: scan corpus and the analysis
    BpeTrainOptions bpe;
    int layers = 2, dModel = 64, heads = 4, contextLength = 128;
    LmTrainOptions lm;
    std::string hook = "blocks.1.hook_resid_post";
    SaeTrainOptions sae;
    int saeWindows = 1500;        ///< windows of contextLength tokens of activations
    CrosscoderTrainOptions crosscoder;
    int crosscoderWindows = 250;
    int scanContext = 64;
    int scanTopK = 20;
    int tabularRows = 1000;
    MlpOptions mlp;
    int analysisWindows = 200;    ///< held-out windows for the feature/phenomenon matching

    /// The full demo (minutes on 2 cores) and a reduced one for tests (seconds).
    static DemoConfig standard();
    static DemoConfig small();
    /// "standard" or "small"; BadInput otherwise.
    static DemoConfig named(const std::string &name);
    Json toJson() const;
};

} // namespace gb::demo
