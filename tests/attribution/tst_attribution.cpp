// SPDX-License-Identifier: MIT
// Exactness of the model-agnostic attribution methods on functions whose answers are known in
// closed form or by enumeration.
#include "attribution/faithfulness.h"
#include "attribution/gradients.h"
#include "attribution/methods.h"
#include "io/json.h"
#include "attribution/perturbation.h"
#include "attribution/quadrature.h"
#include "attribution/ranking.h"
#include "attribution/tokenscores.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "testutils.h"

#include <ATen/ATen.h>

#include <cmath>
#include <functional>
#include <numeric>

Q_DECLARE_METATYPE(gb::Quadrature)
Q_DECLARE_METATYPE(std::vector<double>)
Q_DECLARE_METATYPE(std::vector<std::string>)

namespace {

using MaskFn = std::function<double(const gb::TokenMask &)>;

/// A mask target evaluating `fn` row by row; counts calls and the largest batch seen.
struct ToyMaskTarget {
    gb::MaskTarget target;
    std::shared_ptr<int> rows = std::make_shared<int>(0);
};

ToyMaskTarget toyMaskTarget(int length, MaskFn fn, int maxBatch = 16)
{
    ToyMaskTarget t;
    t.target.length = length;
    t.target.maxBatch = maxBatch;
    auto rows = t.rows;
    t.target.evaluate = [fn, length, rows](const at::Tensor &masks) {
        at::Tensor out = at::empty({masks.size(0)}, at::kDouble);
        const at::Tensor m = masks.contiguous();
        for (int64_t b = 0; b < masks.size(0); ++b) {
            gb::TokenMask mask(std::size_t(length), 0);
            for (int i = 0; i < length; ++i)
                mask[std::size_t(i)] = m[b][i].item<float>() > 0.5f;
            out[b] = fn(mask);
            ++*rows;
        }
        return out;
    };
    return t;
}

/// Shapley values by their definition: the weighted average of marginal contributions over
/// every coalition of the other players.
std::vector<double> shapleyByEnumeration(int n, const MaskFn &v)
{
    std::vector<double> phi(std::size_t(n), 0.0);
    std::vector<double> fact(std::size_t(n + 1), 1.0);
    for (int k = 1; k <= n; ++k)
        fact[std::size_t(k)] = fact[std::size_t(k - 1)] * k;
    for (int i = 0; i < n; ++i) {
        for (std::uint32_t bits = 0; bits < (1U << n); ++bits) {
            if (bits & (1U << i))
                continue;
            gb::TokenMask without(std::size_t(n), 0);
            int size = 0;
            for (int j = 0; j < n; ++j)
                size += without[std::size_t(j)] = (bits >> j) & 1U;
            gb::TokenMask with = without;
            with[std::size_t(i)] = 1;
            const double weight = fact[std::size_t(size)] * fact[std::size_t(n - size - 1)] / fact[std::size_t(n)];
            phi[std::size_t(i)] += weight * (v(with) - v(without));
        }
    }
    return phi;
}

/// A game with pairwise and triple interactions, so Shapley values differ from marginal effects.
MaskFn interactingGame(int n)
{
    return [n](const gb::TokenMask &m) {
        double v = 0.3;
        for (int i = 0; i < n; ++i)
            v += (0.5 + 0.25 * i) * m[std::size_t(i)];
        v += 1.5 * m[0] * m[1] - 0.7 * m[1] * m[std::size_t(n - 1)];
        v += 2.0 * m[2] * m[3] * m[std::size_t(n - 2)];
        v += std::sin(double(std::accumulate(m.begin(), m.end(), 0)));
        return v;
    };
}

/// F(X) = sum_t tanh(u . x_t) + c tanh(sum_t v . x_t) on [B, T, d], whose IG along a straight
/// line has a closed form: d/dalpha tanh(s(alpha)) integrates to tanh(s1) - tanh(s0).
struct TanhModel {
    at::Tensor u, v;
    double c = 0.8;

    at::Tensor operator()(const at::Tensor &x) const
    {
        return at::tanh(at::matmul(x, u)).sum(1) + c * at::tanh(at::matmul(x, v).sum(1));
    }
    gb::GradientTarget target() const
    {
        TanhModel self = *this;
        return gb::GradientTarget{[self](const at::Tensor &x) { return self(x); }, 0};
    }
    at::Tensor exactIg(const at::Tensor &x, const at::Tensor &x0) const
    {
        const at::Tensor s1 = at::matmul(x, u), s0 = at::matmul(x0, u); // [T]
        const at::Tensor perRow = (at::tanh(s1) - at::tanh(s0)) / (s1 - s0);
        const double S1 = at::matmul(x, v).sum().item<double>(), S0 = at::matmul(x0, v).sum().item<double>();
        const double shared = c * (std::tanh(S1) - std::tanh(S0)) / (S1 - S0);
        return (x - x0) * (perRow.unsqueeze(1) * u.unsqueeze(0) + shared * v.unsqueeze(0));
    }
};

TanhModel tanhModel(int d)
{
    at::manual_seed(3);
    return TanhModel{at::randn({d}, at::kDouble) * 0.7, at::randn({d}, at::kDouble) * 0.3};
}

double maxAbs(const at::Tensor &t)
{
    return t.abs().max().item<double>();
}

} // namespace

