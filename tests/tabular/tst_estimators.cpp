// SPDX-License-Identifier: MIT
// Estimators against analytic truth: models whose PDP / ICE / ALE are known in closed form.
#include "tabular_testdata.h"
#include "testutils.h"

#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "tabular/ale.h"
#include "tabular/pdp.h"
#include "tabular/ranking.h"

#include <cmath>

using namespace gb::tabular;

namespace {

gb::Progress &quiet()
{
    return gb::Progress::null();
}

PdpResult pdp(const Predictor &m, const gb::TabularData &d, std::vector<int> features, int resolution = 15,
              const std::function<void(PdpOptions &)> &tweak = {})
{
    PdpOptions o;
    o.features = std::move(features);
    GridOptions g;
    g.resolution = resolution;
    o.grids = {g};
    if (tweak)
        tweak(o);
    return partialDependence(m, d, o, quiet(), gb::CancelToken());
}

AleResult ale(const Predictor &m, const gb::TabularData &d, std::vector<int> features, int bins = 10,
              const std::function<void(AleOptions &)> &tweak = {})
{
    AleOptions o;
    o.features = std::move(features);
    o.bins = bins;
    if (tweak)
        tweak(o);
    return accumulatedLocalEffects(m, d, o, quiet(), gb::CancelToken());
}

// f(x) = 2 x0 + sin(3 x1) + x2^2, x3 unused: every effect is one of these components.
double component(int f, double v)
{
    switch (f) {
    case 0: return 2.0 * v;
    case 1: return std::sin(3.0 * v);
    case 2: return v * v;
    default: return 0.0;
    }
}

FunctionPredictor additiveModel(std::int64_t batchRows = 1 << 16)
{
    return FunctionPredictor(4, [](const float *x) { return component(0, x[0]) + component(1, x[1]) + component(2, x[2]); },
                             batchRows);
}

double friedman(const float *x)
{
    return 10.0 * std::sin(M_PI * x[0] * x[1]) + 20.0 * (x[2] - 0.5) * (x[2] - 0.5) + 10.0 * x[3] + 5.0 * x[4];
}

// The double difference of a 2-D surface at (a, b) against the corner (0, 0).
double doubleDifference(const std::function<double(int, int)> &s, int a, int b)
{
    return s(a, b) - s(a, 0) - s(0, b) + s(0, 0);
}

gb::TabularData categoricalData()
{
    // x0 uniform; the group (codes 0..3, column 2) shifts x1 so that the similarity order of the
    // groups is 2, 0, 3, 1 (overlapping ranges: a Kolmogorov-Smirnov distance saturates at 1 for
    // disjoint ones).
    static const double shift[4] = {0.3, 0.9, 0.0, 0.6};
    gb::TabularData d = gbtest::syntheticData(240, 3, 11, [](std::int64_t r, int c, const auto &u, const auto &) {
        switch (c) {
        case 0: return u();
        case 1: return shift[r % 4] + 0.6 * u();
        default: return double(r % 4);
        }
    });
    d.categorical = {false, false, true};
    return d;
}

const double levelEffect[4] = {1.0, -2.0, 0.5, 3.0};

} // namespace

class TestEstimators : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void mquantiles_data();
    void mquantiles();
    void grids();
    void aleEdgeConventions();
    void additiveRecoversComponents();
    void centredIce();
    void iceSample();
    void chunkBoundariesDoNotMatter();
    void friedmanInteraction();
    void correlatedFeaturesAleVsPdp();
    void categoricalLevels();
    void bootstrapBands();
    void ranking();
    void progressAndCancel();
    void errors();
};

void TestEstimators::mquantiles_data()
{
    // scipy.stats.mstats.mquantiles (alphap = betap = 0.4) by hand: m = 0.4 + 0.2 p,
    // aleph = n p + m, k = floor(clip(aleph, 1, n - 1)), gamma = aleph - k,
    // Q = (1 - gamma) x[k - 1] + gamma x[k].
    QTest::addColumn<QList<double>>("sorted");
    QTest::addColumn<double>("p");
    QTest::addColumn<double>("expected");
    QTest::addRow("median of 4") << QList<double>{1, 2, 3, 4} << 0.5 << 2.5;
    // n = 10, p = 0.05: aleph = 0.5 + 0.41 = 0.91 -> clipped to 1, gamma 0 -> x[0]
    QTest::addRow("low tail") << QList<double>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9} << 0.05 << 0.0;
    // n = 10, p = 0.95: aleph = 9.5 + 0.59 = 10.09 -> k = 9, gamma = 1 -> x[9]
    QTest::addRow("high tail") << QList<double>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9} << 0.95 << 9.0;
    // n = 10, p = 0.25: aleph = 2.5 + 0.45 = 2.95 -> k = 2, gamma 0.95 -> 1.95
    QTest::addRow("quartile") << QList<double>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9} << 0.25 << 1.95;
    QTest::addRow("single value") << QList<double>{7} << 0.3 << 7.0;
}

