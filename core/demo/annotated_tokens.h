// SPDX-License-Identifier: MIT
#pragma once

#include "demo/synthetic_corpus.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace gb {
class BpeTokenizer;
}

namespace gb::demo {

/// The ground truth of one token: the tags of the word it belongs to (spec of WordTag), and
/// where in the word it sits. End-of-document tokens have kind -1.
struct TokenTag {
    int kind = -1;          ///< WordKind, or -1 for the end-of-document token
    int topic = 0;
    int depth = 0;
    char innermost = 0;
    bool inQuote = false;
    int spanRole = 0;
    int spanPos = -1;
    bool wordStart = false; ///< the token holds the word's first character
};

/// A token stream (documents joined by the end-of-document id) with a tag per token.
struct AnnotatedTokens {
    std::vector<std::int64_t> ids;
    std::vector<TokenTag> tags;
    std::int64_t documents = 0;
    at::Tensor idsTensor() const; ///< int64 [N]
};

/// Tokenizes documents [first, last) of the corpus with the runtime tokenizer, each followed by
/// `eosId`, and maps every token to the word holding its first byte (the leading space of a
/// pre-token belongs to its word).
AnnotatedTokens tokenizeCorpus(const SyntheticCorpus &corpus, const BpeTokenizer &tokenizer, std::int64_t eosId,
                               std::size_t first, std::size_t last);

} // namespace gb::demo
