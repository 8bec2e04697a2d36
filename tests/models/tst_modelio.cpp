// SPDX-License-Identifier: MIT
// Loading (malformed checkpoints, prefixes, shards, half precision), saving, weight processing,
// training through the parameters, and the load job's progress and cancellation.
#include "modeltestutils.h"

#include "common/error.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "models/parameterlayout.h"
#include "tokenize/bytelevel.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>

#include <QFileInfo>
#include <QTemporaryDir>

using namespace gb;
using gbtest::maxDiff;

namespace {

std::shared_ptr<TransformerModel> loadDir(const QString &dir, const ProcessingOptions &p = {})
{
    LoadOptions o;
    o.processing = p;
    return TransformerModel::load(dir.toStdString(), o);
}

QString weightsOf(const QString &dir) { return dir + QStringLiteral("/model.safetensors"); }

ModelConfig tinyNeox()
{
    Json j = Json::object();
    j.set("model_type", "gpt_neox").set("hidden_size", 16).set("num_attention_heads", 2).set("num_hidden_layers", 2);
    j.set("intermediate_size", 32).set("vocab_size", 20).set("max_position_embeddings", 16).set("rotary_pct", 0.25);
    return ModelConfig::fromJson(j, "test config");
}

} // namespace

class TestModelIo : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }
    void configDefaultsAndErrors();
    void malformedCheckpoints_data();
    void malformedCheckpoints();
    void prefixedAndBufferedCheckpoint();
    void shardedCheckpoint();
    void halfPrecisionIsWidened();
    void weightsAreZeroCopy();
    void saveLoadRoundTrip();
    void processingKeepsFunction_data();
    void processingKeepsFunction();
    void centeredResidualHooks();
    void foldedLayerNormHooks();
    void trainingReducesLoss();
    void progressAndCancel();
    void cliForward();
    void cliForwardText();
    void cliForwardErrors_data();
    void cliForwardErrors();

private:
    QString dir(const char *name) const { return m_tmp.filePath(QString::fromLatin1(name)); }
    QTemporaryDir m_tmp;
};

void TestModelIo::configDefaultsAndErrors()
{
    const ModelConfig gpt2 = ModelConfig::fromJson(Json::parse(R"({"model_type":"gpt2"})"), "c");
    QCOMPARE(gpt2.nLayers, 12);
    QCOMPARE(gpt2.dModel, 768);
    QCOMPARE(gpt2.dMlp, 3072);
    QCOMPARE(gpt2.vocabSize, 50257);
    QCOMPARE(gpt2.nCtx, 1024);
    QVERIFY(gpt2.tiedEmbeddings);
    QCOMPARE(gpt2.activation, Activation::GeluTanh);
    QCOMPARE(gpt2.parameterCount(), std::int64_t(124439808)); // GPT-2 small
    const ModelConfig pythia = ModelConfig::fromJson(
        Json::parse(R"({"model_type":"gpt_neox","hidden_size":768,"num_attention_heads":12,"num_hidden_layers":12,
                        "intermediate_size":3072,"vocab_size":50304,"rotary_pct":0.25})"),
        "c");
    QCOMPARE(pythia.rotaryDim, 16);
    QVERIFY(pythia.parallelResidual);
    QVERIFY(!pythia.tiedEmbeddings);
    QCOMPARE(pythia.activation, Activation::Gelu);
    QCOMPARE(pythia.parameterCount(), std::int64_t(162322944)); // Pythia-160M
    QVERIFY(QString::fromStdString(pythia.summary()).contains(QStringLiteral("12 layers, d_model 768, 12 heads, vocab 50304")));
    QCOMPARE(ModelConfig::fromJson(pythia.toJson(), "round trip"), pythia);
    QCOMPARE(ModelConfig::fromJson(gpt2.toJson(), "round trip"), gpt2);
    GB_VERIFY_THROWS(ModelConfig::fromJson(Json::parse(R"({"model_type":"llama"})"), "x/config.json"),
                     "x/config.json: unsupported model_type \"llama\" (supported: gpt2, gpt_neox)");
    GB_VERIFY_THROWS(ModelConfig::fromJson(Json::parse(R"({"model_type":"gpt2","n_embd":10,"n_head":3})"), "c"),
                     "not divisible by 3 heads");
    GB_VERIFY_THROWS(ModelConfig::fromJson(Json::parse(R"({"model_type":"gpt2","activation_function":"mish"})"), "c"),
                     "unsupported activation \"mish\"");
    GB_VERIFY_THROWS(ModelConfig::fromJson(Json::parse(R"({"model_type":"gpt2","n_layer":"12"})"), "c"), "n_layer");
    GB_VERIFY_THROWS(ModelConfig::fromJson(Json::parse(R"({"model_type":"gpt_neox","hidden_size":96,"num_attention_heads":12,
                                                          "rotary_pct":0.2})"),
                                           "c"),
                     "even number of rotary dimensions");
}

