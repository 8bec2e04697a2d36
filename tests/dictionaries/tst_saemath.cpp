// SPDX-License-Identifier: MIT
// Encode / decode of every SAE-family architecture on tiny weights whose answers are worked out
// by hand in the comments (spec-facts 1.3, 3.5).
#include "dictionaries/saedictionary.h"
#include "testutils.h"

#include <ATen/ATen.h>

#include <cmath>

using gb::DictionaryInfo;
using gb::DictionaryKind;
using gb::SaeDictionary;
using gb::SaeSpec;
using gb::SaeWeights;
using A = gb::SaeSpec::Activation;

namespace {

at::Tensor t(std::initializer_list<float> v) { return at::tensor(std::vector<float>(v), at::kFloat); }
at::Tensor m(std::initializer_list<std::initializer_list<float>> rows)
{
    std::vector<at::Tensor> r;
    for (const auto &row : rows)
        r.push_back(t(row));
    return at::stack(r);
}

std::vector<float> values(const at::Tensor &x)
{
    const at::Tensor c = x.detach().contiguous().to(at::kFloat).flatten();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

DictionaryInfo info(std::int64_t dIn, std::int64_t dSae, std::int64_t dOut = -1)
{
    DictionaryInfo i;
    i.path = "test-dictionary";
    i.hookIn = i.hookOut = "blocks.0.hook_resid_post";
    i.dIn = dIn;
    i.dSae = dSae;
    i.dOut = dOut < 0 ? dIn : dOut;
    if (dOut >= 0) {
        i.kind = DictionaryKind::Transcoder;
        i.hookOut = "blocks.0.hook_mlp_out";
    }
    return i;
}

/// W_enc = I, zero biases, W_dec = diag(decNorms): the encoder input is the pre-activation.
SaeWeights identity(std::int64_t n, at::Tensor decNorms = at::Tensor())
{
    SaeWeights w;
    w.wEnc = at::eye(n, at::kFloat);
    w.bEnc = at::zeros({n});
    w.wDec = decNorms.defined() ? at::diag(decNorms) : at::eye(n, at::kFloat);
    w.bDec = at::zeros({n});
    return w;
}

bool same(const at::Tensor &a, const std::vector<float> &expected, double tol = 0.0)
{
    const std::vector<float> v = values(a);
    if (v.size() != expected.size())
        return false;
    for (std::size_t i = 0; i < v.size(); ++i)
        if (std::fabs(double(v[i]) - double(expected[i])) > tol) {
            qWarning("element %zu: got %.9g, expected %.9g", i, double(v[i]), double(expected[i]));
            return false;
        }
    return true;
}

} // namespace

class TestSaeMath : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void standardWithDecoderBiasOnInput();
    void jumpReluIsStrictAndRectified();
    void topkTiesGoToLowerIndex_data();
    void topkTiesGoToLowerIndex();
    void topkRescaledByDecoderNorm();
    void gated();
    void skipTranscoder();
    void constantNormRescale();
    void layerNorm();
    void hookZShapes();
    void decoderNormGating();
    void datasetWiseScaling();
    void legacyFeatureScale();
    void spliceWithoutEditIsIdentity();
    void subsetMatchesFullEncode();
    void gradientsFlowToInput();
    void badShapesAndInputs();
};

void TestSaeMath::standardWithDecoderBiasOnInput()
{
    // x' = x - b_dec; f = ReLU(x' W_enc + b_enc); x_hat = f W_dec + b_dec.
    // x = [1.5, 0.5]: x' = [1, 1], pre = [1, 1, 0.5], x_hat = [1.5, 1.5] + b_dec = [2, 1].
    // x = [0.5, 0.5]: x' = [0, 1], pre = [0, 1, 1.5], x_hat = [1.5, 2.5] + b_dec = [2, 2].
    SaeWeights w;
    w.wEnc = m({{1, 0, -1}, {0, 2, 1}});
    w.bEnc = t({0, -1, 0.5});
    w.wDec = m({{1, 0}, {0, 1}, {1, 1}});
    w.bDec = t({0.5, -0.5});
    SaeSpec spec;
    spec.subtractDecoderBias = true;
    const SaeDictionary d(info(2, 3), spec, w);
    const auto out = d.forward(m({{1.5, 0.5}, {0.5, 0.5}}));
    QVERIFY(same(out.features, {1, 1, 0.5, 0, 1, 1.5}));
    QVERIFY(same(out.reconstruction, {2, 1, 2, 2}));
    QCOMPARE(out.features.sizes().vec(), (std::vector<std::int64_t>{2, 3}));
}

