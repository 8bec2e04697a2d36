// SPDX-License-Identifier: MIT
// Forward pass against the independent Python reference, plus invariants that hold for any
// correct causal transformer (causality, padding, KV cache, patching, early stop, generation).
#include "modeltestutils.h"

#include "common/error.h"
#include "models/hookpoints.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>

using namespace gb;
using gbtest::maxDiff;

namespace {

const char *const Fixtures[] = {"gpt2-tiny", "neox-tiny", "neox-tiny-sequential"};

void addFixtureRows()
{
    QTest::addColumn<QString>("fixture");
    for (const char *f : Fixtures)
        QTest::addRow("%s", f) << QString::fromLatin1(f);
}

std::shared_ptr<TransformerModel> loadFixture(const QString &name)
{
    return TransformerModel::load(gbtest::modelFixture(name.toLatin1().constData()).toStdString());
}

} // namespace

class TestModels : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void matchesReference_data() { addFixtureRows(); }
    void matchesReference();
    void hookTable();
    void unknownHookIsBadInput();
    void causality_data() { addFixtureRows(); }
    void causality();
    void batchMatchesSingle_data() { addFixtureRows(); }
    void batchMatchesSingle();
    void kvCacheMatchesFull_data() { addFixtureRows(); }
    void kvCacheMatchesFull();
    void patchWithCapturedValueIsNoop_data() { addFixtureRows(); }
    void patchWithCapturedValueIsNoop();
    void editChangesDownstream();
    void stopAfterLastHook_data() { addFixtureRows(); }
    void stopAfterLastHook();
    void embeddingsAndResidualInputs_data() { addFixtureRows(); }
    void embeddingsAndResidualInputs();
    void gradientsWrtEmbeddings();
    void generation_data() { addFixtureRows(); }
    void generation();
    void badForwardInputs();
};

void TestModels::matchesReference()
{
    QFETCH(QString, fixture);
    const auto model = loadFixture(fixture);
    const auto expected = gbtest::readAll(gbtest::modelFixture(fixture.toLatin1().constData())
                                          + QStringLiteral("/expected.safetensors"));
    ForwardInput in;
    in.tokens = gbtest::fixturePrompt();
    ForwardOptions opt;
    for (const auto &[name, value] : expected)
        if (name != "logits")
            opt.capture.push_back(name);
    const ForwardResult r = model->forward(in, opt);
    QVERIFY2(maxDiff(r.logits[0], expected.at("logits")) < 1e-4, qPrintable(QString::number(maxDiff(r.logits[0], expected.at("logits")))));
    for (const auto &[name, value] : expected) {
        if (name == "logits")
            continue;
        at::Tensor got = r.hook(name);
        // Position embeddings are broadcast over the batch; the reference stores one row set.
        got = got.size(0) == 1 ? got[0] : got;
        const double diff = maxDiff(got, value);
        QVERIFY2(diff < 1e-4, qPrintable(QStringLiteral("%1: max |diff| %2").arg(QString::fromStdString(name)).arg(diff)));
    }
    // Every hook the reference knows is one the model offers, and vice versa except the
    // attention scores (masked entries are not comparable).
    QCOMPARE(int(opt.capture.size()), model->hooks().size() - model->config().nLayers);
}

