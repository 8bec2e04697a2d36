// SPDX-License-Identifier: MIT
// Attribution on the tiny transformer fixtures: targets against the model's own forward,
// gradients against finite differences, IG against a float64 reference written from the
// definition in Python (tests/reference/make_attribution_fixtures.py).
#include "attribution/attributionjob.h"
#include "attribution/languagetarget.h"
#include "attribution/methods.h"
#include "attribution/tokenscores.h"
#include "io/json.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "models/transformermodel.h"
#include "attribution/featuretarget.h"
#include "dictionaries/dictionaryloader.h"
#include "referencesae.h"
#include "testutils.h"

#include <ATen/ATen.h>

#include <QTemporaryDir>

namespace {

const std::vector<std::int64_t> Prompt{3, 17, 42, 5, 30, 1, 33};

std::shared_ptr<const gb::TransformerModel> fixtureModel(const std::string &name)
{
    static std::map<std::string, std::shared_ptr<const gb::TransformerModel>> cache;
    auto &m = cache[name];
    if (!m)
        m = gb::TransformerModel::load(QString(gbtest::fixturesDir() + QStringLiteral("/models/")).toStdString() + name);
    return m;
}

gb::LmTargetSpec spec(gb::LmTargetSpec::Kind kind, std::int64_t token, std::int64_t position = -1, std::int64_t foil = -1)
{
    gb::LmTargetSpec s;
    s.kind = kind;
    s.token = token;
    s.position = position;
    s.foil = foil;
    return s;
}

std::string referencePath()
{
    return QString(gbtest::fixturesDir() + QStringLiteral("/attribution/ig_reference.json")).toStdString();
}

double valueOf(const gb::LmProblem &p, const at::Tensor &x)
{
    return p.gradient.evaluate(x.unsqueeze(0)).item<double>();
}

at::Tensor fromJson(const gb::Json &array, at::IntArrayRef shape)
{
    std::vector<double> v;
    for (const gb::Json &e : array.toArray())
        v.push_back(e.toDouble());
    return at::tensor(v, at::kDouble).view(shape);
}

/// A token target case of the reference (feature cases run through a dictionary, below).
gb::LmTargetSpec referenceTarget(const gb::Json &c)
{
    const gb::Json &t = *c.find("target");
    return spec(gb::parseTargetKind(t.find("kind")->toString()), t.find("token")->toInt(), t.find("position")->toInt(),
                t.contains("foil") ? t.find("foil")->toInt() : -1);
}

} // namespace

class TestAttributionLm : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void targetsMatchTheForwardPass_data();
    void targetsMatchTheForwardPass();
    void igMatchesPythonReference_data();
    void igMatchesPythonReference();
    void featureTargetThroughDictionary();
    void adaptiveIgMeetsToleranceOnGpt2();
    void gradientsMatchFiniteDifferences();
    void maskingReplacesTokens();
    void tokensAfterThePositionGetZero();
    void residPreAndEmbeddingPathsAgree();
    void topNextTokensAreSorted();
    void jobComparesMethods();
    void generationMatrix();
    void jobsCancel();
    void cliContract();
    void cliComparesAndStoresRuns();
    void cliGeneration();
    void cliErrors_data();
    void cliErrors();
    void badRequests();
};

void TestAttributionLm::targetsMatchTheForwardPass_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("position");
    // The three fixtures cover learned and rotary positions, sequential and parallel residuals.
    for (const char *m : {"gpt2-tiny", "neox-tiny", "neox-tiny-sequential"})
        for (const auto k : {gb::LmTargetSpec::Kind::Logit, gb::LmTargetSpec::Kind::Probability,
                             gb::LmTargetSpec::Kind::LogProbability, gb::LmTargetSpec::Kind::LogitDifference})
            for (const int position : {-1, 2})
                QTest::addRow("%s %s %d", m, gb::toString(k).c_str(), position) << QString::fromLatin1(m) << int(k) << position;
}

