// SPDX-License-Identifier: MIT
// The tokenizer pipeline on vocabularies built here: byte table, GPT-2 pre-tokenization, merges,
// spans, decoding, added tokens, NFC and prefix space. Real-vocabulary parity is checked by
// tests/reference/tokenizer_parity.sh (needs node), not here.
#include "tiny_bpe.h"
#include "testutils.h"

#include "tokenize/bpe_tokenizer.h"
#include "tokenize/bytelevel.h"

#include <QByteArrayList>

#include <random>
#include <set>
#include <thread>

using gb::BpeSpec;
using gb::BpeTokenizer;
using gb::TokenId;
using gbtest::tinySpec;

namespace {

std::string str(const QByteArray &b) { return std::string(b.constData(), std::size_t(b.size())); }

std::vector<std::string> pieces(const std::string &text)
{
    std::vector<gb::bytelevel::Piece> ps;
    gb::bytelevel::preTokenize(text, ps);
    std::vector<std::string> out;
    for (const auto &p : ps)
        out.push_back(text.substr(p.begin, p.end - p.begin));
    return out;
}

std::vector<std::string> texts(const std::vector<gb::Token> &tokens)
{
    std::vector<std::string> out;
    for (const auto &t : tokens)
        out.push_back(t.text);
    return out;
}

} // namespace

class TestTokenizer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void byteTable();
    void preTokenize_data();
    void preTokenize();
    void preTokenizeCharSpans();
    void mergesByRank_data();
    void mergesByRank();
    void mergesMatchGpt2Bpe();
    void spansAndDisplayText();
    void decodeRestoresBytes();
    void addedTokens_data();
    void addedTokens();
    void nfcNormalizer();
    void prefixSpace();
    void ignoreMerges();
    void rejectsBadSpecs_data();
    void rejectsBadSpecs();
    void concurrentEncoding();
};

void TestTokenizer::byteTable()
{
    using namespace gb::bytelevel;
    QCOMPARE(byteToChar(' '), char32_t(0x120)); // 'Ġ'
    QCOMPARE(byteToChar('\n'), char32_t(0x10A)); // 'Ċ'
    QCOMPARE(byteToChar(0x00), char32_t(0x100));
    QCOMPARE(byteToChar('!'), char32_t('!'));
    QCOMPARE(byteToChar(0xAC), char32_t(0xAC));
    QCOMPARE(byteToChar(0xAD), char32_t(0x143)); // the 68th and last remapped byte
    QCOMPARE(byteToChar(0xFF), char32_t(0xFF));
    std::set<char32_t> seen;
    for (int b = 0; b < 256; ++b) {
        seen.insert(byteToChar(static_cast<unsigned char>(b)));
        QCOMPARE(charToByte(byteToChar(static_cast<unsigned char>(b))), b);
    }
    QCOMPARE(seen.size(), std::size_t(256));
    QCOMPARE(charToByte(0x144), -1);
    QCOMPARE(encodeBytes(" hi\n"), std::string("\xC4\xA0hi\xC4\x8A"));
}

