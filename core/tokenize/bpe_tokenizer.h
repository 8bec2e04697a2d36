// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gb {

using TokenId = std::int32_t;

/// One token of an encoded text. Spans refer to the input text: characters are code points as in
/// Hugging Face tokenizers' Python offsets (an invalid UTF-8 byte counts as one), bytes are UTF-8
/// byte offsets. Byte spans tile the input, except that with an NFC normalizer the tokens made
/// from one composed character all span its original characters. Character spans follow, so
/// tokens holding parts of one multi-byte character all span that whole character. Spans are
/// not trimmed of a leading space (" hello" covers the space); an inserted prefix space is empty.
struct Token {
    TokenId id = 0;
    std::string text; ///< display text: the token's bytes as UTF-8, invalid parts shown as U+FFFD
    std::size_t charBegin = 0, charEnd = 0;
    std::size_t byteBegin = 0, byteEnd = 0;
    bool special = false; ///< an added token marked special (e.g. <|endoftext|>)
};

/// A token the tokenizer matches in raw text before pre-tokenization (HF "added_tokens").
struct AddedToken {
    TokenId id = 0;
    std::string content;
    bool special = false;
    bool singleWord = false; ///< only when not inside a word
    bool lstrip = false;     ///< swallows whitespace on its left
    bool rstrip = false;     ///< swallows whitespace on its right
    bool normalized = false; ///< matched in the normalized (not raw) text
};

/// Everything a byte-level BPE tokenizer is made of; the loaders fill it, BpeTokenizer checks it.
struct BpeSpec {
    std::string source;                              ///< file(s) named in errors
    std::vector<std::pair<std::string, TokenId>> vocab; ///< token strings in the byte-level alphabet
    std::vector<std::pair<std::string, std::string>> merges; ///< in rank order
    std::vector<AddedToken> added;
    bool addPrefixSpace = false;
    bool nfc = false;          ///< NFC normalizer (Pythia)
    bool ignoreMerges = false; ///< a pre-token that is itself in the vocabulary skips the merges
};

/// Byte-level BPE as in GPT-2 and GPT-NeoX (spec-facts section 7): added tokens split out of the
/// raw text, optional NFC, GPT-2 pre-tokenization, byte-to-unicode mapping, merges by rank.
/// Immutable after construction and safe to use from several threads.
class BpeTokenizer {
public:
    /// Validates the spec (BadInput naming `spec.source`): ids unique and non-negative, every byte
    /// has a token, every merge's parts and result are in the vocabulary.
    explicit BpeTokenizer(BpeSpec spec);
    ~BpeTokenizer();

    std::vector<Token> encode(std::string_view text) const;
    std::vector<TokenId> encodeIds(std::string_view text) const;
    /// The exact bytes the ids stand for: the original text, unless an NFC normalizer changed it
    /// or an lstrip/rstrip added token swallowed whitespace. BadInput for an id outside the vocabulary.
    std::string decode(const std::vector<TokenId> &ids) const;
    /// decode() made valid UTF-8 for display (U+FFFD for invalid parts).
    std::string decodeText(const std::vector<TokenId> &ids) const;

    /// One more than the largest id.
    std::size_t vocabSize() const;
    bool hasId(TokenId id) const;
    /// Id of a vocabulary or added token written as in the files ("Ġhello", "<|endoftext|>").
    std::optional<TokenId> tokenId(std::string_view tokenString) const;
    /// The token as written in the files.
    std::string tokenString(TokenId id) const;
    const std::vector<AddedToken> &addedTokens() const;
    const std::string &source() const;

    struct Impl; ///< opaque; defined in the core-internal bpe_tokenizer_impl.h

private:
    std::unique_ptr<Impl> m;
};

} // namespace gb