void TestModelIo::malformedCheckpoints_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QString>("surgery");
    QTest::addColumn<QString>("needle");
    QTest::addRow("missing tensor") << "gpt2-tiny" << "drop h.1.mlp.c_fc.weight"
                                    << "checkpoint has no tensor 'h.1.mlp.c_fc.weight'";
    QTest::addRow("wrong shape") << "neox-tiny" << "transpose gpt_neox.layers.0.attention.dense.weight:16"
                                 << "tensor 'gpt_neox.layers.0.mlp.dense_h_to_4h.weight' has shape [32, 48], expected [48, 32]";
    QTest::addRow("wrong vocab") << "gpt2-tiny" << "config vocab_size 60"
                                 << "vocabulary size mismatch: config.json says vocab_size 60 but tensor 'wte.weight' has 64 rows";
    QTest::addRow("unknown model_type") << "gpt2-tiny" << "config model_type bert"
                                        << "unsupported model_type \"bert\" (supported: gpt2, gpt_neox)";
    QTest::addRow("missing config") << "gpt2-tiny" << "remove config.json" << "no config.json";
    QTest::addRow("missing weights") << "gpt2-tiny" << "remove model.safetensors"
                                     << "no model.safetensors or model.safetensors.index.json";
    QTest::addRow("pytorch pickle only") << "gpt2-tiny" << "pickle" << "only pytorch_model.bin found";
    QTest::addRow("truncated weights") << "neox-tiny" << "truncate" << "lies outside the 38236-byte data section (truncated?)";
}

void TestModelIo::malformedCheckpoints()
{
    QFETCH(QString, fixture);
    QFETCH(QString, surgery);
    QFETCH(QString, needle);
    const QString d = dir("malformed-") + QString::number(qHash(surgery));
    gbtest::copyFixture(fixture.toLatin1().constData(), d);
    const QStringList op = surgery.split(QLatin1Char(' '));
    if (op[0] == QLatin1String("drop")) {
        auto t = gbtest::readAll(weightsOf(d));
        t.erase(op[1].toStdString());
        gbtest::writeTensors(weightsOf(d), t);
    } else if (op[0] == QLatin1String("transpose")) {
        auto t = gbtest::readAll(weightsOf(d));
        const std::string name = "gpt_neox.layers.0.mlp.dense_h_to_4h.weight";
        t[name] = t[name].t().contiguous();
        gbtest::writeTensors(weightsOf(d), t);
    } else if (op[0] == QLatin1String("config")) {
        if (op[1] == QLatin1String("vocab_size"))
            gbtest::editConfig(d, "vocab_size", Json(op[2].toInt()));
        else
            gbtest::editConfig(d, op[1].toStdString(), Json(op[2].toStdString()));
    } else if (op[0] == QLatin1String("remove")) {
        QVERIFY(QFile::remove(d + QLatin1Char('/') + op[1]));
    } else if (op[0] == QLatin1String("pickle")) {
        QVERIFY(QFile::rename(weightsOf(d), d + QStringLiteral("/pytorch_model.bin")));
    } else if (op[0] == QLatin1String("truncate")) {
        QFile f(weightsOf(d));
        QVERIFY(f.resize(f.size() - 100));
    }
    std::string message;
    QVERIFY(gbtest::throwsErrorContaining([&] { loadDir(d); }, needle.toStdString(), &message));
    try {
        loadDir(d);
    } catch (const Error &e) {
        QCOMPARE(e.kind(), Error::Kind::BadInput);
    }
    // The same message reaches a CLI user, with the bad-input exit code and no output file.
    const QString out = d + QStringLiteral(".out.safetensors");
    const gbtest::CliResult r = gbtest::runCli({QStringLiteral("forward"), QStringLiteral("--model"), d, QStringLiteral("--ids"),
                                                QStringLiteral("1"), QStringLiteral("--out"), out});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(needle), qPrintable(r.err));
    QVERIFY(!QFile::exists(out));
}