class TestAttribution : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();

    void igOnLinearModelIsExact_data();
    void igOnLinearModelIsExact();
    void igMatchesClosedFormAndConverges();
    void gradientsMatchFiniteDifferences();
    void igBatchesFollowTheMemoryBudget();
    void igCancels();
    void adaptiveIgMeetsTolerance();
    void adaptiveIgEqualsTheRuleItStoppedAt_data();
    void adaptiveIgEqualsTheRuleItStoppedAt();
    void adaptiveIgCountsEvaluations();
    void adaptiveIgOnLinearModelStopsAtFirstLevel();
    void badGradientInputs();

    void occlusionMatchesDefinition_data();
    void occlusionMatchesDefinition();
    void limeRecoversLinearCoefficients();
    void limeIsSeeded();
    void kernelShapEqualsExactShapley();
    void kernelShapSampledApproachesShapley();
    void maskTargetReplacesRows();

    void everyMethodAgreesOnALinearModel();
    void methodNamesAndJson();

    void tokenReductions();
    void groupWords_data();
    void groupWords();
    void deletionInsertionCurves();
    void rankCorrelations_data();
    void rankCorrelations();
};

void TestAttribution::initTestCase()
{
    at::manual_seed(0);
}

void TestAttribution::igOnLinearModelIsExact_data()
{
    QTest::addColumn<gb::Quadrature>("q");
    QTest::addColumn<int>("steps");
    QTest::addColumn<double>("scale");
    for (const int n : {2, 3, 7, 50}) {
        QTest::addRow("gausslegendre %d", n) << gb::Quadrature::GaussLegendre << n << 1.0;
        QTest::addRow("left %d", n) << gb::Quadrature::RiemannLeft << n << 1.0;
        QTest::addRow("right %d", n) << gb::Quadrature::RiemannRight << n << 1.0;
        QTest::addRow("middle %d", n) << gb::Quadrature::RiemannMiddle << n << 1.0;
        QTest::addRow("trapezoid %d", n) << gb::Quadrature::RiemannTrapezoid << n << 1.0;
        // Captum's weights sum to 1 - 1/n: its IG is off by that factor even on a linear model.
        QTest::addRow("captum trapezoid %d", n) << gb::Quadrature::CaptumTrapezoid << n << 1.0 - 1.0 / n;
    }
    QTest::addRow("gausslegendre 1") << gb::Quadrature::GaussLegendre << 1 << 1.0;
    for (const int n : {1, 4, 25})
        QTest::addRow("gausskronrod %d", n) << gb::Quadrature::GaussKronrod << n << 1.0;
}

void TestAttribution::igOnLinearModelIsExact()
{
    QFETCH(gb::Quadrature, q);
    QFETCH(int, steps);
    QFETCH(double, scale);
    const at::Tensor w = at::randn({5, 4}, at::kDouble);
    const gb::GradientTarget linear{[w](const at::Tensor &x) { return (x * w).sum({1, 2}) + 0.25; }, 0};
    const at::Tensor x = at::randn({5, 4}, at::kDouble);
    const at::Tensor x0 = at::randn({5, 4}, at::kDouble);
    gb::IgOptions o;
    o.steps = steps;
    o.quadrature = q;
    const gb::GradientAttribution r = gb::integratedGradients(linear, x, x0, o, gb::Progress::null(), gb::CancelToken());
    QVERIFY(maxAbs(r.attributions - scale * (x - x0) * w) < 1e-12);
    QCOMPARE(r.steps, q == gb::Quadrature::GaussKronrod ? 2 * steps + 1 : steps);
    const double fx = (x * w).sum().item<double>() + 0.25, f0 = (x0 * w).sum().item<double>() + 0.25;
    QVERIFY(gbtest::isClose(r.fX, fx, 1e-12, 1e-12));
    QVERIFY(gbtest::isClose(r.fBaseline, f0, 1e-12, 1e-12));
    QVERIFY(gbtest::isClose(r.delta, (scale - 1.0) * (fx - f0), 1e-9, 1e-12));
}

void TestAttribution::igMatchesClosedFormAndConverges()
{
    const TanhModel model = tanhModel(6);
    const at::Tensor x = at::randn({4, 6}, at::kDouble);
    const at::Tensor x0 = at::randn({4, 6}, at::kDouble) * 0.1;
    const at::Tensor exact = model.exactIg(x, x0);
    // The closed form is complete, which checks it against F itself.
    const double fx = model(x.unsqueeze(0)).item<double>(), f0 = model(x0.unsqueeze(0)).item<double>();
    QVERIFY(std::fabs(exact.sum().item<double>() - (fx - f0)) < 1e-12);

    auto run = [&](gb::Quadrature q, int n) {
        gb::IgOptions o;
        o.steps = n;
        o.quadrature = q;
        return gb::integratedGradients(model.target(), x, x0, o, gb::Progress::null(), gb::CancelToken());
    };
    double previousGl = 1e9, previousRiemann = 1e9;
    for (const int n : {4, 8, 16, 32}) {
        const gb::GradientAttribution gl = run(gb::Quadrature::GaussLegendre, n);
        const gb::GradientAttribution rr = run(gb::Quadrature::RiemannRight, n);
        QVERIFY(std::fabs(gl.delta) < previousGl || std::fabs(gl.delta) < 1e-13);
        QVERIFY(std::fabs(rr.delta) < previousRiemann);
        // Gauss-Legendre beats every Riemann rule at equal steps, by orders of magnitude from 8 on.
        for (const auto q : {gb::Quadrature::RiemannLeft, gb::Quadrature::RiemannMiddle, gb::Quadrature::RiemannTrapezoid})
            QVERIFY(maxAbs(gl.attributions - exact) < (n >= 8 ? 1e-3 : 0.5) * maxAbs(run(q, n).attributions - exact));
        previousGl = std::fabs(gl.delta);
        previousRiemann = std::fabs(rr.delta);
    }
    QVERIFY(maxAbs(run(gb::Quadrature::GaussLegendre, 32).attributions - exact) < 1e-12);
    // The midpoint and trapezoid rules converge as 1/n^2: 4x more steps, ~16x smaller error.
    const double e16 = maxAbs(run(gb::Quadrature::RiemannMiddle, 16).attributions - exact);
    const double e64 = maxAbs(run(gb::Quadrature::RiemannMiddle, 64).attributions - exact);
    QVERIFY2(e16 / e64 > 12 && e16 / e64 < 20, qPrintable(QString::number(e16 / e64)));
}

