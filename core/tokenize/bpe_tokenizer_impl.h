// SPDX-License-Identifier: MIT
// Core-internal: the state behind BpeTokenizer, shared by its construction and encoding files.
#pragma once

#include "tokenize/added_tokens.h"
#include "tokenize/bpe_tokenizer.h"

#include <array>
#include <unordered_map>

namespace gb {

class NfcText;

struct BpeTokenizer::Impl {
    struct Merge {
        std::int32_t rank;
        TokenId result;
    };
    /// A token before display text and character spans are added; spans are original bytes.
    struct RawToken {
        TokenId id;
        std::size_t begin, end;
        bool special;
    };

    std::string source;
    bool addPrefixSpace = false;
    bool nfc = false;
    bool ignoreMerges = false;
    std::vector<AddedToken> added;
    std::unique_ptr<AddedTokenMatcher> rawMatcher;  ///< added tokens matched in the raw text
    std::unique_ptr<AddedTokenMatcher> normMatcher; ///< added tokens matched after normalization

    std::vector<std::string> idString; ///< as written in the files; empty for unused ids
    std::vector<std::string> idBytes;  ///< the bytes each id stands for
    std::vector<char> idKnown;
    std::unordered_map<std::string, TokenId> stringToId;
    std::unordered_map<std::string, TokenId> bytesToId; ///< vocabulary tokens by their bytes
    std::array<TokenId, 256> byteId{};
    std::unordered_map<std::uint64_t, Merge> merges; ///< key: left id << 32 | right id

    std::uint64_t instanceId = 0; ///< unique per tokenizer, never reused: keys the merge caches

    /// Per-thread cache of merged pre-tokens (no locks on the hot path).
    struct MergeCache {
        std::uint64_t owner = 0;
        std::unordered_map<std::string, std::pair<std::uint32_t, std::uint32_t>> index; ///< bytes -> ids span
        std::vector<TokenId> ids;
    };
    MergeCache &threadCache() const;

    static std::uint64_t pairKey(TokenId a, TokenId b)
    {
        return (std::uint64_t(std::uint32_t(a)) << 32) | std::uint32_t(b);
    }

    void encodeRaw(std::string_view text, std::vector<RawToken> &out) const;
    void encodeNormalizable(std::string_view text, std::size_t begin, std::size_t end,
                            std::vector<RawToken> &out) const;
    void encodeSegment(std::string_view work, std::size_t origin, const NfcText *norm,
                       std::vector<RawToken> &out) const;
    void encodePlain(std::string_view work, std::size_t begin, std::size_t end, std::size_t origin,
                     const NfcText *norm, std::vector<RawToken> &out) const;
    /// Appends the ids of one pre-token.
    void bpe(std::string_view bytes, std::vector<TokenId> &out, MergeCache &cache) const;
    void mergeShort(std::vector<TokenId> &symbols) const;
    void mergeLong(std::vector<TokenId> &symbols) const;
};

} // namespace gb