void TestSaeMath::jumpReluIsStrictAndRectified()
{
    // pre = x W_enc with W_enc = [[1, 0, -1], [0, 2, 1]], thresholds [1, 0.5, -1]:
    // x = [1, 0.25] -> pre [1, 0.5, -0.75]: exactly at the thresholds (strict >) -> 0, and
    //   -0.75 > -1 but ReLU(-0.75) = 0 -> 0.
    // x = [1.5, 0.5] -> pre [1.5, 1, -0.5] -> [1.5, 1, 0].
    // x = [1.5, 1.5] -> pre [1.5, 3, 0] -> 0 > -1 but ReLU(0) = 0 -> [1.5, 3, 0].
    SaeWeights w;
    w.wEnc = m({{1, 0, -1}, {0, 2, 1}});
    w.bEnc = at::zeros({3});
    w.wDec = at::ones({3, 2});
    w.bDec = at::zeros({2});
    w.threshold = t({1, 0.5, -1});
    SaeSpec spec;
    spec.activation = A::JumpReLU;
    const SaeDictionary d(info(2, 3), spec, w);
    QVERIFY(same(d.encode(m({{1, 0.25}, {1.5, 0.5}, {1.5, 1.5}})), {0, 0, 0, 1.5, 1, 0, 1.5, 3, 0}));
    // The next float above the threshold fires.
    const float above = std::nextafter(1.0f, 2.0f);
    QVERIFY(same(d.encode(m({{above, 0}})), {above, 0, 0}));
}

void TestSaeMath::topkTiesGoToLowerIndex_data()
{
    QTest::addColumn<std::vector<float>>("pre");
    QTest::addColumn<int>("k");
    QTest::addColumn<std::vector<float>>("expected");
    QTest::addRow("three-way tie for two slots") << std::vector<float>{3, 1, 3, 3} << 2 << std::vector<float>{3, 0, 3, 0};
    QTest::addRow("tie at the k-th value") << std::vector<float>{5, 2, 2, -1} << 2 << std::vector<float>{5, 2, 0, 0};
    QTest::addRow("no tie") << std::vector<float>{0.5, 4, 2, 1} << 2 << std::vector<float>{0, 4, 2, 0};
    QTest::addRow("negatives kept then rectified") << std::vector<float>{-1, -2, -3, -4} << 2 << std::vector<float>{0, 0, 0, 0};
    QTest::addRow("all equal") << std::vector<float>{7, 7, 7, 7} << 3 << std::vector<float>{7, 7, 7, 0};
    QTest::addRow("k = size") << std::vector<float>{1, -1, 2, 0} << 4 << std::vector<float>{1, 0, 2, 0};
}

void TestSaeMath::topkTiesGoToLowerIndex()
{
    QFETCH(std::vector<float>, pre);
    QFETCH(int, k);
    QFETCH(std::vector<float>, expected);
    SaeSpec spec;
    spec.activation = A::TopK;
    spec.k = k;
    const SaeDictionary d(info(4, 4), spec, identity(4));
    const at::Tensor x = at::tensor(pre, at::kFloat).unsqueeze(0);
    QVERIFY(same(d.encode(x), expected));
    // Exactly k entries are selected even when more tie (the mask, before ReLU).
    QCOMPARE(gb::topkMask(x, k).sum().item<std::int64_t>(), std::int64_t(std::min<int>(k, 4)));
    // The same rows in a batch with other rows give the same answer.
    const at::Tensor batch = at::cat({at::randn({3, 4}), x, at::randn({2, 4})});
    QVERIFY(same(d.encode(batch)[3], expected));
}

