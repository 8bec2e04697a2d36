// SPDX-License-Identifier: MIT
#pragma once

#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

namespace gb {

/// How attributions over the embedding dimension become one score per token (spec-facts 9.1):
/// the signed sum keeps the sign and completeness; the L2 norm is unsigned.
enum class TokenReduction { Sum, L2 };

std::string toString(TokenReduction r);
TokenReduction parseTokenReduction(const std::string &name);

/// [T, d] attributions -> T scores.
std::vector<double> tokenScores(const at::Tensor &attributions, TokenReduction reduction);

/// Which word each token belongs to, and the words' text.
struct WordGroups {
    std::vector<int> wordOfToken;
    std::vector<std::string> words;
};

/// Groups sub-word tokens (their decoded text, in order) into words: a token starts a new word
/// when it begins with white space, consists of punctuation only, or follows such a token, so
/// "Ġun", "believ", "able", "," are the words " unbelievable" and ",", and "don", "'t" stay one.
WordGroups groupWords(const std::vector<std::string> &tokenTexts);

/// Sums token scores per word (completeness is kept).
std::vector<double> wordScores(const std::vector<double> &tokenScores, const WordGroups &groups);

} // namespace gb
