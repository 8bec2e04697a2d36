// SPDX-License-Identifier: MIT
#include "demo/synthetic_corpus.h"
#include "training/bpe_trainer.h"
#include "testutils.h"

#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <sstream>

using namespace gb::demo;

namespace {

CorpusConfig smallConfig(std::uint64_t seed)
{
    CorpusConfig c;
    c.seed = seed;
    c.documents = 300;
    return c;
}

std::vector<std::string> splitWords(const std::string &text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string w; in >> w;)
        out.push_back(w);
    return out;
}

} // namespace

class TestCorpus : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void deterministic();
    void tagsMatchText();
    void bracketsAndQuotesRecomputedFromText();
    void everySpanRepeatsLater();
    void topicWordsBelongToTheirSegment();
    void unigramIsZipf();
    void bigramsArePlanted();
    void wordAtMapsOffsets();
    void badConfig();
};

void TestCorpus::deterministic()
{
    const auto a = generateCorpus(smallConfig(7));
    const auto b = generateCorpus(smallConfig(7));
    const auto c = generateCorpus(smallConfig(8));
    QCOMPARE(a.documents.size(), b.documents.size());
    for (std::size_t i = 0; i < a.documents.size(); ++i)
        QCOMPARE(a.documents[i].text, b.documents[i].text);
    QVERIFY(a.documents[0].text != c.documents[0].text);
    QCOMPARE(a.rareVocab, b.rareVocab);
}

void TestCorpus::tagsMatchText()
{
    const auto corpus = generateCorpus(smallConfig(3));
    for (const auto &doc : corpus.documents) {
        const auto words = splitWords(doc.text);
        QCOMPARE(words.size(), doc.words.size());
        for (std::size_t i = 0; i < words.size(); ++i) {
            const auto &t = doc.words[i];
            QCOMPARE(doc.text.substr(std::size_t(t.begin), std::size_t(t.end - t.begin)), words[i]);
            const std::string expected = t.kind == WordKind::Common ? corpus.commonVocab[std::size_t(t.vocabIndex)]
                                         : t.kind == WordKind::Topic ? corpus.topicVocab[std::size_t(t.topic)][std::size_t(t.vocabIndex)]
                                         : t.kind == WordKind::Rare  ? corpus.rareVocab[std::size_t(t.vocabIndex)]
                                                                     : words[i];
            QCOMPARE(words[i], expected);
        }
    }
    // The GPT-2 pre-tokenizer sees exactly one pre-token per word: the tags are token-aligned.
    std::int64_t counted = 0;
    for (const auto &[w, n] : gb::countPreTokens(corpus.texts()))
        counted += n;
    QCOMPARE(counted, corpus.totalWords());
}

// Depth and quote state recomputed from the raw text by a stack parser must equal the tags, and
// every bracket must close with its own kind.
void TestCorpus::bracketsAndQuotesRecomputedFromText()
{
    const auto corpus = generateCorpus(smallConfig(4));
    int maxDepth = 0, quotes = 0, brackets = 0;
    for (const auto &doc : corpus.documents) {
        std::vector<char> stack;
        bool quote = false;
        const auto words = splitWords(doc.text);
        for (std::size_t i = 0; i < words.size(); ++i) {
            const std::string &w = words[i];
            if (w == "(" || w == "[") {
                stack.push_back(w[0]);
                ++brackets;
            } else if (w == ")" || w == "]") {
                QVERIFY(!stack.empty());
                QCOMPARE(stack.back(), w == ")" ? '(' : '[');
                stack.pop_back();
            } else if (w == "\"") {
                quote = !quote;
                quotes += quote;
            }
            QCOMPARE(doc.words[i].depth, int(stack.size()));
            QCOMPARE(doc.words[i].innermost, stack.empty() ? char(0) : stack.back());
            QCOMPARE(doc.words[i].inQuote, quote);
            maxDepth = std::max(maxDepth, int(stack.size()));
        }
        QVERIFY(stack.empty());
        QVERIFY(!quote);
    }
    QCOMPARE(maxDepth, corpus.config.maxBracketDepth);
    QVERIFY(brackets > 500);
    QVERIFY(quotes > 200);
}

void TestCorpus::everySpanRepeatsLater()
{
    const auto corpus = generateCorpus(smallConfig(5));
    int spans = 0;
    for (const auto &doc : corpus.documents) {
        std::map<int, std::vector<std::pair<std::size_t, int>>> byId[3];
        for (std::size_t i = 0; i < doc.words.size(); ++i)
            if (doc.words[i].spanRole > 0)
                byId[doc.words[i].spanRole][doc.words[i].spanId].emplace_back(i, doc.words[i].vocabIndex);
        QCOMPARE(byId[1].size(), byId[2].size());
        for (const auto &[id, first] : byId[1]) {
            const auto &second = byId[2][id];
            QCOMPARE(first.size(), second.size());
            QVERIFY(first.size() >= std::size_t(corpus.config.minSpanWords));
            for (std::size_t k = 0; k < first.size(); ++k) {
                QCOMPARE(first[k].second, second[k].second);
                QVERIFY(second[k].first > first.back().first);
                if (k > 0)
                    QCOMPARE(second[k].first, second[k - 1].first + 1);
            }
            ++spans;
        }
    }
    QVERIFY(spans > 300);
}