void TestSaeMath::topkRescaledByDecoderNorm()
{
    // Decoder norms n = [2, 1, 1, 0.5]; pre = x. h * n = [2, 1.5, 0.2, 2]; k = 2 keeps indices
    // 0 and 3 (both 2) -> f = [2, 0, 0, 2]; decode divides by n first: [1, 0, 0, 4] W_dec
    // = [1*2, 0, 0, 4*0.5] = [2, 0, 0, 2].
    SaeSpec spec;
    spec.activation = A::TopK;
    spec.k = 2;
    spec.scaleByDecoderNorm = true;
    const SaeDictionary d(info(4, 4), spec, identity(4, t({2, 1, 1, 0.5})));
    const auto out = d.forward(m({{1, 1.5, 0.2, 4}}));
    QVERIFY(same(out.features, {2, 0, 0, 2}));
    QVERIFY(same(out.reconstruction, {2, 0, 0, 2}));
    // The directions are per unit of the (rescaled) feature: W_dec[i] / ||W_dec[i]||.
    QVERIFY(same(d.decoderDirections(), {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1}));
}

void TestSaeMath::gated()
{
    // proj = x W_enc, W_enc = [[1, -1], [1, 1]]; gate = proj + b_gate > 0; magnitude =
    // ReLU(proj * exp(r_mag) + b_mag) with b_gate = [0, -0.5], r_mag = [0, ln 2], b_mag = [0.5, 0].
    // x = [1, 0]: proj [1, -1]; gate [1 > 0, -1.5 > 0] = [1, 0]; mag [1.5, 0] -> f = [1.5, 0].
    // x = [0, 1]: proj [1, 1]; gate [1, 0.5 > 0] = [1, 1]; mag [1.5, 2] -> f = [1.5, 2].
    // x = [-1, 1]: proj [0, 2]; gate [0 > 0 false, 1.5 > 0] = [0, 1]; mag [0.5, 4] -> [0, 4].
    SaeWeights w;
    w.wEnc = m({{1, -1}, {1, 1}});
    w.bGate = t({0, -0.5});
    w.rMag = t({0, float(std::log(2.0))});
    w.bMag = t({0.5, 0});
    w.wDec = at::eye(2, at::kFloat);
    w.bDec = at::zeros({2});
    SaeSpec spec;
    spec.activation = A::Gated;
    const SaeDictionary d(info(2, 2), spec, w);
    QVERIFY(same(d.encode(m({{1, 0}, {0, 1}, {-1, 1}})), {1.5, 0, 1.5, 2, 0, 4}, 1e-6));
}

void TestSaeMath::skipTranscoder()
{
    // f = ReLU(x W_enc + b_enc) = ReLU(x) for W_enc = I; y = f W_dec + b_dec + x W_skip^T.
    // x = [2, -1]: f = [2, 0]; f W_dec = [2, 0, 0]; + b_dec [0, 0, 1]; x W_skip^T = [0, 0, 1]
    // -> [2, 0, 2].
    SaeWeights w;
    w.wEnc = at::eye(2, at::kFloat);
    w.bEnc = at::zeros({2});
    w.wDec = m({{1, 0, 0}, {0, 1, 0}});
    w.bDec = t({0, 0, 1});
    w.wSkip = m({{0, 0}, {0, 0}, {1, 1}});
    SaeSpec spec;
    spec.undoNormOnOutput = false;
    const SaeDictionary d(info(2, 2, 3), spec, w);
    QVERIFY(d.decodeNeedsInput());
    const at::Tensor x = m({{2, -1}});
    const auto out = d.forward(x);
    QVERIFY(same(out.features, {2, 0}));
    QVERIFY(same(out.reconstruction, {2, 0, 2}));
    GB_VERIFY_THROWS(d.decode(out.features), "needs the input activations");
    // A transcoder's splice keeps the error against the output hook's value.
    const at::Tensor target = m({{2.5, 1, 2}});
    QVERIFY(same(d.spliceEdited(x, out.features, target), {2.5, 1, 2}));
    QVERIFY(same(d.spliceEdited(x, m({{0, 3}}), target), {0.5, 4, 2}));
    GB_VERIFY_THROWS(d.spliceEdited(x, out.features), "needs the value of its output hook");
}

