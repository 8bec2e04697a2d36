// SPDX-License-Identifier: MIT
// Encoding: added tokens, normalization, pre-tokenization, merges, and spans in the input.
#include "tokenize/bpe_tokenizer.h"

#include "tokenize/bpe_tokenizer_impl.h"
#include "tokenize/bytelevel.h"
#include "tokenize/nfc.h"
#include "tokenize/unicode.h"

#include <array>
#include <limits>
#include <tuple>
#include <queue>

namespace gb {

namespace {

// Short pre-tokens (nearly all of them) merge fastest by rescanning; long ones need the heap.
constexpr std::size_t kShortWord = 48;
constexpr std::size_t kMaxCachedBytes = 256;
constexpr std::size_t kMaxCacheEntries = 1 << 16;

/// Character spans of byte spans whose begins never decrease (ends may: tokens inside one
/// NFC-composed cluster all span the cluster). Amortized linear in the text length.
class CharCounter {
public:
    explicit CharCounter(std::string_view text) : m_text(text) {}

    std::pair<std::size_t, std::size_t> span(std::size_t begin, std::size_t end)
    {
        if (begin < m_pos) { // the previous token ended past this begin: resume at its begin
            m_pos = m_anchorPos;
            m_index = m_anchorIndex;
        }
        const std::size_t first = charAt(begin);
        m_anchorPos = m_pos;
        m_anchorIndex = m_index;
        return {first, end > begin ? charAt(end - 1) + 1 : first};
    }

private:
    /// Index of the character holding byte `b` (the character count at the end); leaves m_pos
    /// at that character's first byte.
    std::size_t charAt(std::size_t b)
    {
        for (std::size_t n = 0; m_pos < m_text.size(); m_pos += n, ++m_index) {
            unicode::decodeUtf8(m_text, m_pos, n);
            if (b < m_pos + n)
                break;
        }
        return m_index;
    }