void TestEstimators::mquantiles()
{
    QFETCH(QList<double>, sorted);
    QFETCH(double, p);
    QFETCH(double, expected);
    QVERIFY(gbtest::isClose(mquantile(std::vector<double>(sorted.begin(), sorted.end()), p), expected, 1e-12, 1e-12));
}

void TestEstimators::grids()
{
    const std::vector<double> few{3, 1, 2, 2, 3};
    GridOptions g;
    g.resolution = 10;
    QCOMPARE(featureGrid(few, false, g, "f"), (std::vector<double>{1, 2, 3}));
    std::vector<double> ramp;
    for (int i = 0; i < 10; ++i)
        ramp.push_back(i);
    g.resolution = 5;
    const std::vector<double> lin = featureGrid(ramp, false, g, "f"); // linspace(0, 9, 5)
    QCOMPARE(lin, (std::vector<double>{0, 2.25, 4.5, 6.75, 9}));
    QCOMPARE(featureGrid(ramp, true, g, "f"), ramp);
    g.kind = GridOptions::Kind::Quantile;
    g.resolution = 3;
    g.lower = 0.25;
    g.upper = 0.75;
    const std::vector<double> quantiles = featureGrid(ramp, false, g, "f");
    QString why;
    QVERIFY2(gbtest::closeCurves(quantiles, {1.95, 4.5, 7.05}, 1e-12, 1e-12, &why), qPrintable(why));
    g.kind = GridOptions::Kind::Custom;
    g.values = {0.5, -1};
    QCOMPARE(featureGrid(ramp, false, g, "f"), (std::vector<double>{0.5, -1}));
    QCOMPARE(binIndices({0, 0.5, 1, 1.5, 2, 3, -1, 9}, {0, 1, 2, 3}), (std::vector<int>{0, 0, 0, 1, 1, 2, 0, 2}));
}

void TestEstimators::aleEdgeConventions()
{
    std::vector<double> x;
    for (int i = 9; i >= 0; --i)
        x.push_back(i);
    // n = 10, K = 4. ALEPlot: ceil(10 k / 4) - 1 = 2, 4, 7; PyALE: ceil(9 k / 4) - 1 = 2, 4, 6.
    QCOMPARE(aleEdges(x, 4, EdgeConvention::ALEPlot, "f"), (std::vector<double>{0, 2, 4, 7, 9}));
    QCOMPARE(aleEdges(x, 4, EdgeConvention::PyALE, "f"), (std::vector<double>{0, 2, 4, 6, 9}));
    // Discrete values: duplicate edges collapse.
    QCOMPARE(aleEdges({0, 0, 0, 0, 1, 1, 1, 2}, 8, EdgeConvention::ALEPlot, "f"), (std::vector<double>{0, 1, 2}));
}

void TestEstimators::additiveRecoversComponents()
{
    const gb::TabularData d = gbtest::uniformData(200, 4, 1);
    const FunctionPredictor model = additiveModel();
    for (int f = 0; f < 4; ++f) {
        const PdpResult p = pdp(model, d, {f});
        const auto &grid = p.grid[0];
        QCOMPARE(p.iceRows.size(), std::size_t(200));
        const std::size_t G = grid.size();
        for (std::size_t g = 0; g < G; ++g) {
            const double truth = component(f, float(grid[g])) - component(f, float(grid[0]));
            QVERIFY2(std::fabs(p.average[g] - p.average[0] - truth) < 2e-5, qPrintable(QStringLiteral("feature %1").arg(f)));
            // ICE lines are parallel: every curve moves exactly as the average.
            for (std::size_t k = 0; k < p.iceRows.size(); k += 17)
                QVERIFY(std::fabs(p.individual[k * G + g] - p.individual[k * G] - truth) < 2e-5);
        }
        const AleResult a = ale(model, d, {f});
        const auto &z = a.edges[0];
        double weighted = 0.0;
        for (std::size_t k = 0; k < z.size(); ++k) {
            const double truth = component(f, float(z[k])) - component(f, float(z[0]));
            QVERIFY(std::fabs(a.ale[k] - a.ale[0] - truth) < 2e-5);
            if (k > 0)
                weighted += double(a.counts[k - 1]) * (a.ale[k - 1] + a.ale[k]) / 2.0;
        }
        QVERIFY(std::fabs(weighted / 200.0) < 1e-9); // count-weighted centring
    }
}