void TestAttribution::gradientsMatchFiniteDifferences()
{
    const TanhModel model = tanhModel(5);
    const at::Tensor x = at::randn({3, 5}, at::kDouble);
    const gb::GradientAttribution g = gb::saliency(model.target(), x, /*absolute=*/false);
    const double h = 1e-6;
    for (int t = 0; t < 3; ++t) {
        for (int j = 0; j < 5; ++j) {
            at::Tensor xp = x.clone(), xm = x.clone();
            xp[t][j] += h;
            xm[t][j] -= h;
            const double fd = (model(xp.unsqueeze(0)) - model(xm.unsqueeze(0))).item<double>() / (2 * h);
            QVERIFY(gbtest::isClose(g.attributions[t][j].item<double>(), fd, 1e-7, 1e-9));
        }
    }
    QVERIFY(std::isnan(g.delta));
    const gb::GradientAttribution a = gb::saliency(model.target(), x);
    QVERIFY(maxAbs(a.attributions - g.attributions.abs()) == 0);

    const gb::GradientAttribution gx = gb::gradientTimesInput(model.target(), x);
    QVERIFY(maxAbs(gx.attributions - x * g.attributions) < 1e-15);
    QVERIFY(gbtest::isClose(gx.fBaseline, 0.0, 0, 1e-15)); // tanh(0) terms vanish
    QVERIFY(gbtest::isClose(gx.delta, gx.attributions.sum().item<double>() - gx.fX, 1e-12, 1e-12));
}

void TestAttribution::igBatchesFollowTheMemoryBudget()
{
    const TanhModel model = tanhModel(4);
    auto largest = std::make_shared<int64_t>(0);
    auto calls = std::make_shared<int>(0);
    gb::GradientTarget counted{[model, largest, calls](const at::Tensor &x) {
                                   *largest = std::max(*largest, x.size(0));
                                   ++*calls;
                                   return model(x);
                               },
                               1000};
    const at::Tensor x = at::randn({3, 4}, at::kDouble), x0 = at::zeros({3, 4}, at::kDouble);
    gb::IgOptions o;
    o.steps = 20;
    o.memoryBudgetBytes = 3000; // three samples per batch
    std::vector<double> fractions;
    gb::Progress progress([&](const gb::ProgressUpdate &u) { fractions.push_back(u.fraction); });
    const gb::GradientAttribution batched = gb::integratedGradients(counted, x, x0, o, progress, gb::CancelToken());
    QCOMPARE(*largest, int64_t(3));
    QCOMPARE(*calls, 7 + 1); // ceil(20 / 3) gradient batches, one batch for F(x) and F(x')
    QVERIFY(!fractions.empty());
    o.memoryBudgetBytes = std::int64_t(1) << 40;
    const gb::GradientAttribution whole = gb::integratedGradients(counted, x, x0, o, gb::Progress::null(), gb::CancelToken());
    QCOMPARE(*largest, int64_t(20));
    QVERIFY(maxAbs(batched.attributions - whole.attributions) < 1e-14);
}

void TestAttribution::igCancels()
{
    const TanhModel model = tanhModel(4);
    gb::CancelToken cancel;
    gb::GradientTarget cancelling{[model, cancel](const at::Tensor &x) {
                                      cancel.cancel();
                                      return model(x);
                                  },
                                  1};
    gb::IgOptions o;
    o.memoryBudgetBytes = 1;
    try {
        gb::integratedGradients(cancelling, at::ones({2, 4}, at::kDouble), at::zeros({2, 4}, at::kDouble), o,
                                gb::Progress::null(), cancel);
        QFAIL("not cancelled");
    } catch (const gb::Error &e) {
        QCOMPARE(e.kind(), gb::Error::Kind::Cancelled);
    }
}

