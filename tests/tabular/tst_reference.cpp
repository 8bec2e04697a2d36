// SPDX-License-Identifier: MIT
// Against independent references on the same TorchScript models and data (fixtures written by
// tests/reference/tabular/make_tabular_fixtures.py): scikit-learn's partial_dependence, and a
// numpy implementation of the ALEPlot / PyALE algorithm.
#include "tabular_testdata.h"
#include "testutils.h"

#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "models/torchscript_model.h"
#include "tabular/ale.h"
#include "tabular/pdp.h"

#include <algorithm>
#include <cmath>

using namespace gb::tabular;
using gbtest::expectedTabular;
using gbtest::numbers;

namespace {

constexpr double Rtol = 1e-4;

double scaleOf(const std::vector<double> &v)
{
    double m = 0.0;
    for (double x : v)
        m = std::max(m, std::fabs(x));
    return m;
}

#define COMPARE_CURVES(actual, expected, scale)                                                                         \
    do {                                                                                                               \
        QString why_;                                                                                                  \
        QVERIFY2(gbtest::closeCurves(actual, expected, Rtol, scale, &why_), qPrintable(why_));                        \
    } while (0)

AleResult runAle(std::vector<int> features, int bins, EdgeConvention edges = EdgeConvention::ALEPlot)
{
    AleOptions o;
    o.features = std::move(features);
    o.bins = bins;
    o.edges = edges;
    return accumulatedLocalEffects(*gbtest::fixtureModel("mlp_reg.pt"), gbtest::fixtureData(), o, gb::Progress::null(),
                                   gb::CancelToken());
}

void compareAle(const AleResult &r, const gb::Json &e)
{
    COMPARE_CURVES(r.edges[0], numbers(*e.find("edges")), 0.0);
    const std::vector<double> expected = numbers(*e.find("ale"));
    COMPARE_CURVES(r.ale, expected, scaleOf(expected));
    QCOMPARE(std::vector<double>(r.counts.begin(), r.counts.end()), numbers(*e.find("counts")));
}

} // namespace

class TestReference : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void pdpPercentileGridAndIce();
    void pdpUniqueValuesGrid();
    void pdpTwoFeatures();
    void pdpCategorical();
    void pdpClassProbability();
    void centredMatchesSklearnDisplay();
    void aleFirstOrder_data();
    void aleFirstOrder();
    void aleSecondOrder();
    void aleCategorical();
    void pyalePublishedValues();
};

void TestReference::pdpPercentileGridAndIce()
{
    const gb::Json &e = *expectedTabular().find("pdp_age_res20");
    const PdpResult r = gbtest::fixturePdp(*gbtest::fixtureModel("mlp_reg.pt"), {0}, 20);
    COMPARE_CURVES(r.grid[0], numbers(*e.find("grid")), 0.0);
    COMPARE_CURVES(r.average, numbers(*e.find("average")), 0.0);
    const std::vector<double> individual(r.individual.begin(), r.individual.end());
    COMPARE_CURVES(individual, gbtest::numbers(*e.find("individual")), 0.0);
}

void TestReference::pdpUniqueValuesGrid()
{
    const gb::Json &e = *expectedTabular().find("pdp_bp_unique");
    const PdpResult r = gbtest::fixturePdp(*gbtest::fixtureModel("mlp_reg.pt"), {2}, 100, false);
    QCOMPARE(r.grid[0].size(), std::size_t(55)); // 55 distinct bp values < 100
    COMPARE_CURVES(r.grid[0], numbers(*e.find("grid")), 0.0);
    COMPARE_CURVES(r.average, numbers(*e.find("average")), 0.0);
}

void TestReference::pdpTwoFeatures()
{
    const gb::Json &e = *expectedTabular().find("pdp_age_bmi_res8");
    const PdpResult r = gbtest::fixturePdp(*gbtest::fixtureModel("mlp_reg.pt"), {0, 1}, 8, false);
    COMPARE_CURVES(r.grid[0], numbers(e.find("grid")->toArray()[0]), 0.0);
    COMPARE_CURVES(r.grid[1], numbers(e.find("grid")->toArray()[1]), 0.0);
    COMPARE_CURVES(r.average, gbtest::numbers(*e.find("average")), 0.0);
}

void TestReference::pdpCategorical()
{
    const gb::Json &e = *expectedTabular().find("pdp_group_categorical");
    const PdpResult r = gbtest::fixturePdp(*gbtest::fixtureModel("mlp_reg.pt"), {3}, 100, false);
    QCOMPARE(r.grid[0], (std::vector<double>{0, 1, 2, 3}));
    COMPARE_CURVES(r.average, numbers(*e.find("average")), 0.0);
}