void TestAttributionLm::targetsMatchTheForwardPass()
{
    QFETCH(QString, model);
    QFETCH(int, kind);
    QFETCH(int, position);
    const auto m = fixtureModel(model.toStdString());
    const auto k = gb::LmTargetSpec::Kind(kind);
    const gb::LmProblem p = gb::makeLmProblem(m, Prompt, spec(k, 9, position, 4), gb::LmInput::TokenEmbeddings,
                                              gb::LmBaseline{}, 1 << 26);
    const std::int64_t pos = position < 0 ? std::int64_t(Prompt.size()) - 1 : position;
    QCOMPARE(p.position, pos);
    const at::Tensor logits = m->logits(at::tensor(Prompt, at::kLong).view({1, -1}))[0][pos].to(at::kDouble);
    double expected = 0.0;
    switch (k) {
    case gb::LmTargetSpec::Kind::Logit: expected = logits[9].item<double>(); break;
    case gb::LmTargetSpec::Kind::Probability: expected = at::softmax(logits, 0)[9].item<double>(); break;
    case gb::LmTargetSpec::Kind::LogProbability: expected = at::log_softmax(logits, 0)[9].item<double>(); break;
    default: expected = (logits[9] - logits[4]).item<double>(); break;
    }
    QVERIFY2(gbtest::isClose(valueOf(p, p.input), expected, 1e-5, 1e-6),
             qPrintable(QStringLiteral("%1 vs %2").arg(valueOf(p, p.input)).arg(expected)));
}

void TestAttributionLm::igMatchesPythonReference_data()
{
    QTest::addColumn<int>("index");
    const gb::Json ref = gb::Json::parseFile(referencePath());
    int i = 0;
    for (const gb::Json &c : ref.find("cases")->toArray()) {
        if (!c.contains("sae"))
            QTest::addRow("%s", c.find("name")->toString().c_str()) << i;
        ++i;
    }
}

void TestAttributionLm::igMatchesPythonReference()
{
    QFETCH(int, index);
    const gb::Json ref = gb::Json::parseFile(referencePath());
    const gb::Json &c = ref.find("cases")->toArray()[std::size_t(index)];
    const gb::LmTargetSpec s = referenceTarget(c);
    std::vector<std::int64_t> ids;
    for (const gb::Json &e : c.find("ids")->toArray())
        ids.push_back(e.toInt());
    const gb::LmProblem lm = gb::makeLmProblem(fixtureModel(c.find("model")->toString()), ids, s,
                                               gb::parseLmInput(c.find("wrt")->toString()),
                                               gb::parseLmBaseline(c.find("baseline")->toString()), 1 << 26);
    const auto &shapeJson = c.find("shape")->toArray();
    const std::vector<std::int64_t> shape{shapeJson[0].toInt(), shapeJson[1].toInt()};
    gb::IgOptions o;
    o.steps = int(c.find("steps")->toInt());
    o.quadrature = gb::parseQuadrature(c.find("quadrature")->toString());
    const gb::GradientAttribution ig = gb::integratedGradients(lm.gradient, lm.input, lm.baseline, o,
                                                               gb::Progress::null(), gb::CancelToken());
    const at::Tensor expected = fromJson(*c.find("attributions"), shape);
    const double scale = expected.abs().max().item<double>();
    const double err = (ig.attributions - expected).abs().max().item<double>();
    QVERIFY2(err <= 2e-4 * scale + 1e-6, qPrintable(QStringLiteral("max error %1 of %2").arg(err).arg(scale)));
    QVERIFY(gbtest::isClose(ig.fX, c.find("f_x")->toDouble(), 1e-5, 1e-6));
    QVERIFY(gbtest::isClose(ig.fBaseline, c.find("f_baseline")->toDouble(), 1e-5, 1e-6));
    QVERIFY(std::fabs(ig.delta - c.find("delta")->toDouble()) < 1e-3 * std::fabs(ig.fX - ig.fBaseline) + 1e-6);

    const gb::GradientAttribution g = gb::saliency(lm.gradient, lm.input, /*absolute=*/false);
    const at::Tensor grad = fromJson(*c.find("gradient"), shape);
    QVERIFY((g.attributions - grad).abs().max().item<double>() <= 2e-4 * grad.abs().max().item<double>() + 1e-6);
}