void TestEstimators::centredIce()
{
    const gb::TabularData d = gbtest::uniformData(100, 4, 2);
    const FunctionPredictor model = additiveModel();
    const PdpResult first = pdp(model, d, {1}, 12, [](PdpOptions &o) { o.centered = true; });
    const std::size_t G = first.grid[0].size();
    QCOMPARE(first.anchor, first.grid[0][0]);
    QCOMPARE(first.average[0], 0.0);
    for (std::size_t k = 0; k < first.iceRows.size(); ++k)
        QCOMPARE(first.individual[k * G], 0.0f);
    const PdpResult chosen = pdp(model, d, {1}, 12, [](PdpOptions &o) {
        o.centered = true;
        o.anchor = 0.5;
    });
    for (std::size_t g = 0; g < G; ++g) {
        const double truth = component(1, float(chosen.grid[0][g])) - component(1, 0.5f);
        QVERIFY(std::fabs(chosen.average[g] - truth) < 2e-5);
        QVERIFY(std::fabs(chosen.individual[5 * G + g] - truth) < 2e-5);
    }
    QCOMPARE(chosen.points(), std::int64_t(G)); // the off-grid anchor is not part of the result
}

void TestEstimators::iceSample()
{
    const gb::TabularData d = gbtest::uniformData(100, 4, 3);
    const FunctionPredictor model = additiveModel();
    const PdpResult all = pdp(model, d, {0});
    const auto sampled = [&](std::uint64_t seed) {
        return pdp(model, d, {0}, 15, [&](PdpOptions &o) {
            o.iceSample = 10;
            o.seed = seed;
        });
    };
    const PdpResult a = sampled(3), b = sampled(3), c = sampled(4);
    QCOMPARE(a.iceRows.size(), std::size_t(10));
    QVERIFY(std::is_sorted(a.iceRows.begin(), a.iceRows.end()));
    QCOMPARE(a.iceRows, b.iceRows);
    QVERIFY(a.iceRows != c.iceRows);
    QCOMPARE(a.average, all.average); // the average always uses every row
    const std::size_t G = a.grid[0].size();
    for (std::size_t k = 0; k < a.iceRows.size(); ++k)
        for (std::size_t g = 0; g < G; ++g)
            QCOMPARE(a.individual[k * G + g], all.individual[std::size_t(a.iceRows[k]) * G + g]);
    const PdpResult none = pdp(model, d, {0}, 15, [](PdpOptions &o) { o.individual = false; });
    QVERIFY(none.iceRows.empty() && none.individual.empty());
}

void TestEstimators::chunkBoundariesDoNotMatter()
{
    // Batches of 7 rows split grid points and rows mid-run; results must not change.
    const gb::TabularData d = categoricalData();
    const auto f = [](const float *x) { return std::sin(3 * x[0]) * x[1] + levelEffect[int(x[2])] * x[0]; };
    const FunctionPredictor big(3, f), small(3, f, 7);
    const auto same = [](const std::vector<double> &a, const std::vector<double> &b) {
        QString why;
        return gbtest::closeCurves(a, b, 1e-12, 1e-12, &why);
    };
    const PdpResult p1 = pdp(big, d, {0}), p2 = pdp(small, d, {0});
    QVERIFY(same(p1.average, p2.average));
    QCOMPARE(p1.individual, p2.individual);
    QVERIFY(same(pdp(big, d, {0, 1}, 6).average, pdp(small, d, {0, 1}, 6).average));
    for (const std::vector<int> &features : {std::vector<int>{0}, std::vector<int>{0, 1}, std::vector<int>{2}})
        QVERIFY(same(ale(big, d, features, 5).ale, ale(small, d, features, 5).ale));
}

