// SPDX-License-Identifier: MIT
#include "tokenize/unicode.h"

#include <QChar>


namespace gb::unicode {

namespace {

// Unicode White_Space (PropList.txt), which Oniguruma's and Rust regex's \s follow.
bool isWhiteSpace(char32_t cp)
{
    switch (cp) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x20: case 0x85: case 0xA0: case 0x1680:
    case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
        return true;
    default:
        return cp >= 0x2000 && cp <= 0x200A;
    }
}

} // namespace

CharClass classify(char32_t cp)
{
    if (cp < 128)
        return classifyAscii(static_cast<unsigned char>(cp));
    if (cp == kInvalid)
        return CharClass::Other;
    if (isWhiteSpace(cp))
        return CharClass::Space;
    switch (QChar::category(cp)) {
    case QChar::Letter_Uppercase:
    case QChar::Letter_Lowercase:
    case QChar::Letter_Titlecase:
    case QChar::Letter_Modifier:
    case QChar::Letter_Other:
        return CharClass::Letter;
    case QChar::Number_DecimalDigit:
    case QChar::Number_Letter:
    case QChar::Number_Other:
        return CharClass::Number;
    default:
        return CharClass::Other;
    }
}

bool isWordChar(char32_t cp)
{
    if (cp == '_')
        return true;
    const CharClass c = classify(cp);
    // Rust's Alphabetic also covers combining marks such as U+0301 used with letters.
    return c == CharClass::Letter || c == CharClass::Number
        || (cp != kInvalid && cp >= 128 && QChar::category(cp) == QChar::Mark_NonSpacing);
}

// Replaces each maximal invalid subpart with one U+FFFD, as Python's errors="replace" does,
// so a token holding half of an emoji shows the same text as in Hugging Face.
std::string toValidUtf8(std::string_view bytes)
{
    std::string out;
    out.reserve(bytes.size());
    for (std::size_t pos = 0, n = 0; pos < bytes.size(); pos += n) {
        if (decodeUtf8(bytes, pos, n) != kInvalid) {
            out.append(bytes.data() + pos, n);
            continue;
        }
        out += "\xEF\xBF\xBD";
        const auto b0 = static_cast<unsigned char>(bytes[pos]);
        const std::size_t want = b0 >= 0xC2 && b0 <= 0xDF ? 2 : b0 >= 0xE0 && b0 <= 0xEF ? 3 : b0 >= 0xF0 && b0 <= 0xF4 ? 4 : 1;
        // The second byte's valid range depends on the lead (no overlongs, surrogates or > U+10FFFF).
        const unsigned char lo = b0 == 0xE0 ? 0xA0 : b0 == 0xF0 ? 0x90 : 0x80;
        const unsigned char hi = b0 == 0xED ? 0x9F : b0 == 0xF4 ? 0x8F : 0xBF;
        while (n < want && pos + n < bytes.size()) {
            const auto b = static_cast<unsigned char>(bytes[pos + n]);
            if (n == 1 ? (b < lo || b > hi) : (b & 0xC0) != 0x80)
                break;
            ++n;
        }
    }
    return out;
}

std::size_t countChars(std::string_view text)
{
    std::size_t count = 0;
    for (std::size_t pos = 0, n = 0; pos < text.size(); pos += n, ++count)
        decodeUtf8(text, pos, n);
    return count;
}

} // namespace gb::unicode