void TestAttributionLm::adaptiveIgMeetsToleranceOnGpt2()
{
    // The Python reference's first case (float64 IG, 32 Gauss-Legendre steps) on gpt2-tiny.
    const gb::Json ref = gb::Json::parseFile(referencePath());
    const gb::Json &c = ref.find("cases")->toArray()[0];
    std::vector<std::int64_t> ids;
    for (const gb::Json &e : c.find("ids")->toArray())
        ids.push_back(e.toInt());
    const gb::LmProblem lm = gb::makeLmProblem(fixtureModel(c.find("model")->toString()), ids, referenceTarget(c),
                                               gb::parseLmInput(c.find("wrt")->toString()),
                                               gb::parseLmBaseline(c.find("baseline")->toString()), 1 << 26);
    const auto &shapeJson = c.find("shape")->toArray();
    const at::Tensor expected = fromJson(*c.find("attributions"), {shapeJson[0].toInt(), shapeJson[1].toInt()});
    for (const double tolerance : {1e-2, 1e-5}) {
        gb::AdaptiveIgOptions o;
        o.tolerance = tolerance;
        o.memoryBudgetBytes = 1 << 26;
        const gb::GradientAttribution a = gb::adaptiveIntegratedGradients(lm.gradient, lm.input, lm.baseline, o,
                                                                          gb::Progress::null(), gb::CancelToken());
        QVERIFY(a.converged);
        QVERIFY(std::fabs(a.delta) <= tolerance * std::fabs(a.fX - a.fBaseline));
        QVERIFY(gbtest::isClose(a.fX, c.find("f_x")->toDouble(), 1e-5, 1e-6));
        // The fixed rule it stopped at gives the same numbers.
        const bool gauss = a.levels.size() % 2 == 1;
        gb::IgOptions fixed;
        fixed.quadrature = gauss ? gb::Quadrature::GaussLegendre : gb::Quadrature::GaussKronrod;
        fixed.steps = gauss ? a.levels.back().first : (a.levels.back().first - 1) / 2;
        fixed.memoryBudgetBytes = o.memoryBudgetBytes;
        const gb::GradientAttribution f = gb::integratedGradients(lm.gradient, lm.input, lm.baseline, fixed,
                                                                  gb::Progress::null(), gb::CancelToken());
        // Up to float32 rounding: the two batch the points differently, and the model's
        // kernels round differently by batch size.
        const double diff = (a.attributions - f.attributions).abs().max().item<double>();
        QVERIFY2(diff < 1e-6 * f.attributions.abs().max().item<double>(), qPrintable(QString::number(diff)));
        if (tolerance < 1e-4) {
            const double scale = expected.abs().max().item<double>();
            QVERIFY((a.attributions - expected).abs().max().item<double>() <= 2e-4 * scale + 1e-6);
        }
    }
}

void TestAttributionLm::gradientsMatchFiniteDifferences()
{
    const gb::LmProblem p = gb::makeLmProblem(fixtureModel("gpt2-tiny"), Prompt,
                                              spec(gb::LmTargetSpec::Kind::LogProbability, 9),
                                              gb::LmInput::TokenEmbeddings, gb::LmBaseline{0}, 1 << 26);
    const gb::GradientAttribution g = gb::saliency(p.gradient, p.input, false);
    const double h = 1e-2; // float32 model: a central difference with h = 1e-2 is good to ~1e-4
    for (const auto &[t, j] : {std::pair{0, 0}, std::pair{2, 5}, std::pair{4, 11}, std::pair{6, 15}}) {
        at::Tensor xp = p.input.clone(), xm = p.input.clone();
        xp[t][j] += h;
        xm[t][j] -= h;
        const double fd = (valueOf(p, xp) - valueOf(p, xm)) / (2 * h);
        const double analytic = g.attributions[t][j].item<double>();
        QVERIFY2(std::fabs(fd - analytic) < 2e-3 + 1e-2 * std::fabs(analytic),
                 qPrintable(QStringLiteral("[%1,%2] fd %3 autograd %4").arg(t).arg(j).arg(fd).arg(analytic)));
    }
}

void TestAttributionLm::maskingReplacesTokens()
{
    // Masking a token on the embedding path is the same as feeding the baseline token's id.
    const auto m = fixtureModel("gpt2-tiny");
    const gb::LmProblem p = gb::makeLmProblem(m, Prompt, spec(gb::LmTargetSpec::Kind::LogProbability, 9),
                                              gb::LmInput::TokenEmbeddings, gb::LmBaseline{7}, 1 << 26);
    std::vector<gb::TokenMask> masks;
    for (std::size_t i = 0; i < Prompt.size(); ++i) {
        gb::TokenMask mask(Prompt.size(), 1);
        mask[i] = 0;
        masks.push_back(mask);
    }
    const std::vector<double> f = gb::evaluateMasks(p.masks, masks, gb::Progress::null(), gb::CancelToken());
    for (std::size_t i = 0; i < Prompt.size(); ++i) {
        std::vector<std::int64_t> replaced = Prompt;
        replaced[i] = 7;
        const at::Tensor logits = m->logits(at::tensor(replaced, at::kLong).view({1, -1}))[0].select(0, -1);
        const double expected = at::log_softmax(logits.to(at::kDouble), 0)[9].item<double>();
        QVERIFY(gbtest::isClose(f[i], expected, 1e-5, 1e-6));
    }
}

