// SPDX-License-Identifier: MIT
// Small byte-level BPE vocabularies built in the tests, and an independent port of GPT-2's
// original bpe() (encoder.py) to check the tokenizer's merge loop against.
#pragma once

#include "tokenize/bpe_tokenizer.h"
#include "tokenize/bytelevel.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace gbtest {

/// Ids 0..255 are the byte tokens in byte order; each merge (written in the byte-level
/// alphabet, "Ġ" for space) adds the next id.
inline gb::BpeSpec tinySpec(const std::vector<std::pair<std::string, std::string>> &merges)
{
    gb::BpeSpec spec;
    spec.source = "tiny";
    for (int b = 0; b < 256; ++b)
        spec.vocab.emplace_back(gb::bytelevel::encodeBytes(std::string(1, char(b))), b);
    gb::TokenId next = 256;
    for (const auto &m : merges) {
        spec.merges.push_back(m);
        spec.vocab.emplace_back(m.first + m.second, next++);
    }
    return spec;
}

/// GPT-2's bpe(): repeatedly merge every occurrence of the lowest-ranked pair.
inline std::vector<std::string> referenceBpe(std::vector<std::string> word,
                                             const std::map<std::pair<std::string, std::string>, int> &ranks)
{
    while (word.size() > 1) {
        const std::pair<std::string, std::string> *best = nullptr;
        int bestRank = 0;
        std::pair<std::string, std::string> pair;
        for (std::size_t i = 0; i + 1 < word.size(); ++i) {
            const auto it = ranks.find({word[i], word[i + 1]});
            if (it != ranks.end() && (!best || it->second < bestRank)) {
                best = &it->first;
                bestRank = it->second;
            }
        }
        if (!best)
            break;
        pair = *best;
        std::vector<std::string> merged;
        for (std::size_t i = 0; i < word.size();) {
            if (i + 1 < word.size() && word[i] == pair.first && word[i + 1] == pair.second) {
                merged.push_back(pair.first + pair.second);
                i += 2;
            } else {
                merged.push_back(word[i++]);
            }
        }
        word = std::move(merged);
    }
    return word;
}

} // namespace gbtest
