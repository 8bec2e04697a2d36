// SPDX-License-Identifier: MIT
// The exact region walk of ReLU networks (tabular/linewalk.h) against the brute-force forward of
// the same network, point by point; and partialDependence with and without it.
#include "tabular_testdata.h"

#include "jobs/cancel.h"
#include "models/torchscript_model.h"
#include "system/compute.h"
#include "jobs/progress.h"
#include "tabular/linewalk.h"
#include "tabular/pdp.h"
#include "tabular/relunetwork.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <random>

using namespace gb::tabular;

namespace {

struct NetSpec {
    std::vector<std::int64_t> widths; // input, hidden..., output
    ReluNetwork::Response response = ReluNetwork::Response::Raw;
    std::uint64_t seed = 1;
    int deadFeature = -1; // a feature whose first-layer weights are zero: the line is flat
};

ReluNetwork randomNetwork(const NetSpec &spec)
{
    std::mt19937_64 rng(spec.seed);
    std::normal_distribution<double> normal(0.0, 1.0);
    ReluNetwork net;
    for (std::size_t l = 0; l + 1 < spec.widths.size(); ++l) {
        const std::int64_t in = spec.widths[l], out = spec.widths[l + 1];
        std::vector<double> w(static_cast<std::size_t>(in * out)), b(static_cast<std::size_t>(out));
        for (std::int64_t o = 0; o < out; ++o)
            for (std::int64_t i = 0; i < in; ++i)
                w[std::size_t(o * in + i)] = l == 0 && i == spec.deadFeature ? 0.0 : normal(rng) / std::sqrt(double(in));
        for (double &v : b)
            v = 0.5 * normal(rng);
        net.addLayer(in, out, w.data(), b.data());
    }
    net.response = spec.response;
    net.column = spec.response == ReluNetwork::Response::Softmax ? spec.widths.back() - 1 : 0;
    return net;
}

std::vector<float> randomRows(std::int64_t n, std::int64_t width, std::uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    std::vector<float> rows(static_cast<std::size_t>(n * width));
    for (float &v : rows)
        v = u(rng);
    return rows;
}

// Float32 grid values, like the ones partialDependence feeds the model.
std::vector<double> floats(std::vector<double> v)
{
    for (double &x : v)
        x = double(float(x));
    return v;
}

std::vector<double> linspace(double lo, double hi, int count)
{
    std::vector<double> v;
    for (int k = 0; k < count; ++k)
        v.push_back(count == 1 ? lo : lo + (hi - lo) * k / (count - 1));
    return floats(v);
}

// The first hidden layer's boundary of unit `unit` on the line through `row` along `feature`.
double breakpoint(const ReluNetwork &net, const float *row, int feature, std::int64_t unit)
{
    const auto &l = net.layers.front();
    double a = l.bias[std::size_t(unit)];
    for (std::int64_t i = 0; i < l.inputs; ++i)
        if (i != feature)
            a += double(row[i]) * l.weightT[std::size_t(i * l.outputs + unit)];
    return -a / l.weightT[std::size_t(feature * l.outputs + unit)];
}

// Every (row, point) through the network's forward: [rows][points].
std::vector<float> bruteValues(const ReluNetwork &net, const std::vector<float> &rows, std::int64_t width,
                               const std::vector<int> &features, const std::vector<std::vector<double>> &axes)
{
    // The last axis varies fastest (point = a * len(last) + b); with one feature it is the only one.
    const bool twoD = axes.size() == 2;
    const std::vector<double> &last = axes.back();
    const std::int64_t n = std::int64_t(rows.size()) / width;
    const std::int64_t n2 = twoD ? std::int64_t(last.size()) : 1;
    const std::int64_t points = std::int64_t(axes.front().size()) * n2;
    std::vector<float> input, out(static_cast<std::size_t>(n * points));
    for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t p = 0; p < points; ++p) {
            input.insert(input.end(), rows.begin() + i * width, rows.begin() + (i + 1) * width);
            float *x = input.data() + (i * points + p) * width;
            x[features.front()] = float(axes.front()[std::size_t(p / n2)]);
            if (twoD)
                x[features.back()] = float(last[std::size_t(p % n2)]);
        }
    net.evaluate(input.data(), n * points, out.data());
    return out;
}

