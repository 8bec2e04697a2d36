// SPDX-License-Identifier: MIT
#pragma once

#include "common/utf8.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace gb::unicode {

/// The character classes of the GPT-2 pattern: \p{L}, \p{N}, \s (Unicode White_Space) and the rest.
enum class CharClass : unsigned char { Letter, Number, Space, Other };
CharClass classify(char32_t cp);
/// classify() for c < 0x80, inline for the tokenizer's hot loop.
inline CharClass classifyAscii(unsigned char c)
{
    const unsigned char lower = c | 0x20;
    if (lower >= 'a' && lower <= 'z')
        return CharClass::Letter;
    if (c >= '0' && c <= '9')
        return CharClass::Number;
    return c == ' ' || (c >= 0x09 && c <= 0x0D) ? CharClass::Space : CharClass::Other;
}

/// Rust's char::is_alphanumeric or '_', the "word character" of HF's single_word rule.
bool isWordChar(char32_t cp);

/// UTF-8 text with invalid sequences replaced by U+FFFD (for display only).
std::string toValidUtf8(std::string_view bytes);

/// Number of characters (code points, invalid bytes counting one each) in `text`.
std::size_t countChars(std::string_view text);

} // namespace gb::unicode
