// SPDX-License-Identifier: MIT
#pragma once

#include "tokenize/bpe_tokenizer.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace gb {

/// The tokenizer files of a model folder, as found on disk (nothing parsed).
struct TokenizerFiles {
    enum class Format { None, TokenizerJson, VocabMerges };
    Format format = Format::None;
    std::string tokenizerJson; ///< <dir>/tokenizer.json when format is TokenizerJson
    std::string vocabJson, mergesTxt;
    /// "tokenizer.json", "vocab.json + merges.txt" or "none".
    std::string describe() const;
};

/// Looks for tokenizer.json (preferred, as Hugging Face does) or vocab.json + merges.txt.
TokenizerFiles findTokenizerFiles(const std::string &dir);

/// Loads the tokenizer of a model folder. BadInput "missing tokenizer: <dir> has neither
/// tokenizer.json nor vocab.json + merges.txt", or a parse error naming the file.
std::shared_ptr<const BpeTokenizer> loadTokenizer(const std::string &dir);

/// Parses a Hugging Face tokenizer.json (BPE model, ByteLevel pre-tokenizer, optional NFC
/// normalizer, added tokens; merges as "a b" or ["a", "b"]). Unsupported settings are BadInput
/// naming `source` and the setting.
BpeSpec parseTokenizerJson(std::string_view json, const std::string &source);

/// Parses GPT-2's legacy vocab.json + merges.txt ("#version" header line optional). A
/// "<|endoftext|>" entry of the vocabulary becomes a special added token, as in transformers.
BpeSpec parseVocabMerges(std::string_view vocabJson, std::string_view mergesTxt, const std::string &vocabSource,
                         const std::string &mergesSource);

/// The BOS token a model prepends when asked (--prepend-bos): config.json's bos_token_id, else
/// tokenizer_config.json's bos_token, else <|endoftext|> (GPT-2, Pythia). Empty when none is known.
std::optional<TokenId> bosTokenId(const std::string &dir, const BpeTokenizer &tokenizer);

} // namespace gb
