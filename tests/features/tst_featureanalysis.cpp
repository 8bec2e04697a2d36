// SPDX-License-Identifier: MIT
// What the feature views compute: prompt features, column orders, logit effects, decoder
// neighbours, dashboard window activations, pattern search over a scan, and steering.
#include "dictionaries/dictionaryloader.h"
#include "dictionaries/saedictionary.h"
#include "features/featureanalysis.h"
#include "features/scan.h"
#include "features/scandata.h"
#include "features/steering.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "store/workspace.h"
#include "tokenize/tokenizer_loader.h"
#include "scanfixture.h"

using gb::FeatureEdit;

namespace {

at::Tensor hookValue(const gb::TransformerModel &model, const std::vector<std::int64_t> &tokens, const std::string &hook)
{
    gb::ForwardInput in;
    in.tokens = at::tensor(tokens).unsqueeze(0);
    gb::ForwardOptions o;
    o.capture = {hook};
    return model.forward(in, o).hook(hook)[0];
}

} // namespace

class TestFeatureAnalysis : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void promptFeatures();
    void columnOrders();
    void logitEffectsByHand();
    void neighboursByHand();
    void dashboardWindowsAndSearch();
    void steeringWithoutEditsChangesNothing();
    void steeringMatchesAHandPatch_data();
    void steeringMatchesAHandPatch();

private:
    QTemporaryDir m_dir;
    gbtest::ScanFixture m_f;
    std::shared_ptr<gb::TransformerModel> m_model;
    std::shared_ptr<const gb::SparseDictionary> m_dict;
    std::vector<std::int64_t> m_prompt;
};

void TestFeatureAnalysis::initTestCase()
{
    m_f = gbtest::makeScanFixture(m_dir.path());
    m_model = gb::TransformerModel::load(m_f.model);
    m_dict = gb::loadDictionary(m_f.dictionary);
    const auto tok = gb::loadTokenizer(m_f.model);
    for (const auto id : tok->encodeIds("the cat sat on the mat and then ran far away"))
        m_prompt.push_back(id);
    m_prompt.insert(m_prompt.begin(), m_f.eot);
}

void TestFeatureAnalysis::promptFeatures()
{
    const gb::PromptFeatures p = gb::analysePrompt(*m_model, *m_dict, m_prompt, m_f.eot);
    const at::Tensor f = m_dict->encode(hookValue(*m_model, m_prompt, m_dict->hookIn()));
    QCOMPARE(p.rows(), std::int64_t(m_prompt.size()));
    const at::Tensor active = (f > 0).any(0);
    QCOMPARE(p.cols(), active.sum().item<std::int64_t>());
    QVERIFY(p.cols() > 0 && p.cols() < m_f.dSae);
    for (std::int64_t c = 0; c < p.cols(); ++c) {
        const std::int64_t id = p.features[std::size_t(c)];
        QVERIFY(active[id].item<bool>());
        QCOMPARE(p.columnOf(id), c);
        for (std::int64_t t = 0; t < p.rows(); ++t)
            QVERIFY(gbtest::isClose(p.value(t, c), f[t][id].item<float>(), 1e-5, 1e-6));
        QCOMPARE(p.count[std::size_t(c)], int((f.select(1, id) > 0).sum().item<std::int64_t>()));
    }
    QCOMPARE(p.columnOf(m_f.dSae + 5), std::int64_t(-1));
    // The strongest features at a position are that row's largest values.
    const auto strongest = p.strongestAt(3, 3);
    QVERIFY(!strongest.empty());
    QCOMPARE(strongest[0].first, std::get<1>(f[3].max(0)).item<std::int64_t>());
    QVERIFY(p.metrics.positions == std::int64_t(m_prompt.size()) - 1);
}

void TestFeatureAnalysis::columnOrders()
{
    gb::PromptFeatures p;
    p.tokens = {1, 2};
    p.features = {10, 20, 30};
    //            f10  f20  f30
    // token 0:   4    0    1
    // token 1:   0    3    1
    p.values = {4, 0, 1, 0, 3, 1};
    p.maxValue = {4, 3, 1};
    p.meanValue = {2, 1.5f, 1};
    p.count = {1, 1, 2};
    QCOMPARE(gb::orderColumns(p, gb::FeatureOrder::Max), (std::vector<std::int64_t>{0, 1, 2}));
    QCOMPARE(gb::orderColumns(p, gb::FeatureOrder::Count), (std::vector<std::int64_t>{2, 0, 1}));
    QCOMPARE(gb::orderColumns(p, gb::FeatureOrder::Mean), (std::vector<std::int64_t>{0, 1, 2}));
    QCOMPARE(gb::orderColumns(p, gb::FeatureOrder::Id), (std::vector<std::int64_t>{0, 1, 2}));
    const auto s = p.strongestAt(1, 5);
    QCOMPARE(s.size(), std::size_t(2));
    QCOMPARE(s[0].first, std::int64_t(20));
    QCOMPARE(s[1].first, std::int64_t(30));
}

