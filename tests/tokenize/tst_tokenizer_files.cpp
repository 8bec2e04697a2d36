// SPDX-License-Identifier: MIT
// Tokenizer files (tokenizer.json, vocab.json + merges.txt), BOS lookup and `glassbox-cli tokenize`.
#include "tiny_bpe.h"
#include "testutils.h"

#include "io/inspect.h"
#include "io/json.h"
#include "tokenize/tokenizer_loader.h"

#include <QDir>

using gb::Json;
using gb::TokenId;

namespace {

const std::vector<std::pair<std::string, std::string>> kMerges{
    {"h", "e"}, {"l", "l"}, {"he", "ll"}, {"hell", "o"}, {"\xC4\xA0", "w"}, {"\xC4\xA0w", "or"}, {"o", "r"}};

Json vocabJson(const gb::BpeSpec &spec)
{
    Json::Object vocab;
    for (const auto &[token, id] : spec.vocab)
        vocab.emplace_back(token, Json(id));
    return Json(std::move(vocab));
}

/// A tokenizer.json as Hugging Face writes it for GPT-2 (spec-facts 7.1), over the tiny vocabulary.
Json tokenizerJson(bool pairMerges, const std::vector<std::pair<std::string, std::string>> &merges = kMerges)
{
    const gb::BpeSpec spec = gbtest::tinySpec(merges);
    Json::Array mergeList;
    for (const auto &[a, b] : merges)
        mergeList.push_back(pairMerges ? Json(Json::Array{Json(a), Json(b)}) : Json(a + " " + b));
    Json model = Json::object();
    model.set("type", "BPE").set("dropout", nullptr).set("unk_token", nullptr).set("continuing_subword_prefix", "")
        .set("end_of_word_suffix", "").set("fuse_unk", false).set("byte_fallback", false)
        .set("vocab", vocabJson(spec)).set("merges", Json(std::move(mergeList)));
    Json eot = Json::object();
    eot.set("id", 300).set("content", "<|endoftext|>").set("single_word", false).set("lstrip", false)
        .set("rstrip", false).set("normalized", false).set("special", true);
    Json pre = Json::object();
    pre.set("type", "ByteLevel").set("add_prefix_space", false).set("trim_offsets", true).set("use_regex", true);
    Json root = Json::object();
    root.set("version", "1.0").set("truncation", nullptr).set("padding", nullptr)
        .set("added_tokens", Json(Json::Array{eot})).set("normalizer", nullptr).set("pre_tokenizer", pre)
        .set("post_processor", nullptr).set("decoder", Json::object().set("type", "ByteLevel")).set("model", model);
    return root;
}

std::string mergesTxt()
{
    std::string text = "#version: 0.2\n";
    for (const auto &[a, b] : kMerges)
        text += a + " " + b + "\n";
    return text;
}

} // namespace

class TestTokenizerFiles : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() { m_dir = std::make_unique<QTemporaryDir>(); }
    void formatsAgree();
    void findsFiles();
    void rejectsTokenizerJson_data();
    void rejectsTokenizerJson();
    void rejectsVocabMerges_data();
    void rejectsVocabMerges();
    void normalizerAndAddedTokenFlags();
    void bosToken();
    void inspectReportsTokenizer();
    void cliTokenize();
    void cliErrors_data();
    void cliErrors();

