// SPDX-License-Identifier: MIT
// Construction (validation of the vocabulary and merges), lookups and decoding.
#include "tokenize/bpe_tokenizer.h"

#include "common/error.h"
#include "tokenize/bpe_tokenizer_impl.h"
#include "tokenize/bytelevel.h"
#include "tokenize/unicode.h"

#include <atomic>

namespace gb {

namespace {

using Impl = BpeTokenizer::Impl;

void defineId(Impl &m, TokenId id, const std::string &string, const std::string &bytes)
{
    const auto i = std::size_t(id);
    if (m.idKnown[i] && m.idString[i] != string)
        throw Error::badInput(m.source + ": id " + std::to_string(id) + " is used by both \"" + m.idString[i]
                              + "\" and \"" + string + "\"");
    m.idKnown[i] = 1;
    m.idString[i] = string;
    m.idBytes[i] = bytes;
    m.stringToId[string] = id;
}

void buildVocabulary(Impl &m, const BpeSpec &spec)
{
    // Real vocabularies are dense; a wildly large id would only make us allocate for nothing.
    const std::size_t limit = 4 * (spec.vocab.size() + spec.added.size()) + 1024;
    TokenId maxId = -1;
    const auto checkId = [&](TokenId id, const std::string &what) {
        if (id < 0 || std::size_t(id) >= limit)
            throw Error::badInput(spec.source + ": id " + std::to_string(id) + " of " + what
                                  + " is out of range for a vocabulary of " + std::to_string(spec.vocab.size())
                                  + " tokens");
        maxId = std::max(maxId, id);
    };
    for (const auto &[s, id] : spec.vocab)
        checkId(id, "\"" + s + "\"");
    for (const AddedToken &t : spec.added)
        checkId(t.id, "added token \"" + t.content + "\"");
    const std::size_t n = std::size_t(maxId + 1);
    m.idString.assign(n, {});
    m.idBytes.assign(n, {});
    m.idKnown.assign(n, 0);
    m.stringToId.reserve(spec.vocab.size() + spec.added.size());
    m.bytesToId.reserve(spec.vocab.size());
    for (const auto &[s, id] : spec.vocab) {
        std::string bytes;
        // Strings outside the byte alphabet cannot come out of the merges; they decode as written.
        if (bytelevel::decodeTokenString(s, bytes))
            m.bytesToId.emplace(bytes, id);
        else
            bytes = s;
        defineId(m, id, s, bytes);
    }
    for (const AddedToken &t : spec.added) {
        if (t.content.empty())
            throw Error::badInput(spec.source + ": added token " + std::to_string(t.id) + " has empty content");
        m.idKnown[std::size_t(t.id)] = 0; // an added token may redefine a vocabulary entry
        defineId(m, t.id, t.content, t.content);
    }
}

void buildMerges(Impl &m, const BpeSpec &spec)
{
    for (int b = 0; b < 256; ++b) {
        const auto it = m.bytesToId.find(std::string(1, char(b)));
        if (it == m.bytesToId.end())
            throw Error::badInput(spec.source + ": the vocabulary lacks the token for byte 0x"
                                  + "0123456789abcdef"[b >> 4] + "0123456789abcdef"[b & 15] + " (\""
                                  + bytelevel::encodeBytes(std::string(1, char(b))) + "\"); not a byte-level BPE");
        m.byteId[std::size_t(b)] = it->second;
    }
    m.merges.reserve(spec.merges.size());
    for (std::size_t rank = 0; rank < spec.merges.size(); ++rank) {
        const std::string &a = spec.merges[rank].first, &b = spec.merges[rank].second;
        const auto find = [&](const std::string &s) {
            const auto it = m.stringToId.find(s);
            if (it == m.stringToId.end())
                throw Error::badInput(spec.source + ": merge " + std::to_string(rank + 1) + " (\"" + a + " " + b
                                      + "\") uses \"" + s + "\", which is not in the vocabulary");
            return it->second;
        };
        // As in Python's dict and HF's map, a repeated pair keeps its last rank.
        m.merges[Impl::pairKey(find(a), find(b))] = {std::int32_t(rank), find(a + b)};
    }
}

} // namespace

BpeTokenizer::BpeTokenizer(BpeSpec spec) : m(std::make_unique<Impl>())
{
    static std::atomic<std::uint64_t> instances{0};
    m->instanceId = ++instances;
    m->source = spec.source;
    m->addPrefixSpace = spec.addPrefixSpace;
    m->nfc = spec.nfc;
    m->ignoreMerges = spec.ignoreMerges;
    buildVocabulary(*m, spec);
    buildMerges(*m, spec);
    m->added = std::move(spec.added);
    m->rawMatcher = std::make_unique<AddedTokenMatcher>(m->added, false);
    m->normMatcher = std::make_unique<AddedTokenMatcher>(m->added, true);
}

BpeTokenizer::~BpeTokenizer() = default;

std::string BpeTokenizer::decode(const std::vector<TokenId> &ids) const
{
    std::string out;
    for (TokenId id : ids) {
        if (!hasId(id))
            throw Error::badInput(m->source + ": token id " + std::to_string(id)
                                  + " is outside the vocabulary (size " + std::to_string(vocabSize()) + ")");
        out += m->idBytes[std::size_t(id)];
    }
    return out;
}

std::string BpeTokenizer::decodeText(const std::vector<TokenId> &ids) const { return unicode::toValidUtf8(decode(ids)); }

std::size_t BpeTokenizer::vocabSize() const { return m->idKnown.size(); }

bool BpeTokenizer::hasId(TokenId id) const
{
    return id >= 0 && std::size_t(id) < m->idKnown.size() && m->idKnown[std::size_t(id)];
}

std::optional<TokenId> BpeTokenizer::tokenId(std::string_view tokenString) const
{
    const auto it = m->stringToId.find(std::string(tokenString));
    return it == m->stringToId.end() ? std::nullopt : std::optional<TokenId>(it->second);
}

std::string BpeTokenizer::tokenString(TokenId id) const { return hasId(id) ? m->idString[std::size_t(id)] : std::string(); }

const std::vector<AddedToken> &BpeTokenizer::addedTokens() const { return m->added; }

const std::string &BpeTokenizer::source() const { return m->source; }

} // namespace gb