void TestSaeMath::constantNormRescale()
{
    // x = [3, 4], ||x|| = 5: x' = x * sqrt(2) / 5; identity weights give f = x' and the decoder
    // output divided by the same factor gives x back.
    SaeSpec spec;
    spec.norm = SaeSpec::Norm::PerToken;
    const SaeDictionary d(info(2, 2), spec, identity(2));
    const auto out = d.forward(m({{3, 4}}));
    const float s = float(std::sqrt(2.0) / 5.0);
    QVERIFY(same(out.features, {3 * s, 4 * s}, 1e-6));
    QVERIFY(same(out.reconstruction, {3, 4}, 1e-5));
}

void TestSaeMath::layerNorm()
{
    // x = [1, 3]: mean 2, centred [-1, 1], std (Bessel) sqrt(2): x' = [-1, 1] / (sqrt 2 + 1e-5).
    // ReLU -> f = [0, 1 / (sqrt 2 + 1e-5)]; decode: f * std + mean = [2, 2 + sqrt2/(sqrt2 + 1e-5)].
    SaeSpec spec;
    spec.norm = SaeSpec::Norm::LayerNorm;
    const SaeDictionary d(info(2, 2), spec, identity(2));
    const auto out = d.forward(m({{1, 3}}));
    const double r2 = std::sqrt(2.0);
    QVERIFY(same(out.features, {0, float(1 / (r2 + 1e-5))}, 1e-6));
    QVERIFY(same(out.reconstruction, {2, float(2 + r2 / (r2 + 1e-5))}, 1e-6));
}

void TestSaeMath::hookZShapes()
{
    // A hook_z dictionary with d_in = 2 heads x 2 dims reads [pos, heads, d_head] and writes the
    // reconstruction back in that shape.
    SaeSpec spec;
    spec.hookZ = true;
    const SaeDictionary d(info(4, 4), spec, identity(4));
    const at::Tensor x = at::arange(12, at::kFloat).reshape({3, 2, 2});
    const auto out = d.forward(x);
    QCOMPARE(out.features.sizes().vec(), (std::vector<std::int64_t>{3, 4}));
    QCOMPARE(out.reconstruction.sizes().vec(), (std::vector<std::int64_t>{3, 2, 2}));
    QVERIFY(at::equal(out.reconstruction, x));
    QVERIFY(at::equal(d.encode(x.reshape({3, 4})), out.features));
}

void TestSaeMath::decoderNormGating()
{
    // OpenMOSS: f = act(h * n) / n with n = ||W_dec[i]|| = [2, 0.5] and thresholds [1, 1].
    // h = [0.6, 1.5]: h * n = [1.2, 0.75] -> [1.2, 0] / n = [0.6, 0]. h = [0.5, 2.5]:
    // h * n = [1, 1.25] -> 1 is not > 1 -> [0, 2.5].
    SaeWeights w = identity(2, t({2, 0.5}));
    w.threshold = t({1, 1});
    SaeSpec spec;
    spec.activation = A::JumpReLU;
    spec.gateOnDecoderNorm = true;
    const SaeDictionary d(info(2, 2), spec, w);
    QVERIFY(same(d.encode(m({{0.6f, 1.5f}, {0.5f, 2.5f}})), {0.6f, 0, 0, 2.5f}));
}

void TestSaeMath::datasetWiseScaling()
{
    // x' = x * 2; f = ReLU(x'); x_hat = (f W_dec + b_dec) / 4 (a transcoder-like output scale).
    // x = [1, -1]: f = [2, 0]; x_hat = [2, 0] / 4 = [0.5, 0]. Directions are W_dec / 4.
    SaeSpec spec;
    spec.norm = SaeSpec::Norm::Constant;
    spec.inScale = 2;
    spec.outScale = 4;
    const SaeDictionary d(info(2, 2), spec, identity(2));
    const auto out = d.forward(m({{1, -1}}));
    QVERIFY(same(out.features, {2, 0}));
    QVERIFY(same(out.reconstruction, {0.5, 0}));
    QVERIFY(same(d.decoderDirections(), {0.25, 0, 0, 0.25}));
    QVERIFY(same(d.encoderDirections(), {2, 0, 0, 2}));
}

void TestSaeMath::legacyFeatureScale()
{
    // x_hat = (f * s) W_dec + b_dec with s = [3, 0.5]: f = [1, 2] -> [3, 1].
    SaeWeights w = identity(2);
    w.featureScale = t({3, 0.5});
    const SaeDictionary d(info(2, 2), SaeSpec(), w);
    QVERIFY(same(d.decode(m({{1, 2}})), {3, 1}));
}