void TestModels::hookTable()
{
    const auto gpt2 = loadFixture(QStringLiteral("gpt2-tiny"));
    const auto neox = loadFixture(QStringLiteral("neox-tiny"));
    const auto seq = loadFixture(QStringLiteral("neox-tiny-sequential"));
    QVERIFY(gpt2->hasHook("hook_pos_embed"));
    QVERIFY(!gpt2->hasHook("blocks.0.attn.hook_rot_q"));
    QVERIFY(gpt2->hasHook("blocks.1.hook_resid_mid"));
    QVERIFY(!neox->hasHook("hook_pos_embed"));
    QVERIFY(neox->hasHook("blocks.1.attn.hook_rot_k"));
    QVERIFY(!neox->hasHook("blocks.0.hook_resid_mid")); // parallel residual
    QVERIFY(seq->hasHook("blocks.0.hook_resid_mid"));
    QVERIFY(!gpt2->hasHook("blocks.2.hook_resid_pre"));
    const HookTable &t = gpt2->hooks();
    QCOMPARE(t.name(0), std::string("hook_embed"));
    QCOMPARE(t.names().back(), std::string("ln_final.hook_normalized"));
    QVERIFY(t.index(HookKind::ResidPost, 0) < t.index(HookKind::ResidPre, 1));
    QCOMPARE(gpt2->hookShape("blocks.0.attn.hook_pattern", 2, 5), (std::vector<std::int64_t>{2, 4, 5, 5}));
    QCOMPARE(neox->hookShape("blocks.0.mlp.hook_post", 1, 3), (std::vector<std::int64_t>{1, 3, 48}));
}

void TestModels::unknownHookIsBadInput()
{
    const auto neox = loadFixture(QStringLiteral("neox-tiny"));
    ForwardInput in;
    in.tokens = gbtest::fixturePrompt();
    ForwardOptions opt;
    opt.capture = {"blocks.0.hook_resid_mid"};
    GB_VERIFY_THROWS(neox->forward(in, opt), "parallel-residual models have no hook_resid_mid");
    opt.capture = {"blocks.7.hook_resid_pre"};
    GB_VERIFY_THROWS(neox->forward(in, opt), "layer 7 does not exist");
    opt.capture = {"resid"};
    GB_VERIFY_THROWS(neox->forward(in, opt), "valid examples: hook_embed, blocks.0.hook_resid_pre");
    try {
        neox->forward(in, opt);
    } catch (const Error &e) {
        QCOMPARE(e.kind(), Error::Kind::BadInput);
    }
}

void TestModels::causality()
{
    QFETCH(QString, fixture);
    const auto model = loadFixture(fixture);
    const at::Tensor a = gbtest::fixturePrompt();
    at::Tensor b = a.clone();
    b[0][6] = 9;
    b[0][5] = 11;
    const at::Tensor la = model->logits(a), lb = model->logits(b);
    QVERIFY(maxDiff(la.narrow(1, 0, 5), lb.narrow(1, 0, 5)) < 1e-6);
    QVERIFY(maxDiff(la.narrow(1, 5, 2), lb.narrow(1, 5, 2)) > 1e-3); // the changed tokens do matter
}

void TestModels::batchMatchesSingle()
{
    QFETCH(QString, fixture);
    const auto model = loadFixture(fixture);
    const at::Tensor longer = gbtest::fixturePrompt();
    const at::Tensor shorter = at::tensor(std::vector<std::int64_t>{8, 2, 60, 14}, at::kLong).view({1, -1});
    at::Tensor batch = at::zeros({2, 7}, at::kLong);
    batch[0] = longer[0];
    batch.select(0, 1).narrow(0, 0, 4).copy_(shorter[0]);
    batch.select(0, 1).narrow(0, 4, 3).fill_(63); // padding ids are arbitrary
    at::Tensor mask = at::ones({2, 7}, at::kLong);
    mask.select(0, 1).narrow(0, 4, 3).zero_();
    ForwardInput in;
    in.tokens = batch;
    in.attentionMask = mask;
    ForwardOptions opt;
    opt.capture = {"blocks.1.hook_resid_post", "blocks.1.attn.hook_pattern"};
    const ForwardResult r = model->forward(in, opt);
    ForwardInput single;
    single.tokens = shorter;
    const ForwardResult s = model->forward(single, opt);
    QVERIFY(maxDiff(r.logits[0], model->logits(longer)[0]) < 1e-5);
    QVERIFY(maxDiff(r.logits[1].narrow(0, 0, 4), s.logits[0]) < 1e-5);
    QVERIFY(maxDiff(r.hook("blocks.1.hook_resid_post")[1].narrow(0, 0, 4), s.hook("blocks.1.hook_resid_post")[0]) < 1e-5);
    const at::Tensor pattern = r.hook("blocks.1.attn.hook_pattern")[1]; // [H, 7, 7]
    QVERIFY(maxDiff(pattern.narrow(1, 0, 4).narrow(2, 0, 4), s.hook("blocks.1.attn.hook_pattern")[0]) < 1e-6);
    QVERIFY(pattern.narrow(1, 0, 4).narrow(2, 4, 3).abs().max().item<double>() == 0.0); // padding gets no attention
}