void TestModelIo::prefixedAndBufferedCheckpoint()
{
    // GPT2LMHeadModel saves: `transformer.` prefix, causal-mask buffers, a tied lm_head copy.
    const QString d = dir("prefixed");
    gbtest::copyFixture("gpt2-tiny", d);
    std::map<std::string, at::Tensor> renamed;
    for (auto &[name, t] : gbtest::readAll(weightsOf(d)))
        renamed["transformer." + name] = t;
    for (int i = 0; i < 2; ++i) {
        renamed["transformer.h." + std::to_string(i) + ".attn.bias"] = at::ones({1, 1, 32, 32}).tril();
        renamed["transformer.h." + std::to_string(i) + ".attn.masked_bias"] = at::full({}, -1e4);
    }
    renamed["lm_head.weight"] = renamed["transformer.wte.weight"];
    renamed["score.weight"] = at::zeros({2, 16});
    gbtest::writeTensors(weightsOf(d), renamed);
    const auto prefixed = loadDir(d);
    const auto plain = TransformerModel::load(gbtest::modelFixture("gpt2-tiny").toStdString());
    QCOMPARE(maxDiff(prefixed->logits(gbtest::fixturePrompt()), plain->logits(gbtest::fixturePrompt())), 0.0);
    QCOMPARE(prefixed->ignoredTensors(), std::vector<std::string>{"score.weight"});
}

