// SPDX-License-Identifier: MIT
#pragma once

#include "tokenize/bpe_tokenizer.h"

#include <array>
#include <string_view>
#include <vector>

namespace gb {

/// Finds added tokens in text, leftmost-longest, honouring single_word, lstrip and rstrip.
class AddedTokenMatcher {
public:
    struct Match {
        std::size_t begin = 0, end = 0; ///< including the whitespace lstrip/rstrip swallowed
        std::size_t token = 0;          ///< index into the token list given to the constructor
    };

    /// Uses the tokens whose `normalized` flag equals `normalizedGroup`.
    AddedTokenMatcher(const std::vector<AddedToken> &tokens, bool normalizedGroup);

    bool empty() const { return m_count == 0; }
    /// Appends the matches inside text[begin, end) in order.
    void find(std::string_view text, std::size_t begin, std::size_t end, std::vector<Match> &out) const;

private:
    bool matchesAt(std::string_view text, std::size_t pos, std::size_t begin, std::size_t end, std::size_t token) const;

    const std::vector<AddedToken> &m_tokens;
    std::array<std::vector<std::size_t>, 256> m_byFirstByte; ///< longest first
    std::size_t m_count = 0;
};

} // namespace gb
