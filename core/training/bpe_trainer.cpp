// SPDX-License-Identifier: MIT
#include "training/bpe_trainer.h"

#include "common/error.h"
#include "io/atomic_file.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "tokenize/bytelevel.h"

#include <unordered_map>

namespace gb {

namespace {

std::uint64_t pairKey(int a, int b) { return (std::uint64_t(std::uint32_t(a)) << 32) | std::uint32_t(b); }

struct Word {
    std::vector<int> symbols;
    std::int64_t count = 0;
    int stamp = -1;
};

/// Merge state: symbols by id, words as symbol sequences, and counts of adjacent pairs with the
/// words they occur in (the word lists may hold stale entries; a word is re-checked when visited).
class BpeState {
public:
    explicit BpeState(const std::map<std::string, std::int64_t> &counts)
    {
        for (int b = 0; b < 256; ++b)
            addSymbol(bytelevel::encodeBytes(std::string(1, char(b))));
        for (const auto &[bytes, n] : counts) {
            if (bytes.empty() || n <= 0)
                continue;
            Word w;
            for (unsigned char c : bytes)
                w.symbols.push_back(int(c));
            w.count = n;
            m_words.push_back(std::move(w));
            countPairs(int(m_words.size()) - 1, +1);
        }
    }

    /// The most frequent pair (ties: smaller left, then right string); count 0 when none.
    std::pair<std::uint64_t, std::int64_t> best() const
    {
        std::uint64_t bestKey = 0;
        std::int64_t bestCount = 0;
        for (const auto &[key, n] : m_pairCounts) {
            if (n < bestCount || n == 0)
                continue;
            if (n > bestCount || lessPair(key, bestKey)) {
                bestKey = key;
                bestCount = n;
            }
        }
        return {bestKey, bestCount};
    }

    void merge(std::uint64_t key, int stamp)
    {
        const int a = int(key >> 32), b = int(key & 0xFFFFFFFFu);
        const int merged = addSymbol(m_symbols[std::size_t(a)] + m_symbols[std::size_t(b)]);
        const std::vector<int> candidates = std::move(m_where[key]);
        m_where.erase(key);
        for (int wi : candidates) {
            Word &w = m_words[std::size_t(wi)];
            if (w.stamp == stamp)
                continue;
            w.stamp = stamp;
            countPairs(wi, -1);
            std::vector<int> out;
            out.reserve(w.symbols.size());
            for (std::size_t i = 0; i < w.symbols.size(); ++i) {
                if (i + 1 < w.symbols.size() && w.symbols[i] == a && w.symbols[i + 1] == b) {
                    out.push_back(merged);
                    ++i;
                } else {
                    out.push_back(w.symbols[i]);
                }
            }
            w.symbols = std::move(out);
            countPairs(wi, +1);
        }
        for (auto it = m_pairCounts.begin(); it != m_pairCounts.end();)
            it = it->second == 0 ? m_pairCounts.erase(it) : std::next(it);
    }

    const std::string &symbol(int id) const { return m_symbols[std::size_t(id)]; }
    const std::vector<std::string> &symbols() const { return m_symbols; }

private:
    int addSymbol(const std::string &s)
    {
        const auto [it, inserted] = m_ids.emplace(s, int(m_symbols.size()));
        if (inserted)
            m_symbols.push_back(s);
        return it->second;
    }

    void countPairs(int wi, int sign)
    {
        const Word &w = m_words[std::size_t(wi)];
        for (std::size_t i = 0; i + 1 < w.symbols.size(); ++i) {
            const std::uint64_t k = pairKey(w.symbols[i], w.symbols[i + 1]);
            m_pairCounts[k] += sign * w.count;
            if (sign > 0)
                m_where[k].push_back(wi);
        }
    }

    bool lessPair(std::uint64_t x, std::uint64_t y) const
    {
        const std::string &xa = m_symbols[x >> 32], &ya = m_symbols[y >> 32];
        if (xa != ya)
            return xa < ya;
        return m_symbols[x & 0xFFFFFFFFu] < m_symbols[y & 0xFFFFFFFFu];
    }