void TestModelIo::shardedCheckpoint()
{
    const QString d = dir("sharded");
    gbtest::copyFixture("neox-tiny-sequential", d);
    const auto all = gbtest::readAll(weightsOf(d));
    QVERIFY(QFile::remove(weightsOf(d)));
    std::map<std::string, at::Tensor> shards[2];
    Json weightMap = Json::object();
    int i = 0;
    for (const auto &[name, t] : all) {
        const int shard = i++ % 2;
        shards[shard][name] = t;
        weightMap.set(name, shard == 0 ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
    }
    gbtest::writeTensors(d + QStringLiteral("/model-00001-of-00002.safetensors"), shards[0]);
    gbtest::writeTensors(d + QStringLiteral("/model-00002-of-00002.safetensors"), shards[1]);
    gbtest::writeFile(d + QStringLiteral("/model.safetensors.index.json"),
                      Json::object().set("metadata", Json::object()).set("weight_map", weightMap).dump());
    const auto sharded = loadDir(d);
    const auto single = TransformerModel::load(gbtest::modelFixture("neox-tiny-sequential").toStdString());
    QCOMPARE(maxDiff(sharded->logits(gbtest::fixturePrompt()), single->logits(gbtest::fixturePrompt())), 0.0);
}

void TestModelIo::halfPrecisionIsWidened()
{
    const auto model = TransformerModel::load(gbtest::modelFixture("neox-tiny").toStdString()); // stored F16
    const auto stored = gbtest::readAll(weightsOf(gbtest::modelFixture("neox-tiny")));
    for (const auto &[name, t] : model->namedParameters()) {
        QCOMPARE(t.scalar_type(), at::kFloat);
        QCOMPARE(maxDiff(t, stored.at(name)), 0.0); // F16 -> F32 is exact
    }
}

void TestModelIo::weightsAreZeroCopy()
{
    // Float32 parameters must point into the file mapping (/proc/self/maps), not into copies.
    const QString file = QFileInfo(weightsOf(gbtest::modelFixture("gpt2-tiny"))).canonicalFilePath();
    const auto model = TransformerModel::load(gbtest::modelFixture("gpt2-tiny").toStdString()); // stored F32
    std::vector<std::pair<quintptr, quintptr>> ranges;
    QFile maps(QStringLiteral("/proc/self/maps"));
    QVERIFY(maps.open(QIODevice::ReadOnly | QIODevice::Text));
    for (const QByteArray &line : maps.readAll().split('\n')) {
        if (!line.endsWith(file.toUtf8()))
            continue;
        const QList<QByteArray> range = line.split(' ').front().split('-');
        ranges.emplace_back(range[0].toULongLong(nullptr, 16), range[1].toULongLong(nullptr, 16));
    }
    QVERIFY(!ranges.empty());
    for (const auto &[name, t] : model->namedParameters()) {
        const auto p = reinterpret_cast<quintptr>(t.data_ptr());
        bool inside = false;
        for (const auto &[lo, hi] : ranges)
            inside = inside || (p >= lo && p < hi);
        QVERIFY2(inside, name.c_str());
    }
}

void TestModelIo::saveLoadRoundTrip()
{
    const auto random = TransformerModel::random(tinyNeox(), 7);
    QCOMPARE(random->parameterCount(), tinyNeox().parameterCount());
    const QString d = dir("saved-neox");
    random->save(d.toStdString());
    const auto back = loadDir(d);
    QCOMPARE(back->config(), random->config());
    const auto a = random->namedParameters(), b = back->namedParameters();
    QCOMPARE(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        QCOMPARE(a[i].first, b[i].first);
        QVERIFY(at::equal(a[i].second, b[i].second));
    }
    const at::Tensor tokens = at::arange(10, at::kLong);
    QCOMPARE(maxDiff(random->logits(tokens), back->logits(tokens)), 0.0);
    // Same seed, same model; another seed, another model.
    QVERIFY(at::equal(TransformerModel::random(tinyNeox(), 7)->embeddingMatrix(), random->embeddingMatrix()));
    QVERIFY(!at::equal(TransformerModel::random(tinyNeox(), 8)->embeddingMatrix(), random->embeddingMatrix()));
    // A loaded GPT-2 fixture survives a save too (tied embeddings written once).
    const auto gpt2 = TransformerModel::load(gbtest::modelFixture("gpt2-tiny").toStdString());
    const QString d2 = dir("saved-gpt2");
    gpt2->save(d2.toStdString());
    QVERIFY(!gbtest::readAll(weightsOf(d2)).count("lm_head.weight"));
    QCOMPARE(maxDiff(loadDir(d2)->logits(gbtest::fixturePrompt()), gpt2->logits(gbtest::fixturePrompt())), 0.0);
    const auto processed = loadDir(gbtest::modelFixture("gpt2-tiny"), ProcessingOptions::parse("fold_ln"));
    GB_VERIFY_THROWS(processed->save(dir("x").toStdString()), "cannot save a processed model (fold_ln)");
}

void TestModelIo::processingKeepsFunction_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QString>("processing");
    for (const char *f : {"gpt2-tiny", "neox-tiny", "neox-tiny-sequential"})
        for (const char *p : {"fold_ln", "center_writing_weights", "center_unembed", "fold_ln,center_writing_weights,center_unembed"})
            QTest::addRow("%s %s", f, p) << QString::fromLatin1(f) << QString::fromLatin1(p);
}

void TestModelIo::processingKeepsFunction()
{
    QFETCH(QString, fixture);
    QFETCH(QString, processing);
    const QString path = gbtest::modelFixture(fixture.toLatin1().constData());
    const auto raw = loadDir(path);
    const auto processed = loadDir(path, ProcessingOptions::parse(processing.toStdString()));
    QCOMPARE(QString::fromStdString(processed->processing().toString()), processing);
    const at::Tensor tokens = gbtest::fixturePrompt();
    const at::Tensor a = raw->logits(tokens), b = processed->logits(tokens);
    QVERIFY(maxDiff(at::log_softmax(a, -1), at::log_softmax(b, -1)) < 1e-4);
    if (processing.contains(QStringLiteral("center_unembed"))) {
        QVERIFY(processed->unembeddingMatrix().sum(1).abs().max().item<double>() < 1e-4); // zero mean over vocab
        QVERIFY(maxDiff(a, b) > 1e-3); // logits themselves move by a per-token constant
    } else {
        QVERIFY(maxDiff(a, b) < 1e-4);
    }
}

