// SPDX-License-Identifier: MIT
#include "tokenize/bytelevel.h"

#include "tokenize/unicode.h"

#include <array>

namespace gb::bytelevel {

using unicode::CharClass;

namespace {

struct Tables {
    std::array<char32_t, 256> toChar{};
    std::array<int, 0x144> toByte{}; // the alphabet ends at U+0143
};

Tables makeTables()
{
    Tables t;
    t.toByte.fill(-1);
    char32_t next = 0x100;
    for (int b = 0; b < 256; ++b) {
        const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        t.toChar[b] = printable ? char32_t(b) : next++;
        t.toByte[t.toChar[b]] = b;
    }
    return t;
}

const Tables kTables = makeTables();

/// A cursor over the text that decodes one character at a time.
struct Scanner {
    std::string_view text;
    std::size_t pos = 0;

    struct Char {
        char32_t cp = 0;
        CharClass cls = CharClass::Other;
        std::size_t length = 0; // 0 at the end of the text
    };

    Char at(std::size_t p) const
    {
        Char c;
        if (p >= text.size())
            return c;
        if (static_cast<unsigned char>(text[p]) < 0x80) { // most text: skip the general decoder
            c.cp = static_cast<unsigned char>(text[p]);
            c.length = 1;
            c.cls = unicode::classifyAscii(text[p]);
            return c;
        }
        c.cp = unicode::decodeUtf8(text, p, c.length);
        c.cls = unicode::classify(c.cp);
        return c;
    }
};

bool isContraction(std::string_view rest, std::size_t &length)
{
    // 's 't 're 've 'm 'll 'd, case-sensitive as in GPT-2's pattern.
    if (rest.size() < 2 || rest[0] != '\'')
        return false;
    const char a = rest[1];
    if (a == 's' || a == 't' || a == 'm' || a == 'd') {
        length = 2;
        return true;
    }
    if (rest.size() >= 3
        && ((a == 'r' && rest[2] == 'e') || (a == 'v' && rest[2] == 'e') || (a == 'l' && rest[2] == 'l'))) {
        length = 3;
        return true;
    }
    return false;
}

/// Extends a run of characters of class `cls` from `p`; counts characters into `chars`.
std::size_t runOf(const Scanner &s, std::size_t p, CharClass cls, std::size_t &chars)
{
    for (Scanner::Char c = s.at(p); c.length && c.cls == cls; c = s.at(p)) {
        p += c.length;
        ++chars;
    }
    return p;
}

/// One match of the pattern at `start`; returns its end and counts its characters.
std::size_t matchAt(const Scanner &s, std::size_t start, std::size_t &chars)
{
    std::size_t len = 0;
    if (isContraction(s.text.substr(start), len)) {
        chars = len;
        return start + len;
    }
    const Scanner::Char first = s.at(start);
    chars = 1;
    // " ?\p{L}+", " ?\p{N}+" and " ?[^\s\p{L}\p{N}]+": an optional space, then a run of one class.
    if (first.cp == ' ') {
        const Scanner::Char second = s.at(start + 1);
        if (second.length && second.cls != CharClass::Space)
            return runOf(s, start + 1, second.cls, chars);
    } else if (first.cls != CharClass::Space) {
        chars = 0;
        return runOf(s, start, first.cls, chars);
    }
    // "\s+(?!\S)|\s+": the whole whitespace run if it reaches the end or precedes more whitespace
    // (impossible: the run is maximal), else the run minus its last character when that leaves
    // at least one character, else the single-character run.
    std::size_t p = start, last = start, count = 0;
    for (Scanner::Char c = s.at(p); c.length && c.cls == CharClass::Space; c = s.at(p)) {
        last = p;
        p += c.length;
        ++count;
    }
    if (p < s.text.size() && count > 1) {
        chars = count - 1;
        return last;
    }
    chars = count;
    return p;
}

} // namespace

char32_t byteToChar(unsigned char b) { return kTables.toChar[b]; }

int charToByte(char32_t c) { return c < kTables.toByte.size() ? kTables.toByte[c] : -1; }

bool decodeTokenString(std::string_view token, std::string &out)
{
    for (std::size_t pos = 0, n = 0; pos < token.size(); pos += n) {
        const int b = charToByte(unicode::decodeUtf8(token, pos, n));
        if (b < 0)
            return false;
        out += char(b);
    }
    return true;
}

std::string encodeBytes(std::string_view bytes)
{
    std::string out;
    for (char b : bytes)
        unicode::appendUtf8(out, byteToChar(static_cast<unsigned char>(b)));
    return out;
}

void preTokenize(std::string_view text, std::vector<Piece> &out, std::size_t charOffset)
{
    const Scanner s{text};
    std::size_t pos = 0, charPos = charOffset;
    while (pos < text.size()) {
        std::size_t chars = 0;
        const std::size_t end = matchAt(s, pos, chars);
        out.push_back({pos, end, charPos, charPos + chars});
        pos = end;
        charPos += chars;
    }
}

} // namespace gb::bytelevel