void TestCorpus::topicWordsBelongToTheirSegment()
{
    const auto corpus = generateCorpus(smallConfig(6));
    std::set<int> topicsSeen;
    for (const auto &doc : corpus.documents) {
        int switches = 0;
        for (std::size_t i = 0; i < doc.words.size(); ++i) {
            topicsSeen.insert(doc.words[i].topic);
            if (i > 0 && doc.words[i].topic != doc.words[i - 1].topic) {
                ++switches;
                QCOMPARE(doc.words[i - 1].kind, WordKind::Period); // topics change between sentences
            }
        }
        QVERIFY(switches + 1 >= corpus.config.minSegments && switches + 1 <= corpus.config.maxSegments);
    }
    QCOMPARE(int(topicsSeen.size()), corpus.config.topics);
}

// Free draws (not preferred successors) of common words follow Zipf: P(rank r) is proportional
// to 1 / r^1.1 within the common vocabulary.
void TestCorpus::unigramIsZipf()
{
    const auto corpus = generateCorpus(smallConfig(9));
    const int n = corpus.config.commonWords;
    std::vector<double> counts(std::size_t(n), 0.0);
    double total = 0;
    for (const auto &doc : corpus.documents)
        for (const auto &w : doc.words)
            if (w.kind == WordKind::Common && !w.bigram) {
                counts[std::size_t(w.vocabIndex)] += 1;
                total += 1;
            }
    double norm = 0;
    for (int r = 1; r <= n; ++r)
        norm += 1.0 / std::pow(r, corpus.config.zipfExponent);
    for (int r = 1; r <= 8; ++r) {
        const double expected = total / std::pow(r, corpus.config.zipfExponent) / norm;
        // Four binomial standard deviations.
        QVERIFY2(std::fabs(counts[std::size_t(r - 1)] - expected) < 4 * std::sqrt(expected),
                 qPrintable(QStringLiteral("rank %1: %2 vs %3").arg(r).arg(counts[std::size_t(r - 1)]).arg(expected)));
    }
}

// A common word is followed by its first preferred successor far more often than chance.
void TestCorpus::bigramsArePlanted()
{
    const auto corpus = generateCorpus(smallConfig(10));
    std::map<std::pair<int, int>, int> pairs;
    std::map<int, int> firsts;
    for (const auto &doc : corpus.documents)
        for (std::size_t i = 0; i + 1 < doc.words.size(); ++i)
            if (doc.words[i].kind == WordKind::Common && doc.words[i + 1].kind == WordKind::Common) {
                ++pairs[{doc.words[i].vocabIndex, doc.words[i + 1].vocabIndex}];
                ++firsts[doc.words[i].vocabIndex];
            }
    // The most frequent successor of word 0 takes a large share (planted 0.5 x 0.7 of all
    // continuations, against ~1/48 for a random word).
    int best = 0;
    for (const auto &[p, n] : pairs)
        if (p.first == 0)
            best = std::max(best, n);
    QVERIFY2(double(best) / firsts[0] > 0.3, qPrintable(QString::number(double(best) / firsts[0])));
}

void TestCorpus::wordAtMapsOffsets()
{
    CorpusDocument doc;
    doc.text = "ab ( cd";
    doc.words = {WordTag{0, 2}, WordTag{3, 4}, WordTag{5, 7}};
    QCOMPARE(wordAt(doc, 0), 0);
    QCOMPARE(wordAt(doc, 1), 0);
    QCOMPARE(wordAt(doc, 2), 1); // the space before "(" belongs to it
    QCOMPARE(wordAt(doc, 3), 1);
    QCOMPARE(wordAt(doc, 4), 2);
    QCOMPARE(wordAt(doc, 6), 2);
    QCOMPARE(wordAt(doc, 7), -1);
}

void TestCorpus::badConfig()
{
    CorpusConfig c;
    c.minSpanWords = 5;
    c.maxSpanWords = 2;
    GB_VERIFY_THROWS(generateCorpus(c), "span words");
    c = CorpusConfig();
    c.topics = 0;
    GB_VERIFY_THROWS(generateCorpus(c), "must be positive");
}

std::unique_ptr<QObject> makeCorpusTest() { return std::make_unique<TestCorpus>(); }

#include "tst_corpus.moc"