std::vector<float> walkedValues(const ReluNetwork &net, const std::vector<float> &rows, std::int64_t width,
                                const std::vector<int> &features, const std::vector<std::vector<double>> &axes)
{
    const std::int64_t n = std::int64_t(rows.size()) / width;
    std::int64_t points = 1;
    for (const auto &a : axes)
        points *= std::int64_t(a.size());
    std::vector<float> out(static_cast<std::size_t>(n * points), NAN);
    std::int64_t next = 0;
    walkGrid(
        net, rows.data(), n, width, features, axes,
        [&](std::int64_t begin, std::int64_t end, const float *values) {
            QCOMPARE(begin, next);
            next = end;
            std::copy(values, values + (end - begin) * points, out.begin() + begin * points);
        },
        gb::Progress::null(), gb::CancelToken());
    return out;
}

double maxRelativeDiff(const std::vector<float> &a, const std::vector<float> &b)
{
    double scale = 1e-6, worst = 0.0;
    for (float v : b)
        scale = std::max(scale, double(std::fabs(v)));
    for (std::size_t k = 0; k < a.size(); ++k)
        worst = std::max(worst, std::isfinite(a[k]) ? std::fabs(double(a[k]) - double(b[k])) : INFINITY);
    return worst / scale;
}

// A model known both ways: predict() is the network's forward; piecewiseLinear() offers the
// network (or, to test the probe, a different one).
class NetworkPredictor final : public Predictor {
public:
    NetworkPredictor(ReluNetwork net, const ReluNetwork *offered)
        : m_net(std::move(net)), m_offered(offered)
    {
    }
    std::int64_t inputWidth() const override { return m_net.inputWidth(); }
    void predict(const float *rows, std::int64_t n, float *out) const override { m_net.evaluate(rows, n, out); }
    const ReluNetwork *piecewiseLinear() const override { return m_offered; }
    const ReluNetwork &network() const { return m_net; }

private:
    ReluNetwork m_net;
    const ReluNetwork *m_offered;
};

gb::TabularData dataFrom(const std::vector<float> &rows, int width)
{
    return gbtest::syntheticData(std::int64_t(rows.size()) / width, width, 0,
                                 [&](std::int64_t r, int c, const std::function<double()> &, const std::vector<double> &) {
                                     return double(rows[std::size_t(r * width + c)]);
                                 });
}

// A result against scikit-learn's partial_dependence on the same TorchScript file (fixture).
bool matchesSklearn(const PdpResult &r, const char *key, QString *why)
{
    const gb::Json &e = *gbtest::expectedTabular().find(key);
    std::vector<double> grid;
    for (const auto &g : r.grid)
        grid.insert(grid.end(), g.begin(), g.end());
    const gb::Json &eg = *e.find("grid");
    const bool ok = gbtest::closeCurves(grid, gbtest::numbers(eg), 1e-4, 0.0, why)
                    && gbtest::closeCurves(r.average, gbtest::numbers(*e.find("average")), 1e-4, 1e-3, why);
    if (!ok || !e.find("individual"))
        return ok;
    return gbtest::closeCurves(std::vector<double>(r.individual.begin(), r.individual.end()),
                               gbtest::numbers(*e.find("individual")), 1e-4, 1e-3, why);
}

} // namespace

class TestLineWalk : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void walkEqualsForward_data();
    void walkEqualsForward();
    void breakpointsOnTheGrid();
    void parallelRowsAgree();
    void pdpWalkEqualsBrute_data();
    void pdpWalkEqualsBrute();
    void probeRejectsAWrongNetwork();
    void torchScriptReluNetwork_data();
    void torchScriptReluNetwork();
    void notEligibleFallsBack_data();
    void notEligibleFallsBack();
};