void TestSaeMath::spliceWithoutEditIsIdentity()
{
    at::manual_seed(3);
    SaeWeights w;
    w.wEnc = at::randn({8, 32});
    w.bEnc = at::randn({32});
    w.wDec = at::randn({32, 8});
    w.bDec = at::randn({8});
    SaeSpec spec;
    spec.subtractDecoderBias = true;
    spec.norm = SaeSpec::Norm::LayerNorm;
    const SaeDictionary d(info(8, 32), spec, w);
    const at::Tensor x = at::randn({5, 8});
    QVERIFY(at::equal(d.spliceEdited(x, d.encode(x)), x));
    // Zeroing a feature moves the output by exactly its decoded contribution.
    at::Tensor edited = d.encode(x).clone();
    edited.select(1, 7).zero_();
    const at::Tensor moved = d.spliceEdited(x, edited) - x;
    const at::Tensor expected = d.decode(edited, x) - d.decode(d.encode(x), x);
    QVERIFY(at::allclose(moved, expected, 1e-5, 1e-5));
}

void TestSaeMath::subsetMatchesFullEncode()
{
    at::manual_seed(5);
    SaeWeights w;
    w.wEnc = at::randn({6, 20});
    w.bEnc = at::randn({20});
    w.wDec = at::randn({20, 6});
    w.bDec = at::randn({6});
    w.threshold = at::rand({20});
    for (A a : {A::ReLU, A::JumpReLU, A::TopK}) {
        SaeSpec spec;
        spec.activation = a;
        spec.k = 5;
        const SaeDictionary d(info(6, 20), spec, w);
        const at::Tensor x = at::randn({2, 3, 6});
        const std::vector<std::int64_t> ids{17, 2, 9};
        const at::Tensor sub = d.encodeSubset(x, ids);
        QCOMPARE(sub.sizes().vec(), (std::vector<std::int64_t>{2, 3, 3}));
        QVERIFY(at::allclose(sub, d.encode(x).index_select(-1, at::tensor(ids)), 1e-6, 1e-6));
    }
}

void TestSaeMath::gradientsFlowToInput()
{
    // For an active standard feature, d f_i / d x = W_enc[:, i].
    SaeWeights w;
    w.wEnc = m({{1, 0, -1}, {0, 2, 1}});
    w.bEnc = t({0, -1, 0.5});
    w.wDec = at::ones({3, 2});
    w.bDec = at::zeros({2});
    const SaeDictionary d(info(2, 3), SaeSpec(), w);
    const at::Tensor x = m({{1.5, 1.5}}).requires_grad_(true); // pre_1 = 2 * 1.5 - 1 > 0
    d.encodeSubset(x, {1}).sum().backward();
    QVERIFY(same(x.grad(), {0, 2}));
}

void TestSaeMath::badShapesAndInputs()
{
    SaeWeights w = identity(3);
    w.wEnc = at::zeros({2, 4});
    GB_VERIFY_THROWS(SaeDictionary(info(2, 3), SaeSpec(), w), "tensor 'W_enc' has shape [2, 4], expected [2, 3]");
    SaeSpec jump;
    jump.activation = A::JumpReLU;
    GB_VERIFY_THROWS(SaeDictionary(info(3, 3), jump, identity(3)), "tensor 'threshold' is missing");
    SaeSpec topk;
    topk.activation = A::TopK;
    topk.k = 9;
    GB_VERIFY_THROWS(SaeDictionary(info(3, 3), topk, identity(3)), "1 <= k <= d_sae");
    const SaeDictionary d(info(3, 3), SaeSpec(), identity(3));
    GB_VERIFY_THROWS(d.encode(at::zeros({4, 5})), "the last dimension is 5 but the dictionary expects 3 (it reads blocks.0.hook_resid_post)");
    GB_VERIFY_THROWS(d.decode(at::zeros({4, 2})), "the last dimension is 2 but the dictionary expects 3");
    GB_VERIFY_THROWS(d.encodeSubset(at::zeros({1, 3}), {3}), "feature 3 out of range");
}

QTEST_GUILESS_MAIN(TestSaeMath)
#include "tst_saemath.moc"