void TestModelIo::centeredResidualHooks()
{
    const QStringList residual{QStringLiteral("hook_embed"), QStringLiteral("blocks.0.hook_resid_pre"),
                               QStringLiteral("blocks.0.hook_attn_out"), QStringLiteral("blocks.1.hook_mlp_out"),
                               QStringLiteral("blocks.1.hook_resid_post")};
    for (const char *f : {"gpt2-tiny", "neox-tiny-sequential"}) {
        const QString path = gbtest::modelFixture(f);
        const auto raw = loadDir(path);
        const auto centred = loadDir(path, ProcessingOptions::parse("center_writing_weights"));
        ForwardInput in;
        in.tokens = gbtest::fixturePrompt();
        ForwardOptions opt;
        for (const QString &h : residual)
            opt.capture.push_back(h.toStdString());
        const ForwardResult r = raw->forward(in, opt), c = centred->forward(in, opt);
        for (const QString &h : residual) {
            const at::Tensor x = r.hook(h.toStdString());
            const double diff = maxDiff(c.hook(h.toStdString()), x - x.mean(-1, true));
            QVERIFY2(diff < 1e-4, qPrintable(QStringLiteral("%1 %2: %3").arg(QString::fromLatin1(f), h).arg(diff)));
        }
    }
}

void TestModelIo::foldedLayerNormHooks()
{
    // With fold_ln, hook_normalized is the pure (x - mean) / std of the stream it reads.
    const QString path = gbtest::modelFixture("neox-tiny");
    const auto raw = loadDir(path);
    const auto folded = loadDir(path, ProcessingOptions::parse("fold_ln"));
    ForwardInput in;
    in.tokens = gbtest::fixturePrompt();
    ForwardOptions opt;
    opt.capture = {"blocks.1.hook_resid_pre", "blocks.1.ln1.hook_normalized", "blocks.1.ln2.hook_normalized"};
    const ForwardResult r = raw->forward(in, opt), f = folded->forward(in, opt);
    const at::Tensor x = r.hook("blocks.1.hook_resid_pre");
    const at::Tensor pure = at::layer_norm(x, {32}, {}, {}, 1e-5);
    QVERIFY(maxDiff(f.hook("blocks.1.ln1.hook_normalized"), pure) < 1e-5);
    QVERIFY(maxDiff(f.hook("blocks.1.ln2.hook_normalized"), pure) < 1e-5); // parallel: ln2 reads resid_pre too
    QVERIFY(maxDiff(r.hook("blocks.1.ln1.hook_normalized"), pure) > 1e-2);
}

void TestModelIo::trainingReducesLoss()
{
    // The trainers' path: random model, trainable parameters by HF name, plain SGD on a fixed
    // sequence through autograd.
    auto model = TransformerModel::random(tinyNeox(), 3);
    model->setTrainable(true);
    const auto params = model->namedParameters();
    QCOMPARE(params.front().first, std::string("gpt_neox.embed_in.weight"));
    const at::Tensor tokens = at::tensor(std::vector<std::int64_t>{1, 5, 9, 2, 7, 5, 9, 2, 7, 5, 9, 2}, at::kLong).view({1, -1});
    const auto loss = [&] {
        ForwardInput in;
        in.tokens = tokens.narrow(1, 0, 11);
        const at::Tensor logits = model->forward(in).logits[0];
        return at::cross_entropy_loss(logits, tokens[0].narrow(0, 1, 11));
    };
    const double before = loss().item<double>();
    for (int step = 0; step < 30; ++step) {
        const at::Tensor l = loss();
        std::vector<at::Tensor> leaves;
        for (const auto &p : params)
            leaves.push_back(p.second);
        const auto grads = torch::autograd::grad({l}, leaves);
        at::NoGradGuard noGrad;
        for (std::size_t i = 0; i < leaves.size(); ++i)
            leaves[i].sub_(grads[i] * 0.5);
    }
    const double after = loss().item<double>();
    QVERIFY2(after < 0.5 * before, qPrintable(QStringLiteral("loss %1 -> %2").arg(before).arg(after)));
    // A loaded (file-backed) model becomes writable only through setTrainable.
    const auto loaded = TransformerModel::load(gbtest::modelFixture("gpt2-tiny").toStdString());
    loaded->setTrainable(true);
    for (const auto &p : loaded->namedParameters())
        QVERIFY(p.second.requires_grad());
    at::NoGradGuard noGrad;
    loaded->namedParameters().front().second.add_(1.0); // would fault on the read-only mapping
}