void TestModels::kvCacheMatchesFull()
{
    QFETCH(QString, fixture);
    const auto model = loadFixture(fixture);
    const at::Tensor prompt = gbtest::fixturePrompt();
    const at::Tensor full = model->logits(prompt);
    KVCache cache;
    std::vector<at::Tensor> parts;
    std::int64_t at = 0;
    for (const std::int64_t n : {3, 1, 1, 2}) {
        ForwardInput in;
        in.tokens = prompt.narrow(1, at, n);
        in.cache = &cache;
        parts.push_back(model->forward(in).logits);
        at += n;
        QCOMPARE(cache.length(), at);
    }
    QVERIFY(maxDiff(at::cat(parts, 1), full) < 1e-5);
}

void TestModels::patchWithCapturedValueIsNoop()
{
    QFETCH(QString, fixture);
    const auto model = loadFixture(fixture);
    ForwardInput in;
    in.tokens = gbtest::fixturePrompt();
    ForwardOptions capture;
    capture.capture = model->hookNames();
    const ForwardResult clean = model->forward(in, capture);
    for (const std::string &name : model->hookNames()) {
        ForwardOptions patch;
        const at::Tensor value = clean.hook(name).clone();
        int calls = 0;
        patch.edits[name] = [&](const at::Tensor &x, const std::string &hook) {
            ++calls;
            if (hook != name || x.sizes() != value.sizes())
                throw Error::internal("edit got the wrong hook");
            return value;
        };
        const ForwardResult r = model->forward(in, patch);
        QCOMPARE(calls, 1);
        QVERIFY2(maxDiff(r.logits, clean.logits) == 0.0, name.c_str());
    }
}

void TestModels::editChangesDownstream()
{
    const auto model = loadFixture(QStringLiteral("gpt2-tiny"));
    ForwardInput in;
    in.tokens = gbtest::fixturePrompt();
    ForwardOptions opt;
    opt.capture = {"blocks.0.hook_resid_post", "blocks.1.hook_resid_pre", "blocks.0.hook_mlp_out"};
    const ForwardResult clean = model->forward(in, opt);
    // Zero-ablating the MLP output: the captured hook shows the edited value and the next block
    // starts from resid_mid alone.
    opt.edits["blocks.0.hook_mlp_out"] = [](const at::Tensor &x, const std::string &) { return at::zeros_like(x); };
    opt.capture.push_back("blocks.0.hook_resid_mid");
    const ForwardResult ablated = model->forward(in, opt);
    QCOMPARE(ablated.hook("blocks.0.hook_mlp_out").abs().max().item<double>(), 0.0);
    QVERIFY(maxDiff(ablated.hook("blocks.1.hook_resid_pre"), ablated.hook("blocks.0.hook_resid_mid")) < 1e-7);
    QVERIFY(maxDiff(ablated.logits, clean.logits) > 1e-3);
    // Steering: adding a vector to resid_pre of block 1 shifts that hook by exactly the vector.
    ForwardOptions steer;
    const at::Tensor direction = at::linspace(-1, 1, 16);
    steer.capture = {"blocks.1.hook_resid_pre"};
    steer.edits["blocks.1.hook_resid_pre"] = [&](const at::Tensor &x, const std::string &) { return x + direction; };
    const ForwardResult steered = model->forward(in, steer);
    QVERIFY(maxDiff(steered.hook("blocks.1.hook_resid_pre") - clean.hook("blocks.1.hook_resid_pre"),
                    direction.expand({1, 7, 16})) < 1e-6);
    // A wrong shape from an edit is the caller's error.
    ForwardOptions bad;
    bad.edits["blocks.0.hook_attn_out"] = [](const at::Tensor &x, const std::string &) { return x.narrow(1, 0, 2); };
    GB_VERIFY_THROWS(model->forward(in, bad), "expected [1, 7, 16]");
}

