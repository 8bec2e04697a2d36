// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gb {

/// NFC-normalized text that remembers where each of its bytes came from, so token spans can be
/// reported in the caller's original text. Invalid UTF-8 bytes pass through unchanged.
class NfcText {
public:
    /// Normalizes `text`; `origin` is the offset of `text` in the original string.
    NfcText(std::string_view text, std::size_t origin);

    const std::string &text() const { return m_text; }
    /// Original byte span of the normalized bytes [begin, end) (begin < end).
    std::pair<std::size_t, std::size_t> originalSpan(std::size_t begin, std::size_t end) const;

private:
    /// A run of normalized bytes that is either a shifted copy of the original or the
    /// normalization of a cluster, which maps as a whole.
    struct Run {
        std::size_t normBegin, origBegin, origEnd;
        bool copied;
    };
    const Run &runAt(std::size_t normByte) const;
    void appendChunk(std::string_view chunk, std::size_t origin, bool valid);

    std::string m_text;
    std::vector<Run> m_runs;
};

/// True when NFC leaves `text` unchanged (always for ASCII; invalid UTF-8 bytes are left alone).
bool isNfc(std::string_view text);

} // namespace gb