void TestModelIo::progressAndCancel()
{
    std::vector<ProgressUpdate> updates;
    Progress progress([&](const ProgressUpdate &u) { updates.push_back(u); });
    const CancelToken token;
    const auto model = TransformerModel::load(gbtest::modelFixture("neox-tiny").toStdString(), {}, &progress, &token);
    QVERIFY(model);
    QVERIFY(!updates.empty());
    QCOMPARE(updates.back().fraction, 1.0);
    bool sawWeights = false;
    for (const ProgressUpdate &u : updates)
        sawWeights = sawWeights || u.stage == "loading weights";
    QVERIFY(sawWeights);
    const CancelToken cancelled;
    cancelled.cancel();
    try {
        TransformerModel::load(gbtest::modelFixture("neox-tiny").toStdString(), {}, nullptr, &cancelled);
        QFAIL("a cancelled load returned");
    } catch (const Error &e) {
        QCOMPARE(e.kind(), Error::Kind::Cancelled);
    }
    // Cancelled while running, as the Jobs dock's button does: inside each stage, not only at the start.
    LoadOptions processed;
    processed.processing = ProcessingOptions::parse("fold_ln,center_writing_weights");
    for (const std::string stage : {"loading weights", "processing weights"}) {
        const CancelToken token;
        Progress watcher([&](const ProgressUpdate &u) {
            if (u.stage.rfind(stage, 0) == 0)
                token.cancel();
        });
        try {
            TransformerModel::load(gbtest::modelFixture("gpt2-tiny").toStdString(), processed, &watcher, &token);
            QFAIL(("a load cancelled during '" + stage + "' returned").c_str());
        } catch (const Error &e) {
            QCOMPARE(e.kind(), Error::Kind::Cancelled);
        }
    }
}

