// SPDX-License-Identifier: MIT
// PDP / ICE / ALE speed, side by side with scikit-learn in one run (docs/BENCHMARKS.md,
// "Tabular effects"). The Python side (bench_tabular.py) prepares the diabetes data (442 x 10)
// and an MLP, then times sklearn.inspection.partial_dependence(method="brute") wrapping the
// same TorchScript model and a per-bin ALE loop. Loading is excluded on both sides. Glassbox's
// PDP runs twice: the exact region walk (the MLP is a ReLU network) and brute force (one batched
// forward per grid point, what any model gets), with their agreement.
//
//     bench_tabular [--threads N] [--hidden 64,64] [--dir DIR]
#include "io/csv.h"
#include "io/json.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "models/torchscript_model.h"
#include "system/compute.h"
#include "tabular/ale.h"
#include "tabular/grid.h"
#include "tabular/pdp.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QProcess>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>

using namespace gb;
using namespace gb::tabular;

namespace {

double seconds(const std::function<void()> &f, int repeats)
{
    double best = INFINITY;
    for (int r = 0; r < repeats; ++r) {
        const auto t = std::chrono::steady_clock::now();
        f();
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count());
    }
    return best;
}

QByteArray python(const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral("/usr/bin/python3"), QStringList{QStringLiteral(GLASSBOX_SOURCE_DIR "/tests/bench/bench_tabular.py")} + args);
    if (!p.waitForFinished(-1) || p.exitCode() != 0) {
        std::fprintf(stderr, "python failed: %s\n", p.readAllStandardError().constData());
        std::exit(1);
    }
    return p.readAllStandardOutput();
}

// First-order ALE the straightforward way: two forward calls per bin.
std::vector<double> alePerBin(const Predictor &model, const TabularData &data, int f, int bins)
{
    const std::vector<double> x = data.column(f);
    const std::vector<double> z = aleEdges(x, bins, EdgeConvention::ALEPlot, "f");
    const std::vector<int> bin = binIndices(x, z);
    const int K = int(z.size()) - 1;
    std::vector<double> means, counts;
    for (int k = 0; k < K; ++k) {
        std::vector<float> lo, hi;
        for (std::int64_t i = 0; i < data.rows; ++i)
            if (bin[std::size_t(i)] == k)
                for (std::int64_t c = 0; c < data.cols(); ++c) {
                    lo.push_back(c == f ? float(z[std::size_t(k)]) : data.at(i, c));
                    hi.push_back(c == f ? float(z[std::size_t(k) + 1]) : data.at(i, c));
                }
        const std::int64_t n = std::int64_t(lo.size()) / data.cols();
        std::vector<float> plo(static_cast<std::size_t>(n)), phi(static_cast<std::size_t>(n));
        model.predict(lo.data(), n, plo.data());
        model.predict(hi.data(), n, phi.data());
        double s = 0;
        for (std::int64_t i = 0; i < n; ++i)
            s += double(phi[std::size_t(i)]) - double(plo[std::size_t(i)]);
        means.push_back(s / double(n));
        counts.push_back(double(n));
    }
    return accumulateCentred(means, counts, true);
}