private:
    QString path(const char *name) const { return m_dir->filePath(QLatin1String(name)); }
    std::string dir() const { return m_dir->path().toStdString(); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestTokenizerFiles::formatsAgree()
{
    const std::string text = "hello world<|endoftext|> hello\n\nworld";
    const gb::BpeTokenizer reference(gbtest::tinySpec(kMerges));
    std::vector<TokenId> expected = reference.encodeIds("hello world");
    expected.push_back(300);
    for (TokenId id : reference.encodeIds(" hello\n\nworld"))
        expected.push_back(id);
    for (bool pairs : {true, false}) {
        const gb::BpeTokenizer tok(gb::parseTokenizerJson(tokenizerJson(pairs).dump(), "tokenizer.json"));
        QCOMPARE(tok.encodeIds(text), expected);
        QCOMPARE(tok.tokenString(300), std::string("<|endoftext|>"));
    }
    const gb::BpeTokenizer legacy(gb::parseVocabMerges(vocabJson(gbtest::tinySpec(kMerges)).dump(), mergesTxt(), "vocab.json",
                                                       "merges.txt"));
    QCOMPARE(legacy.encodeIds("hello world"), reference.encodeIds("hello world"));
    QCOMPARE(legacy.tokenId("<|endoftext|>").has_value(), false); // not in this vocabulary
    // Windows line ends and a missing header line are accepted too.
    std::string crlf;
    for (const auto &[a, b] : kMerges)
        crlf += a + " " + b + "\r\n";
    const gb::BpeTokenizer legacyCrlf(gb::parseVocabMerges(vocabJson(gbtest::tinySpec(kMerges)).dump(), crlf, "v", "m"));
    QCOMPARE(legacyCrlf.encodeIds(text.substr(0, 11)), reference.encodeIds(text.substr(0, 11)));
}

void TestTokenizerFiles::findsFiles()
{
    using Format = gb::TokenizerFiles::Format;
    QCOMPARE(gb::findTokenizerFiles(dir()).format, Format::None);
    GB_VERIFY_THROWS(gb::loadTokenizer(dir()),
                     "missing tokenizer: " + dir() + " has neither tokenizer.json nor vocab.json + merges.txt");
    gbtest::writeFile(path("vocab.json"), vocabJson(gbtest::tinySpec(kMerges)).dump());
    QCOMPARE(gb::findTokenizerFiles(dir()).format, Format::None); // merges.txt still missing
    gbtest::writeFile(path("merges.txt"), mergesTxt());
    QCOMPARE(gb::findTokenizerFiles(dir()).describe(), std::string("vocab.json + merges.txt"));
    QCOMPARE(gb::loadTokenizer(dir())->encodeIds("hello"), std::vector<TokenId>{259});
    gbtest::writeFile(path("tokenizer.json"), tokenizerJson(true).dump());
    QCOMPARE(gb::findTokenizerFiles(dir()).describe(), std::string("tokenizer.json")); // preferred
    QCOMPARE(gb::loadTokenizer(dir())->encodeIds("hello<|endoftext|>"), (std::vector<TokenId>{259, 300}));
    GB_VERIFY_THROWS(gb::loadTokenizer(dir() + "/nope"), "missing tokenizer: " + dir() + "/nope is not a folder");
}

void TestTokenizerFiles::rejectsTokenizerJson_data()
{
    QTest::addColumn<QString>("pointer"); // "key.sub=json value" applied to the good file
    QTest::addColumn<QString>("needle");
    QTest::addRow("wordpiece") << "model.type=\"WordPiece\"" << "model type \"WordPiece\" is not supported";
    QTest::addRow("whitespace pre-tokenizer") << "pre_tokenizer.type=\"Whitespace\"" << "pre-tokenizer \"Whitespace\" is not supported";
    QTest::addRow("no pre-tokenizer") << "pre_tokenizer=null" << "pre-tokenizer \"null\" is not supported";
    QTest::addRow("no regex") << "pre_tokenizer.use_regex=false" << "ByteLevel pre-tokenizer without use_regex";
    QTest::addRow("lowercase normalizer") << "normalizer={\"type\":\"Lowercase\"}" << "normalizer \"Lowercase\" is not supported";
    QTest::addRow("byte fallback") << "model.byte_fallback=true" << "byte_fallback is not supported";
    QTest::addRow("dropout") << "model.dropout=0.1" << "dropout is not supported";
    QTest::addRow("suffix") << "model.end_of_word_suffix=\"</w>\"" << "end_of_word_suffix is not supported";
    QTest::addRow("merge with three parts") << "model.merges=[\"h e x\"]" << "merge 1: expected two symbols separated by one space";
    QTest::addRow("merge triple") << "model.merges=[[\"h\",\"e\",\"x\"]]" << "merge 1: expected \"a b\" or [\"a\", \"b\"]";
    QTest::addRow("merge unknown") << "model.merges=[\"h zz\"]" << "merge 1 (\"h zz\") uses \"zz\"";
    QTest::addRow("vocab id negative") << "model.vocab={\"a\":-1}" << "id of \"a\" must be a non-negative integer";
    QTest::addRow("vocab not object") << "model.vocab=[1]" << "model.vocab must be an object";
    QTest::addRow("no model") << "model=null" << "missing \"model\" object";
    QTest::addRow("added without id") << "added_tokens=[{\"content\":\"x\"}]" << "added token needs \"id\" and \"content\"";
    QTest::addRow("added flag type") << "added_tokens=[{\"id\":1,\"content\":\"x\",\"lstrip\":1}]" << "lstrip must be a boolean";
    QTest::addRow("invalid json") << "" << "tokenizer.json: invalid JSON";
}

void TestTokenizerFiles::rejectsTokenizerJson()
{
    QFETCH(QString, pointer);
    QFETCH(QString, needle);
    std::string text;
    if (pointer.isEmpty()) {
        text = tokenizerJson(true).dump().substr(0, 200);
    } else {
        // Rebuild the object with one member replaced: good file + one defect.
        const QStringList kv = pointer.split(QLatin1Char('='));
        const QStringList keys = kv[0].split(QLatin1Char('.'));
        Json root = tokenizerJson(true);
        const Json value = Json::parse(kv.mid(1).join(QLatin1Char('=')).toStdString());
        if (keys.size() == 1) {
            root.set(keys[0].toStdString(), value);
        } else {
            Json inner = *root.find(keys[0].toStdString());
            if (!inner.isObject())
                inner = Json::object();
            inner.set(keys[1].toStdString(), value);
            root.set(keys[0].toStdString(), inner);
        }
        text = root.dump();
    }
    GB_VERIFY_THROWS(gb::BpeTokenizer(gb::parseTokenizerJson(text, "tokenizer.json")), needle.toStdString());
    GB_VERIFY_THROWS(gb::BpeTokenizer(gb::parseTokenizerJson(text, "tokenizer.json")), "tokenizer.json");
}

void TestTokenizerFiles::rejectsVocabMerges_data()
{
    QTest::addColumn<QString>("vocab");
    QTest::addColumn<QString>("merges");
    QTest::addColumn<QString>("needle");
    const QString good = QString::fromStdString(vocabJson(gbtest::tinySpec(kMerges)).dump());
    QTest::addRow("bad line") << good << "#version: 0.2\nh e\nhe\n" << "merges.txt line 3: expected two symbols";
    QTest::addRow("double space") << good << "h  e\n" << "merges.txt line 1: expected two symbols";
    QTest::addRow("unknown symbol") << good << "h e\nq zz\n" << "merge 2 (\"q zz\") uses \"zz\"";
    QTest::addRow("vocab not json") << "{\"a\": 1," << "" << "vocab.json: invalid JSON";
    QTest::addRow("vocab fractional id") << "{\"a\": 1.5}" << "" << "vocab.json: id of \"a\" must be a non-negative integer";
    QTest::addRow("not byte-level") << "{\"a\": 0}" << "" << "the vocabulary lacks the token for byte 0x00";
}

void TestTokenizerFiles::rejectsVocabMerges()
{
    QFETCH(QString, vocab);
    QFETCH(QString, merges);
    QFETCH(QString, needle);
    GB_VERIFY_THROWS(gb::BpeTokenizer(gb::parseVocabMerges(vocab.toStdString(), merges.toStdString(), "vocab.json",
                                                           "merges.txt")),
                     needle.toStdString());
}

void TestTokenizerFiles::normalizerAndAddedTokenFlags()
{
    Json root = tokenizerJson(false);
    root.set("normalizer", Json::object().set("type", "Sequence").set("normalizers", Json(Json::Array{Json::object().set("type", "NFC")})));
    Json pad = Json::object();
    pad.set("id", 301).set("content", "  ").set("special", false); // normalized defaults to !special
    Json mask = Json::object();
    mask.set("id", 302).set("content", "<m>").set("special", true).set("lstrip", true);
    root.set("added_tokens", Json(Json::Array{pad, mask}));
    Json pre = *root.find("pre_tokenizer");
    pre.set("add_prefix_space", true);
    root.set("pre_tokenizer", Json::object().set("type", "Sequence").set("pretokenizers", Json(Json::Array{pre})));
    const gb::BpeSpec spec = gb::parseTokenizerJson(root.dump(), "t.json");
    QVERIFY(spec.nfc && spec.addPrefixSpace);
    QCOMPARE(spec.added.size(), std::size_t(2));
    QVERIFY(spec.added[0].normalized && !spec.added[0].special);
    QVERIFY(!spec.added[1].normalized && spec.added[1].lstrip && spec.added[1].special);
}

void TestTokenizerFiles::bosToken()
{
    gbtest::writeFile(path("tokenizer.json"), tokenizerJson(true).dump());
    const auto tok = gb::loadTokenizer(dir());
    QCOMPARE(gb::bosTokenId(dir(), *tok), std::optional<TokenId>(300)); // <|endoftext|>
    gbtest::writeFile(path("tokenizer_config.json"), R"({"bos_token": {"content": "hello"}})");
    QCOMPARE(gb::bosTokenId(dir(), *tok), std::optional<TokenId>(259));
    gbtest::writeFile(path("config.json"), R"({"model_type": "gpt2", "bos_token_id": 7})");
    QCOMPARE(gb::bosTokenId(dir(), *tok), std::optional<TokenId>(7));
    gbtest::writeFile(path("config.json"), R"({"model_type": "gpt2", "bos_token_id": 70000})");
    GB_VERIFY_THROWS(gb::bosTokenId(dir(), *tok), "config.json: bos_token_id 70000 is not in the tokenizer's vocabulary");
}

void TestTokenizerFiles::inspectReportsTokenizer()
{
    gbtest::writeFile(path("config.json"), R"({"model_type": "gpt2"})");
    gb::PathKind k = gb::inspectPath(dir());
    QCOMPARE(k.summary.find("tokenizer")->toString(), std::string("none"));
    QCOMPARE(k.description, std::string("language model folder (gpt2), no tokenizer"));
    gbtest::writeFile(path("vocab.json"), "{}");
    gbtest::writeFile(path("merges.txt"), "");
    k = gb::inspectPath(dir());
    QCOMPARE(k.summary.find("tokenizer")->toString(), std::string("vocab.json + merges.txt"));
    QCOMPARE(k.description, std::string("language model folder (gpt2), tokenizer: vocab.json + merges.txt"));
}

void TestTokenizerFiles::cliTokenize()
{
    gbtest::writeFile(path("tokenizer.json"), tokenizerJson(true).dump());
    gbtest::writeFile(path("config.json"), R"({"model_type": "gpt2", "bos_token_id": 300})");
    const QString text = QStringLiteral("hello w\u00f6rld<|endoftext|>");
    auto r = gbtest::runCli({QStringLiteral("tokenize"), QStringLiteral("--model"), m_dir->path(), QStringLiteral("--text"), text});
    QCOMPARE(r.exitCode, 0);
    const Json out = Json::parse(r.out.toStdString());
    const gb::BpeTokenizer tok(gbtest::tinySpec(kMerges));
    // hello, " w", "ö" as two byte tokens, "r", "l", "d", eot.
    std::vector<TokenId> ids = tok.encodeIds("hello w\xC3\xB6rld");
    ids.push_back(300);
    Json::Array expectedIds;
    for (TokenId id : ids)
        expectedIds.emplace_back(id);
    QCOMPARE(out.find("ids")->dump(), Json(expectedIds).dump());
    QCOMPARE(out.find("tokens")->toArray()[0].toString(), std::string("hello"));
    QCOMPARE(out.find("tokens")->toArray()[2].toString(), std::string("\xEF\xBF\xBD"));
    QCOMPARE(out.find("offsets")->dump(), std::string("[[0,5],[5,7],[7,8],[7,8],[8,9],[9,10],[10,11],[11,24]]"));
    QCOMPARE(out.find("byte_offsets")->toArray()[3].dump(), std::string("[8,9]"));
    QVERIFY(out.find("timing")->contains("compute_s"));

    r = gbtest::runCli({QStringLiteral("tokenize"), QStringLiteral("--model"), m_dir->path(), QStringLiteral("--text"),
                        QStringLiteral("hello"), QStringLiteral("--prepend-bos")});
    QCOMPARE(r.exitCode, 0);
    const Json bos = Json::parse(r.out.toStdString());
    QCOMPARE(bos.find("ids")->dump(), std::string("[300,259]"));
    QCOMPARE(bos.find("offsets")->dump(), std::string("[[0,0],[0,5]]"));
    QCOMPARE(bos.find("tokens")->toArray()[0].toString(), std::string("<|endoftext|>"));

    gbtest::writeFile(path("in.txt"), "hello\n");
    r = gbtest::runCli({QStringLiteral("tokenize"), QStringLiteral("--model"), m_dir->path(), QStringLiteral("--text-file"),
                        path("in.txt")});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(Json::parse(r.out.toStdString()).find("ids")->dump(), std::string("[259,10]"));
}

void TestTokenizerFiles::cliErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("needle");
    QTest::addRow("missing tokenizer") << QStringList{QStringLiteral("--text"), QStringLiteral("x")}
                                       << "has neither tokenizer.json nor vocab.json + merges.txt";
    QTest::addRow("no text") << QStringList{} << "exactly one of --text TEXT and --text-file FILE";
    QTest::addRow("missing text file") << QStringList{QStringLiteral("--text-file"), QStringLiteral("/no/such.txt")}
                                       << "/no/such.txt: cannot read";
}

void TestTokenizerFiles::cliErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, needle);
    const auto r = gbtest::runCli(QStringList{QStringLiteral("tokenize"), QStringLiteral("--model"), m_dir->path()} + args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(needle), qPrintable(r.err));
}

QTEST_GUILESS_MAIN(TestTokenizerFiles)
#include "tst_tokenizer_files.moc"
