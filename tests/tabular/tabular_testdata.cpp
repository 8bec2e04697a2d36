// SPDX-License-Identifier: MIT
#include "tabular_testdata.h"

#include "testutils.h"

#include "jobs/cancel.h"
#include "jobs/progress.h"

#include <cmath>
#include <random>

namespace gbtest {

gb::TabularData syntheticData(std::int64_t rows, int cols, std::uint64_t seed,
                              const std::function<double(std::int64_t, int, const std::function<double()> &, const std::vector<double> &)> &value)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const std::function<double()> draw = [&] { return u(rng); };
    gb::TabularData d;
    d.source = "synthetic";
    for (int c = 0; c < cols; ++c) {
        d.names.push_back("x" + std::to_string(c));
        d.categorical.push_back(false);
        d.levelLabels.emplace_back();
    }
    std::vector<double> row(static_cast<std::size_t>(cols));
    for (std::int64_t r = 0; r < rows; ++r) {
        for (int c = 0; c < cols; ++c) {
            row[std::size_t(c)] = value(r, c, draw, row);
            d.values.push_back(float(row[std::size_t(c)]));
        }
        d.lines.push_back(r + 2);
    }
    d.rows = rows;
    return d;
}

gb::TabularData uniformData(std::int64_t rows, int cols, std::uint64_t seed)
{
    return syntheticData(rows, cols, seed, [](std::int64_t, int, const std::function<double()> &u, const std::vector<double> &) { return u(); });
}

std::string tabularFixture(const char *name)
{
    const QString path = fixturesDir() + QStringLiteral("/tabular/") + QString::fromUtf8(name);
    return path.toStdString();
}

const gb::TabularData &fixtureData()
{
    static const gb::TabularData d = gb::loadTabularData(tabularFixture("data.csv"), {}, {});
    return d;
}

std::shared_ptr<gb::TabularModel> fixtureModel(const char *name, int column, gb::TabularResponse::Kind kind)
{
    gb::TabularResponse r;
    r.kind = kind;
    r.outputColumn = column;
    return gb::TabularModel::load(tabularFixture(name), 4, r);
}

const gb::Json &expectedTabular()
{
    static const gb::Json j = gb::Json::parseFile(tabularFixture("expected.json"));
    return j;
}

std::vector<double> numbers(const gb::Json &array)
{
    std::vector<double> out;
    for (const gb::Json &v : array.toArray()) {
        if (v.isArray()) {
            const auto inner = numbers(v);
            out.insert(out.end(), inner.begin(), inner.end());
        } else {
            out.push_back(v.toDouble());
        }
    }
    return out;
}

gb::tabular::PdpResult fixturePdp(const gb::tabular::Predictor &model, std::vector<int> features, int resolution,
                                  bool individual, gb::tabular::PdpOptions::Evaluation evaluation)
{
    gb::tabular::PdpOptions o;
    o.features = std::move(features);
    gb::tabular::GridOptions g;
    g.resolution = resolution;
    o.grids = {g};
    o.individual = individual;
    o.evaluation = evaluation;
    return gb::tabular::partialDependence(model, fixtureData(), o, gb::Progress::null(), gb::CancelToken());
}

bool closeCurves(const std::vector<double> &a, const std::vector<double> &b, double rtol, double scale, QString *why)
{
    if (a.size() != b.size()) {
        *why = QStringLiteral("sizes differ: %1 vs %2").arg(a.size()).arg(b.size());
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!(std::fabs(a[i] - b[i]) <= rtol * (std::fabs(b[i]) + scale))) {
            *why = QStringLiteral("at %1: %2 vs expected %3").arg(i).arg(a[i], 0, 'g', 10).arg(b[i], 0, 'g', 10);
            return false;
        }
    return true;
}

} // namespace gbtest