void TestTokenizer::preTokenize_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArrayList>("expected");
    QTest::addRow("words") << QByteArray("Hello world") << QByteArrayList{"Hello", " world"};
    QTest::addRow("contraction") << QByteArray("don't stop") << QByteArrayList{"don", "'t", " stop"};
    QTest::addRow("contractions") << QByteArray("I'll've we're 'd") << QByteArrayList{"I", "'ll", "'ve", " we", "'re", " '", "d"};
    QTest::addRow("case-sensitive") << QByteArray("IT'S") << QByteArrayList{"IT", "'", "S"};
    QTest::addRow("apostrophe run") << QByteArray("?'s") << QByteArrayList{"?'", "s"};
    QTest::addRow("spaces before word") << QByteArray("a   b") << QByteArrayList{"a", "  ", " b"};
    QTest::addRow("trailing spaces") << QByteArray("x  ") << QByteArrayList{"x", "  "};
    QTest::addRow("only spaces") << QByteArray("   ") << QByteArrayList{"   "};
    QTest::addRow("double newline") << QByteArray("a\n\nb") << QByteArrayList{"a", "\n", "\n", "b"};
    QTest::addRow("space newline space") << QByteArray("a \n b") << QByteArrayList{"a", " \n", " b"};
    QTest::addRow("newline at end") << QByteArray("a.\n\n") << QByteArrayList{"a", ".", "\n\n"};
    QTest::addRow("tabs") << QByteArray("\t\tfoo") << QByteArrayList{"\t", "\t", "foo"};
    QTest::addRow("digits") << QByteArray("1234 5.6") << QByteArrayList{"1234", " 5", ".", "6"};
    QTest::addRow("punctuation run") << QByteArray("  ?!x") << QByteArrayList{" ", " ?!", "x"};
    QTest::addRow("accents") << QByteArray("h\xC3\xA9llo w\xC3\xB6rld") << QByteArrayList{"h\xC3\xA9llo", " w\xC3\xB6rld"};
    QTest::addRow("combining mark") << QByteArray("e\xCC\x81t") << QByteArrayList{"e", "\xCC\x81", "t"};
    QTest::addRow("emoji") << QByteArray("x\xF0\x9F\x98\x80\xF0\x9F\x98\x80 y")
                           << QByteArrayList{"x", "\xF0\x9F\x98\x80\xF0\x9F\x98\x80", " y"};
    QTest::addRow("cjk") << QByteArray("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x81\xAE")
                         << QByteArrayList{"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x81\xAE"};
    QTest::addRow("cjk punctuation") << QByteArray("\xE4\xB8\xAD\xEF\xBC\x8C\xE6\x96\x87")
                                     << QByteArrayList{"\xE4\xB8\xAD", "\xEF\xBC\x8C", "\xE6\x96\x87"};
    QTest::addRow("number classes") << QByteArray("\xE2\x85\xAB\xC2\xBD x") << QByteArrayList{"\xE2\x85\xAB\xC2\xBD", " x"};
    QTest::addRow("no-break space") << QByteArray("a\xC2\xA0" "b") << QByteArrayList{"a", "\xC2\xA0", "b"};
    QTest::addRow("ideographic space") << QByteArray("a\xE3\x80\x80\xE3\x80\x80" "b")
                                       << QByteArrayList{"a", "\xE3\x80\x80", "\xE3\x80\x80", "b"};
    QTest::addRow("endoftext") << QByteArray("hi<|endoftext|>") << QByteArrayList{"hi", "<|", "endoftext", "|>"};
    QTest::addRow("invalid byte") << QByteArray("a\xFF" "b") << QByteArrayList{"a", "\xFF", "b"};
    QTest::addRow("truncated utf8") << QByteArray("a\xE6\x97") << QByteArrayList{"a", "\xE6\x97"};
    QTest::addRow("empty") << QByteArray("") << QByteArrayList{};
}

void TestTokenizer::preTokenize()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArrayList, expected);
    std::vector<std::string> want;
    for (const QByteArray &e : expected)
        want.push_back(str(e));
    QCOMPARE(pieces(str(text)), want);
}

void TestTokenizer::preTokenizeCharSpans()
{
    const std::string text = "h\xC3\xA9 \xF0\x9F\x98\x80!";
    std::vector<gb::bytelevel::Piece> ps;
    gb::bytelevel::preTokenize(text, ps, 10);
    QCOMPARE(ps.size(), std::size_t(2));
    QCOMPARE(ps[0].charBegin, std::size_t(10));
    QCOMPARE(ps[0].charEnd, std::size_t(12));
    QCOMPARE(ps[1].begin, std::size_t(3));
    QCOMPARE(ps[1].charEnd, std::size_t(15)); // " 😀!" is three characters
}

void TestTokenizer::mergesByRank_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArrayList>("merges"); // "a b" per merge, in rank order
    QTest::addColumn<QByteArrayList>("expected");
    QTest::addRow("hello") << QByteArray("hellohe") << QByteArrayList{"h e", "l l", "he ll", "hell o"}
                           << QByteArrayList{"hello", "he"};
    QTest::addRow("rank a-b first") << QByteArray("abc") << QByteArrayList{"a b", "b c"} << QByteArrayList{"ab", "c"};
    QTest::addRow("rank b-c first") << QByteArray("abc") << QByteArrayList{"b c", "a b"} << QByteArrayList{"a", "bc"};
    QTest::addRow("all occurrences") << QByteArray("aaaa") << QByteArrayList{"a a"} << QByteArrayList{"aa", "aa"};
    QTest::addRow("left to right") << QByteArray("aaa") << QByteArrayList{"a a"} << QByteArrayList{"aa", "a"};
    QTest::addRow("space prefix") << QByteArray("a world") << QByteArrayList{"\xC4\xA0 w", "\xC4\xA0w o"}
                                  << QByteArrayList{"a", " wo", "r", "l", "d"};
    QTest::addRow("no merge across pieces") << QByteArray("a b") << QByteArrayList{"a \xC4\xA0"}
                                            << QByteArrayList{"a", " ", "b"};
}