void TestFeatureAnalysis::logitEffectsByHand()
{
    // ((d - mean d) * gamma_final) W_U for feature 5, computed here from the raw parameters.
    const at::Tensor d = m_dict->decoderDirections()[5];
    at::Tensor gamma;
    for (const auto &[name, t] : m_model->namedParameters())
        if (name.find("ln_f.weight") != std::string::npos)
            gamma = t;
    QVERIFY(gamma.defined());
    const at::Tensor expected = at::matmul((d - d.mean()) * gamma, m_model->unembeddingMatrix());
    const gb::LogitEffects e = gb::logitEffects(*m_model, *m_dict, 5, 4);
    QCOMPARE(e.positive.size(), std::size_t(4));
    QCOMPARE(e.positive[0].first, expected.argmax().item<std::int64_t>());
    QVERIFY(gbtest::isClose(e.positive[0].second, expected.max().item<double>(), 1e-5));
    QCOMPARE(e.negative[0].first, expected.argmin().item<std::int64_t>());
    QVERIFY(e.positive[1].second <= e.positive[0].second && e.negative[1].second >= e.negative[0].second);
    // A dictionary on the MLP's hidden units has no direct path to the logits.
    gbtest::writeSaeLens(m_dir.filePath(QStringLiteral("mlp")).toStdString(), "jumprelu", 32, 8, "blocks.0.mlp.hook_post");
    GB_VERIFY_THROWS(gb::logitEffects(*m_model, *gb::loadDictionary(m_dir.filePath(QStringLiteral("mlp")).toStdString()), 0, 3),
                     "is not in the residual stream");
}

void TestFeatureAnalysis::neighboursByHand()
{
    // Decoder rows [1, 0], [0.8, 0.6], [0, 2], [-3, 0]: cosines with row 0 are 0.8, 0, -1.
    gb::SaeWeights w;
    w.wEnc = at::zeros({2, 4});
    w.bEnc = at::zeros({4});
    w.wDec = at::tensor({1.0f, 0.0f, 0.8f, 0.6f, 0.0f, 2.0f, -3.0f, 0.0f}).reshape({4, 2});
    w.bDec = at::zeros({2});
    gb::DictionaryInfo info;
    info.dIn = info.dOut = 2;
    info.dSae = 4;
    const gb::DecoderNeighbours n(gb::SaeDictionary(info, gb::SaeSpec(), w));
    const auto near = n.nearest(0, 3);
    QCOMPARE(near.size(), std::size_t(3));
    QCOMPARE(near[0].first, std::int64_t(1));
    QVERIFY(gbtest::isClose(near[0].second, 0.8, 1e-6));
    QCOMPARE(near[1].first, std::int64_t(2));
    QCOMPARE(near[2].first, std::int64_t(3));
    QVERIFY(gbtest::isClose(near[2].second, -1.0, 1e-6));
}

void TestFeatureAnalysis::dashboardWindowsAndSearch()
{
    const std::string wsPath = m_dir.filePath(QStringLiteral("scan.gbx")).toStdString();
    auto ws = gb::Workspace::open(wsPath, true);
    gb::ScanInput in;
    in.model = m_model;
    in.dictionary = m_dict;
    in.tokenizer = gb::loadTokenizer(m_f.model);
    in.corpusPath = m_f.corpus;
    in.settings.context = 24;
    in.settings.topK = 5;
    in.workspacePath = wsPath;
    in.runId = gb::openScanRun(ws, gb::Json::object(), {}).id;
    gb::runScan(in, gb::Progress::null(), gb::CancelToken());
    const gb::ScanData scan = gb::ScanData::load(ws, in.runId);

    // Re-running a feature's top windows gives back the stored values at the stored positions.
    std::int64_t feature = 0;
    while (scan.stats().top(feature).size() < 3)
        ++feature;
    std::vector<std::pair<std::uint32_t, std::uint16_t>> examples;
    for (const auto &e : scan.stats().top(feature))
        examples.emplace_back(e.window, e.position);
    const auto acts = gb::windowActivations(*m_model, *m_dict, scan, feature, examples);
    QCOMPARE(acts.size(), examples.size());
    for (std::size_t i = 0; i < acts.size(); ++i) {
        QVERIFY(gbtest::isClose(acts[i].value, scan.stats().top(feature)[i].value, 1e-4, 1e-6));
        QCOMPARE(acts[i].tokens.size(), scan.window(acts[i].window).size());
        // The example's position holds the window's largest value (first on ties).
        const auto best = std::max_element(acts[i].activations.begin() + 1, acts[i].activations.end());
        QVERIFY(gbtest::isClose(*best, acts[i].value, 1e-5, 1e-6));
    }

    // Pattern search: brute force over every window holding the token.
    const std::int64_t token = scan.window(0)[3];
    const gb::PatternFeatures found = gb::featuresForPattern(*m_model, *m_dict, scan, {token}, 1000, 5);
    at::Tensor sum = at::zeros({m_f.dSae}, at::kDouble);
    std::int64_t occurrences = 0;
    for (std::int64_t w = 0; w < scan.windows(); ++w) {
        const std::vector<std::int64_t> tokens(scan.window(w).begin(), scan.window(w).end());
        if (std::find(tokens.begin(), tokens.end(), token) == tokens.end())
            continue;
        const at::Tensor f = m_dict->encode(hookValue(*m_model, tokens, m_dict->hookIn()));
        for (std::size_t p = 0; p < tokens.size(); ++p)
            if (tokens[p] == token) {
                sum += f[std::int64_t(p)].to(at::kDouble);
                ++occurrences;
            }
    }
    QCOMPARE(found.occurrences, occurrences);
    QVERIFY(!found.features.empty());
    const at::Tensor mean = sum / double(occurrences);
    QCOMPARE(found.features[0].feature, mean.argmax().item<std::int64_t>());
    QVERIFY(gbtest::isClose(found.features[0].meanActivation, mean.max().item<double>(), 1e-4));
    QCOMPARE(gb::featuresForPattern(*m_model, *m_dict, scan, {999999}, 10, 5).occurrences, std::int64_t(0));
}