void TestLineWalk::walkEqualsForward_data()
{
    QTest::addColumn<QVector<qlonglong>>("widths");
    QTest::addColumn<int>("response");
    QTest::addColumn<int>("dims");
    QTest::addColumn<QString>("grid");
    QTest::addColumn<int>("dead");
    using W = QVector<qlonglong>;
    const int raw = int(ReluNetwork::Response::Raw), sig = int(ReluNetwork::Response::Sigmoid),
              soft = int(ReluNetwork::Response::Softmax);
    QTest::addRow("1 hidden, width 1") << W{5, 1, 1} << raw << 1 << "inside" << -1;
    QTest::addRow("1 hidden, width 64") << W{5, 64, 1} << raw << 1 << "inside" << -1;
    QTest::addRow("2 hidden 64-64 (bench shape)") << W{10, 64, 64, 1} << raw << 1 << "inside" << -1;
    QTest::addRow("2 hidden, far outside the data") << W{6, 32, 16, 1} << raw << 1 << "far" << -1;
    QTest::addRow("2 hidden, one grid value") << W{6, 32, 16, 1} << raw << 1 << "single" << -1;
    QTest::addRow("2 hidden, repeated and unsorted values") << W{6, 32, 16, 1} << raw << 1 << "repeated" << -1;
    QTest::addRow("3 hidden 3-7-2") << W{4, 3, 7, 2, 1} << raw << 1 << "far" << -1;
    QTest::addRow("3 hidden 64-32-48") << W{8, 64, 32, 48, 1} << raw << 1 << "inside" << -1;
    QTest::addRow("zero-slope feature") << W{6, 32, 16, 1} << raw << 1 << "inside" << 0;
    QTest::addRow("sigmoid response") << W{6, 32, 16, 1} << sig << 1 << "far" << -1;
    QTest::addRow("softmax of 4 outputs") << W{6, 32, 16, 4} << soft << 1 << "far" << -1;
    QTest::addRow("no hidden layer") << W{6, 1} << raw << 1 << "far" << -1;
    QTest::addRow("2-D, 1 hidden") << W{5, 24, 1} << raw << 2 << "inside" << -1;
    QTest::addRow("2-D, 2 hidden 64-64") << W{10, 64, 64, 1} << raw << 2 << "inside" << -1;
    QTest::addRow("2-D, 3 hidden, far") << W{5, 16, 16, 16, 1} << raw << 2 << "far" << -1;
    QTest::addRow("2-D, repeated and unsorted") << W{5, 16, 16, 1} << raw << 2 << "repeated" << -1;
    QTest::addRow("2-D, single values") << W{5, 16, 16, 1} << raw << 2 << "single" << -1;
    QTest::addRow("2-D, zero-slope second feature") << W{5, 16, 16, 1} << raw << 2 << "inside" << 3;
    QTest::addRow("2-D, softmax") << W{5, 16, 16, 3} << soft << 2 << "far" << -1;
}

void TestLineWalk::walkEqualsForward()
{
    QFETCH(QVector<qlonglong>, widths);
    QFETCH(int, response);
    QFETCH(int, dims);
    QFETCH(QString, grid);
    QFETCH(int, dead);
    NetSpec spec;
    spec.widths.assign(widths.begin(), widths.end());
    spec.response = ReluNetwork::Response(response);
    spec.deadFeature = dead;
    const std::int64_t width = spec.widths.front();
    const std::vector<int> features = dims == 1 ? std::vector<int>{0} : std::vector<int>{0, 3};
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        spec.seed = seed;
        const ReluNetwork net = randomNetwork(spec);
        const std::vector<float> rows = randomRows(40, width, 100 + seed);
        std::vector<std::vector<double>> axes;
        for (int d = 0; d < dims; ++d) {
            if (grid == QLatin1String("inside"))
                axes.push_back(linspace(-0.9, 0.9, d == 0 ? 100 : 37));
            else if (grid == QLatin1String("far"))
                axes.push_back(linspace(-40.0, 55.0, d == 0 ? 60 : 23));
            else if (grid == QLatin1String("single"))
                axes.push_back({0.25});
            else
                axes.push_back(floats({0.5, -0.3, 0.5, 2.0, -0.3, 0.1, 0.1, -3.0}));
        }
        const auto walked = walkedValues(net, rows, width, features, axes);
        const auto brute = bruteValues(net, rows, width, features, axes);
        const double diff = maxRelativeDiff(walked, brute);
        QVERIFY2(diff <= 1e-5, qPrintable(QStringLiteral("seed %1: max |diff| / max |value| = %2").arg(seed).arg(diff)));
        // The sums over rows, walked without per-row values.
        const std::vector<double> sums = walkGridSums(net, rows.data(), std::int64_t(rows.size()) / width, width,
                                                      features, axes, gb::Progress::null(), gb::CancelToken());
        std::vector<double> bruteSums(sums.size(), 0.0);
        for (std::size_t k = 0; k < brute.size(); ++k)
            bruteSums[k % sums.size()] += brute[k];
        const double sumDiff = maxRelativeDiff(std::vector<float>(sums.begin(), sums.end()),
                                               std::vector<float>(bruteSums.begin(), bruteSums.end()));
        QVERIFY2(sumDiff <= 1e-5, qPrintable(QStringLiteral("seed %1: sums off by %2").arg(seed).arg(sumDiff)));
    }
}