void TestModels::stopAfterLastHook()
{
    QFETCH(QString, fixture);
    const auto model = loadFixture(fixture);
    ForwardInput in;
    in.tokens = gbtest::fixturePrompt();
    ForwardOptions full;
    full.capture = model->hookNames();
    const ForwardResult all = model->forward(in, full);
    for (const std::string name : {"blocks.0.hook_resid_post", "blocks.1.attn.hook_z", "hook_embed", "ln_final.hook_normalized"}) {
        ForwardOptions stop;
        stop.capture = {name};
        stop.logits = false;
        int laterEdits = 0;
        stop.edits["blocks.1.hook_mlp_out"] = [&](const at::Tensor &x, const std::string &) {
            ++laterEdits;
            return x;
        };
        const ForwardResult r = model->forward(in, stop);
        QVERIFY(!r.logits.defined());
        QCOMPARE(r.hooks.size(), std::size_t(1));
        QCOMPARE(maxDiff(r.hook(name), all.hook(name)), 0.0);
        const bool afterMlp = name == std::string("ln_final.hook_normalized");
        QCOMPARE(laterEdits, afterMlp ? 1 : 0); // nothing past the stop point runs
    }
    ForwardOptions nothing;
    nothing.logits = false;
    GB_VERIFY_THROWS(model->forward(in, nothing), "must capture at least one hook");
}

void TestModels::embeddingsAndResidualInputs()
{
    QFETCH(QString, fixture);
    const auto model = loadFixture(fixture);
    const at::Tensor tokens = gbtest::fixturePrompt();
    ForwardOptions opt;
    opt.capture = {"blocks.1.hook_resid_pre", "hook_embed"};
    ForwardInput byTokens;
    byTokens.tokens = tokens;
    const ForwardResult ref = model->forward(byTokens, opt);
    ForwardInput byEmbeddings;
    byEmbeddings.tokenEmbeddings = model->embed(tokens);
    const ForwardResult e = model->forward(byEmbeddings, opt);
    QCOMPARE(maxDiff(e.logits, ref.logits), 0.0);
    QCOMPARE(maxDiff(e.hook("hook_embed"), ref.hook("hook_embed")), 0.0);
    ForwardInput byResidual;
    byResidual.residual = ref.hook("blocks.1.hook_resid_pre");
    byResidual.startLayer = 1;
    QCOMPARE(maxDiff(model->forward(byResidual).logits, ref.logits), 0.0);
    byResidual.startLayer = 2; // straight to ln_final
    ForwardOptions last;
    last.capture = {"blocks.1.hook_resid_post"};
    const at::Tensor finalResid = model->forward(byTokens, last).hook("blocks.1.hook_resid_post");
    byResidual.residual = finalResid;
    QVERIFY(maxDiff(model->forward(byResidual).logits, ref.logits) < 1e-6);
    QVERIFY(maxDiff(model->unembed(finalResid), ref.logits) < 1e-6);
}