void TestAttribution::adaptiveIgMeetsTolerance()
{
    const TanhModel model = tanhModel(6);
    const at::Tensor x = at::randn({5, 6}, at::kDouble) * 2.0;
    const at::Tensor x0 = at::zeros({5, 6}, at::kDouble);
    gb::AdaptiveIgOptions o;
    o.tolerance = 1e-9;
    o.startSteps = 2;
    const gb::GradientAttribution r = gb::adaptiveIntegratedGradients(model.target(), x, x0, o, gb::Progress::null(),
                                                                      gb::CancelToken());
    QVERIFY(r.converged);
    QVERIFY(std::fabs(r.delta) <= o.tolerance * std::fabs(r.fX - r.fBaseline));
    QVERIFY(maxAbs(r.attributions - model.exactIg(x, x0)) < 1e-6);
    // Levels come in pairs (n, 2n + 1); the pair's Kronrod points are the only new evaluations,
    // and orders grow by at most 2x per pair.
    QVERIFY(r.levels.size() >= 3);
    QCOMPARE(r.levels[0].first, 2);
    QCOMPARE(r.levels[1].first, 5);
    int spent = 0;
    for (std::size_t i = 0; i < r.levels.size(); i += 2) {
        const int n = r.levels[i].first;
        spent += n;
        if (i + 1 < r.levels.size()) {
            QCOMPARE(r.levels[i + 1].first, 2 * n + 1);
            spent += n + 1;
        }
        if (i > 0)
            QVERIFY(n > r.levels[i - 2].first && n <= 2 * r.levels[i - 2].first);
    }
    QCOMPARE(r.steps, spent);

    // Capped: stops when the next level does not fit, with the last level's result.
    o.maxSteps = 4;
    const gb::GradientAttribution capped = gb::adaptiveIntegratedGradients(model.target(), x, x0, o,
                                                                           gb::Progress::null(), gb::CancelToken());
    QVERIFY(!capped.converged);
    QCOMPARE(capped.steps, 2);
    QCOMPARE(capped.levels.size(), std::size_t(1));
    o.maxSteps = 12;
    const gb::GradientAttribution capped12 = gb::adaptiveIntegratedGradients(model.target(), x, x0, o,
                                                                             gb::Progress::null(), gb::CancelToken());
    QVERIFY(!capped12.converged);
    QVERIFY(capped12.steps <= 12);
    QCOMPARE(capped12.delta, capped12.levels.back().second);
    GB_VERIFY_THROWS(gb::adaptiveIntegratedGradients(model.target(), x, x0, gb::AdaptiveIgOptions{0.0}, gb::Progress::null(),
                                                     gb::CancelToken()),
                     "tolerance must be positive");
}

void TestAttribution::adaptiveIgEqualsTheRuleItStoppedAt_data()
{
    QTest::addColumn<double>("tolerance");
    QTest::addColumn<int>("start");
    QTest::addColumn<int>("levels");
    // Tolerances chosen from this model's |delta| / |df| (1.0e-2 at GL-3, 1.0e-5 at K-7, then
    // below 1e-7 after a few more levels): each row stops at a different level; -1: any later one.
    QTest::addRow("first gauss") << 2e-2 << 3 << 1;
    QTest::addRow("first kronrod") << 1e-4 << 3 << 2;
    QTest::addRow("later level") << 1e-9 << 3 << -1;
}

void TestAttribution::adaptiveIgEqualsTheRuleItStoppedAt()
{
    QFETCH(double, tolerance);
    QFETCH(int, start);
    QFETCH(int, levels);
    const TanhModel model = tanhModel(6);
    const at::Tensor x = at::randn({4, 6}, at::kDouble) * 1.5;
    const at::Tensor x0 = at::randn({4, 6}, at::kDouble) * 0.1;
    gb::AdaptiveIgOptions o;
    o.tolerance = tolerance;
    o.startSteps = start;
    o.memoryBudgetBytes = 1; // one point per batch: accumulation order differs from the fixed rule's
    const gb::GradientAttribution a = gb::adaptiveIntegratedGradients(model.target(), x, x0, o, gb::Progress::null(),
                                                                      gb::CancelToken());
    QVERIFY(a.converged);
    if (levels > 0)
        QCOMPARE(int(a.levels.size()), levels);
    else
        QVERIFY(a.levels.size() >= 3);
    // Levels alternate Gauss (odd count) and Kronrod (even count).
    const int points = a.levels.back().first;
    const bool gauss = a.levels.size() % 2 == 1;
    gb::IgOptions fixed;
    fixed.quadrature = gauss ? gb::Quadrature::GaussLegendre : gb::Quadrature::GaussKronrod;
    fixed.steps = gauss ? points : (points - 1) / 2;
    const gb::GradientAttribution f = gb::integratedGradients(model.target(), x, x0, fixed, gb::Progress::null(),
                                                              gb::CancelToken());
    // Equal up to the order of summation (the adaptive run adds a pair's Gauss points first).
    QVERIFY2(maxAbs(a.attributions - f.attributions) < 1e-14, qPrintable(QString::number(maxAbs(a.attributions - f.attributions))));
    QVERIFY(std::fabs(a.delta - f.delta) < 1e-14);
    QCOMPARE(a.fX, f.fX);
    QCOMPARE(a.fBaseline, f.fBaseline);
}