// Grid values exactly on region boundaries (several units' breakpoints, repeated), where the walk
// flips units at a grid point.
void TestLineWalk::breakpointsOnTheGrid()
{
    const ReluNetwork net = randomNetwork({{6, 32, 16, 1}, ReluNetwork::Response::Raw, 7, -1});
    const std::vector<float> row = randomRows(1, 6, 5);
    std::vector<double> axis = {-5.0, 5.0};
    for (std::int64_t unit = 0; unit < 32; unit += 3) {
        const double t = breakpoint(net, row.data(), 2, unit);
        axis.push_back(t);
        axis.push_back(t);
    }
    axis = floats(axis);
    const auto walked = walkedValues(net, row, 6, {2}, {axis});
    const auto brute = bruteValues(net, row, 6, {2}, {axis});
    QVERIFY2(maxRelativeDiff(walked, brute) <= 1e-5, qPrintable(QString::number(maxRelativeDiff(walked, brute))));
}

// Rows split over two intra-op threads (each with its own walkers and partial sums) give what the
// forward gives.
void TestLineWalk::parallelRowsAgree()
{
    const int before = gb::computeInfo().threads;
    gb::setComputeThreads(2);
    const ReluNetwork net = randomNetwork({{10, 64, 64, 1}, ReluNetwork::Response::Raw, 31, -1});
    const std::vector<float> rows = randomRows(97, 10, 8);
    const std::vector<std::vector<double>> axes = {linspace(-1.2, 1.1, 41), linspace(-0.8, 1.3, 29)};
    const auto walked = walkedValues(net, rows, 10, {2, 7}, axes);
    const std::vector<double> sums = walkGridSums(net, rows.data(), 97, 10, {2, 7}, axes, gb::Progress::null(),
                                                  gb::CancelToken());
    gb::setComputeThreads(before);
    const auto brute = bruteValues(net, rows, 10, {2, 7}, axes);
    std::vector<double> bruteSums(sums.size(), 0.0);
    for (std::size_t k = 0; k < brute.size(); ++k)
        bruteSums[k % sums.size()] += brute[k];
    QVERIFY2(maxRelativeDiff(walked, brute) <= 1e-5, qPrintable(QString::number(maxRelativeDiff(walked, brute))));
    const double sumDiff = maxRelativeDiff(std::vector<float>(sums.begin(), sums.end()),
                                           std::vector<float>(bruteSums.begin(), bruteSums.end()));
    QVERIFY2(sumDiff <= 1e-5, qPrintable(QString::number(sumDiff)));
}