void TestAttributionLm::tokensAfterThePositionGetZero()
{
    const auto m = fixtureModel("neox-tiny");
    const gb::LmProblem p = gb::makeLmProblem(m, Prompt, spec(gb::LmTargetSpec::Kind::Logit, 9, 3),
                                              gb::LmInput::TokenEmbeddings, gb::LmBaseline{}, 1 << 26);
    QCOMPARE(p.gradient.bytesPerSample, gb::lmBytesPerSample(m->config(), 4, m->config().nLayers));
    gb::MethodOptions o;
    for (const auto method : gb::allAttributionMethods()) {
        const gb::MethodResult r = gb::runMethod({p.input, p.baseline, p.gradient, p.masks}, method, o,
                                                 gb::Progress::null(), gb::CancelToken());
        // LIME's sampled, kernel-weighted surrogate of a nonlinear target leaves small nonzero
        // coefficients (~6 % here) on tokens without effect.
        double largest = 0.0;
        for (const double v : r.scores)
            largest = std::max(largest, std::fabs(v));
        const double tolerance = method == gb::AttributionMethod::Lime ? 0.1 * largest : 1e-9;
        for (std::size_t i = 4; i < Prompt.size(); ++i)
            QVERIFY2(std::fabs(r.scores[i]) <= tolerance, gb::toString(method).c_str());
        QVERIFY(std::fabs(r.scores[1]) > 0);
    }
}

void TestAttributionLm::residPreAndEmbeddingPathsAgree()
{
    // resid_pre = token embedding + position embedding: with a token baseline both paths move
    // the same token part and hold positions fixed, so IG is identical. A zero baseline differs
    // on GPT-2 (positions are scaled too) but not on NeoX (no position embeddings).
    for (const char *model : {"gpt2-tiny", "neox-tiny"}) {
        for (const gb::LmBaseline b : {gb::LmBaseline{5}, gb::LmBaseline{}}) {
            gb::IgOptions o;
            o.steps = 24;
            std::vector<at::Tensor> attr;
            for (const auto input : {gb::LmInput::TokenEmbeddings, gb::LmInput::ResidPre}) {
                const gb::LmProblem p = gb::makeLmProblem(fixtureModel(model), Prompt,
                                                          spec(gb::LmTargetSpec::Kind::LogProbability, 9), input, b, 1 << 26);
                attr.push_back(gb::integratedGradients(p.gradient, p.input, p.baseline, o, gb::Progress::null(),
                                                       gb::CancelToken())
                                   .attributions);
            }
            const double diff = (attr[0] - attr[1]).abs().max().item<double>();
            const bool same = !b.isZero() || QByteArray(model) == "neox-tiny";
            QVERIFY2(same ? diff < 1e-5 : diff > 1e-3, qPrintable(QStringLiteral("%1 %2: %3").arg(QLatin1String(model)).arg(b.token).arg(diff)));
        }
    }
}

void TestAttributionLm::topNextTokensAreSorted()
{
    const auto m = fixtureModel("gpt2-tiny");
    const auto top = gb::topNextTokens(*m, Prompt, -1, 5);
    QCOMPARE(top.size(), std::size_t(5));
    const at::Tensor probs = at::softmax(m->logits(at::tensor(Prompt, at::kLong).view({1, -1}))[0][-1].to(at::kDouble), 0);
    QCOMPARE(top[0].first, probs.argmax().item<std::int64_t>());
    for (std::size_t i = 0; i < top.size(); ++i) {
        QVERIFY(gbtest::isClose(top[i].second, probs[top[i].first].item<double>(), 1e-9));
        if (i)
            QVERIFY(top[i].second <= top[i - 1].second);
    }
}