void TestAttribution::adaptiveIgCountsEvaluations()
{
    // Rows evaluated with autograd (gradients) and without (F at the ends), counted by the target.
    const TanhModel model = tanhModel(5);
    auto gradientRows = std::make_shared<std::int64_t>(0), valueRows = std::make_shared<std::int64_t>(0);
    gb::GradientTarget counting{[model, gradientRows, valueRows](const at::Tensor &x) {
                                    *(at::GradMode::is_enabled() ? gradientRows : valueRows) += x.size(0);
                                    return model(x);
                                },
                                0};
    const at::Tensor x = at::randn({3, 5}, at::kDouble) * 2.0, x0 = at::zeros({3, 5}, at::kDouble);
    gb::AdaptiveIgOptions o;
    o.tolerance = 1e-12;
    o.startSteps = 4;
    std::vector<double> fractions;
    gb::Progress progress([&](const gb::ProgressUpdate &u) { fractions.push_back(u.fraction); });
    const gb::GradientAttribution r = gb::adaptiveIntegratedGradients(counting, x, x0, o, progress, gb::CancelToken());
    QVERIFY(r.converged);
    QVERIFY(r.levels.size() >= 2);
    QCOMPARE(*valueRows, std::int64_t(2)); // F(x) and F(x') once, not per level
    QCOMPARE(*gradientRows, std::int64_t(r.steps));
    QVERIFY(!fractions.empty() && *std::max_element(fractions.begin(), fractions.end()) <= 1.0);
    // The first pair alone: 4 Gauss points, then 5 Kronrod points, 9 evaluations for both rules.
    o.tolerance = std::fabs(r.levels[1].second / (r.fX - r.fBaseline)) * 1.0001;
    *gradientRows = *valueRows = 0;
    const gb::GradientAttribution pair = gb::adaptiveIntegratedGradients(counting, x, x0, o, gb::Progress::null(), gb::CancelToken());
    QCOMPARE(pair.levels.size(), std::size_t(2));
    QCOMPARE(pair.levels[1].first, 9);
    QCOMPARE(pair.steps, 9);
    QCOMPARE(*gradientRows, std::int64_t(9));
    QCOMPARE(*valueRows, std::int64_t(2));
}

void TestAttribution::adaptiveIgOnLinearModelStopsAtFirstLevel()
{
    const at::Tensor w = at::randn({5, 4}, at::kDouble);
    const gb::GradientTarget linear{[w](const at::Tensor &x) { return (x * w).sum({1, 2}) - 1.5; }, 0};
    const at::Tensor x = at::randn({5, 4}, at::kDouble), x0 = at::randn({5, 4}, at::kDouble);
    gb::AdaptiveIgOptions o;
    o.tolerance = 1e-12;
    const gb::GradientAttribution r = gb::adaptiveIntegratedGradients(linear, x, x0, o, gb::Progress::null(), gb::CancelToken());
    QVERIFY(r.converged);
    QCOMPARE(r.levels.size(), std::size_t(1));
    QCOMPARE(r.steps, o.startSteps);
    QVERIFY(maxAbs(r.attributions - (x - x0) * w) < 1e-12);
}

void TestAttribution::badGradientInputs()
{
    const TanhModel model = tanhModel(4);
    gb::IgOptions o;
    GB_VERIFY_THROWS(gb::integratedGradients(model.target(), at::ones({2, 4}, at::kDouble), at::ones({3, 4}, at::kDouble),
                                             o, gb::Progress::null(), gb::CancelToken()),
                     "baseline must have the input's shape");
    GB_VERIFY_THROWS(gb::saliency(model.target(), at::ones({4}, at::kDouble)), "[T, d]");
    o.quadrature = gb::Quadrature::RiemannRight;
    o.steps = 1;
    GB_VERIFY_THROWS(gb::integratedGradients(model.target(), at::ones({2, 4}, at::kDouble),
                                             at::zeros({2, 4}, at::kDouble), o, gb::Progress::null(), gb::CancelToken()),
                     "at least 2 steps");
}

void TestAttribution::occlusionMatchesDefinition_data()
{
    QTest::addColumn<int>("window");
    QTest::addColumn<int>("stride");
    QTest::addRow("single tokens") << 1 << 1;
    QTest::addRow("window 2 stride 1") << 2 << 1;
    QTest::addRow("window 3 stride 2") << 3 << 2;
    QTest::addRow("window 4 stride 4") << 4 << 4;
    QTest::addRow("window longer than prompt") << 9 << 3;
}

void TestAttribution::occlusionMatchesDefinition()
{
    QFETCH(int, window);
    QFETCH(int, stride);
    const int t = 6;
    const MaskFn game = interactingGame(t);
    const ToyMaskTarget toy = toyMaskTarget(t, game, 4);
    const gb::TokenAttribution r = gb::occlusion(toy.target, {window, stride}, gb::Progress::null(), gb::CancelToken());

    // By hand: enumerate window starts 0, stride, ... while a window still starts inside the
    // prompt with its predecessor not reaching the end.
    const gb::TokenMask all(std::size_t(t), 1);
    std::vector<double> sum(std::size_t(t), 0.0);
    std::vector<int> count(std::size_t(t), 0);
    const int w = std::min(window, t);
    int windows = 0;
    for (int start = 0;; start += stride) {
        gb::TokenMask m = all;
        for (int i = start; i < std::min(t, start + w); ++i)
            m[std::size_t(i)] = 0;
        const double drop = game(all) - game(m);
        for (int i = start; i < std::min(t, start + w); ++i) {
            sum[std::size_t(i)] += drop;
            ++count[std::size_t(i)];
        }
        ++windows;
        if (start + w >= t)
            break;
    }
    for (int i = 0; i < t; ++i)
        QVERIFY(gbtest::isClose(r.scores[std::size_t(i)], sum[std::size_t(i)] / count[std::size_t(i)], 1e-12, 1e-12));
    QCOMPARE(r.evaluations, windows + 2);
    QCOMPARE(*toy.rows, windows + 2);
    QVERIFY(gbtest::isClose(r.fX, game(all)));
    QVERIFY(gbtest::isClose(r.fBaseline, game(gb::TokenMask(std::size_t(t), 0))));
    GB_VERIFY_THROWS(gb::occlusion(toy.target, {2, 3}, gb::Progress::null(), gb::CancelToken()), "stride");
}