    std::string_view m_text;
    std::size_t m_pos = 0, m_index = 0;
    std::size_t m_anchorPos = 0, m_anchorIndex = 0;
};

} // namespace

void BpeTokenizer::Impl::mergeShort(std::vector<TokenId> &s) const
{
    while (s.size() > 1) {
        const Merge *best = nullptr;
        std::uint64_t bestKey = 0;
        for (std::size_t i = 0; i + 1 < s.size(); ++i) {
            const auto it = merges.find(pairKey(s[i], s[i + 1]));
            if (it != merges.end() && (!best || it->second.rank < best->rank)) {
                best = &it->second;
                bestKey = it->first;
            }
        }
        if (!best)
            return;
        // Merge every occurrence, left to right, as GPT-2's bpe() does.
        std::size_t j = 0;
        for (std::size_t i = 0; i < s.size(); ++j) {
            if (i + 1 < s.size() && pairKey(s[i], s[i + 1]) == bestKey) {
                s[j] = best->result;
                i += 2;
            } else {
                s[j] = s[i++];
            }
        }
        s.resize(j);
    }
}

void BpeTokenizer::Impl::mergeLong(std::vector<TokenId> &s) const
{
    // Linked symbols and a heap of candidate pairs ordered by (rank, position): the same result as
    // mergeShort (lowest rank first, equal ranks left to right) in O(n log n).
    const auto n = s.size();
    std::vector<std::int64_t> prev(n), next(n);
    for (std::size_t i = 0; i < n; ++i) {
        prev[i] = std::int64_t(i) - 1;
        next[i] = i + 1 < n ? std::int64_t(i + 1) : -1;
    }
    struct Candidate {
        std::int32_t rank;
        std::int64_t pos;
        TokenId left, right;
        bool operator>(const Candidate &o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
    };
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> heap;
    const auto push = [&](std::int64_t pos) {
        if (pos < 0 || next[std::size_t(pos)] < 0)
            return;
        const TokenId l = s[std::size_t(pos)], r = s[std::size_t(next[std::size_t(pos)])];
        const auto it = merges.find(pairKey(l, r));
        if (it != merges.end())
            heap.push({it->second.rank, pos, l, r});
    };
    for (std::size_t i = 0; i + 1 < n; ++i)
        push(std::int64_t(i));
    std::vector<char> alive(n, 1);
    while (!heap.empty()) {
        const Candidate c = heap.top();
        heap.pop();
        const auto p = std::size_t(c.pos);
        const std::int64_t q = next[p];
        if (!alive[p] || q < 0 || s[p] != c.left || s[std::size_t(q)] != c.right)
            continue; // stale: one side was merged since
        s[p] = merges.at(pairKey(c.left, c.right)).result;
        alive[std::size_t(q)] = 0;
        next[p] = next[std::size_t(q)];
        if (next[p] >= 0)
            prev[std::size_t(next[p])] = std::int64_t(p);
        push(prev[p]);
        push(std::int64_t(p));
    }
    std::size_t j = 0;
    for (std::int64_t i = 0; i >= 0; i = next[std::size_t(i)])
        s[j++] = s[std::size_t(i)];
    s.resize(j);
}

BpeTokenizer::Impl::MergeCache &BpeTokenizer::Impl::threadCache() const
{
    // Two slots, so a thread that alternates between two tokenizers (comparing models) keeps
    // both caches; a third tokenizer takes the older slot.
    thread_local std::array<MergeCache, 2> caches;
    thread_local std::size_t older = 0;
    for (std::size_t i = 0; i < caches.size(); ++i) {
        if (caches[i].owner == instanceId) {
            older = 1 - i;
            return caches[i];
        }
    }
    MergeCache &c = caches[older];
    c = MergeCache{}; // frees the buckets too: clear() would keep scanning them
    c.owner = instanceId;
    older = 1 - older;
    return c;
}

void BpeTokenizer::Impl::bpe(std::string_view bytes, std::vector<TokenId> &out, MergeCache &cache) const
{
    if (bytes.size() == 1) {
        out.push_back(byteId[static_cast<unsigned char>(bytes[0])]);
        return;
    }
    std::string key(bytes);
    if (ignoreMerges) {
        if (const auto it = bytesToId.find(key); it != bytesToId.end()) {
            out.push_back(it->second);
            return;
        }
    }
    const bool cacheable = bytes.size() <= kMaxCachedBytes;
    if (cacheable) {
        if (const auto it = cache.index.find(key); it != cache.index.end()) {
            const auto first = cache.ids.begin() + it->second.first;
            out.insert(out.end(), first, first + it->second.second);
            return;
        }
    }
    std::vector<TokenId> symbols(bytes.size());
    for (std::size_t i = 0; i < bytes.size(); ++i)
        symbols[i] = byteId[static_cast<unsigned char>(bytes[i])];
    if (symbols.size() <= kShortWord)
        mergeShort(symbols);
    else
        mergeLong(symbols);
    out.insert(out.end(), symbols.begin(), symbols.end());
    if (cacheable) {
        if (cache.index.size() >= kMaxCacheEntries) {
            cache.index.clear();
            cache.ids.clear();
        }
        cache.index.emplace(std::move(key), std::make_pair(std::uint32_t(cache.ids.size()), std::uint32_t(symbols.size())));
        cache.ids.insert(cache.ids.end(), symbols.begin(), symbols.end());
    }
}

void BpeTokenizer::Impl::encodePlain(std::string_view work, std::size_t begin, std::size_t end, std::size_t origin,
                                     const NfcText *norm, std::vector<RawToken> &out) const
{
    if (begin == end)
        return;
    std::string_view text = work.substr(begin, end - begin);
    std::string prefixed;
    const bool shifted = addPrefixSpace && text[0] != ' ';
    if (shifted) {
        prefixed = " " + std::string(text);
        text = prefixed;
    }
    // Offsets in `text` -> offsets in `work` -> offsets in the original input.
    const auto toWork = [&](std::size_t x) { return begin + (shifted ? (x > 0 ? x - 1 : 0) : x); };
    const auto toOriginal = [&](std::size_t b, std::size_t e) -> std::pair<std::size_t, std::size_t> {
        if (!norm)
            return {origin + b, origin + e};
        if (b == e) {
            const std::size_t o = b < norm->text().size() ? norm->originalSpan(b, b + 1).first
                                                          : norm->originalSpan(b - 1, b).second;
            return {o, o};
        }
        return norm->originalSpan(b, e);
    };
    std::vector<bytelevel::Piece> pieces;
    bytelevel::preTokenize(text, pieces);
    std::vector<TokenId> ids;
    MergeCache &cache = threadCache();
    for (const bytelevel::Piece &p : pieces) {
        ids.clear();
        bpe(text.substr(p.begin, p.end - p.begin), ids, cache);
        std::size_t b = p.begin;
        for (TokenId id : ids) {
            const std::size_t e = b + idBytes[std::size_t(id)].size();
            const auto [ob, oe] = toOriginal(toWork(b), toWork(e));
            out.push_back({id, ob, oe, false});
            b = e;
        }
    }
}

void BpeTokenizer::Impl::encodeSegment(std::string_view work, std::size_t origin, const NfcText *norm,
                                       std::vector<RawToken> &out) const
{
    std::vector<AddedTokenMatcher::Match> matches;
    normMatcher->find(work, 0, work.size(), matches);
    std::size_t pos = 0;
    for (const auto &match : matches) {
        encodePlain(work, pos, match.begin, origin, norm, out);
        const AddedToken &t = added[match.token];
        const auto span = norm ? norm->originalSpan(match.begin, match.end)
                               : std::pair<std::size_t, std::size_t>{origin + match.begin, origin + match.end};
        out.push_back({t.id, span.first, span.second, t.special});
        pos = match.end;
    }
    encodePlain(work, pos, work.size(), origin, norm, out);
}

void BpeTokenizer::Impl::encodeNormalizable(std::string_view text, std::size_t begin, std::size_t end,
                                            std::vector<RawToken> &out) const
{
    if (begin == end)
        return;
    const std::string_view segment = text.substr(begin, end - begin);
    if (!nfc || isNfc(segment)) {
        encodeSegment(segment, begin, nullptr, out);
        return;
    }
    const NfcText normalized(segment, begin);
    encodeSegment(normalized.text(), 0, &normalized, out);
}

void BpeTokenizer::Impl::encodeRaw(std::string_view text, std::vector<RawToken> &out) const
{
    std::vector<AddedTokenMatcher::Match> matches;
    rawMatcher->find(text, 0, text.size(), matches);
    std::size_t pos = 0;
    for (const auto &match : matches) {
        encodeNormalizable(text, pos, match.begin, out);
        const AddedToken &t = added[match.token];
        out.push_back({t.id, match.begin, match.end, t.special});
        pos = match.end;
    }
    encodeNormalizable(text, pos, text.size(), out);
}

std::vector<TokenId> BpeTokenizer::encodeIds(std::string_view text) const
{
    std::vector<Impl::RawToken> raw;
    m->encodeRaw(text, raw);
    std::vector<TokenId> ids;
    ids.reserve(raw.size());
    for (const auto &r : raw)
        ids.push_back(r.id);
    return ids;
}

std::vector<Token> BpeTokenizer::encode(std::string_view text) const
{
    std::vector<Impl::RawToken> raw;
    m->encodeRaw(text, raw);
    std::vector<Token> tokens;
    tokens.reserve(raw.size());
    CharCounter chars(text);
    for (const auto &r : raw) {
        Token t;
        t.id = r.id;
        t.special = r.special;
        t.byteBegin = r.begin;
        t.byteEnd = r.end;
        std::tie(t.charBegin, t.charEnd) = chars.span(r.begin, r.end);
        t.text = unicode::toValidUtf8(m->idBytes[std::size_t(r.id)]);
        tokens.push_back(std::move(t));
    }
    return tokens;
}

} // namespace gb