void TestAttributionLm::jobComparesMethods()
{
    gb::AttributionRequest r;
    r.model = fixtureModel("gpt2-tiny");
    r.ids = Prompt;
    r.methods = {gb::AttributionMethod::IntegratedGradients, gb::AttributionMethod::Occlusion,
                 gb::AttributionMethod::KernelShap};
    r.target = spec(gb::LmTargetSpec::Kind::LogProbability, 9);
    r.baseline = gb::LmBaseline{0};
    r.faithfulness = true;
    std::vector<std::string> stages;
    gb::Progress progress([&](const gb::ProgressUpdate &u) {
        if (stages.empty() || stages.back() != u.stage)
            stages.push_back(u.stage);
    });
    const gb::AttributionOutcome o = gb::runAttribution(r, progress, gb::CancelToken());
    QCOMPARE(o.results.size(), std::size_t(3));
    QCOMPARE(o.faithfulness.size(), std::size_t(3));
    QCOMPARE(o.agreement.size(), std::size_t(3));
    QCOMPARE(o.position, std::int64_t(6));
    QCOMPARE(stages.front(), std::string("Integrated Gradients"));
    QVERIFY(std::find(stages.begin(), stages.end(), "KernelSHAP: deletion / insertion") != stages.end());
    // KernelSHAP with 7 tokens enumerates all coalitions: complete to rounding.
    QVERIFY(o.results[2].exact && std::fabs(o.results[2].delta) < 1e-4);
    for (const gb::Faithfulness &f : o.faithfulness) {
        QCOMPARE(f.deletion.values.size(), Prompt.size() + 1);
        QVERIFY(gbtest::isClose(f.deletion.values.front(), o.results[0].fX, 1e-5));
        QVERIFY(gbtest::isClose(f.insertion.values.front(), o.results[0].fBaseline, 1e-5));
        QVERIFY(gbtest::isClose(f.deletion.values.back(), f.insertion.values.front(), 1e-5));
    }
    const gb::Json j = gb::Json::parse(gb::toJson(o).dump());
    QCOMPARE(j.find("methods")->toArray()[1].find("method")->toString(), std::string("occlusion"));
    QVERIFY(j.find("methods")->toArray()[0].find("faithfulness")->find("deletion")->contains("auc"));
    QCOMPARE(gb::toJson(r).find("methods")->toArray()[0].find("options")->find("steps")->toInt(), std::int64_t(50));
}

void TestAttributionLm::generationMatrix()
{
    const auto m = fixtureModel("gpt2-tiny");
    gb::GenerationAttributionRequest r;
    r.model = m;
    r.prompt = {3, 17, 42};
    r.newTokens = 4;
    r.method = gb::AttributionMethod::GradientXInput;
    const gb::GenerationAttribution g = gb::runGenerationAttribution(r, gb::Progress::null(), gb::CancelToken());
    gb::GenerateOptions greedy;
    greedy.maxNewTokens = 4;
    const std::vector<std::int64_t> expected = m->generate(r.prompt, greedy);
    QCOMPARE(std::vector<std::int64_t>(g.ids.begin() + 3, g.ids.end()), expected);
    QCOMPARE(g.generated(), 4);
    for (int k = 0; k < 4; ++k) {
        QCOMPARE(g.rows[std::size_t(k)].scores.size(), std::size_t(3 + k));
        QVERIFY(std::isnan(g.value(k, 3 + k)));
        // Each row is the plain attribution of that token from its prefix.
        gb::LmTargetSpec t = spec(gb::LmTargetSpec::Kind::LogProbability, g.ids[std::size_t(3 + k)]);
        const gb::LmProblem p = gb::makeLmProblem(m, std::vector<std::int64_t>(g.ids.begin(), g.ids.begin() + 3 + k), t,
                                                  gb::LmInput::TokenEmbeddings, gb::LmBaseline{}, 1 << 26);
        const gb::MethodResult direct = gb::runMethod({p.input, p.baseline, p.gradient, p.masks},
                                                      gb::AttributionMethod::GradientXInput, {}, gb::Progress::null(),
                                                      gb::CancelToken());
        QCOMPARE(direct.scores, g.rows[std::size_t(k)].scores);
    }
    r.continuation = {9, 9};
    const gb::GenerationAttribution fixed = gb::runGenerationAttribution(r, gb::Progress::null(), gb::CancelToken());
    QCOMPARE(fixed.ids, (std::vector<std::int64_t>{3, 17, 42, 9, 9}));
}

