// SPDX-License-Identifier: MIT
#pragma once

#include "features/corpus.h"
#include "io/json.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace gb {

class BpeTokenizer;
class CancelToken;
class Progress;
class SparseDictionary;
class TransformerModel;
class Workspace;

/// What a corpus scan computes; every field but batchTokens and checkpointSeconds is part of the
/// scan's identity (a resume needs the same values).
struct ScanSettings {
    CorpusFormat format = CorpusFormat::Lines;
    int context = 128;        ///< tokens per window (BOS included)
    int topK = 20;            ///< examples kept per feature
    bool prependBos = true;   ///< every window starts with BOS, as SAELens trains (spec-facts 8.3)
    bool countBos = false;    ///< include BOS/separator positions in the statistics
    int batchTokens = 1024;   ///< tokens per forward pass (whole windows; at least one window)
    double checkpointSeconds = 20; ///< how often progress is committed to the workspace

    Json identity() const;
};

/// A scan to run: everything is shared with the caller and only read.
struct ScanInput {
    std::shared_ptr<const TransformerModel> model;
    std::shared_ptr<const SparseDictionary> dictionary;
    std::shared_ptr<const BpeTokenizer> tokenizer;
    std::string corpusPath;
    ScanSettings settings;
    std::string workspacePath; ///< the job opens its own connection (workspaces are per thread)
    std::int64_t runId = 0;    ///< from openScanRun
    /// Called after each checkpoint is committed (tests kill the process there).
    std::function<void(std::int64_t windowsDone)> onCheckpoint;
};

struct ScanTiming {
    double total = 0, tokenize = 0, forward = 0, encode = 0, stats = 0, store = 0;
    Json toJson() const;
};

struct ScanResult {
    std::int64_t runId = 0;
    std::int64_t windows = 0;        ///< windows scanned in total (all sessions)
    std::int64_t tokens = 0;         ///< positions counted in the statistics
    std::int64_t resumedFrom = 0;    ///< windows already done when this session started
    std::int64_t sessionTokens = 0;  ///< positions run through the model in this session
    ScanTiming timing;               ///< this session
    Json toJson() const;
};

/// What identifies a scan (and lets the CLI and the app resume each other's scans): the
/// content hashes of model, dictionary and corpus, the settings, and `extra` (e.g. which head of
/// a crosscoder) when not null.
Json scanParams(const std::string &modelSha, const std::string &dictionarySha, const std::string &corpusSha,
                const ScanSettings &settings, const Json &extra = Json());

/// The run a scan with these inputs and settings belongs to: an existing scan run with the same
/// parameters (unfinished: resume it; finished: nothing to do) or a new one.
struct ScanRun {
    std::int64_t id = 0;
    bool finished = false;
    bool resuming = false; ///< an unfinished run with a checkpoint exists
};

/// The BOS token windows start with: tokenize's bosTokenId for a model loaded from a folder
/// with a tokenizer, else config.json's bos_token_id (random models); -1 when none is known.
std::int32_t bosOf(const TransformerModel &model, const BpeTokenizer *tokenizer);

/// `inputs` are (artifact id, role) for the model, dictionary and corpus; `params` is what
/// identifies the scan (artifact hashes + ScanSettings::identity()).
ScanRun openScanRun(Workspace &ws, const Json &params, const std::vector<std::pair<std::int64_t, std::string>> &inputs);

/// Scans the corpus: windows of `context` tokens run through the model up to the dictionary's
/// hook (inference mode), encoded, and folded into FeatureStats. Progress is committed to the
/// workspace every checkpointSeconds (and on cancel) as one transaction: the statistics, the
/// corpus position and the windows' tokens. A run that was cancelled or killed continues from
/// its last checkpoint and ends with the same statistics as an uninterrupted scan.
///
/// Reports progress in tokens (rate = tokens/s, ETA from the bytes of corpus left). Checks
/// `cancel` between batches; on cancel it commits and throws Error::cancelled() (the run is
/// marked cancelled). Throws BadInput when the dictionary does not fit the model.
ScanResult runScan(const ScanInput &input, Progress &progress, const CancelToken &cancel);

} // namespace gb
