// SPDX-License-Identifier: MIT
#include "demo/synthetic_corpus.h"

#include "common/error.h"
#include "common/random.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

namespace gb::demo {

namespace {

/// Pronounceable words from consonant-vowel syllables; `used` keeps all vocabularies disjoint.
std::vector<std::string> makeWords(Rng &rng, int count, int minSyllables, int maxSyllables,
                                   const std::string &consonants, const std::string &vowels,
                                   std::set<std::string> &used)
{
    std::vector<std::string> words;
    while (int(words.size()) < count) {
        std::string w;
        const int n = rng.between(minSyllables, maxSyllables);
        for (int i = 0; i < n; ++i) {
            w += consonants[rng.below(consonants.size())];
            w += vowels[rng.below(vowels.size())];
        }
        if (used.insert(w).second)
            words.push_back(w);
    }
    return words;
}

std::vector<double> zipfWeights(int n, double exponent)
{
    std::vector<double> w(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
        w[std::size_t(i)] = 1.0 / std::pow(double(i + 1), exponent);
    return w;
}

struct PendingRepeat {
    std::vector<int> words;
    int countdown = 0;
    int id = 0;
};

/// Writes one document word by word, keeping the bracket / quote / span state the tags record.
class DocumentWriter {
public:
    DocumentWriter(const SyntheticCorpus &corpus, const std::vector<std::array<int, 2>> &successors, Rng &rng)
        : m_c(corpus), m_cfg(corpus.config), m_succ(successors), m_rng(rng),
          m_commonZipf(zipfWeights(m_cfg.commonWords, m_cfg.zipfExponent)),
          m_topicZipf(zipfWeights(m_cfg.topicWords, m_cfg.zipfExponent))
    {
    }

    CorpusDocument write()
    {
        const int segments = m_rng.between(m_cfg.minSegments, m_cfg.maxSegments);
        int topic = -1;
        for (int s = 0; s < segments; ++s) {
            int next = int(m_rng.below(std::uint64_t(m_cfg.topics)));
            if (next == topic)
                next = (next + 1) % m_cfg.topics;
            m_topic = topic = next;
            writeSegment(m_rng.between(m_cfg.minSegmentWords, m_cfg.maxSegmentWords));
        }
        flushRepeats();
        return std::move(m_doc);
    }

private:
    void writeSegment(int targetWords)
    {
        const std::size_t start = m_doc.words.size();
        while (int(m_doc.words.size() - start) < targetWords) {
            const int length = m_rng.between(m_cfg.minSentenceWords, m_cfg.maxSentenceWords);
            for (int i = 0; i < length; ++i)
                step();
            closeAll();
            emit(WordKind::Period, ".", -1);
        }
    }

    /// A span whose repeat would fall past the end still repeats, in a closing sentence, so that
    /// every first occurrence has its second.
    void flushRepeats()
    {
        if (m_pending.empty())
            return;
        for (const auto &p : m_pending)
            emitSpan(p.words, 2, p.id);
        m_pending.clear();
        emit(WordKind::Period, ".", -1);
    }

    void step()
    {
        for (std::size_t i = 0; i < m_pending.size(); ++i) {
            if (m_pending[i].countdown <= 0 && !m_quote) {
                const PendingRepeat p = m_pending[i];
                m_pending.erase(m_pending.begin() + std::ptrdiff_t(i));
                emitSpan(p.words, 2, p.id);
                return;
            }
        }
        if (!m_quote && m_rng.bernoulli(m_cfg.spanRate)) {
            startSpan();
        } else if (!m_quote && int(m_stack.size()) < m_cfg.maxBracketDepth && m_rng.bernoulli(m_cfg.openBracketRate)) {
            m_stack.push_back(m_rng.bernoulli(0.5) ? '(' : '[');
            m_sinceOpen = 0;
            emit(WordKind::Open, std::string(1, m_stack.back()), -1);
        } else if (!m_quote && !m_stack.empty() && m_sinceOpen > 0 && m_rng.bernoulli(m_cfg.closeBracketRate)) {
            closeBracket();
        } else if (!m_quote && m_rng.bernoulli(m_cfg.quoteRate)) {
            m_quote = true;
            m_sinceOpen = 0;
            emit(WordKind::Quote, "\"", -1);
        } else if (m_quote && m_sinceOpen > 0 && m_rng.bernoulli(m_cfg.closeQuoteRate)) {
            m_quote = false;
            emit(WordKind::Quote, "\"", -1);
        } else {
            chainWord();
        }
    }

    void startSpan()
    {
        PendingRepeat p;
        const int n = m_rng.between(m_cfg.minSpanWords, m_cfg.maxSpanWords);
        for (int i = 0; i < n; ++i)
            p.words.push_back(int(m_rng.below(m_c.rareVocab.size())));
        p.countdown = m_rng.between(m_cfg.minRepeatGap, m_cfg.maxRepeatGap);
        p.id = m_nextSpanId++;
        emitSpan(p.words, 1, p.id);
        m_pending.push_back(std::move(p));
    }

    void emitSpan(const std::vector<int> &words, int role, int id)
    {
        for (std::size_t i = 0; i < words.size(); ++i) {
            emit(WordKind::Rare, m_c.rareVocab[std::size_t(words[i])], words[i]);
            WordTag &t = m_doc.words.back();
            t.spanRole = role;
            t.spanPos = int(i);
            t.spanId = id;
        }
        m_prevChain = -1;
    }

    void closeBracket()
    {
        const char open = m_stack.back();
        m_stack.pop_back();
        m_sinceOpen = 1;
        emit(WordKind::Close, open == '(' ? ")" : "]", -1);
    }

    void closeAll()
    {
        if (m_quote) {
            m_quote = false;
            emit(WordKind::Quote, "\"", -1);
        }
        while (!m_stack.empty())
            closeBracket();
    }

    void chainWord()
    {
        const int common = m_cfg.commonWords;
        int w;
        const bool bigram = m_prevChain >= 0 && m_rng.bernoulli(m_cfg.bigramStrength);
        if (bigram)
            w = m_succ[std::size_t(m_prevChain)][m_rng.bernoulli(0.7) ? 0 : 1];
        else if (m_rng.bernoulli(m_cfg.topicShare))
            w = common + m_topic * m_cfg.topicWords + int(m_rng.categorical(m_topicZipf));
        else
            w = int(m_rng.categorical(m_commonZipf));
        // A topic word's successor list is fixed to its own topic; keep the segment's topic.
        if (w >= common && (w - common) / m_cfg.topicWords != m_topic)
            w = common + m_topic * m_cfg.topicWords + (w - common) % m_cfg.topicWords;
        m_prevChain = w;
        if (w < common)
            emit(WordKind::Common, m_c.commonVocab[std::size_t(w)], w);
        else
            emit(WordKind::Topic, m_c.topicVocab[std::size_t(m_topic)][std::size_t((w - common) % m_cfg.topicWords)],
                 (w - common) % m_cfg.topicWords);
        m_doc.words.back().bigram = bigram;
    }

    void emit(WordKind kind, const std::string &text, int vocabIndex)
    {
        if (!m_doc.text.empty())
            m_doc.text += ' ';
        WordTag t;
        t.begin = int(m_doc.text.size());
        m_doc.text += text;
        t.end = int(m_doc.text.size());
        t.kind = kind;
        t.vocabIndex = vocabIndex;
        t.topic = m_topic;
        t.depth = int(m_stack.size());
        t.innermost = m_stack.empty() ? 0 : m_stack.back();
        t.inQuote = m_quote;
        m_doc.words.push_back(t);
        if (kind != WordKind::Period)
            ++m_sinceOpen;
        if (kind != WordKind::Common && kind != WordKind::Topic)
            m_prevChain = -1;
        for (auto &p : m_pending)
            --p.countdown;
    }

    const SyntheticCorpus &m_c;
    const CorpusConfig &m_cfg;
    const std::vector<std::array<int, 2>> &m_succ;
    Rng &m_rng;
    std::vector<double> m_commonZipf, m_topicZipf;
    CorpusDocument m_doc;
    int m_topic = 0;
    std::vector<char> m_stack;
    bool m_quote = false;
    int m_sinceOpen = 0;
    int m_prevChain = -1;
    std::vector<PendingRepeat> m_pending;
    int m_nextSpanId = 0;
};

} // namespace

namespace {

void validate(const CorpusConfig &c)
{
    const std::string where = "corpus config";
    require(c.documents > 0 && c.topics > 0 && c.commonWords >= 3 && c.topicWords >= 2 && c.rareWords > 0, where,
            "documents, topics, vocabulary sizes must be positive (at least 3 common and 2 topic words)");
    require(c.minSegments >= 1 && c.minSegments <= c.maxSegments, where, "segments: need 1 <= min <= max");
    require(c.minSegmentWords >= 1 && c.minSegmentWords <= c.maxSegmentWords, where, "segment words: need 1 <= min <= max");
    require(c.minSentenceWords >= 1 && c.minSentenceWords <= c.maxSentenceWords, where, "sentence words: need 1 <= min <= max");
    require(c.minSpanWords >= 1 && c.minSpanWords <= c.maxSpanWords, where, "span words: need 1 <= min <= max");
    require(c.minRepeatGap >= 0 && c.minRepeatGap <= c.maxRepeatGap, where, "repeat gap: need 0 <= min <= max");
    require(c.maxBracketDepth >= 0, where, "bracket depth must not be negative");
}

/// Preferred successors: a common word leads to two other common words; a topic word to a word
/// of its own topic and to a common word. Indices: common words first, then topic t's block.
std::vector<std::array<int, 2>> makeSuccessors(const CorpusConfig &c, Rng &rng)
{
    std::vector<std::array<int, 2>> succ(std::size_t(c.commonWords + c.topics * c.topicWords));
    for (int w = 0; w < c.commonWords; ++w) {
        const int a = (w + 1 + int(rng.below(std::uint64_t(c.commonWords - 1)))) % c.commonWords;
        int b = (w + 1 + int(rng.below(std::uint64_t(c.commonWords - 1)))) % c.commonWords;
        if (b == a)
            b = (a + 1) % c.commonWords == w ? (a + 2) % c.commonWords : (a + 1) % c.commonWords;
        succ[std::size_t(w)] = {a, b};
    }
    for (int t = 0; t < c.topics; ++t) {
        const int base = c.commonWords + t * c.topicWords;
        for (int i = 0; i < c.topicWords; ++i) {
            const int other = (i + 1 + int(rng.below(std::uint64_t(c.topicWords - 1)))) % c.topicWords;
            succ[std::size_t(base + i)] = {base + other, int(rng.below(std::uint64_t(c.commonWords)))};
        }
    }
    return succ;
}

} // namespace

SyntheticCorpus generateCorpus(const CorpusConfig &config)
{
    validate(config);
    SyntheticCorpus corpus;
    corpus.config = config;
    Rng rng(config.seed);
    std::set<std::string> used;
    // Frequent words use one letter set and the copied spans another, so that the tokenizer's
    // merges go to the frequent words and a span word stays a few tokens long.
    const std::string frequentConsonants = "bdfgklmnprstv", frequentVowels = "aeiou";
    corpus.commonVocab = makeWords(rng, config.commonWords, 1, 2, frequentConsonants, frequentVowels, used);
    for (int t = 0; t < config.topics; ++t)
        corpus.topicVocab.push_back(makeWords(rng, config.topicWords, 2, 3, frequentConsonants, frequentVowels, used));
    corpus.rareVocab = makeWords(rng, config.rareWords, 2, 3, "cjhqwxyz", "aeiouy", used);
    const auto successors = makeSuccessors(config, rng);
    corpus.documents.reserve(std::size_t(config.documents));
    for (int d = 0; d < config.documents; ++d)
        corpus.documents.push_back(DocumentWriter(corpus, successors, rng).write());
    return corpus;
}

std::vector<std::string> SyntheticCorpus::texts() const
{
    std::vector<std::string> out;
    out.reserve(documents.size());
    for (const CorpusDocument &doc : documents)
        out.push_back(doc.text);
    return out;
}

std::int64_t SyntheticCorpus::totalWords() const
{
    std::int64_t n = 0;
    for (const CorpusDocument &doc : documents)
        n += std::int64_t(doc.words.size());
    return n;
}

int wordAt(const CorpusDocument &doc, int offset)
{
    // The first word whose end is past the offset; a space before a word maps to that word.
    const auto it = std::upper_bound(doc.words.begin(), doc.words.end(), offset,
                                     [](int off, const WordTag &w) { return off < w.end; });
    return it == doc.words.end() ? -1 : int(it - doc.words.begin());
}

} // namespace gb::demo
