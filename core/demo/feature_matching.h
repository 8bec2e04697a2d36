// SPDX-License-Identifier: MIT
#pragma once

#include "demo/annotated_tokens.h"
#include "io/json.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gb::demo {

/// A planted phenomenon as a per-token label (true where it holds, after reading the token).
struct Phenomenon {
    std::string name;
    std::string description;
    at::Tensor labels; ///< bool [T]
};

/// The phenomena the corpus plants, labelled on `tags`: repeat (a copied span's second
/// occurrence), first_occurrence (its control), in_brackets, nested_brackets, expects_round,
/// expects_square, in_quote, and topic_<t> for each topic.
std::vector<Phenomenon> plantedPhenomena(const std::vector<TokenTag> &tags, int topics);

/// How well "feature > 0" predicts a label.
struct FeatureMatch {
    std::string phenomenon;
    std::int64_t feature = -1;
    double precision = 0.0; ///< P(label | feature fires)
    double recall = 0.0;    ///< P(feature fires | label)
    double f1 = 0.0;
    std::int64_t firings = 0; ///< tokens where the feature fires
    std::int64_t support = 0; ///< tokens with the label
    Json toJson() const;
};

/// For each phenomenon, the `topN` features with the highest F1 (activations [T, F]).
std::vector<std::vector<FeatureMatch>> bestMatches(const at::Tensor &activations, const std::vector<Phenomenon> &phenomena,
                                                   int topN);

/// For each feature, the share of its firings on its most frequent token id ("token features"
/// have a share near 1: unigram statistics).
struct TokenPurity {
    std::vector<double> purity;
    std::vector<std::int64_t> topToken;
    std::vector<std::int64_t> firings;
};
TokenPurity tokenPurity(const at::Tensor &activations, const at::Tensor &tokenIds, std::int64_t vocabSize);

} // namespace gb::demo