void TestEstimators::friedmanInteraction()
{
    const gb::TabularData d = gbtest::uniformData(300, 10, 5);
    const FunctionPredictor model(10, friedman);
    const auto h = [](double a, double b) { return 10.0 * std::sin(M_PI * a * b); };

    const PdpResult inter = pdp(model, d, {0, 1}, 6);
    const auto &g0 = inter.grid[0], &g1 = inter.grid[1];
    const auto surface = [&](const PdpResult &r) {
        return [&r](int a, int b) { return r.average[std::size_t(a) * r.grid[1].size() + std::size_t(b)]; };
    };
    const auto truth = [&](int a, int b) { return h(float(g0[std::size_t(a)]), float(g1[std::size_t(b)])); };
    double largest = 0.0;
    for (int a = 0; a < 6; ++a)
        for (int b = 0; b < 6; ++b) {
            const double expected = doubleDifference(truth, a, b);
            QVERIFY(std::fabs(doubleDifference(surface(inter), a, b) - expected) < 1e-4);
            largest = std::max(largest, std::fabs(expected));
        }
    QVERIFY(largest > 1.0); // the interaction is visible
    const PdpResult additive = pdp(model, d, {3, 4}, 6);
    for (int a = 0; a < 6; ++a)
        for (int b = 0; b < 6; ++b)
            QVERIFY(std::fabs(doubleDifference(surface(additive), a, b)) < 1e-4);

    const AleResult a2 = ale(model, d, {0, 1}, 4);
    for (std::int64_t c : a2.counts)
        QVERIFY(c > 0); // no filled cells: the estimate is exact at the corners
    const auto &z1 = a2.edges[0], &z2 = a2.edges[1];
    const int E2 = int(z2.size());
    const auto aleSurface = [&](int a, int b) { return a2.ale[std::size_t(a * E2 + b)]; };
    const auto aleTruth = [&](int a, int b) { return h(float(z1[std::size_t(a)]), float(z2[std::size_t(b)])); };
    for (int a = 0; a < int(z1.size()); ++a)
        for (int b = 0; b < E2; ++b)
            QVERIFY(std::fabs(doubleDifference(aleSurface, a, b) - doubleDifference(aleTruth, a, b)) < 1e-4);
    const AleResult none = ale(model, d, {3, 4}, 4);
    for (double v : none.ale)
        QVERIFY(std::fabs(v) < 1e-4); // no interaction, and main effects are removed
}

void TestEstimators::correlatedFeaturesAleVsPdp()
{
    // The documented case (docs/TABULAR.md): x1 = x0 + noise within +-0.05, and a model that equals
    // x0 + x1 on the data but punishes combinations the data never shows (|x0 - x1| > 0.2), as a
    // flexible model fitted on correlated data may. The effect of x0 on the data is a slope of 1.
    // ALE only moves x0 within a bin, stays on the data and recovers it; the PDP pairs every x0
    // with every x1 and reports the penalty.
    const gb::TabularData d = gbtest::syntheticData(400, 2, 6, [](std::int64_t, int c, const auto &u, const auto &row) {
        return c == 0 ? u() : row[0] + 0.1 * (u() - 0.5);
    });
    const FunctionPredictor model(2, [](const float *x) {
        const double gap = std::max(0.0, std::fabs(double(x[0]) - double(x[1])) - 0.2);
        return double(x[0]) + double(x[1]) + 50.0 * gap * gap;
    });
    const AleResult a = ale(model, d, {0}, 20);
    double aleError = 0.0;
    for (std::size_t k = 0; k < a.edges[0].size(); ++k)
        aleError = std::max(aleError, std::fabs(a.ale[k] - a.ale[0] - (float(a.edges[0][k]) - float(a.edges[0][0]))));
    QVERIFY2(aleError < 1e-5, qPrintable(QString::number(aleError)));
    const PdpResult p = pdp(model, d, {0}, 20);
    double pdpError = 0.0;
    for (std::size_t g = 0; g < p.grid[0].size(); ++g)
        pdpError = std::max(pdpError, std::fabs(p.average[g] - p.average[0] - (float(p.grid[0][g]) - float(p.grid[0][0]))));
    QVERIFY2(pdpError > 1.0, qPrintable(QString::number(pdpError)));
}

