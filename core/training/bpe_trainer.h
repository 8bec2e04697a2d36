// SPDX-License-Identifier: MIT
#pragma once

#include "io/json.h"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace gb {

class CancelToken;
class Progress;

/// A trained byte-level BPE vocabulary (spec-facts 7.1). Token strings are in the byte-to-unicode
/// alphabet (a space is "Ġ"). Ids: the special tokens first, then the 256 byte symbols in byte
/// order, then one id per merge that made a new string.
struct BpeVocabulary {
    std::vector<std::string> specialTokens;
    std::vector<std::string> tokens; ///< id -> token (special tokens included)
    std::vector<std::pair<std::string, std::string>> merges; ///< in rank order

    /// tokenizer.json in the Hugging Face `tokenizers` layout with the GPT-2 ByteLevel
    /// pre-tokenizer and decoder, merges written as "A B" strings.
    Json toTokenizerJson() const;
    void writeTokenizerJson(const std::string &path) const;
};

struct BpeTrainOptions {
    int merges = 1000;
    /// Pairs seen fewer times are never merged (training may stop early).
    std::int64_t minPairCount = 2;
    std::vector<std::string> specialTokens = {"<|endoftext|>", "<|padding|>"};
};

/// Learns merges from pre-token counts (raw bytes of each pre-token, e.g. " word"): repeatedly
/// merges the most frequent adjacent pair, ties broken by the smaller (left, right) strings, so
/// the result depends only on the counts.
BpeVocabulary trainBpe(const std::map<std::string, std::int64_t> &preTokenCounts, const BpeTrainOptions &options,
                       Progress &progress, const CancelToken &cancel);

/// Counts the GPT-2 pre-tokens (raw bytes, e.g. " word") of the texts: what trainBpe learns from.
std::map<std::string, std::int64_t> countPreTokens(const std::vector<std::string> &texts);

} // namespace gb