void TestAttributionLm::jobsCancel()
{
    gb::AttributionRequest r;
    r.model = fixtureModel("gpt2-tiny");
    r.ids = Prompt;
    r.target = spec(gb::LmTargetSpec::Kind::LogProbability, 9);
    r.memoryBudgetBytes = 1; // one step per batch
    gb::CancelToken cancel;
    // The user presses cancel as soon as the job reports its first stage.
    gb::Progress progress([&](const gb::ProgressUpdate &) { cancel.cancel(); });
    try {
        gb::runAttribution(r, progress, cancel);
        QFAIL("not cancelled");
    } catch (const gb::Error &e) {
        QCOMPARE(e.kind(), gb::Error::Kind::Cancelled);
    }
}

namespace {

QStringList cliArgs(const QStringList &extra)
{
    return QStringList{QStringLiteral("attribute"), QStringLiteral("--model"),
                       gbtest::fixturesDir() + QStringLiteral("/models/gpt2-tiny"), QStringLiteral("--ids"),
                       QStringLiteral("3,17,42,5,30,1,33"), QStringLiteral("--quiet"), QStringLiteral("--threads"),
                       QStringLiteral("1")}
        + extra;
}

gb::Json cliJson(const QStringList &extra)
{
    const gbtest::CliResult r = gbtest::runCli(cliArgs(extra));
    if (r.exitCode != 0)
        qWarning("%s", qPrintable(r.err));
    return gb::Json::parse(r.out.toStdString(), "glassbox-cli output");
}

std::vector<double> doubles(const gb::Json &array)
{
    std::vector<double> v;
    for (const gb::Json &e : array.toArray())
        v.push_back(e.toDouble());
    return v;
}

} // namespace

void TestAttributionLm::cliContract()
{
    const gb::Json j = cliJson({QStringLiteral("--method"), QStringLiteral("ig"), QStringLiteral("--target-token"),
                                QStringLiteral("9"), QStringLiteral("--steps"), QStringLiteral("32"), QStringLiteral("--baseline"),
                                QStringLiteral("token:0")});
    for (const char *key : {"tokens", "scores", "delta", "f_x", "f_baseline", "steps", "timing"})
        QVERIFY2(j.contains(key), key);
    QCOMPARE(j.find("tokens")->size(), Prompt.size());
    QCOMPARE(j.find("steps")->toInt(), std::int64_t(32));
    QVERIFY(j.find("timing")->contains("load_s") && j.find("timing")->contains("compute_s"));
    // The same numbers as the core computes, and as the Python reference's case 0 (32 GL steps).
    const gb::LmProblem p = gb::makeLmProblem(fixtureModel("gpt2-tiny"), Prompt, spec(gb::LmTargetSpec::Kind::LogProbability, 9),
                                              gb::LmInput::TokenEmbeddings, gb::LmBaseline{0}, 1 << 26);
    gb::IgOptions o;
    o.steps = 32;
    const gb::GradientAttribution ig = gb::integratedGradients(p.gradient, p.input, p.baseline, o, gb::Progress::null(),
                                                               gb::CancelToken());
    const std::vector<double> expected = gb::tokenScores(ig.attributions, gb::TokenReduction::Sum);
    QVERIFY(gbtest::maxAbsDiff(doubles(*j.find("scores")), expected) < 1e-6);
    const gb::Json ref = gb::Json::parseFile(referencePath());
    QVERIFY(gbtest::isClose(j.find("f_x")->toDouble(), ref.find("cases")->toArray()[0].find("f_x")->toDouble(), 1e-5));
    QVERIFY(std::fabs(j.find("delta")->toDouble()) < 1e-3);

    // Gauss-Kronrod: --steps 4 is the 4-point Gauss rule's 9-point extension.
    const gb::Json k = cliJson({QStringLiteral("--method"), QStringLiteral("ig"), QStringLiteral("--target-token"), QStringLiteral("9"),
                                QStringLiteral("--steps"), QStringLiteral("4"), QStringLiteral("--quadrature"),
                                QStringLiteral("gausskronrod"), QStringLiteral("--baseline"), QStringLiteral("token:0")});
    QCOMPARE(k.find("steps")->toInt(), std::int64_t(9));
    o.steps = 4;
    o.quadrature = gb::Quadrature::GaussKronrod;
    const gb::GradientAttribution kronrod = gb::integratedGradients(p.gradient, p.input, p.baseline, o, gb::Progress::null(),
                                                                    gb::CancelToken());
    QVERIFY(gbtest::maxAbsDiff(doubles(*k.find("scores")), gb::tokenScores(kronrod.attributions, gb::TokenReduction::Sum)) < 1e-6);
}

