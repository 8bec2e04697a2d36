// SPDX-License-Identifier: MIT
#include "demo/synthetic_corpus.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "tokenize/bpe_tokenizer.h"
#include "tokenize/tokenizer_loader.h"
#include "training/bpe_trainer.h"
#include "testutils.h"

#include <memory>

using gb::BpeTrainOptions;
using gb::BpeVocabulary;

namespace {

/// The trained vocabulary as the runtime's tokenizer reads it from tokenizer.json.
gb::BpeTokenizer runtimeTokenizer(const BpeVocabulary &v)
{
    return gb::BpeTokenizer(gb::parseTokenizerJson(v.toTokenizerJson().dump(), "tokenizer.json"));
}

std::vector<gb::TokenId> ids(std::initializer_list<int> v) { return std::vector<gb::TokenId>(v.begin(), v.end()); }

BpeVocabulary train(const std::map<std::string, std::int64_t> &counts, int merges, std::int64_t minCount = 1)
{
    BpeTrainOptions o;
    o.merges = merges;
    o.minPairCount = minCount;
    return gb::trainBpe(counts, o, gb::Progress::null(), gb::CancelToken());
}

} // namespace

using Merges = std::vector<std::pair<std::string, std::string>>;
using Counts = std::map<std::string, std::int64_t>;
Q_DECLARE_METATYPE(Merges)
Q_DECLARE_METATYPE(Counts)

class TestBpe : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void mergesByHand_data();
    void mergesByHand();
    void stopsAtMinimumCount();
    void idsAndJson();
    void corpusWordsBecomeSingleTokens();
    void cancels();
};

// Worked by hand: count adjacent pairs weighted by word counts, merge the most frequent
// (ties: smaller left, then right string), recount.
void TestBpe::mergesByHand_data()
{
    QTest::addColumn<Counts>("counts");
    QTest::addColumn<int>("merges");
    QTest::addColumn<Merges>("expected");
    // (a,b) 5+3 = 8 beats (b,c) 3+1; then (ab,c) 3 beats (b,c) 1; then (b,c) 1.
    QTest::addRow("chain") << Counts{{"ab", 5}, {"abc", 3}, {"bc", 1}} << 3
                           << Merges{{"a", "b"}, {"ab", "c"}, {"b", "c"}};
    // Equal counts: "a b" sorts before "x y".
    QTest::addRow("tie") << Counts{{"xy", 2}, {"ab", 2}} << 2
                         << Merges{{"a", "b"}, {"x", "y"}};
    // "aaaa": (a,a) occurs 3 times, merged left to right into [aa, aa], then (aa,aa).
    QTest::addRow("overlap") << Counts{{"aaaa", 1}} << 3
                             << Merges{{"a", "a"}, {"aa", "aa"}};
    // A space becomes "Ġ" in the merges.
    QTest::addRow("space") << Counts{{" to", 4}, {"to", 1}} << 2
                           << Merges{{"t", "o"}, {"\xC4\xA0", "to"}};
}

void TestBpe::mergesByHand()
{
    QFETCH(Counts, counts);
    QFETCH(int, merges);
    QFETCH(Merges, expected);
    QCOMPARE(train(counts, merges).merges, expected);
}

void TestBpe::stopsAtMinimumCount()
{
    const auto v = train({{"ab", 5}, {"abc", 3}, {"bc", 1}}, 10, 2);
    QCOMPARE(v.merges, (Merges{{"a", "b"}, {"ab", "c"}}));
}

void TestBpe::idsAndJson()
{
    const auto v = train({{"ab", 5}, {"abc", 3}}, 5);
    QCOMPARE(v.tokens.size(), std::size_t(2 + 256 + 2));
    QCOMPARE(v.tokens[0], std::string("<|endoftext|>"));
    QCOMPARE(v.tokens[2 + 0x20], std::string("\xC4\xA0"));
    QCOMPARE(v.tokens[258], std::string("ab"));
    const auto tok = runtimeTokenizer(v);
    QCOMPARE(tok.encodeIds("abc"), ids({259}));
    QCOMPARE(tok.encodeIds("cab"), ids({2 + 'c', 258}));
    QCOMPARE(tok.encodeIds("<|endoftext|>ab"), ids({0, 258}));
    const gb::Json j = gb::Json::parse(v.toTokenizerJson().dump(), "tokenizer.json");
    QCOMPARE(j.find("model")->find("type")->toString(), std::string("BPE"));
    QCOMPARE(j.find("model")->find("vocab")->find("ab")->toInt(), std::int64_t(258));
    QCOMPARE(j.find("model")->find("merges")->toArray()[1].toString(), std::string("ab c"));
    QCOMPARE(j.find("added_tokens")->toArray()[0].find("content")->toString(), std::string("<|endoftext|>"));
    QCOMPARE(j.find("pre_tokenizer")->find("type")->toString(), std::string("ByteLevel"));
}

// With enough merges every frequent corpus word is one token; the rare span words, drawn from a
// large pool, stay split into several tokens (what makes copying them an induction task). The
// runtime's tokenizer reads the file and gives back the exact text.
void TestBpe::corpusWordsBecomeSingleTokens()
{
    gb::demo::CorpusConfig c;
    c.documents = 200;
    const auto corpus = gb::demo::generateCorpus(c);
    const auto v = train(gb::countPreTokens(corpus.texts()), 600, 2);
    QCOMPARE(int(v.merges.size()), 600);
    const auto tok = runtimeTokenizer(v);
    for (const auto &w : corpus.commonVocab)
        QCOMPARE(tok.encodeIds(" " + w).size(), std::size_t(1));
    double rareTokens = 0;
    for (int i = 0; i < 50; ++i)
        rareTokens += double(tok.encodeIds(" " + corpus.rareVocab[std::size_t(i)]).size());
    QVERIFY2(rareTokens / 50 >= 2.0, qPrintable(QString::number(rareTokens / 50)));
    for (int d = 0; d < 20; ++d) {
        const std::string &text = corpus.documents[std::size_t(d)].text;
        QCOMPARE(tok.decode(tok.encodeIds(text)), text);
    }
}

void TestBpe::cancels()
{
    gb::CancelToken cancel;
    cancel.cancel();
    BpeTrainOptions o;
    try {
        gb::trainBpe({{"ab", 1}}, o, gb::Progress::null(), cancel);
        QFAIL("not cancelled");
    } catch (const gb::Error &e) {
        QCOMPARE(e.kind(), gb::Error::Kind::Cancelled);
    }
}

std::unique_ptr<QObject> makeBpeTest() { return std::make_unique<TestBpe>(); }

#include "tst_bpe.moc"