void TestModelIo::cliForward()
{
    const QString out = dir("forward.safetensors");
    const QString ws = dir("forward.gbx");
    const gbtest::CliResult r = gbtest::runCli({QStringLiteral("forward"), QStringLiteral("--model"), gbtest::modelFixture("gpt2-tiny"),
                             QStringLiteral("--ids"), QStringLiteral("3,17,42,5,30,1,33"), QStringLiteral("--capture"),
                             QStringLiteral("blocks.0.hook_resid_post"), QStringLiteral("--capture"),
                             QStringLiteral("hook_pos_embed"), QStringLiteral("--capture"),
                             QStringLiteral("blocks.1.attn.hook_pattern"), QStringLiteral("--out"), out,
                             QStringLiteral("--workspace"), ws, QStringLiteral("--quiet")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const Json summary = Json::parse(r.out.toStdString());
    QVERIFY(summary.find("timing")->find("load_s")->isNumber());
    QVERIFY(summary.find("timing")->find("compute_s")->isNumber());
    QVERIFY(summary.find("run_id")->toInt() > 0);
    QCOMPARE(summary.find("config")->find("n_layers")->toInt(), 2);
    const auto written = gbtest::readAll(out);
    const auto expected = gbtest::readAll(gbtest::modelFixture("gpt2-tiny") + QStringLiteral("/expected.safetensors"));
    QCOMPARE(written.size(), std::size_t(4));
    for (const char *name : {"logits", "blocks.0.hook_resid_post", "hook_pos_embed", "blocks.1.attn.hook_pattern"})
        QVERIFY2(maxDiff(written.at(name), expected.at(name)) < 1e-4, name);
    QCOMPARE(written.at("logits").sizes(), (at::IntArrayRef{7, 64}));
    QCOMPARE(written.at("blocks.1.attn.hook_pattern").sizes(), (at::IntArrayRef{4, 7, 7}));
}

void TestModelIo::cliForwardText()
{
    // A random GPT-2 whose vocabulary is a small byte-level BPE (256 byte tokens + 3 merges),
    // written in the legacy vocab.json + merges.txt layout.
    const QString d = dir("with-tokenizer");
    Json config = Json::parse(R"({"model_type":"gpt2","n_embd":16,"n_head":2,"n_layer":1,"n_positions":16,"vocab_size":259})");
    TransformerModel::random(ModelConfig::fromJson(config, "c"), 5)->save(d.toStdString());
    Json vocab = Json::object();
    for (int b = 0; b < 256; ++b)
        vocab.set(bytelevel::encodeBytes(std::string(1, char(b))), b);
    vocab.set("he", 256).set("ll", 257).set("hell", 258);
    gbtest::writeFile(d + QStringLiteral("/vocab.json"), vocab.dump());
    gbtest::writeFile(d + QStringLiteral("/merges.txt"), "#version: 0.2\nh e\nl l\nhe ll\n");
    const QString out = dir("text.safetensors");
    const gbtest::CliResult r = gbtest::runCli({QStringLiteral("forward"), QStringLiteral("--model"), d, QStringLiteral("--text"),
                             QStringLiteral("hello hell"), QStringLiteral("--out"), out, QStringLiteral("--quiet")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const Json summary = Json::parse(r.out.toStdString());
    const std::vector<std::int64_t> ids{258, 'o', bytelevel::charToByte(U'\u0120'), 258};
    std::vector<std::int64_t> got;
    for (const Json &v : summary.find("ids")->toArray())
        got.push_back(v.toInt());
    QCOMPARE(got, ids);
    QCOMPARE(summary.find("tokens")->toArray()[0].toString(), std::string("hell"));
    const auto model = loadDir(d);
    QCOMPARE(maxDiff(gbtest::readAll(out).at("logits"), model->logits(at::tensor(ids, at::kLong))[0]), 0.0);
}

void TestModelIo::cliForwardErrors_data()
{
    QTest::addColumn<QString>("args");
    QTest::addColumn<QString>("needle");
    QTest::addRow("unknown hook") << "--ids 1,2 --capture blocks.0.hook_resid_mid"
                                  << "parallel-residual models have no hook_resid_mid";
    QTest::addRow("no tokenizer") << "--text hello" << "missing tokenizer";
    QTest::addRow("both inputs") << "--text a --ids 1" << "exactly one of --text or --ids";
    QTest::addRow("bad id") << "--ids 1,x" << "\"x\" is not a token id";
    QTest::addRow("id out of range") << "--ids 1,99" << "token id 99 is outside the vocabulary";
    QTest::addRow("bad processing") << "--ids 1 --process fold" << "unknown weight processing \"fold\"";
    QTest::addRow("missing model") << "--ids 1 --model /nonexistent" << "no config.json";
}

void TestModelIo::cliForwardErrors()
{
    QFETCH(QString, args);
    QFETCH(QString, needle);
    const QString out = dir("never-written.safetensors");
    QStringList argv{QStringLiteral("forward"), QStringLiteral("--model"), gbtest::modelFixture("neox-tiny"),
                     QStringLiteral("--out"), out};
    argv += args.split(QLatin1Char(' ')); // a later --model wins
    const gbtest::CliResult r = gbtest::runCli(argv);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(needle), qPrintable(r.err));
    QVERIFY(!QFile::exists(out));
}

QTEST_GUILESS_MAIN(TestModelIo)
#include "tst_modelio.moc"