void TestLineWalk::pdpWalkEqualsBrute_data()
{
    QTest::addColumn<int>("dims");
    QTest::addColumn<bool>("centered");
    QTest::addColumn<double>("anchor");
    QTest::addColumn<int>("bootstrap");
    QTest::addColumn<bool>("individual");
    QTest::addRow("ICE") << 1 << false << double(NAN) << 0 << true;
    QTest::addRow("average only") << 1 << false << double(NAN) << 0 << false;
    QTest::addRow("centred average at an off-grid anchor") << 1 << true << 0.123 << 0 << false;
    QTest::addRow("2-D average only") << 2 << false << double(NAN) << 0 << false;
    QTest::addRow("centred ICE") << 1 << true << double(NAN) << 0 << true;
    QTest::addRow("centred at an off-grid anchor") << 1 << true << 0.123 << 0 << true;
    QTest::addRow("bootstrap band, no ICE") << 1 << false << double(NAN) << 30 << false;
    QTest::addRow("2-D with ICE") << 2 << false << double(NAN) << 0 << true;
    QTest::addRow("2-D centred") << 2 << true << double(NAN) << 0 << false;
}

void TestLineWalk::pdpWalkEqualsBrute()
{
    QFETCH(int, dims);
    QFETCH(bool, centered);
    QFETCH(double, anchor);
    QFETCH(int, bootstrap);
    QFETCH(bool, individual);
    const ReluNetwork net = randomNetwork({{6, 48, 24, 1}, ReluNetwork::Response::Raw, 11, -1});
    const NetworkPredictor model(net, &net);
    const gb::TabularData data = dataFrom(randomRows(150, 6, 3), 6);
    PdpOptions o;
    o.features = dims == 1 ? std::vector<int>{4} : std::vector<int>{4, 1};
    GridOptions g;
    g.resolution = dims == 1 ? 50 : 20;
    o.grids = {g};
    o.centered = centered;
    if (!std::isnan(anchor))
        o.anchor = anchor;
    o.bootstrap = bootstrap;
    o.individual = individual;
    o.iceSample = 40;
    o.seed = 5;
    const PdpResult walked = partialDependence(model, data, o, gb::Progress::null(), gb::CancelToken());
    o.evaluation = PdpOptions::Evaluation::Brute;
    const PdpResult brute = partialDependence(model, data, o, gb::Progress::null(), gb::CancelToken());
    QVERIFY(walked.exactWalk);
    QVERIFY(!brute.exactWalk);
    QCOMPARE(walked.grid, brute.grid);
    QCOMPARE(walked.iceRows, brute.iceRows);
    QCOMPARE(walked.average.size(), brute.average.size());
    QCOMPARE(walked.individual.size(), brute.individual.size());
    QCOMPARE(walked.bandLower.size(), brute.bandLower.size());
    const auto close = [](const std::vector<double> &a, const std::vector<double> &b, double scale) {
        QString why;
        const bool ok = gbtest::closeCurves(a, b, 1e-5, scale, &why);
        if (!ok)
            qWarning("%s", qPrintable(why));
        return ok;
    };
    double scale = 0.0;
    for (float v : brute.individual)
        scale = std::max(scale, double(std::fabs(v)));
    QVERIFY(close(walked.average, brute.average, 0.1));
    QVERIFY(close(std::vector<double>(walked.individual.begin(), walked.individual.end()),
                  std::vector<double>(brute.individual.begin(), brute.individual.end()), scale));
    QVERIFY(close(walked.bandLower, brute.bandLower, 0.1));
    QVERIFY(close(walked.bandUpper, brute.bandUpper, 0.1));
}

// A network that does not compute what predict() computes is caught on the probe rows: the
// estimator evaluates the model instead, and the answer is the model's.
void TestLineWalk::probeRejectsAWrongNetwork()
{
    const ReluNetwork truth = randomNetwork({{6, 16, 1}, ReluNetwork::Response::Raw, 21, -1});
    ReluNetwork other = truth;
    other.layers.back().bias[0] += 1e-3;
    const NetworkPredictor lying(truth, &other);
    const gb::TabularData data = dataFrom(randomRows(60, 6, 4), 6);
    PdpOptions o;
    o.features = {2};
    o.grids = {GridOptions{}};
    const PdpResult r = partialDependence(lying, data, o, gb::Progress::null(), gb::CancelToken());
    QVERIFY(!r.exactWalk);
    o.evaluation = PdpOptions::Evaluation::Brute;
    const PdpResult brute = partialDependence(lying, data, o, gb::Progress::null(), gb::CancelToken());
    QCOMPARE(r.average, brute.average);
}

