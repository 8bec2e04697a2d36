// SPDX-License-Identifier: MIT
#include "tabular/ranking.h"

#include "io/csv.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "tabular/ale.h"
#include "tabular/pdp.h"
#include "tabular/resample.h"

#include <algorithm>

namespace gb::tabular {

namespace {

TabularData rowSample(const TabularData &data, std::int64_t maxRows, std::uint64_t seed)
{
    if (maxRows <= 0 || maxRows >= data.rows)
        return data;
    TabularData s = data;
    s.rows = 0;
    s.values.clear();
    s.lines.clear();
    s.target.clear();
    for (std::int64_t r : sampleRows(data.rows, maxRows, seed)) {
        s.values.insert(s.values.end(), data.values.begin() + r * data.cols(), data.values.begin() + (r + 1) * data.cols());
        s.lines.push_back(data.lines[std::size_t(r)]);
        if (!data.target.empty())
            s.target.push_back(data.target[std::size_t(r)]);
        ++s.rows;
    }
    return s;
}

// A grid that always exists: the 5-95 % range when it is not degenerate (a mostly constant
// feature), else the full range; levels for categorical features.
GridOptions rankingGrid(const std::vector<double> &column, bool categorical, int resolution)
{
    GridOptions g;
    g.kind = GridOptions::Kind::Custom;
    std::vector<double> sorted = column;
    std::sort(sorted.begin(), sorted.end());
    const std::vector<double> uniques = uniqueValues(sorted);
    if (categorical || int(uniques.size()) < resolution) {
        g.values = uniques;
        return g;
    }
    double lo = mquantile(sorted, 0.05), hi = mquantile(sorted, 0.95);
    if (!(lo < hi)) {
        lo = sorted.front();
        hi = sorted.back();
    }
    for (int i = 0; i < resolution; ++i)
        g.values.push_back(lo + (hi - lo) * double(i) / double(resolution - 1));
    return g;
}

double spread(const std::vector<double> &curve)
{
    if (curve.empty())
        return 0.0;
    const auto [lo, hi] = std::minmax_element(curve.begin(), curve.end());
    return *hi - *lo;
}

} // namespace

std::vector<FeatureRank> rankFeatures(const Predictor &model, const TabularData &data, const RankOptions &o,
                                      Progress &progress, const CancelToken &cancel)
{
    const TabularData sample = rowSample(data, o.maxRows, o.seed);
    std::vector<FeatureRank> ranks;
    const int D = int(sample.cols());
    for (int f = 0; f < D; ++f) {
        progress.beginStage("ranking features: " + sample.names[std::size_t(f)], double(f) / D, double(f + 1) / D,
                            "evaluations");
        const std::vector<double> column = sample.column(f);
        if (uniqueValues(column).size() < 2) {
            ranks.push_back({f, 0.0});
            continue;
        }
        if (o.method == RankOptions::Method::Pdp) {
            PdpOptions p;
            p.features = {f};
            p.grids = {rankingGrid(column, sample.categorical[std::size_t(f)], std::max(2, o.resolution))};
            p.individual = false;
            ranks.push_back({f, spread(partialDependence(model, sample, p, progress, cancel).average)});
        } else {
            AleOptions a;
            a.features = {f};
            a.bins = std::max(1, o.resolution);
            ranks.push_back({f, spread(accumulatedLocalEffects(model, sample, a, progress, cancel).ale)});
        }
    }
    progress.flush();
    std::stable_sort(ranks.begin(), ranks.end(), [](const FeatureRank &a, const FeatureRank &b) { return a.spread > b.spread; });
    return ranks;
}

} // namespace gb::tabular
