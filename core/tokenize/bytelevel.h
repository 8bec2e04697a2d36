// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gb::bytelevel {

/// GPT-2's bytes_to_unicode (spec-facts 7.1): printable Latin-1 bytes map to themselves, the 68
/// others to U+0100.. in byte order (space -> U+0120 'Ġ', newline -> U+010A 'Ċ').
char32_t byteToChar(unsigned char b);
/// The inverse; -1 for a character outside the 256-character alphabet.
int charToByte(char32_t c);

/// Vocabulary strings are written in that alphabet; this gives the raw bytes a token stands for.
/// Returns false (and leaves `out` partial) when a character lies outside the alphabet.
bool decodeTokenString(std::string_view token, std::string &out);
/// Raw bytes -> the alphabet's UTF-8 spelling ("Ġhello" for " hello").
std::string encodeBytes(std::string_view bytes);

/// One piece of the GPT-2 pre-tokenization: bytes [begin, end) of the text, and the same span
/// in characters (code points; an invalid UTF-8 byte counts as one character).
struct Piece {
    std::size_t begin = 0, end = 0;
    std::size_t charBegin = 0, charEnd = 0;
};

/// Splits `text` exactly like the regex
///   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
/// with leftmost-first alternation, by a hand-written scanner (no regex engine, linear time).
/// Pieces tile the text. `charOffset` is added to the character spans.
void preTokenize(std::string_view text, std::vector<Piece> &out, std::size_t charOffset = 0);

} // namespace gb::bytelevel