void TestEstimators::categoricalLevels()
{
    const gb::TabularData d = categoricalData();
    QCOMPARE(orderLevels(d, 2), (std::vector<double>{2, 0, 3, 1}));
    const FunctionPredictor model(3, [](const float *x) { return levelEffect[int(x[2])] + x[0]; });
    const AleResult a = ale(model, d, {2});
    QVERIFY(a.categorical);
    QCOMPARE(a.edges[0], (std::vector<double>{2, 0, 3, 1}));
    QCOMPARE(a.levels, (std::vector<std::string>{"2", "0", "3", "1"}));
    double mean = 0.0;
    for (std::int64_t r = 0; r < d.rows; ++r)
        mean += levelEffect[int(d.at(r, 2))] / double(d.rows);
    for (std::size_t k = 0; k < 4; ++k) {
        QCOMPARE(a.counts[k], 60);
        QVERIFY(std::fabs(a.ale[k] - (levelEffect[int(a.edges[0][k])] - mean)) < 1e-5);
    }
    const PdpResult p = pdp(model, d, {2});
    QCOMPARE(p.grid[0], (std::vector<double>{0, 1, 2, 3}));
    for (std::size_t k = 0; k < 4; ++k)
        QVERIFY(std::fabs(p.average[k] - p.average[0] - (levelEffect[k] - levelEffect[0])) < 1e-5);

    // A categorical other feature (total variation distance) drives the order just as well.
    gb::TabularData e = d;
    e.categorical = {false, true, true};
    for (std::int64_t r = 0; r < e.rows; ++r)
        e.values[std::size_t(r * 3 + 1)] = float(std::lround(e.at(r, 1) * 10.0));
    QCOMPARE(orderLevels(e, 2).size(), std::size_t(4));
}

void TestEstimators::bootstrapBands()
{
    const gb::TabularData d = gbtest::uniformData(150, 4, 7);
    const FunctionPredictor model = additiveModel();
    const auto band = [&](bool centered, std::uint64_t seed) {
        return pdp(model, d, {1}, 10, [&](PdpOptions &o) {
            o.bootstrap = 40;
            o.seed = seed;
            o.centered = centered;
            o.individual = false;
        });
    };
    // Parallel ICE lines: every resample has the same centred average, so the band collapses.
    const PdpResult c = band(true, 1);
    for (std::size_t g = 0; g < c.average.size(); ++g) {
        QVERIFY(std::fabs(c.bandLower[g] - c.average[g]) < 1e-5);
        QVERIFY(std::fabs(c.bandUpper[g] - c.average[g]) < 1e-5);
    }
    const PdpResult u = band(false, 1), again = band(false, 1), other = band(false, 2);
    for (std::size_t g = 0; g < u.average.size(); ++g) {
        QVERIFY(u.bandLower[g] < u.average[g] && u.average[g] < u.bandUpper[g]);
        QVERIFY(u.bandUpper[g] - u.bandLower[g] > 1e-3);
    }
    QCOMPARE(u.bandLower, again.bandLower);
    QVERIFY(u.bandLower != other.bandLower);

    // Additive model: every row of a bin has the same local effect, so resamples differ only in
    // the centring constant; the band is the curve shifted up and down by the same amounts.
    const AleResult flat = ale(model, d, {1}, 8, [](AleOptions &o) { o.bootstrap = 30; });
    for (std::size_t k = 0; k < flat.ale.size(); ++k) {
        QVERIFY(std::fabs((flat.bandUpper[k] - flat.bandUpper[0]) - (flat.ale[k] - flat.ale[0])) < 1e-5);
        QVERIFY(std::fabs((flat.bandLower[k] - flat.bandLower[0]) - (flat.ale[k] - flat.ale[0])) < 1e-5);
    }
    const FunctionPredictor interacting(4, [](const float *x) { return 4.0 * x[0] * x[1]; });
    const AleResult wide = ale(interacting, d, {1}, 8, [](AleOptions &o) { o.bootstrap = 30; });
    double width = 0.0;
    for (std::size_t k = 0; k < wide.ale.size(); ++k) {
        QVERIFY(wide.bandLower[k] <= wide.bandUpper[k]);
        width = std::max(width, wide.bandUpper[k] - wide.bandLower[k]);
    }
    QVERIFY(width > 0.01);
    const gb::TabularData cd = categoricalData();
    const FunctionPredictor catModel(3, [](const float *x) { return levelEffect[int(x[2])] * x[0]; });
    const AleResult cat = ale(catModel, cd, {2}, 8, [](AleOptions &o) { o.bootstrap = 20; });
    QCOMPARE(cat.bandLower.size(), std::size_t(4));
}

void TestEstimators::ranking()
{
    const gb::TabularData d = gbtest::uniformData(300, 4, 8);
    const FunctionPredictor model(4, [](const float *x) { return 5.0 * x[0] + 1.0 * x[1] + 3.0 * x[3]; });
    for (auto method : {RankOptions::Method::Pdp, RankOptions::Method::Ale}) {
        RankOptions o;
        o.method = method;
        o.maxRows = 100;
        const auto ranks = rankFeatures(model, d, o, quiet(), gb::CancelToken());
        QCOMPARE(ranks.size(), std::size_t(4));
        QCOMPARE(ranks[0].feature, 0);
        QCOMPARE(ranks[1].feature, 3);
        QCOMPARE(ranks[2].feature, 1);
        QCOMPARE(ranks[3].feature, 2);
        QVERIFY(ranks[3].spread < 1e-5);
        QVERIFY(std::fabs(ranks[0].spread / ranks[1].spread - 5.0 / 3.0) < 0.1);
    }
}