void TestTokenizer::mergesByRank()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArrayList, merges);
    QFETCH(QByteArrayList, expected);
    std::vector<std::pair<std::string, std::string>> m;
    for (const QByteArray &line : merges) {
        const QByteArrayList parts = line.split(' ');
        m.emplace_back(str(parts[0]), str(parts[1]));
    }
    const BpeTokenizer tok(tinySpec(m));
    std::vector<std::string> want;
    for (const QByteArray &e : expected)
        want.push_back(str(e));
    QCOMPARE(texts(tok.encode(str(text))), want);
}

void TestTokenizer::mergesMatchGpt2Bpe()
{
    // Random merge tables over a 3-letter alphabet, each new token made by exactly one merge
    // as BPE training does; words long enough to take both merge paths (short and heap).
    std::mt19937 rng(1234);
    for (int table = 0; table < 20; ++table) {
        std::vector<std::string> tokens{"a", "b", "c"};
        std::set<std::string> known(tokens.begin(), tokens.end());
        std::vector<std::pair<std::string, std::string>> merges;
        std::map<std::pair<std::string, std::string>, int> ranks;
        while (merges.size() < 40) {
            const std::string &x = tokens[rng() % tokens.size()], &y = tokens[rng() % tokens.size()];
            if (x.size() + y.size() > 6 || !known.insert(x + y).second)
                continue;
            ranks[{x, y}] = int(merges.size());
            merges.emplace_back(x, y);
            tokens.push_back(x + y);
        }
        const BpeTokenizer tok(tinySpec(merges));
        for (std::size_t length : {2, 7, 30, 47, 48, 49, 120, 600}) {
            std::string word;
            for (std::size_t i = 0; i < length; ++i)
                word += char('a' + rng() % 3);
            std::vector<std::string> chars;
            for (char c : word)
                chars.emplace_back(1, c);
            QCOMPARE(texts(tok.encode(word)), gbtest::referenceBpe(chars, ranks));
        }
    }
}

void TestTokenizer::spansAndDisplayText()
{
    const BpeTokenizer tok(tinySpec({{"h", "Ã"}, {"hÃ", "©"}}));
    const std::string text = "h\xC3\xA9 \xF0\x9F\x98\x80";
    const auto tokens = tok.encode(text);
    QCOMPARE(tokens.size(), std::size_t(6)); // "hé", " ", and the emoji's four bytes
    QCOMPARE(tokens[0].text, std::string("h\xC3\xA9"));
    QCOMPARE(tokens[0].byteEnd, std::size_t(3));
    QCOMPARE(tokens[0].charEnd, std::size_t(2));
    QCOMPARE(tokens[1].charBegin, std::size_t(2));
    for (std::size_t i = 2; i < 6; ++i) {
        // Each byte of the emoji is its own token: all of them span the whole character.
        QCOMPARE(tokens[i].byteBegin, std::size_t(2 + i));
        QCOMPARE(tokens[i].byteEnd, std::size_t(3 + i));
        QCOMPARE(tokens[i].charBegin, std::size_t(3));
        QCOMPARE(tokens[i].charEnd, std::size_t(4));
        QCOMPARE(tokens[i].text, std::string("\xEF\xBF\xBD"));
    }
    // Python's errors="replace": an incomplete sequence is one U+FFFD, stray bytes one each.
    QCOMPARE(tok.decodeText({0xF0, 0x9F, 0x98}), std::string("\xEF\xBF\xBD"));
    QCOMPARE(tok.decodeText({0x98, 0x80, 'a'}), std::string("\xEF\xBF\xBD\xEF\xBF\xBD" "a"));
}

void TestTokenizer::decodeRestoresBytes()
{
    const BpeTokenizer tok(tinySpec({{"\xC4\xA0", "t"}, {"h", "e"}, {"\xC4\xA0t", "he"}}));
    std::mt19937 rng(99);
    for (int round = 0; round < 50; ++round) {
        std::string text;
        const int n = int(rng() % 200);
        for (int i = 0; i < n; ++i)
            text += rng() % 3 ? " the"[rng() % 4] : char(rng() % 256); // invalid UTF-8 included
        const auto tokens = tok.encode(text);
        QCOMPARE(tok.decode(tok.encodeIds(text)), text);
        std::size_t end = 0;
        for (const auto &t : tokens) {
            QCOMPARE(t.byteBegin, end);
            end = t.byteEnd;
        }
        QCOMPARE(end, text.size());
    }
    GB_VERIFY_THROWS(tok.decode({5, 100000}), "tiny: token id 100000 is outside the vocabulary");
}

