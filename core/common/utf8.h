// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// One strict UTF-8 codec for the JSON parser and the tokenizer, which must agree on what is valid.
namespace gb::unicode {

/// Marks a byte that does not start a valid UTF-8 sequence; decoding treats it as one character.
constexpr char32_t kInvalid = 0xFFFFFFFF;

/// Decodes the code point at `text[pos]`, setting `length` to its byte count. Invalid, overlong,
/// surrogate or truncated sequences give kInvalid with length 1, so every byte is consumed once.
char32_t decodeUtf8(std::string_view text, std::size_t pos, std::size_t &length);
void appendUtf8(std::string &out, char32_t cp);

} // namespace gb::unicode