void TestAttribution::limeRecoversLinearCoefficients()
{
    const std::vector<double> w{0.9, -1.2, 0.3, 2.0, -0.4, 0.05, 1.1};
    const int t = int(w.size());
    const MaskFn linear = [&](const gb::TokenMask &m) {
        double v = -0.5;
        for (int i = 0; i < t; ++i)
            v += w[std::size_t(i)] * m[std::size_t(i)];
        return v;
    };
    const ToyMaskTarget toy = toyMaskTarget(t, linear);
    gb::LimeOptions o;
    o.samples = 300;
    o.ridgeAlpha = 0.0;
    gb::TokenAttribution r = gb::lime(toy.target, o, gb::Progress::null(), gb::CancelToken());
    QVERIFY(gbtest::maxAbsDiff(r.scores, w) < 1e-9);
    QVERIFY(gbtest::isClose(r.intercept, -0.5, 0, 1e-9));
    QVERIFY(gbtest::isClose(r.r2, 1.0, 0, 1e-12));
    QCOMPARE(r.evaluations, 301);
    // With LIME's default penalty the coefficients shrink only slightly with enough samples.
    o.ridgeAlpha = 1.0;
    o.samples = 2000;
    o.distance = gb::LimeOptions::Distance::Hamming;
    r = gb::lime(toy.target, o, gb::Progress::null(), gb::CancelToken());
    QVERIFY2(gbtest::maxAbsDiff(r.scores, w) < 0.05, qPrintable(QString::number(gbtest::maxAbsDiff(r.scores, w))));
}

void TestAttribution::limeIsSeeded()
{
    const ToyMaskTarget toy = toyMaskTarget(8, interactingGame(8));
    gb::LimeOptions o;
    o.samples = 64;
    const auto a = gb::lime(toy.target, o, gb::Progress::null(), gb::CancelToken());
    const auto b = gb::lime(toy.target, o, gb::Progress::null(), gb::CancelToken());
    QCOMPARE(a.scores, b.scores);
    o.seed = 7;
    const auto c = gb::lime(toy.target, o, gb::Progress::null(), gb::CancelToken());
    QVERIFY(gbtest::maxAbsDiff(a.scores, c.scores) > 1e-6);
}

void TestAttribution::kernelShapEqualsExactShapley()
{
    for (const int t : {1, 2, 5, 7}) {
        const MaskFn game = t >= 5 ? interactingGame(t) : MaskFn([](const gb::TokenMask &m) {
            return 2.0 * m[0] + (m.size() > 1 ? -1.0 * m[1] + 3.0 * m[0] * m[1] : 0.0) + 0.5;
        });
        const ToyMaskTarget toy = toyMaskTarget(t, game);
        gb::KernelShapOptions o;
        o.samples = 1 << t;
        const gb::TokenAttribution r = gb::kernelShap(toy.target, o, gb::Progress::null(), gb::CancelToken());
        QVERIFY(r.exact);
        QCOMPARE(r.evaluations, 1 << t);
        const std::vector<double> phi = shapleyByEnumeration(t, game);
        QVERIFY2(gbtest::maxAbsDiff(r.scores, phi) < 1e-10, qPrintable(QString::number(gbtest::maxAbsDiff(r.scores, phi))));
        QVERIFY(std::fabs(r.delta) < 1e-12);
    }
}

void TestAttribution::kernelShapSampledApproachesShapley()
{
    const int t = 12;
    const MaskFn game = interactingGame(t);
    const std::vector<double> phi = shapleyByEnumeration(t, game);
    const ToyMaskTarget toy = toyMaskTarget(t, game, 256);
    gb::KernelShapOptions o;
    o.samples = 1500; // fewer than the 4094 coalitions
    const gb::TokenAttribution r = gb::kernelShap(toy.target, o, gb::Progress::null(), gb::CancelToken());
    QVERIFY(!r.exact);
    QVERIFY(r.evaluations <= 1502);
    QVERIFY(std::fabs(r.delta) < 1e-10); // the constraint holds exactly even when sampled
    const double err = gbtest::maxAbsDiff(r.scores, phi);
    QVERIFY2(err < 0.05, qPrintable(QString::number(err)));
    // More coalitions, closer to the exact values.
    auto errorWith = [&](int samples) {
        o.samples = samples;
        return gbtest::maxAbsDiff(gb::kernelShap(toy.target, o, gb::Progress::null(), gb::CancelToken()).scores, phi);
    };
    QVERIFY(errorWith(3000) < 0.5 * errorWith(500));
}

