// SPDX-License-Identifier: MIT
#include "tokenize/added_tokens.h"

#include "tokenize/unicode.h"

#include <algorithm>

namespace gb {

namespace {

char32_t charBefore(std::string_view text, std::size_t pos, std::size_t floor, std::size_t &start)
{
    start = pos;
    do {
        --start;
    } while (start > floor && pos - start < 4 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80);
    std::size_t n = 0;
    const char32_t cp = unicode::decodeUtf8(text, start, n);
    if (start + n != pos) { // a stray continuation byte is a character of its own
        start = pos - 1;
        return unicode::kInvalid;
    }
    return cp;
}

bool isSpace(char32_t cp) { return unicode::classify(cp) == unicode::CharClass::Space; }

} // namespace

AddedTokenMatcher::AddedTokenMatcher(const std::vector<AddedToken> &tokens, bool normalizedGroup) : m_tokens(tokens)
{
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (tokens[i].normalized != normalizedGroup || tokens[i].content.empty())
            continue;
        m_byFirstByte[static_cast<unsigned char>(tokens[i].content[0])].push_back(i);
        ++m_count;
    }
    for (auto &bucket : m_byFirstByte)
        std::stable_sort(bucket.begin(), bucket.end(), [&](std::size_t a, std::size_t b) {
            return tokens[a].content.size() > tokens[b].content.size();
        });
}

bool AddedTokenMatcher::matchesAt(std::string_view text, std::size_t pos, std::size_t begin, std::size_t end,
                                  std::size_t token) const
{
    const AddedToken &t = m_tokens[token];
    if (t.content.size() > end - pos || text.compare(pos, t.content.size(), t.content) != 0)
        return false;
    if (!t.singleWord)
        return true;
    std::size_t start = 0, n = 0;
    if (pos > begin && unicode::isWordChar(charBefore(text, pos, begin, start)))
        return false;
    const std::size_t after = pos + t.content.size();
    return after >= end || !unicode::isWordChar(unicode::decodeUtf8(text, after, n));
}

void AddedTokenMatcher::find(std::string_view text, std::size_t begin, std::size_t end, std::vector<Match> &out) const
{
    if (empty())
        return;
    std::size_t floor = begin; // lstrip may not reach into the previous match
    for (std::size_t pos = begin; pos < end;) {
        const auto &bucket = m_byFirstByte[static_cast<unsigned char>(text[pos])];
        const auto hit = std::find_if(bucket.begin(), bucket.end(),
                                      [&](std::size_t t) { return matchesAt(text, pos, begin, end, t); });
        if (hit == bucket.end()) {
            ++pos;
            continue;
        }
        const AddedToken &t = m_tokens[*hit];
        Match m{pos, pos + t.content.size(), *hit};
        std::size_t start = 0, n = 0;
        while (t.lstrip && m.begin > floor && isSpace(charBefore(text, m.begin, floor, start)))
            m.begin = start;
        while (t.rstrip && m.end < end && isSpace(unicode::decodeUtf8(text, m.end, n)))
            m.end += n;
        out.push_back(m);
        floor = pos = m.end;
    }
}

} // namespace gb