void TestLineWalk::torchScriptReluNetwork_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("column");
    QTest::addColumn<QVector<int>>("features");
    QTest::addColumn<int>("resolution");
    QTest::addColumn<QString>("expected");
    const int raw = int(gb::TabularResponse::Kind::Raw), probability = int(gb::TabularResponse::Kind::Probability),
              sigmoid = int(gb::TabularResponse::Kind::Sigmoid);
    QTest::addRow("regression, ICE") << "relu_reg.pt" << raw << -1 << QVector<int>{0} << 20 << "relu_pdp_age_res20";
    QTest::addRow("regression, 2-D") << "relu_reg.pt" << raw << -1 << QVector<int>{0, 1} << 8 << "relu_pdp_age_bmi_res8";
    QTest::addRow("class probability (softmax)") << "relu_cls.pt" << probability << 1 << QVector<int>{1} << 12
                                                 << "relu_pdp_bmi_class1_res12";
    QTest::addRow("raw score of class 2") << "relu_cls.pt" << raw << 2 << QVector<int>{2} << 30 << "";
    QTest::addRow("sigmoid of output 0, 2-D") << "relu_cls.pt" << sigmoid << 0 << QVector<int>{2, 0} << 12 << "";
}

// The fixture's forward is Linear (standardisation) -> Linear -> ReLU -> Linear -> ReLU -> Linear:
// eligible, the first two folded into one layer.
void TestLineWalk::torchScriptReluNetwork()
{
    QFETCH(QString, file);
    QFETCH(int, kind);
    QFETCH(int, column);
    QFETCH(QVector<int>, features);
    QFETCH(int, resolution);
    QFETCH(QString, expected);
    const auto model = gbtest::fixtureModel(qPrintable(file), column, gb::TabularResponse::Kind(kind));
    QVERIFY(model->piecewiseLinear());
    QCOMPARE(model->piecewiseLinear()->layers.size(), std::size_t(3));
    const std::vector<int> f(features.begin(), features.end());
    const bool individual = f.size() == 1;
    const PdpResult walked = gbtest::fixturePdp(*model, f, resolution, individual);
    const PdpResult brute = gbtest::fixturePdp(*model, f, resolution, individual, PdpOptions::Evaluation::Brute);
    QVERIFY(walked.exactWalk);
    QVERIFY(!brute.exactWalk);
    // The module computes in float32, the network in double: compare to 1e-5 of the largest value.
    const double averageDiff = maxRelativeDiff(std::vector<float>(walked.average.begin(), walked.average.end()),
                                               std::vector<float>(brute.average.begin(), brute.average.end()));
    QVERIFY2(averageDiff <= 1e-5, qPrintable(QString::number(averageDiff)));
    const double iceDiff = maxRelativeDiff(walked.individual, brute.individual);
    QVERIFY2(iceDiff <= 1e-5, qPrintable(QString::number(iceDiff)));
    QString why;
    if (!expected.isEmpty())
        QVERIFY2(matchesSklearn(walked, qPrintable(expected), &why), qPrintable(why));
}

void TestLineWalk::notEligibleFallsBack_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("expected");
    QTest::addRow("tanh MLP") << "mlp_reg.pt" << "pdp_age_res20";
    QTest::addRow("residual connection") << "relu_residual.pt" << "relu_residual_pdp_age_res20";
    QTest::addRow("x * 2 + 1 before the network") << "relu_affine_input.pt" << "relu_affine_input_pdp_age_res20";
}

void TestLineWalk::notEligibleFallsBack()
{
    QFETCH(QString, file);
    QFETCH(QString, expected);
    const auto model = gbtest::fixtureModel(qPrintable(file));
    QVERIFY(!model->piecewiseLinear());
    const PdpResult r = gbtest::fixturePdp(*model, {0}, 20, true);
    QVERIFY(!r.exactWalk);
    QString why;
    QVERIFY2(matchesSklearn(r, qPrintable(expected), &why), qPrintable(why));
}

QObject *newLineWalkTests()
{
    return new TestLineWalk;
}

#include "tst_linewalk.moc"