void TestAttribution::maskTargetReplacesRows()
{
    const at::Tensor w = at::arange(1, 7, at::kDouble).view({3, 2});
    const gb::GradientTarget linear{[w](const at::Tensor &x) { return (x * w).sum({1, 2}); }, 0};
    const at::Tensor x = at::ones({3, 2}, at::kDouble), x0 = at::full({3, 2}, -1.0, at::kDouble);
    const gb::MaskTarget m = gb::maskTargetOf(linear, x, x0, 1 << 20);
    QCOMPARE(m.length, int64_t(3));
    const std::vector<double> f = gb::evaluateMasks(m, {{1, 1, 1}, {0, 1, 0}, {0, 0, 0}}, gb::Progress::null(),
                                                    gb::CancelToken());
    QCOMPARE(f, (std::vector<double>{21.0, -3.0 + 7.0 - 11.0, -21.0}));
}

void TestAttribution::everyMethodAgreesOnALinearModel()
{
    // For F(X) = sum(w * X) + b and a zero baseline, every method's per-token score is the
    // token's own term sum_j x_tj w_tj: IG and gradient x input by completeness of a linear
    // path, occlusion by definition, KernelSHAP because the game is additive, LIME because the
    // surrogate is exact.
    const at::Tensor w = at::randn({5, 3}, at::kDouble);
    const at::Tensor x = at::randn({5, 3}, at::kDouble);
    gb::AttributionProblem p;
    p.input = x;
    p.baseline = at::zeros_like(x);
    p.gradient = gb::GradientTarget{[w](const at::Tensor &in) { return (in * w).sum({1, 2}) - 1.0; }, 0};
    p.masks = gb::maskTargetOf(p.gradient, p.input, p.baseline, 1 << 20);
    const at::Tensor perToken = (x * w).sum(1);
    const std::vector<double> expected(perToken.data_ptr<double>(), perToken.data_ptr<double>() + 5);
    gb::MethodOptions o;
    o.ig.steps = 4;
    o.lime.ridgeAlpha = 0.0;
    o.lime.samples = 200;
    std::vector<gb::MethodResult> results;
    for (const auto m : gb::allAttributionMethods()) {
        if (m == gb::AttributionMethod::Saliency)
            continue;
        const gb::MethodResult r = gb::runMethod(p, m, o, gb::Progress::null(), gb::CancelToken());
        QVERIFY2(gbtest::maxAbsDiff(r.scores, expected) < 1e-9, gb::toString(m).c_str());
        QVERIFY2(std::fabs(r.delta) < 1e-9, gb::toString(m).c_str());
        QVERIFY(gbtest::isClose(r.fX, (x * w).sum().item<double>() - 1.0));
        QVERIFY(gbtest::isClose(r.fBaseline, -1.0));
        QCOMPARE(r.scoresL2.empty(), !gb::isGradientMethod(m));
        results.push_back(r);
    }
    const gb::MethodResult s = gb::runMethod(p, gb::AttributionMethod::Saliency, o, gb::Progress::null(), gb::CancelToken());
    const at::Tensor l1 = w.abs().sum(1);
    QVERIFY(gbtest::maxAbsDiff(s.scores, std::vector<double>(l1.data_ptr<double>(), l1.data_ptr<double>() + 5)) < 1e-12);
    QVERIFY(std::isnan(s.delta));
    for (const gb::MethodAgreement &a : gb::methodAgreement(results))
        QVERIFY(gbtest::isClose(a.spearman, 1.0) && gbtest::isClose(a.kendall, 1.0));
    QCOMPARE(gb::methodAgreement(results).size(), std::size_t(10));
}

void TestAttribution::methodNamesAndJson()
{
    for (const auto m : gb::allAttributionMethods())
        QVERIFY(gb::parseAttributionMethod(gb::toString(m)) == m);
    GB_VERIFY_THROWS(gb::parseAttributionMethod("deeplift"), "valid: saliency, grad_x_input, ig");
    gb::MethodResult r;
    r.scores = {1.0, -2.0};
    r.fX = 3.0;
    r.levels = {{8, 0.5}, {16, 0.01}};
    const gb::Json j = gb::Json::parse(gb::toJson(r).dump());
    QCOMPARE(j.find("method")->toString(), std::string("ig"));
    QVERIFY(j.find("delta")->isNull()); // NaN is written as null
    QCOMPARE(j.find("levels")->toArray()[1].find("points")->toInt(), std::int64_t(16));
    QCOMPARE(j.find("scores")->toArray()[1].toDouble(), -2.0);
}

void TestAttribution::tokenReductions()
{
    const at::Tensor a = at::tensor({3.0, -4.0, 0.0, 1.0, 1.0, -1.0}, at::kDouble).view({2, 3});
    QCOMPARE(gb::tokenScores(a, gb::TokenReduction::Sum), (std::vector<double>{-1.0, 1.0}));
    const auto l2 = gb::tokenScores(a, gb::TokenReduction::L2);
    QVERIFY(gbtest::isClose(l2[0], 5.0) && gbtest::isClose(l2[1], std::sqrt(3.0)));
    QVERIFY(gb::parseTokenReduction(gb::toString(gb::TokenReduction::L2)) == gb::TokenReduction::L2);
    GB_VERIFY_THROWS(gb::parseTokenReduction("max"), "valid: sum, l2");
}