// The reference's SAE written as a SAELens folder and read back by the dictionary loader: the
// feature target then runs the product's path (loadDictionary, featureTarget, encodeSubset), in
// the core and through the CLI, against the float64 Python IG of the same feature.
void TestAttributionLm::featureTargetThroughDictionary()
{
    const gb::Json ref = gb::Json::parseFile(referencePath());
    const gb::Json &c = referenceFeatureCase(ref), &t = *c.find("target");
    const std::int64_t d = c.find("sae")->find("d_in")->toInt(), n = c.find("sae")->find("d_sae")->toInt();
    QTemporaryDir dir;
    const std::string folder = dir.path().toStdString();
    writeReferenceSae(c, dir.path());
    const auto dictionary = gb::loadDictionary(folder);
    const std::int64_t feature = t.find("feature")->toInt(), position = t.find("position")->toInt();
    std::vector<std::int64_t> ids;
    for (const gb::Json &e : c.find("ids")->toArray())
        ids.push_back(e.toInt());
    const gb::LmProblem lm = gb::makeLmProblem(fixtureModel("gpt2-tiny"), ids, gb::featureTarget(dictionary, feature, position),
                                               gb::LmInput::TokenEmbeddings, gb::parseLmBaseline(c.find("baseline")->toString()),
                                               1 << 26);
    gb::IgOptions o;
    o.steps = int(c.find("steps")->toInt());
    const gb::GradientAttribution ig = gb::integratedGradients(lm.gradient, lm.input, lm.baseline, o,
                                                               gb::Progress::null(), gb::CancelToken());
    const at::Tensor expected = fromJson(*c.find("attributions"), {std::int64_t(ids.size()), d});
    const double scale = expected.abs().max().item<double>();
    QVERIFY(scale > 1e-3);
    const double err = (ig.attributions - expected).abs().max().item<double>();
    QVERIFY2(err <= 2e-4 * scale + 1e-6, qPrintable(QStringLiteral("max error %1 of %2").arg(err).arg(scale)));
    QVERIFY(gbtest::isClose(ig.fX, c.find("f_x")->toDouble(), 1e-5, 1e-6));

    // The CLI contract with --target feature: per-token scores are the reference's row sums.
    const gb::Json out = cliJson({QStringLiteral("--target"), QStringLiteral("feature"), QStringLiteral("--dictionary"),
                                  dir.path(), QStringLiteral("--feature"), QString::number(feature), QStringLiteral("--position"),
                                  QString::number(position), QStringLiteral("--baseline"), QStringLiteral("token:0"),
                                  QStringLiteral("--steps"), QStringLiteral("32")});
    const at::Tensor rows = expected.sum(1);
    const auto &scores = out.find("scores")->toArray();
    QCOMPARE(scores.size(), ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i)
        QVERIFY(std::fabs(scores[i].toDouble() - rows[std::int64_t(i)].item<double>()) <= 2e-4 * scale + 1e-6);

    GB_VERIFY_THROWS(gb::featureTarget(dictionary, n, -1), "outside the dictionary's 8 features");
    const gbtest::CliResult missing = gbtest::runCli(cliArgs({QStringLiteral("--target"), QStringLiteral("feature")}));
    QCOMPARE(missing.exitCode, 2);
    QVERIFY(missing.err.contains(QStringLiteral("--target feature needs --dictionary DIR and --feature N")));
}

void TestAttributionLm::cliComparesAndStoresRuns()
{
    QTemporaryDir dir;
    const QString ws = dir.filePath(QStringLiteral("ws.gbx"));
    const gb::Json j = cliJson({QStringLiteral("--method"), QStringLiteral("ig,occlusion,kernel_shap"), QStringLiteral("--target-token"),
                                QStringLiteral("9"), QStringLiteral("--foil-token"), QStringLiteral("4"), QStringLiteral("--position"),
                                QStringLiteral("4"), QStringLiteral("--adaptive"), QStringLiteral("0.01"), QStringLiteral("--faithfulness"),
                                QStringLiteral("--workspace"), ws});
    QCOMPARE(j.find("method")->toString(), std::string("ig"));
    QCOMPARE(j.find("position")->toInt(), std::int64_t(4));
    QCOMPARE(j.find("methods")->size(), std::size_t(3));
    QCOMPARE(j.find("agreement")->size(), std::size_t(3));
    QVERIFY(j.contains("levels") && j.contains("faithfulness"));
    QVERIFY(std::fabs(j.find("delta")->toDouble()) <= 0.01 * std::fabs(j.find("f_x")->toDouble() - j.find("f_baseline")->toDouble()));
    const std::vector<double> scores = doubles(*j.find("scores"));
    QCOMPARE(scores[5], 0.0); // after the explained position
    QVERIFY(j.find("run_id")->toInt() > 0);
    const QString svg = dir.filePath(QStringLiteral("strip.svg"));
    const gbtest::CliResult r = gbtest::runCli({QStringLiteral("render"), QStringLiteral("--workspace"), ws, QStringLiteral("--run"),
                                                QString::number(j.find("run_id")->toInt()), QStringLiteral("--out"), svg});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const std::string text = gbtest::readFile(svg);
    QVERIFY(text.find("Integrated Gradients") != std::string::npos && text.find("KernelSHAP") != std::string::npos);
}