    std::vector<std::string> m_symbols;
    std::unordered_map<std::string, int> m_ids;
    std::vector<Word> m_words;
    std::unordered_map<std::uint64_t, std::int64_t> m_pairCounts;
    std::unordered_map<std::uint64_t, std::vector<int>> m_where;
};

} // namespace

std::map<std::string, std::int64_t> countPreTokens(const std::vector<std::string> &texts)
{
    std::map<std::string, std::int64_t> counts;
    std::vector<bytelevel::Piece> pieces;
    for (const std::string &text : texts) {
        pieces.clear();
        bytelevel::preTokenize(text, pieces);
        for (const auto &p : pieces)
            ++counts[text.substr(p.begin, p.end - p.begin)];
    }
    return counts;
}

BpeVocabulary trainBpe(const std::map<std::string, std::int64_t> &preTokenCounts, const BpeTrainOptions &options,
                       Progress &progress, const CancelToken &cancel)
{
    require(options.merges >= 0, "BPE training", "the number of merges must not be negative");
    require(!preTokenCounts.empty(), "BPE training", "no text to learn merges from");
    BpeState state(preTokenCounts);
    BpeVocabulary vocab;
    vocab.specialTokens = options.specialTokens;
    progress.beginStage("learning BPE merges", 0.0, 1.0, "merges");
    for (int m = 0; m < options.merges; ++m) {
        if (m % 16 == 0)
            cancel.throwIfCancelled();
        const auto [key, count] = state.best();
        if (count < std::max<std::int64_t>(1, options.minPairCount))
            break;
        vocab.merges.emplace_back(state.symbol(int(key >> 32)), state.symbol(int(key & 0xFFFFFFFFu)));
        state.merge(key, m);
        progress.update(m + 1, options.merges);
    }
    vocab.tokens = options.specialTokens;
    vocab.tokens.insert(vocab.tokens.end(), state.symbols().begin(), state.symbols().end());
    progress.flush();
    return vocab;
}

Json BpeVocabulary::toTokenizerJson() const
{
    const auto byteLevel = [] {
        return Json::object()
            .set("type", "ByteLevel")
            .set("add_prefix_space", false)
            .set("trim_offsets", true)
            .set("use_regex", true);
    };
    Json added = Json::array();
    for (std::size_t i = 0; i < specialTokens.size(); ++i)
        added.push(Json::object()
                       .set("id", std::int64_t(i))
                       .set("content", specialTokens[i])
                       .set("single_word", false)
                       .set("lstrip", false)
                       .set("rstrip", false)
                       .set("normalized", false)
                       .set("special", true));
    Json vocab = Json::object();
    for (std::size_t i = 0; i < tokens.size(); ++i)
        vocab.set(tokens[i], std::int64_t(i));
    Json mergeList = Json::array();
    for (const auto &[a, b] : merges)
        mergeList.push(a + " " + b);
    Json model = Json::object()
                     .set("type", "BPE")
                     .set("dropout", nullptr)
                     .set("unk_token", nullptr)
                     .set("continuing_subword_prefix", nullptr)
                     .set("end_of_word_suffix", nullptr)
                     .set("fuse_unk", false)
                     .set("byte_fallback", false)
                     .set("vocab", std::move(vocab))
                     .set("merges", std::move(mergeList));
    return Json::object()
        .set("version", "1.0")
        .set("truncation", nullptr)
        .set("padding", nullptr)
        .set("added_tokens", std::move(added))
        .set("normalizer", nullptr)
        .set("pre_tokenizer", byteLevel())
        .set("post_processor", byteLevel())
        .set("decoder", byteLevel())
        .set("model", std::move(model));
}

void BpeVocabulary::writeTokenizerJson(const std::string &path) const
{
    const std::string text = toTokenizerJson().dump(1);
    AtomicFile f(path);
    f.write(text.data(), text.size());
    f.commit();
}

} // namespace gb
