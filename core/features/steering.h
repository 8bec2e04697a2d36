// SPDX-License-Identifier: MIT
#pragma once

#include "io/json.h"

#include <cstdint>
#include <string>
#include <vector>

namespace gb {

class CancelToken;
class SparseDictionary;
class TransformerModel;

/// One intervention on a dictionary feature.
struct FeatureEdit {
    enum class Mode {
        Clamp, ///< set the activation to `value`
        Scale, ///< multiply it by `value`
        Zero   ///< ablate it (set to 0)
    };
    std::int64_t feature = 0;
    Mode mode = Mode::Zero;
    float value = 0.0f;
    /// Prompt positions to edit; empty = every position, generated tokens included.
    std::vector<std::int64_t> positions;
};

const char *toString(FeatureEdit::Mode m);
FeatureEdit::Mode featureEditModeFromString(const std::string &s);

/// What steering changes: the next-token distribution after the prompt and the greedy
/// continuation, without and with the edits.
struct SteeringResult {
    struct Candidate {
        std::int64_t token = 0;
        double probability = 0;
    };
    std::vector<Candidate> before, after;         ///< top-k next tokens
    std::vector<std::int64_t> continuationBefore; ///< greedy tokens, without edits
    std::vector<std::int64_t> continuationAfter;  ///< greedy tokens, with edits at every step
    Json toJson() const;
};

/// Applies the edits at the dictionary's output hook with the error term kept (spec-facts 3.5):
/// hook <- hook + decode(f') - decode(f), f = encode(input), f' = f edited; for a transcoder,
/// f comes from its input hook earlier in the same pass. Edits listing only prompt positions
/// leave generated positions alone. Greedy generation recomputes the whole sequence at each
/// step (edits act on every step); `cancel` is checked between steps.
SteeringResult steer(const TransformerModel &model, const SparseDictionary &dict, const std::vector<std::int64_t> &prompt,
                     const std::vector<FeatureEdit> &edits, int topK, int newTokens, const CancelToken *cancel = nullptr);

/// Logits [T, vocab] of `tokens` with the edits applied (for tests and the CLI).
std::vector<float> steeredLogits(const TransformerModel &model, const SparseDictionary &dict,
                                 const std::vector<std::int64_t> &tokens, const std::vector<FeatureEdit> &edits);

} // namespace gb