void TestTokenizer::addedTokens_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArrayList>("expected"); // token texts; "#n,m" after one checks its byte span
    QTest::addRow("special inside text") << QByteArray("a<|endoftext|>b") << QByteArrayList{"a", "<|endoftext|>#1,14", "b"};
    QTest::addRow("longest wins") << QByteArray("x<a><b>") << QByteArrayList{"x", "<a><b>"};
    QTest::addRow("shorter when alone") << QByteArray("<a>y") << QByteArrayList{"<a>", "y"};
    QTest::addRow("lstrip") << QByteArray("a  <L> b") << QByteArrayList{"a", "<L>#1,6", " ", "b"};
    QTest::addRow("rstrip") << QByteArray("a <R>  b") << QByteArrayList{"a", " ", "<R>#2,7", "b"};
    QTest::addRow("single word") << QByteArray("sw sw xsw swx") << QByteArrayList{"sw", " ", "sw", " ", "x", "s", "w", " ", "s", "w", "x"};
    QTest::addRow("normalized group") << QByteArray("a  b") << QByteArrayList{"a", "  ", "b"};
}

void TestTokenizer::addedTokens()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArrayList, expected);
    BpeSpec spec = tinySpec({});
    spec.added = {
        {300, "<|endoftext|>", true, false, false, false, false},
        {301, "<a>", false, false, false, false, false},
        {302, "<a><b>", false, false, false, false, false},
        {303, "<L>", false, false, true, false, false},
        {304, "<R>", false, false, false, true, false},
        {305, "sw", false, true, false, false, false},
        {306, "  ", false, false, false, false, true}, // matched after normalization, like Pythia's
    };
    const BpeTokenizer tok(std::move(spec));
    const auto tokens = tok.encode(str(text));
    QCOMPARE(tokens.size(), std::size_t(expected.size()));
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const QByteArrayList parts = expected[qsizetype(i)].split('#');
        QCOMPARE(QByteArray::fromStdString(tokens[i].text), parts[0]);
        if (parts.size() > 1) {
            const QByteArrayList span = parts[1].split(',');
            QCOMPARE(tokens[i].byteBegin, std::size_t(span[0].toInt()));
            QCOMPARE(tokens[i].byteEnd, std::size_t(span[1].toInt()));
        }
    }
    QCOMPARE(tok.decode(tok.encodeIds("a<|endoftext|>b")), std::string("a<|endoftext|>b"));
    QCOMPARE(tok.encode("<|endoftext|>")[0].special, true);
    QCOMPARE(tok.encode("<a>")[0].special, false);
}

void TestTokenizer::nfcNormalizer()
{
    BpeSpec spec = tinySpec({{"Ã", "©"}});
    spec.nfc = true;
    const BpeTokenizer nfc(std::move(spec));
    // "e" + combining acute (3 bytes, 2 characters) becomes "é" (2 bytes), one merged token that
    // spans both original characters.
    const std::string text = "xe\xCC\x81y";
    const auto tokens = nfc.encode(text);
    QCOMPARE(texts(tokens), (std::vector<std::string>{"x", "\xC3\xA9", "y"}));
    QCOMPARE(tokens[1].byteBegin, std::size_t(1));
    QCOMPARE(tokens[1].byteEnd, std::size_t(4));
    QCOMPARE(tokens[1].charBegin, std::size_t(1));
    QCOMPARE(tokens[1].charEnd, std::size_t(3));
    QCOMPARE(tokens[2].charBegin, std::size_t(3));
    // Text already in NFC, including non-ASCII, is untouched; without the normalizer nothing changes.
    QCOMPARE(texts(nfc.encode("\xC3\xA9")), std::vector<std::string>{"\xC3\xA9"});
    const BpeTokenizer plain(tinySpec({{"Ã", "©"}}));
    QCOMPARE(plain.encodeIds(text).size(), std::size_t(5));
    // Two composed characters in one word keep their own spans.
    const auto two = nfc.encode("e\xCC\x81" "e\xCC\x81");
    QCOMPARE(two.size(), std::size_t(2));
    QCOMPARE(two[1].byteBegin, std::size_t(3));
    QCOMPARE(two[1].charBegin, std::size_t(2));
    // Tokens inside one composed character share its span (found by fuzz_tokenizer), and invalid
    // UTF-8 passes through the normalizer untouched.
    const auto split = nfc.encode("a\xCC\x81" "b");
    QCOMPARE(split.size(), std::size_t(3)); // "á" (U+00E1) as two byte tokens, then "b"
    for (std::size_t i : {0, 1}) {
        QCOMPARE(split[i].byteBegin, std::size_t(0));
        QCOMPARE(split[i].byteEnd, std::size_t(3));
        QCOMPARE(split[i].charBegin, std::size_t(0));
        QCOMPARE(split[i].charEnd, std::size_t(2));
    }
    QCOMPARE(split[2].byteBegin, std::size_t(3));
    QCOMPARE(split[2].charBegin, std::size_t(2));
    const std::string invalid = "a\xFF\xE6\x97 \xC3";
    QCOMPARE(nfc.encodeIds(invalid), plain.encodeIds(invalid));
    QCOMPARE(nfc.decode(nfc.encodeIds(invalid)), invalid);
}

