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

} // namespace

bool isNfc(std::string_view text) { return isAscii(text) || nfc(text) == text; }

NfcText::NfcText(std::string_view text, std::size_t origin)
{
    // An ASCII character never composes with what precedes it and blocks reordering, so the
    // text splits before each ASCII character into chunks that normalize independently.
    std::size_t start = 0;
    for (std::size_t i = 1; i <= text.size(); ++i) {
        if (i == text.size() || static_cast<unsigned char>(text[i]) < 0x80) {
            appendChunk(text.substr(start, i - start), origin + start);
            start = i;
        }
    }
}

void NfcText::appendChunk(std::string_view chunk, std::size_t origin)
{
    const std::string normalized = isAscii(chunk) ? std::string(chunk) : nfc(chunk);
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