double maxRelDiff(const std::vector<double> &a, const std::vector<double> &b)
{
    double scale = 0, m = 0;
    for (double v : b)
        scale = std::max(scale, std::fabs(v));
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i)
        m = std::max(m, std::fabs(a[i] - b[i]) / scale);
    return a.size() == b.size() ? m : INFINITY;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("threads"), QStringLiteral("Intra-op threads, both sides."), QStringLiteral("N"), QStringLiteral("2")});
    parser.addOption({QStringLiteral("hidden"), QStringLiteral("MLP hidden widths."), QStringLiteral("W,..."), QStringLiteral("64,64")});
    parser.addOption({QStringLiteral("dir"), QStringLiteral("Work folder."), QStringLiteral("DIR"),
                      QDir::temp().filePath(QStringLiteral("glassbox_bench_tabular"))});
    parser.addOption({QStringLiteral("batch-rows"), QStringLiteral("Rows per forward (default: the model's budget)."), QStringLiteral("N")});
    parser.process(app);
    const int threads = parser.value(QStringLiteral("threads")).toInt();
    const QString dir = parser.value(QStringLiteral("dir"));
    setComputeThreads(threads);

    python(QStringList{QStringLiteral("prepare"), dir} + parser.value(QStringLiteral("hidden")).split(QLatin1Char(',')));
    const TabularData data = loadTabularData(QString(dir + QStringLiteral("/diabetes.csv")).toStdString(), {}, {});
    const auto model = TabularModel::load(QString(dir + QStringLiteral("/mlp.pt")).toStdString(), data.cols());
    if (parser.isSet(QStringLiteral("batch-rows")))
        model->setBatchRows(parser.value(QStringLiteral("batch-rows")).toLongLong());
    const int f1 = data.featureIndex("bmi"), f2 = data.featureIndex("bp");

    PdpOptions one;
    one.features = {f1};
    one.grids = {GridOptions{}};
    PdpOptions two = one;
    two.features = {f1, f2};
    two.individual = false;
    PdpOptions oneBrute = one, twoBrute = two;
    oneBrute.evaluation = twoBrute.evaluation = PdpOptions::Evaluation::Brute;
    AleOptions ale;
    ale.features = {f1};
    ale.bins = 100;
    PdpResult r1, r2, b1, b2;
    AleResult ra;
    std::vector<double> naive;
    const auto ours = [&](int repeats) {
        return std::vector<double>{
            seconds([&] { r1 = partialDependence(*model, data, one, Progress::null(), CancelToken()); }, repeats),
            seconds([&] { r2 = partialDependence(*model, data, two, Progress::null(), CancelToken()); }, repeats),
            seconds([&] { b1 = partialDependence(*model, data, oneBrute, Progress::null(), CancelToken()); }, repeats),
            seconds([&] { b2 = partialDependence(*model, data, twoBrute, Progress::null(), CancelToken()); }, repeats),
            seconds([&] { ra = accumulatedLocalEffects(*model, data, ale, Progress::null(), CancelToken()); }, repeats),
            seconds([&] { naive = alePerBin(*model, data, f1, 100); }, repeats),
        };
    };
    ours(1); // warm-up: the TorchScript profiling executor specialises on the first calls
    std::vector<double> t = ours(3);
    const Json py = Json::parse(python({QStringLiteral("run"), dir, QString::number(threads)}).toStdString(), "python");
    const std::vector<double> again = ours(3);
    for (std::size_t i = 0; i < t.size(); ++i)
        t[i] = std::min(t[i], again[i]);

    const auto numbers = [](const Json &a) {
        std::vector<double> v;
        for (const Json &x : a.toArray())
            v.push_back(x.toDouble());
        return v;
    };
    const double sk1 = py.find("pdp_ice_1d_s")->toDouble(), sk2 = py.find("pdp_2d_s")->toDouble();
    const double pyAle = py.find("ale_per_bin_s")->toDouble();
    const ComputeInfo info = computeInfo();
    std::printf("machine: %d cores, %d torch threads, BLAS %s; MLP 10-%s-1 on %lld x %lld rows\n", info.cores, info.threads,
                info.blasKind.c_str(), parser.value(QStringLiteral("hidden")).replace(QLatin1Char(','), QLatin1Char('-')).toUtf8().constData(),
                static_cast<long long>(data.rows), static_cast<long long>(data.cols()));
    const auto row = [](const char *task, double ours, double reference) {
        std::printf("%-46s %12.4f %12.4f %8.1fx\n", task, ours, reference, reference / ours);
    };
    std::printf("%-46s %12s %12s %9s\n", "task", "glassbox s", "reference s", "speed-up");
    row(r1.exactWalk ? "PDP+ICE 1-D, grid 100, exact walk (sklearn)" : "PDP+ICE 1-D, grid 100, NOT WALKED (sklearn)", t[0], sk1);
    row("PDP+ICE 1-D, grid 100, brute (batched) (sklearn)", t[2], sk1);
    row(r2.exactWalk ? "PDP 2-D, grid 100x100, exact walk (sklearn)" : "PDP 2-D, grid 100x100, NOT WALKED (sklearn)", t[1], sk2);
    row("PDP 2-D, grid 100x100, brute (batched) (sklearn)", t[3], sk2);
    row("ALE 1-D, 100 bins (C++ per-bin loop)", t[4], t[5]);
    row("ALE 1-D, 100 bins (Python per-bin)", t[4], pyAle);
    const auto floats = [](const std::vector<float> &v) { return std::vector<double>(v.begin(), v.end()); };
    std::printf("agreement (max |diff| / max |ref|): walk vs sklearn: PDP 1-D %.2g, 2-D %.2g; walk vs brute: 1-D average "
                "%.2g, ICE %.2g, 2-D %.2g; brute vs sklearn: 1-D %.2g, 2-D %.2g; ALE vs C++ loop %.2g, vs Python %.2g\n",
                maxRelDiff(r1.average, numbers(*py.find("pdp_1d_average"))),
                maxRelDiff(r2.average, numbers(*py.find("pdp_2d_average"))), maxRelDiff(r1.average, b1.average),
                maxRelDiff(floats(r1.individual), floats(b1.individual)), maxRelDiff(r2.average, b2.average),
                maxRelDiff(b1.average, numbers(*py.find("pdp_1d_average"))),
                maxRelDiff(b2.average, numbers(*py.find("pdp_2d_average"))), maxRelDiff(ra.ale, naive),
                maxRelDiff(ra.ale, numbers(*py.find("ale_1d"))));
    return 0;
}