void TestTokenizer::prefixSpace()
{
    BpeSpec spec = tinySpec({{"\xC4\xA0", "h"}, {"\xC4\xA0h", "i"}});
    spec.addPrefixSpace = true;
    const BpeTokenizer tok(std::move(spec));
    const auto tokens = tok.encode("hi hi");
    QCOMPARE(texts(tokens), (std::vector<std::string>{" hi", " hi"}));
    QCOMPARE(tokens[0].byteBegin, std::size_t(0));
    QCOMPARE(tokens[0].byteEnd, std::size_t(2));
    QCOMPARE(tokens[0].charEnd, std::size_t(2));
    QCOMPARE(texts(tok.encode(" hi")), std::vector<std::string>{" hi"}); // no second space
}

void TestTokenizer::ignoreMerges()
{
    // "abc" is in the vocabulary but the merges would split it as "ab" + "c" ... unless
    // ignore_merges lets whole pre-tokens found in the vocabulary through.
    BpeSpec spec = tinySpec({{"a", "b"}, {"b", "c"}});
    spec.vocab.emplace_back("abc", 400);
    const BpeTokenizer merged(spec);
    QCOMPARE(merged.encodeIds("abc"), (std::vector<TokenId>{256, 'c'}));
    spec.ignoreMerges = true;
    const BpeTokenizer direct(std::move(spec));
    QCOMPARE(direct.encodeIds("abc"), std::vector<TokenId>{400});
}

void TestTokenizer::rejectsBadSpecs_data()
{
    QTest::addColumn<int>("which");
    QTest::addColumn<QString>("needle");
    QTest::addRow("merge part unknown") << 0 << "tiny: merge 1 (\"x zz\") uses \"zz\", which is not in the vocabulary";
    QTest::addRow("merge result unknown") << 1 << "uses \"ab\", which is not in the vocabulary";
    QTest::addRow("missing byte") << 2 << "the vocabulary lacks the token for byte 0x41";
    QTest::addRow("duplicate id") << 3 << "id 7 is used by both";
    QTest::addRow("huge id") << 4 << "id 2000000000 of \"big\" is out of range";
    QTest::addRow("empty added token") << 5 << "added token 300 has empty content";
}

void TestTokenizer::rejectsBadSpecs()
{
    QFETCH(int, which);
    QFETCH(QString, needle);
    BpeSpec spec = tinySpec({});
    switch (which) {
    case 0: spec.merges.emplace_back("x", "zz"); break;
    case 1: spec.merges.emplace_back("a", "b"); break;
    case 2: spec.vocab.erase(spec.vocab.begin() + 'A'); break;
    case 3: spec.vocab.emplace_back("dup", 7); break;
    case 4: spec.vocab.emplace_back("big", 2000000000); break;
    case 5: spec.added.push_back({300, "", true, false, false, false, false}); break;
    }
    GB_VERIFY_THROWS(BpeTokenizer(std::move(spec)), needle.toStdString());
}

void TestTokenizer::concurrentEncoding()
{
    const BpeTokenizer tok(tinySpec({{"h", "e"}, {"l", "l"}, {"he", "ll"}, {"hell", "o"}}));
    std::string text;
    for (int i = 0; i < 2000; ++i)
        text += i % 7 ? " hello" : " yellow" + std::to_string(i);
    const auto expected = tok.encodeIds(text);
    std::vector<std::vector<TokenId>> results(4);
    std::vector<std::thread> threads;
    for (auto &r : results)
        threads.emplace_back([&] { r = tok.encodeIds(text); });
    for (auto &t : threads)
        t.join();
    for (const auto &r : results)
        QCOMPARE(r, expected);
}

QTEST_GUILESS_MAIN(TestTokenizer)
#include "tst_tokenizer.moc"
