// SPDX-License-Identifier: MIT
#pragma once

#include "demo/annotated_tokens.h"
#include "io/json.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gb {
class CancelToken;
class Progress;
} // namespace gb

namespace gb::demo {

/// Held-out tokens cut into windows, with the tags of every position.
struct AnalysisWindows {
    at::Tensor ids;               ///< [W, T] int64
    std::vector<TokenTag> tags;   ///< W * T, row-major like ids
    int topics = 0;
    std::int64_t roundCloser = -1, squareCloser = -1; ///< token ids of " )" and " ]"
};

AnalysisWindows makeAnalysisWindows(const AnnotatedTokens &tokens, int context, std::int64_t windows, int topics,
                                    std::int64_t roundCloser, std::int64_t squareCloser);

/// What each checkpoint has learned, measured on the next-token loss grouped by the planted
/// phenomenon of the predicted token: copied tokens of a span's repeat vs the same kind of tokens
/// at its first occurrence (the induction gap), closing brackets (and whether ")" vs "]" is
/// ranked right), topic words, common words, everything. One entry per checkpoint folder.
Json behaviourOverTraining(const std::vector<std::pair<std::int64_t, std::string>> &checkpoints,
                           const AnalysisWindows &windows, Progress &progress, const CancelToken &cancel);

/// Which SAE features match which planted phenomenon (best F1 of "fires" vs the label), and how
/// many are token features (>= 90 % of firings on one token): on the held-out windows, with the
/// SAE read back from its saved files.
Json saeFindings(const std::string &modelDir, const std::string &hook, const std::string &saeDir,
                 const AnalysisWindows &windows, std::int64_t vocabSize, Progress &progress, const CancelToken &cancel);

/// The same for the crosscoder (a feature "fires" when it is active at any snapshot), plus when
/// the matched features emerge over training: the median emergence and peak steps of the decoder
/// norms (the evolution view's statistics) per phenomenon and for token features.
Json crosscoderFindings(const std::vector<std::string> &modelDirs, const std::string &hook,
                        const std::string &crosscoderDir, const AnalysisWindows &windows, std::int64_t vocabSize,
                        Progress &progress, const CancelToken &cancel);

} // namespace gb::demo