void TestAttributionLm::cliGeneration()
{
    const gb::Json j = cliJson({QStringLiteral("--generate"), QStringLiteral("3"), QStringLiteral("--method"),
                                QStringLiteral("grad_x_input")});
    QCOMPARE(j.find("prompt_length")->toInt(), std::int64_t(7));
    QCOMPARE(j.find("token_ids")->size(), std::size_t(10));
    const auto &matrix = j.find("matrix")->toArray();
    QCOMPARE(matrix.size(), std::size_t(3));
    QCOMPARE(matrix[0].size(), std::size_t(9));
    QVERIFY(matrix[0].toArray()[6].isNumber() && matrix[0].toArray()[7].isNull());
    QVERIFY(matrix[2].toArray()[8].isNumber());
}

// Each CLI start costs seconds (libtorch): a few rows check that errors reach stderr with exit
// code 2; the messages themselves are unit-tested in core.
void TestAttributionLm::cliErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::addRow("unknown method") << QStringList{QStringLiteral("--method"), QStringLiteral("deeplift"), QStringLiteral("--target-token"), QStringLiteral("1")}
                                    << "unknown attribution method \"deeplift\"";
    QTest::addRow("no target") << QStringList{} << "missing required option --target-token";
    QTest::addRow("words without tokenizer") << QStringList{QStringLiteral("--target-token"), QStringLiteral("1"), QStringLiteral("--words")}
                                             << "--words needs the model folder's tokenizer";
    QTest::addRow("bad position") << QStringList{QStringLiteral("--target-token"), QStringLiteral("1"), QStringLiteral("--position"), QStringLiteral("7")}
                                  << "position 7 is outside the prompt";
}

void TestAttributionLm::cliErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const gbtest::CliResult r = gbtest::runCli(cliArgs(args));
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
}

void TestAttributionLm::badRequests()
{
    const auto m = fixtureModel("gpt2-tiny");
    const auto make = [&](std::vector<std::int64_t> ids, gb::LmTargetSpec s, gb::LmBaseline b = {}) {
        return gb::makeLmProblem(m, ids, s, gb::LmInput::TokenEmbeddings, b, 1 << 26);
    };
    const auto logprob = spec(gb::LmTargetSpec::Kind::LogProbability, 9);
    GB_VERIFY_THROWS(make({}, logprob), "no tokens");
    GB_VERIFY_THROWS(make({1, 64}, logprob), "prompt token 64 is outside the vocabulary [0, 64)");
    GB_VERIFY_THROWS(make({1, 2}, spec(gb::LmTargetSpec::Kind::Logit, -3)), "target token -3");
    GB_VERIFY_THROWS(make({1, 2}, spec(gb::LmTargetSpec::Kind::Logit, 3, 2)), "position 2 is outside the prompt");
    GB_VERIFY_THROWS(make({1, 2}, spec(gb::LmTargetSpec::Kind::LogitDifference, 3)), "foil token -1");
    GB_VERIFY_THROWS(make({1, 2}, logprob, gb::LmBaseline{99}), "baseline token 99");
    GB_VERIFY_THROWS(make(std::vector<std::int64_t>(33, 1), logprob), "more than the model's context of 32");
    GB_VERIFY_THROWS(gb::parseLmBaseline("pad"), "valid: zero, token:ID");
    GB_VERIFY_THROWS(gb::parseTargetKind("entropy"), "valid: logit, prob, logprob");
    GB_VERIFY_THROWS(make({1, 2}, spec(gb::LmTargetSpec::Kind::Feature, 0)), "feature target needs");
}

QTEST_GUILESS_MAIN(TestAttributionLm)
#include "tst_attributionlm.moc"