void TestEstimators::progressAndCancel()
{
    const gb::TabularData d = gbtest::uniformData(100, 4, 9);
    const FunctionPredictor model = additiveModel(64);
    std::vector<double> fractions;
    gb::Progress progress([&](const gb::ProgressUpdate &u) { fractions.push_back(u.fraction); });
    progress.beginStage("pdp", 0.0, 1.0, "evaluations");
    PdpOptions o;
    o.features = {0};
    o.grids = {GridOptions{}};
    partialDependence(model, d, o, progress, gb::CancelToken());
    progress.flush();
    QVERIFY(!fractions.empty());
    QCOMPARE(fractions.back(), 1.0);
    gb::CancelToken cancel;
    cancel.cancel();
    GB_VERIFY_THROWS(partialDependence(model, d, o, quiet(), cancel), "cancelled");
    AleOptions a;
    a.features = {0};
    GB_VERIFY_THROWS(accumulatedLocalEffects(model, d, a, quiet(), cancel), "cancelled");
}

void TestEstimators::errors()
{
    gb::TabularData d = gbtest::uniformData(50, 4, 10);
    const FunctionPredictor model = additiveModel();
    GB_VERIFY_THROWS(pdp(model, d, {4}), "feature index 4 is out of range");
    GB_VERIFY_THROWS(pdp(model, d, {1, 1}), "the two features must differ");
    GB_VERIFY_THROWS(pdp(model, d, {0, 1}, 5, [](PdpOptions &o) { o.bootstrap = 10; }), "one feature at a time");
    GB_VERIFY_THROWS(pdp(model, d, {0, 1}, 5, [](PdpOptions &o) { o.anchor = 0.3; }), "a single feature");
    GB_VERIFY_THROWS(pdp(model, d, {0}, 5, [](PdpOptions &o) { o.bootstrap = 1; }), "at least 2 resamples");
    GB_VERIFY_THROWS(pdp(model, d, {0}, 5, [](PdpOptions &o) {
        o.bootstrap = 5;
        o.confidence = 1.5;
    }),
                     "confidence level");
    GB_VERIFY_THROWS(pdp(model, d, {0}, 5, [](PdpOptions &o) { o.maxIndividualValues = 10; }), "too many values");
    GB_VERIFY_THROWS(pdp(model, d, {0}, 1), "x0: grid resolution must be greater than 1");
    GB_VERIFY_THROWS(pdp(model, d, {0}, 5, [](PdpOptions &o) {
        o.grids[0].lower = 0.9;
        o.grids[0].upper = 0.1;
    }),
                     "strictly less");
    GB_VERIFY_THROWS(pdp(model, d, {0}, 5, [](PdpOptions &o) { o.grids[0].lower = -0.1; }), "percentiles must be in [0, 1]");
    const FunctionPredictor narrow(3, [](const float *) { return 0.0; });
    GB_VERIFY_THROWS(pdp(narrow, d, {0}), "the model takes 3 input columns but the data has 4 feature columns");

    for (std::int64_t r = 0; r < d.rows; ++r)
        d.values[std::size_t(r * 4 + 2)] = r < 49 ? 1.0f : float(r);
    GB_VERIFY_THROWS(pdp(model, d, {2}, 2), "x2: the percentiles are too close");
    for (std::int64_t r = 0; r < d.rows; ++r)
        d.values[std::size_t(r * 4 + 2)] = 1.0f;
    GB_VERIFY_THROWS(ale(model, d, {2}), "x2: ALE needs at least two distinct values");
    d.categorical[3] = true;
    GB_VERIFY_THROWS(ale(model, d, {0, 3}), "'x3' is categorical");
    GB_VERIFY_THROWS(ale(model, d, {0, 1}, 5, [](AleOptions &o) { o.bootstrap = 5; }), "first-order ALE only");
    GB_VERIFY_THROWS(ale(model, d, {0}, 0), "at least 1");
}

QObject *newEstimatorTests()
{
    return new TestEstimators;
}

#include "tst_estimators.moc"