void TestReference::pdpClassProbability()
{
    const gb::Json &e = *expectedTabular().find("pdp_bmi_class2_res12");
    const auto model = gbtest::fixtureModel("mlp_cls.pt", 2, gb::TabularResponse::Kind::Probability);
    const PdpResult r = gbtest::fixturePdp(*model, {1}, 12);
    COMPARE_CURVES(r.grid[0], numbers(*e.find("grid")), 0.0);
    COMPARE_CURVES(r.average, numbers(*e.find("average")), 0.0);
    const std::vector<double> individual(r.individual.begin(), r.individual.end());
    COMPARE_CURVES(individual, gbtest::numbers(*e.find("individual")), 0.0);
}

void TestReference::centredMatchesSklearnDisplay()
{
    // PartialDependenceDisplay(centered=True) subtracts each curve's first grid value.
    const gb::Json &e = *expectedTabular().find("pdp_age_res20");
    PdpOptions o;
    o.features = {0};
    GridOptions g;
    g.resolution = 20;
    o.grids = {g};
    o.centered = true;
    const PdpResult r = partialDependence(*gbtest::fixtureModel("mlp_reg.pt"), gbtest::fixtureData(), o,
                                          gb::Progress::null(), gb::CancelToken());
    std::vector<double> average = numbers(*e.find("average"));
    const double first = average[0];
    for (double &v : average)
        v -= first;
    COMPARE_CURVES(r.average, average, scaleOf(numbers(*e.find("average"))));
    const auto &curves = e.find("individual")->toArray();
    for (std::size_t k = 0; k < curves.size(); k += 7) {
        std::vector<double> curve = numbers(curves[k]);
        const double c0 = curve[0];
        for (double &v : curve)
            v -= c0;
        const std::vector<double> ours(r.individual.begin() + std::ptrdiff_t(k * 20), r.individual.begin() + std::ptrdiff_t((k + 1) * 20));
        COMPARE_CURVES(ours, curve, scaleOf(numbers(curves[k])));
    }
}

void TestReference::aleFirstOrder_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<int>("feature");
    QTest::addColumn<int>("bins");
    QTest::addColumn<bool>("pyale");
    QTest::addRow("age K=7 ALEPlot edges") << QByteArray("ale_age_k7_aleplot") << 0 << 7 << false;
    QTest::addRow("age K=7 PyALE edges") << QByteArray("ale_age_k7_pyale") << 0 << 7 << true;
    QTest::addRow("bp K=20 (duplicate edges)") << QByteArray("ale_bp_k20_aleplot") << 2 << 20 << false;
}

void TestReference::aleFirstOrder()
{
    QFETCH(QByteArray, key);
    QFETCH(int, feature);
    QFETCH(int, bins);
    QFETCH(bool, pyale);
    compareAle(runAle({feature}, bins, pyale ? EdgeConvention::PyALE : EdgeConvention::ALEPlot),
               *expectedTabular().find(key.toStdString()));
}

void TestReference::aleSecondOrder()
{
    const gb::Json &e = *expectedTabular().find("ale_age_bmi_k6");
    QVERIFY(e.find("empty_cells")->toInt() > 0); // the fixture exercises empty-cell filling
    const AleResult r = runAle({0, 1}, 6);
    COMPARE_CURVES(r.edges[0], numbers(e.find("edges")->toArray()[0]), 0.0);
    COMPARE_CURVES(r.edges[1], numbers(e.find("edges")->toArray()[1]), 0.0);
    const std::vector<double> expected = gbtest::numbers(*e.find("ale"));
    COMPARE_CURVES(r.ale, expected, scaleOf(expected));
    QCOMPARE(std::vector<double>(r.counts.begin(), r.counts.end()), gbtest::numbers(*e.find("counts")));
}

void TestReference::aleCategorical()
{
    const gb::Json &e = *expectedTabular().find("ale_group");
    const AleResult r = runAle({3}, 20);
    QVERIFY(r.categorical);
    QCOMPARE(r.edges[0], numbers(*e.find("edges"))); // the MDS level order
    compareAle(r, e);
}

void TestReference::pyalePublishedValues()
{
    // PyALE's own test numbers (see make_tabular_fixtures.py), on the data its tests draw.
    const gb::Json &e = *expectedTabular().find("pyale_published");
    const gb::TabularData d = gb::loadTabularData(gbtest::tabularFixture("pyale_lib.csv"), {}, {});
    const std::vector<double> z = aleEdges(d.column(0), 10, EdgeConvention::PyALE, "x1");
    const std::vector<double> published = numbers(*e.find("quantile_ied_x1"));
    const std::vector<double> ours{z[1], z[5], z[9]}; // Q(0.1), Q(0.5), Q(0.9)
    for (std::size_t k = 0; k < published.size(); ++k)
        QVERIFY2(std::fabs(ours[k] - published[k]) < 1e-7, qPrintable(QString::number(ours[k], 'g', 10)));
    QStringList order;
    for (double code : orderLevels(d, 4))
        order << QString::fromStdString(d.levelText(4, code));
    QStringList expected;
    for (const gb::Json &label : e.find("order_groups_x5")->toArray())
        expected << QString::fromStdString(label.toString());
    QCOMPARE(order, expected);
}

QObject *newReferenceTests()
{
    return new TestReference;
}

#include "tst_reference.moc"
