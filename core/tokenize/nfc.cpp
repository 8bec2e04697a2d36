// SPDX-License-Identifier: MIT
#include "tokenize/nfc.h"

#include "tokenize/unicode.h"

#include <QChar>
#include <QString>

#include <algorithm>

namespace gb {

namespace {

std::string nfc(std::string_view s)
{
    const QByteArray b = QString::fromUtf8(s.data(), qsizetype(s.size())).normalized(QString::NormalizationForm_C).toUtf8();
    return std::string(b.constData(), std::size_t(b.size()));
}

bool isAscii(std::string_view s)
{
    return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

/// Splits text into pieces that normalize independently: an ASCII character never composes
/// with what precedes it and blocks reordering, so a piece ends before each one; an invalid
/// UTF-8 byte is a piece of its own that must pass through untouched (`valid` false).
/// Stops early when `fn` returns false.
template<typename F>
bool forEachChunk(std::string_view text, F &&fn)
{
    std::size_t start = 0;
    for (std::size_t pos = 0, n = 0; pos < text.size(); pos += n) {
        const char32_t cp = unicode::decodeUtf8(text, pos, n);
        if (cp == unicode::kInvalid || (cp < 0x80 && pos > start)) {
            if (pos > start && !fn(text.substr(start, pos - start), start, true))
                return false;
            start = pos;
        }
        if (cp == unicode::kInvalid) {
            if (!fn(text.substr(pos, 1), pos, false))
                return false;
            start = pos + 1;
        }
    }
    return start == text.size() || fn(text.substr(start), start, true);
}

} // namespace

bool isNfc(std::string_view text)
{
    return isAscii(text) || forEachChunk(text, [](std::string_view chunk, std::size_t, bool valid) {
               return !valid || isAscii(chunk) || nfc(chunk) == chunk;
           });
}

NfcText::NfcText(std::string_view text, std::size_t origin)
{
    forEachChunk(text, [&](std::string_view chunk, std::size_t offset, bool valid) {
        appendChunk(chunk, origin + offset, valid);
        return true;
    });
}

void NfcText::appendChunk(std::string_view chunk, std::size_t origin, bool valid)
{
    const std::string normalized = !valid || isAscii(chunk) ? std::string(chunk) : nfc(chunk);
    if (normalized == chunk) {
        if (m_runs.empty() || !m_runs.back().copied
            || m_runs.back().origEnd != origin) // extend the previous copied run when contiguous
            m_runs.push_back({m_text.size(), origin, origin + chunk.size(), true});
        else
            m_runs.back().origEnd += chunk.size();
        m_text += chunk;
        return;
    }
    // Changed: map each cluster (a starter and the marks after it) to its own normalization when
    // that reproduces the chunk's normalization, else map the whole chunk as one run.
    std::vector<Run> runs;
    std::string joined;
    std::size_t clusterStart = 0;
    for (std::size_t pos = 0, n = 0; pos <= chunk.size(); pos += n) {
        n = 1;
        char32_t cp = 0;
        if (pos < chunk.size())
            cp = unicode::decodeUtf8(chunk, pos, n);
        const bool hangulVowelOrFinal = (cp >= 0x1161 && cp <= 0x1175) || (cp >= 0x11A8 && cp <= 0x11C2);
        const bool starter = pos == chunk.size()
            || (cp != unicode::kInvalid && QChar::combiningClass(cp) == 0 && !hangulVowelOrFinal);
        if (pos == 0 || !starter)
            continue;
        runs.push_back({m_text.size() + joined.size(), origin + clusterStart, origin + pos, false});
        joined += nfc(chunk.substr(clusterStart, pos - clusterStart));
        clusterStart = pos;
    }
    if (joined != normalized)
        runs.assign(1, Run{m_text.size(), origin, origin + chunk.size(), false});
    m_runs.insert(m_runs.end(), runs.begin(), runs.end());
    m_text += normalized;
}

const NfcText::Run &NfcText::runAt(std::size_t normByte) const
{
    auto it = std::upper_bound(m_runs.begin(), m_runs.end(), normByte,
                               [](std::size_t b, const Run &r) { return b < r.normBegin; });
    return *(it - 1);
}

std::pair<std::size_t, std::size_t> NfcText::originalSpan(std::size_t begin, std::size_t end) const
{
    const Run &first = runAt(begin);
    const Run &last = runAt(end - 1);
    const std::size_t b = first.copied ? first.origBegin + (begin - first.normBegin) : first.origBegin;
    const std::size_t e = last.copied ? last.origBegin + (end - last.normBegin) : last.origEnd;
    return {b, e};
}

} // namespace gb