void TestModels::gradientsWrtEmbeddings()
{
    // Autograd through the whole model: the gradient of a target logit w.r.t. the token
    // embeddings matches a central finite difference along a random direction.
    const auto model = loadFixture(QStringLiteral("gpt2-tiny"));
    const at::Tensor tokens = gbtest::fixturePrompt();
    const at::Tensor emb = model->embed(tokens).detach().to(at::kFloat).requires_grad_(true);
    const auto target = [&](const at::Tensor &e) {
        ForwardInput in;
        in.tokenEmbeddings = e;
        return at::log_softmax(model->forward(in).logits[0][6], -1)[11];
    };
    const at::Tensor y = target(emb);
    const at::Tensor grad = torch::autograd::grad({y}, {emb})[0];
    QVERIFY(grad.abs().sum().item<double>() > 0.0);
    at::Tensor direction = at::randn(emb.sizes(), at::kFloat);
    direction = direction / direction.norm();
    const double h = 1e-3;
    const double fd = (target(emb.detach() + h * direction).item<double>() - target(emb.detach() - h * direction).item<double>())
                      / (2 * h);
    const double analytic = (grad * direction).sum().item<double>();
    QVERIFY2(std::fabs(fd - analytic) < 1e-2 * std::max(0.1, std::fabs(analytic)),
             qPrintable(QStringLiteral("fd %1 vs autograd %2").arg(fd).arg(analytic)));
}

void TestModels::generation()
{
    QFETCH(QString, fixture);
    const auto model = loadFixture(fixture);
    const std::vector<std::int64_t> prompt{3, 17, 42};
    GenerateOptions greedy;
    greedy.maxNewTokens = 6;
    const std::vector<std::int64_t> g = model->generate(prompt, greedy);
    QCOMPARE(int(g.size()), 6);
    // Greedy with the cache equals argmax of full forwards, one token at a time.
    std::vector<std::int64_t> seq = prompt;
    for (int i = 0; i < 6; ++i) {
        const at::Tensor l = model->logits(at::tensor(seq, at::kLong));
        seq.push_back(l[0][-1].argmax().item<std::int64_t>());
    }
    QCOMPARE(std::vector<std::int64_t>(seq.begin() + 3, seq.end()), g);

    GenerateOptions sampled;
    sampled.maxNewTokens = 12;
    sampled.temperature = 1.5;
    sampled.topK = 10;
    sampled.seed = 42;
    const auto s1 = model->generate(prompt, sampled);
    QCOMPARE(model->generate(prompt, sampled), s1);
    sampled.seed = 43;
    const auto s2 = model->generate(prompt, sampled);
    QVERIFY(s1 != s2);
    // Top-1 sampling is greedy whatever the temperature.
    sampled.topK = 1;
    sampled.maxNewTokens = 6;
    QCOMPARE(model->generate(prompt, sampled), g);
    // A stop token ends generation after it is emitted.
    GenerateOptions stop = greedy;
    stop.stopToken = g[2];
    const auto stopped = model->generate(prompt, stop);
    QVERIFY(stopped.size() <= 3 && stopped.back() == g[2]);
    // The context limit ends generation.
    GenerateOptions longRun = greedy;
    longRun.maxNewTokens = 1000;
    QCOMPARE(int(model->generate(prompt, longRun).size()), model->config().nCtx - 3 + 1);
}

void TestModels::badForwardInputs()
{
    const auto model = loadFixture(QStringLiteral("neox-tiny"));
    ForwardInput in;
    in.tokens = at::tensor(std::vector<std::int64_t>{1, 64}, at::kLong);
    GB_VERIFY_THROWS(model->forward(in), "token id 64 is outside the vocabulary (0..63)");
    in.tokens = at::zeros({1, 33}, at::kLong);
    GB_VERIFY_THROWS(model->forward(in), "exceeds the model's context of 32");
    in.tokens = at::zeros({1, 3}, at::kFloat);
    GB_VERIFY_THROWS(model->forward(in), "token ids must be integers");
    ForwardInput none;
    GB_VERIFY_THROWS(model->forward(none), "exactly one of tokens");
    ForwardInput wrong;
    wrong.tokenEmbeddings = at::zeros({1, 3, 5});
    GB_VERIFY_THROWS(model->forward(wrong), "input must be [B, T, 32]");
    ForwardInput masked;
    masked.tokens = at::zeros({2, 3}, at::kLong);
    masked.attentionMask = at::ones({2, 4}, at::kLong);
    GB_VERIFY_THROWS(model->forward(masked), "attention mask must be [2, 3]");
}

QTEST_GUILESS_MAIN(TestModels)
#include "tst_models.moc"