void TestAttribution::groupWords_data()
{
    QTest::addColumn<std::vector<std::string>>("tokens");
    QTest::addColumn<std::vector<std::string>>("words");
    QTest::addRow("sub-words") << std::vector<std::string>{"The", " un", "believ", "able", " cat", "."}
                               << std::vector<std::string>{"The", " unbelievable", " cat", "."};
    QTest::addRow("contraction") << std::vector<std::string>{"I", " don", "'t", " know", ",", " ok"}
                                 << std::vector<std::string>{"I", " don't", " know", ",", " ok"};
    QTest::addRow("punctuation runs") << std::vector<std::string>{"(", "a", ")", "b", "\n", "c"}
                                      << std::vector<std::string>{"(", "a", ")", "b", "\n", "c"};
    QTest::addRow("utf-8") << std::vector<std::string>{" caf", "\xC3\xA9", " ok"}
                           << std::vector<std::string>{" caf\xC3\xA9", " ok"};
}

void TestAttribution::groupWords()
{
    QFETCH(std::vector<std::string>, tokens);
    QFETCH(std::vector<std::string>, words);
    const gb::WordGroups g = gb::groupWords(tokens);
    QCOMPARE(g.words, words);
    std::vector<double> ones(tokens.size(), 1.0);
    const std::vector<double> perWord = gb::wordScores(ones, g);
    QCOMPARE(std::accumulate(perWord.begin(), perWord.end(), 0.0), double(tokens.size()));
}

void TestAttribution::deletionInsertionCurves()
{
    const std::vector<double> a{0.5, 3.0, -1.0, 2.0};
    const MaskFn additive = [&](const gb::TokenMask &m) {
        double v = 0.0;
        for (std::size_t i = 0; i < a.size(); ++i)
            v += a[i] * m[i];
        return v;
    };
    const ToyMaskTarget toy = toyMaskTarget(4, additive);
    QCOMPARE(gb::attributionOrder(a), (std::vector<int>{1, 3, 0, 2}));
    QCOMPARE(gb::attributionRanks(a), (std::vector<int>{3, 1, 4, 2}));
    QCOMPARE(gb::attributionRanks({1.0, 1.0, 2.0}), (std::vector<int>{2, 3, 1})); // ties: reading order
    const gb::Faithfulness f = gb::deletionInsertion(toy.target, a, 100, gb::Progress::null(), gb::CancelToken());
    // Removing 3.0, 2.0, 0.5, -1.0 in turn from 4.5; adding them in turn to 0.
    QCOMPARE(f.deletion.values, (std::vector<double>{4.5, 1.5, -0.5, -1.0, 0.0}));
    QCOMPARE(f.insertion.values, (std::vector<double>{0.0, 3.0, 5.0, 5.5, 4.5}));
    QCOMPARE(f.deletion.fractions, (std::vector<double>{0.0, 0.25, 0.5, 0.75, 1.0}));
    QVERIFY(gbtest::isClose(f.deletion.auc, 0.25 * (4.5 / 2 + 1.5 - 0.5 - 1.0 + 0.0 / 2)));
    QVERIFY(gbtest::isClose(f.insertion.auc, 0.25 * (0.0 / 2 + 3.0 + 5.0 + 5.5 + 4.5 / 2)));
    // Chunked: two points move two tokens at a time.
    const gb::Faithfulness c = gb::deletionInsertion(toy.target, a, 2, gb::Progress::null(), gb::CancelToken());
    QCOMPARE(c.deletion.values, (std::vector<double>{4.5, -0.5, 0.0}));
}

void TestAttribution::rankCorrelations_data()
{
    QTest::addColumn<std::vector<double>>("a");
    QTest::addColumn<std::vector<double>>("b");
    QTest::addColumn<double>("rho");
    QTest::addColumn<double>("tau");
    QTest::addRow("identical") << std::vector<double>{1, 2, 3, 4} << std::vector<double>{10, 20, 30, 40} << 1.0 << 1.0;
    QTest::addRow("reversed") << std::vector<double>{1, 2, 3, 4} << std::vector<double>{4, 3, 2, 1} << -1.0 << -1.0;
    // scipy.stats documentation examples (spearmanr; kendalltau with ties, tau-b); the other
    // coefficient of each pair worked out by hand (average ranks; 7/sqrt(90), -5/sqrt(85.5)).
    QTest::addRow("scipy spearmanr") << std::vector<double>{1, 2, 3, 4, 5} << std::vector<double>{5, 6, 7, 8, 7}
                                     << 0.8207826816681233 << 0.7378647873726218;
    QTest::addRow("scipy kendalltau") << std::vector<double>{12, 2, 1, 12, 2} << std::vector<double>{1, 4, 7, 1, 0}
                                      << -0.5407380704358752 << -0.47140452079103173;
}

void TestAttribution::rankCorrelations()
{
    QFETCH(std::vector<double>, a);
    QFETCH(std::vector<double>, b);
    QFETCH(double, rho);
    QFETCH(double, tau);
    QVERIFY2(gbtest::isClose(gb::spearman(a, b), rho, 1e-12, 1e-12), qPrintable(QString::number(gb::spearman(a, b), 'g', 17)));
    QVERIFY2(gbtest::isClose(gb::kendallTauB(a, b), tau, 1e-12, 1e-12), qPrintable(QString::number(gb::kendallTauB(a, b), 'g', 17)));
    QVERIFY(std::isnan(gb::spearman({1, 1, 1}, {1, 2, 3})));
    GB_VERIFY_THROWS(gb::spearman({1, 2}, {1, 2, 3}), "differ in length");
}

QTEST_GUILESS_MAIN(TestAttribution)
#include "tst_attribution.moc"