void TestFeatureAnalysis::steeringWithoutEditsChangesNothing()
{
    const auto r = gb::steer(*m_model, *m_dict, m_prompt, {}, 5, 6);
    QCOMPARE(r.before.size(), std::size_t(5));
    for (std::size_t i = 0; i < r.before.size(); ++i) {
        QCOMPARE(r.before[i].token, r.after[i].token);
        QCOMPARE(r.before[i].probability, r.after[i].probability);
    }
    QCOMPARE(r.continuationBefore, r.continuationAfter);
    // Zeroing a feature that never fires on the prompt or the continuation changes nothing either.
    std::vector<std::int64_t> all = m_prompt;
    all.insert(all.end(), r.continuationBefore.begin(), r.continuationBefore.end());
    const at::Tensor f = m_dict->encode(hookValue(*m_model, all, m_dict->hookIn()));
    const std::int64_t silent = (f > 0).any(0).logical_not().nonzero()[0].item<std::int64_t>();
    const auto z = gb::steer(*m_model, *m_dict, m_prompt, {{silent, FeatureEdit::Mode::Zero, 0, {}}}, 5, 6);
    QCOMPARE(z.continuationAfter, r.continuationBefore);
    QVERIFY(gbtest::isClose(z.after[0].probability, r.before[0].probability, 1e-6));
    GB_VERIFY_THROWS(gb::steer(*m_model, *m_dict, m_prompt, {{m_f.dSae, FeatureEdit::Mode::Zero, 0, {}}}, 5, 1), "out of range");
}

void TestFeatureAnalysis::steeringMatchesAHandPatch_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<float>("value");
    QTest::addRow("clamp") << int(FeatureEdit::Mode::Clamp) << 2.5f;
    QTest::addRow("scale") << int(FeatureEdit::Mode::Scale) << 3.0f;
    QTest::addRow("zero") << int(FeatureEdit::Mode::Zero) << 0.0f;
}

void TestFeatureAnalysis::steeringMatchesAHandPatch()
{
    // With the exact dictionary (features relu(x_i) and relu(-x_i)), editing feature i at
    // position p moves x_i there by (f' - f); the error term keeps everything else.
    QFETCH(int, mode);
    QFETCH(float, value);
    const std::string dir = m_dir.filePath(QStringLiteral("identity")).toStdString();
    gbtest::writeSaeLens(dir, "identity", 16, 32, "blocks.0.hook_resid_post");
    const auto dict = gb::loadDictionary(dir);
    const std::int64_t p = 4;
    const at::Tensor x = hookValue(*m_model, m_prompt, "blocks.0.hook_resid_post");
    // The dimension with the largest positive value at p, so feature i = that dimension fires.
    const std::int64_t i = x[p].argmax().item<std::int64_t>();
    const float f = x[p][i].item<float>();
    const float edited = mode == int(FeatureEdit::Mode::Clamp) ? value : mode == int(FeatureEdit::Mode::Scale) ? f * value : 0.0f;
    gb::ForwardInput in;
    in.tokens = at::tensor(m_prompt).unsqueeze(0);
    gb::ForwardOptions o;
    o.edits["blocks.0.hook_resid_post"] = [&](const at::Tensor &v, const std::string &) {
        at::Tensor out = v.clone();
        out[0][p][i] += edited - f;
        return out;
    };
    const at::Tensor expected = m_model->forward(in, o).logits[0];
    const std::vector<float> got = gb::steeredLogits(*m_model, *dict, m_prompt, {{i, FeatureEdit::Mode(mode), value, {p}}});
    const at::Tensor gotT = at::tensor(got).reshape(expected.sizes());
    QVERIFY(at::allclose(gotT, expected, 1e-4, 1e-5));
    QVERIFY(!at::allclose(gotT, m_model->logits(in.tokens)[0], 1e-4, 1e-5)); // it did something
}

QTEST_GUILESS_MAIN(TestFeatureAnalysis)
#include "tst_featureanalysis.moc"
