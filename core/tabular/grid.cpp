// SPDX-License-Identifier: MIT
#include "tabular/grid.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>

namespace gb::tabular {

double mquantile(const std::vector<double> &sorted, double p, double alphap, double betap)
{
    const std::int64_t n = std::int64_t(sorted.size());
    if (n == 0)
        return NAN;
    if (n == 1)
        return sorted[0];
    const double m = alphap + p * (1.0 - alphap - betap);
    const double aleph = double(n) * p + m;
    const std::int64_t k = std::int64_t(std::floor(std::clamp(aleph, 1.0, double(n - 1))));
    const double gamma = std::clamp(aleph - double(k), 0.0, 1.0);
    return (1.0 - gamma) * sorted[std::size_t(k - 1)] + gamma * sorted[std::size_t(k)];
}

std::vector<double> uniqueValues(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    return values;
}

namespace {

// numpy.allclose(a, b) with its default tolerances, as scikit-learn's "too close" check uses it.
bool allClose(double a, double b)
{
    return std::fabs(a - b) <= 1e-8 + 1e-5 * std::fabs(b);
}

std::vector<double> linspace(double a, double b, int n)
{
    // numpy.linspace: start + i * step, with the last point exactly b.
    std::vector<double> v(static_cast<std::size_t>(n));
    const double step = (b - a) / double(n - 1);
    for (int i = 0; i < n; ++i)
        v[std::size_t(i)] = a + double(i) * step;
    v.back() = b;
    return v;
}

void checkOptions(const GridOptions &o, const std::string &feature)
{
    if (o.kind == GridOptions::Kind::Custom) {
        if (o.values.empty())
            throw Error::badInput(feature + ": custom grid values are empty");
        for (double v : o.values)
            if (!std::isfinite(v))
                throw Error::badInput(feature + ": custom grid values must be finite");
        return;
    }
    if (o.resolution <= 1)
        throw Error::badInput(feature + ": grid resolution must be greater than 1 (got " + std::to_string(o.resolution) + ")");
    if (!(o.lower >= 0.0 && o.upper <= 1.0))
        throw Error::badInput(feature + ": percentiles must be in [0, 1]");
    if (!(o.lower < o.upper))
        throw Error::badInput(feature + ": the lower percentile must be strictly less than the upper one");
}

} // namespace

std::vector<double> featureGrid(const std::vector<double> &column, bool categorical, const GridOptions &o,
                                const std::string &feature)
{
    checkOptions(o, feature);
    if (o.kind == GridOptions::Kind::Custom)
        return o.values;
    std::vector<double> sorted = column;
    std::sort(sorted.begin(), sorted.end());
    std::vector<double> uniques = uniqueValues(sorted);
    if (categorical || std::int64_t(uniques.size()) < o.resolution)
        return uniques;
    const double lo = mquantile(sorted, o.lower);
    const double hi = mquantile(sorted, o.upper);
    if (allClose(lo, hi))
        throw Error::badInput(feature + ": the percentiles are too close to each other to build a grid (values "
                              + std::to_string(lo) + " and " + std::to_string(hi) + "); choose percentiles further apart");
    if (o.kind == GridOptions::Kind::Percentile)
        return linspace(lo, hi, o.resolution);
    std::vector<double> grid;
    for (double p : linspace(o.lower, o.upper, o.resolution))
        grid.push_back(mquantile(sorted, p));
    return uniqueValues(grid);
}

const char *toString(EdgeConvention c)
{
    return c == EdgeConvention::PyALE ? "pyale" : "aleplot";
}

EdgeConvention edgeConventionFromString(const std::string &name)
{
    if (name == "aleplot")
        return EdgeConvention::ALEPlot;
    if (name == "pyale")
        return EdgeConvention::PyALE;
    throw Error::badInput("unknown ALE edge convention \"" + name + "\" (expected aleplot or pyale)");
}

std::vector<double> aleEdges(const std::vector<double> &column, int bins, EdgeConvention convention,
                             const std::string &feature)
{
    if (bins < 1)
        throw Error::badInput(feature + ": the number of ALE bins must be at least 1");
    std::vector<double> sorted = column;
    std::sort(sorted.begin(), sorted.end());
    const std::int64_t n = std::int64_t(sorted.size());
    if (n < 2 || sorted.front() == sorted.back())
        throw Error::badInput(feature + ": ALE needs at least two distinct values of the feature");
    // Integer arithmetic gives the exact inverse-ECDF index ceil(n k / K) - 1; floating point can
    // land just above an integer and pick the next value.
    const std::int64_t size = convention == EdgeConvention::PyALE ? n - 1 : n;
    std::vector<double> edges{sorted.front()};
    for (std::int64_t k = 1; k <= bins; ++k) {
        std::int64_t index = (size * k + bins - 1) / bins - 1;
        if (k == bins)
            index = n - 1;
        edges.push_back(sorted[std::size_t(std::clamp<std::int64_t>(index, 0, n - 1))]);
    }
    return uniqueValues(edges);
}

std::vector<int> binIndices(const std::vector<double> &values, const std::vector<double> &edges)
{
    const int bins = int(edges.size()) - 1;
    std::vector<int> out(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        const auto it = std::lower_bound(edges.begin() + 1, edges.end(), values[i]);
        out[i] = std::clamp(int(it - (edges.begin() + 1)), 0, bins - 1);
    }
    return out;
}

} // namespace gb::tabular
