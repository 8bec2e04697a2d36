// SPDX-License-Identifier: MIT
#include "tabular/pdp.h"

#include "common/error.h"
#include "io/csv.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "tabular/checks.h"
#include "tabular/evaluate.h"
#include "tabular/linewalk.h"
#include "tabular/relunetwork.h"
#include "tabular/resample.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace gb::tabular {

namespace {

// The evaluation plan: every point of the (1-D or 2-D) grid, plus an off-grid anchor, times every
// data row, point-major so that one point's rows are contiguous.
struct Plan {
    std::vector<std::vector<float>> axisValues; // per feature: the values fed to the model
    std::int64_t points = 0;                    // evaluated points (grid + optional anchor)
    std::int64_t gridPoints = 0;
    std::int64_t anchorPoint = -1;              // evaluated point the curves are centred on
};

Plan makePlan(const PdpResult &r, const PdpOptions &o)
{
    Plan p;
    for (const auto &g : r.grid)
        p.axisValues.emplace_back(g.begin(), g.end());
    p.gridPoints = std::int64_t(r.grid[0].size()) * (r.grid.size() == 2 ? std::int64_t(r.grid[1].size()) : 1);
    p.points = p.gridPoints;
    if (!o.centered)
        return p;
    if (r.grid.size() == 2) {
        p.anchorPoint = 0;
        return p;
    }
    const auto &axis = p.axisValues[0];
    const auto at = std::find(axis.begin(), axis.end(), float(r.anchor));
    if (at != axis.end()) {
        p.anchorPoint = at - axis.begin();
    } else {
        p.axisValues[0].push_back(float(r.anchor));
        p.anchorPoint = p.points++;
    }
    return p;
}

// Writes the point's feature value(s) into `count` consecutive rows.
void setPointValues(const Plan &plan, const std::vector<int> &features, std::int64_t point, float *rows,
                    std::int64_t count, std::int64_t width)
{
    if (features.size() == 1) {
        const float v = plan.axisValues[0][std::size_t(point)];
        for (std::int64_t k = 0; k < count; ++k)
            rows[k * width + features[0]] = v;
        return;
    }
    const std::int64_t n2 = std::int64_t(plan.axisValues[1].size());
    const float v0 = plan.axisValues[0][std::size_t(point / n2)];
    const float v1 = plan.axisValues[1][std::size_t(point % n2)];
    for (std::int64_t k = 0; k < count; ++k) {
        rows[k * width + features[0]] = v0;
        rows[k * width + features[1]] = v1;
    }
}

void bootstrapBand(const std::vector<float> &all, std::int64_t n, const Plan &plan, const PdpOptions &o, PdpResult &r,
                   const CancelToken &cancel)
{
    Bootstrap boot(n, o.seed);
    std::vector<std::vector<double>> samples;
    for (int b = 0; b < o.bootstrap; ++b) {
        cancel.throwIfCancelled();
        const auto &counts = boot.draw();
        std::vector<double> avg(static_cast<std::size_t>(plan.points), 0.0);
        for (std::int64_t p = 0; p < plan.points; ++p) {
            const float *col = all.data() + p * n;
            double s = 0.0;
            for (std::int64_t i = 0; i < n; ++i)
                s += double(counts[std::size_t(i)]) * double(col[i]);
            avg[std::size_t(p)] = s / double(n);
        }
        if (plan.anchorPoint >= 0) {
            const double a = avg[std::size_t(plan.anchorPoint)];
            for (double &v : avg)
                v -= a;
        }
        avg.resize(std::size_t(plan.gridPoints));
        samples.push_back(std::move(avg));
    }
    percentileBand(samples, o.confidence, r.bandLower, r.bandUpper);
}

// Where evaluations go: sums per point, kept ICE curves, and every value when a bootstrap needs
// them (point-major, like the brute evaluation order).
struct Collected {
    std::int64_t n, points;
    bool keepAll;
    std::vector<std::int64_t> slot;
    std::vector<double> sums;
    std::vector<float> ice, all;

    Collected(std::int64_t rows, std::int64_t pointCount, bool keep, const std::vector<std::int64_t> &iceRows)
        : n(rows), points(pointCount), keepAll(keep), slot(std::size_t(rows), -1), sums(std::size_t(pointCount), 0.0),
          ice(iceRows.size() * std::size_t(pointCount)), all(keep ? std::size_t(pointCount * rows) : 0)
    {
        for (std::size_t k = 0; k < iceRows.size(); ++k)
            slot[std::size_t(iceRows[k])] = std::int64_t(k);
    }

    // `run` rows from row i, all at point p.
    void addPoint(std::int64_t p, std::int64_t i, std::int64_t run, const float *v)
    {
        if (keepAll)
            std::copy(v, v + run, all.data() + p * n + i);
        double s = 0.0;
        for (std::int64_t k = 0; k < run; ++k)
            s += v[k];
        sums[std::size_t(p)] += s;
        for (std::int64_t k = 0; k < run; ++k)
            if (slot[std::size_t(i + k)] >= 0)
                ice[std::size_t(slot[std::size_t(i + k)] * points + p)] = v[k];
    }

    // Row i at every point.
    void addRow(std::int64_t i, const float *v)
    {
        for (std::int64_t p = 0; p < points; ++p)
            sums[std::size_t(p)] += v[p];
        if (slot[std::size_t(i)] >= 0)
            std::copy(v, v + points, ice.data() + slot[std::size_t(i)] * points);
        if (keepAll)
            for (std::int64_t p = 0; p < points; ++p)
                all[std::size_t(p * n + i)] = v[p];
    }
};

void evaluateBrute(const Predictor &model, const TabularData &data, const Plan &plan, const std::vector<int> &features,
                   Collected &c, Progress &progress, const CancelToken &cancel)
{
    const std::int64_t n = data.rows;
    const std::int64_t width = data.cols();
    evaluateChunked(
        model, plan.points * n,
        [&](std::int64_t begin, std::int64_t end, float *out) {
            // Whole runs of rows share a point: copy the rows, then overwrite the feature column(s).
            for (std::int64_t t = begin; t < end;) {
                const std::int64_t p = t / n, i = t % n;
                const std::int64_t run = std::min(end - t, n - i);
                std::memcpy(out, data.values.data() + i * width, std::size_t(run * width) * sizeof(float));
                setPointValues(plan, features, p, out, run, width);
                out += run * width;
                t += run;
            }
        },
        [&](std::int64_t begin, std::int64_t end, const float *pred) {
            for (std::int64_t t = begin; t < end;) {
                const std::int64_t p = t / n, i = t % n;
                const std::int64_t run = std::min(end - t, n - i);
                c.addPoint(p, i, run, pred + (t - begin));
                t += run;
            }
        },
        progress, cancel);
}

// Whether the network stands for the model: both on up to 8 data rows spread over the data at the
// first, middle and last evaluated points, to 1e-5 of the largest response (float32 forward vs
// double network). A wrong extraction is off by far more; a larger probe would cost more than the
// walk itself.
bool reproduces(const ReluNetwork &network, const Predictor &model, const TabularData &data, const Plan &plan,
                const std::vector<int> &features)
{
    const std::int64_t width = data.cols();
    const std::int64_t rows = std::min<std::int64_t>(8, data.rows);
    std::vector<float> probe;
    for (std::int64_t p : {std::int64_t(0), plan.points / 2, plan.points - 1}) {
        const std::size_t at = probe.size();
        for (std::int64_t k = 0; k < rows; ++k) {
            const std::int64_t i = k * data.rows / rows;
            probe.insert(probe.end(), data.values.begin() + i * width, data.values.begin() + (i + 1) * width);
        }
        setPointValues(plan, features, p, probe.data() + at, rows, width);
    }
    const std::int64_t count = std::int64_t(probe.size()) / width;
    std::vector<float> expected(static_cast<std::size_t>(count)), walked(static_cast<std::size_t>(count));
    model.predict(probe.data(), count, expected.data());
    network.evaluate(probe.data(), count, walked.data());
    double scale = 0.0, worst = 0.0;
    for (std::int64_t k = 0; k < count; ++k) {
        scale = std::max(scale, std::fabs(double(expected[std::size_t(k)])));
        worst = std::max(worst, std::fabs(double(expected[std::size_t(k)]) - double(walked[std::size_t(k)])));
    }
    return worst <= 1e-5 * scale + 1e-7;
}

} // namespace

const char *toString(PdpOptions::Evaluation e)
{
    return e == PdpOptions::Evaluation::Brute ? "brute" : "auto";
}

PdpOptions::Evaluation evaluationFromString(const std::string &name)
{
    for (auto e : {PdpOptions::Evaluation::Auto, PdpOptions::Evaluation::Brute})
        if (name == toString(e))
            return e;
    throw Error::badInput("unknown evaluation \"" + name + "\" (expected auto or brute)");
}

PdpResult partialDependence(const Predictor &model, const TabularData &data, const PdpOptions &o, Progress &progress,
                            const CancelToken &cancel)
{
    checkInputs(model, data, o.features, 2);
    checkBootstrapOptions(o.bootstrap, o.confidence);
    if (o.grids.empty() || o.grids.size() > o.features.size())
        throw Error::internal("partialDependence: one grid option per feature expected");
    if (o.bootstrap > 0 && o.features.size() == 2)
        throw Error::badInput("bootstrap bands are available for one feature at a time");
    if (o.anchor && o.features.size() == 2)
        throw Error::badInput("a centring anchor value applies to a single feature");

    PdpResult r;
    r.features = o.features;
    for (std::size_t k = 0; k < o.features.size(); ++k) {
        const int f = o.features[k];
        r.grid.push_back(featureGrid(data.column(f), data.categorical[std::size_t(f)], o.grids[std::min(k, o.grids.size() - 1)],
                                     data.names[std::size_t(f)]));
    }
    r.centered = o.centered;
    r.anchor = o.anchor.value_or(r.grid[0].front());
    const Plan plan = makePlan(r, o);

    const std::int64_t n = data.rows;
    const std::int64_t width = data.cols();
    if (o.individual)
        r.iceRows = sampleRows(n, o.iceSample, o.seed);
    if (std::int64_t(r.iceRows.size()) * plan.gridPoints > o.maxIndividualValues)
        throw Error::badInput(std::to_string(r.iceRows.size()) + " ICE curves x " + std::to_string(plan.gridPoints)
                              + " grid points is too many values to keep; sample fewer curves or use a coarser grid");
    const bool keepAll = o.bootstrap > 0;

    Collected c(n, plan.points, keepAll, r.iceRows);
    const ReluNetwork *network = o.evaluation == PdpOptions::Evaluation::Auto ? model.piecewiseLinear() : nullptr;
    if (network && network->inputWidth() == width && reproduces(*network, model, data, plan, o.features)) {
        r.exactWalk = true;
        std::vector<std::vector<double>> axes;
        for (const auto &a : plan.axisValues)
            axes.emplace_back(a.begin(), a.end());
        if (r.iceRows.empty() && !keepAll)
            c.sums = walkGridSums(*network, data.values.data(), n, width, o.features, axes, progress, cancel);
        else
            walkGrid(
                *network, data.values.data(), n, width, o.features, axes,
                [&](std::int64_t begin, std::int64_t end, const float *values) {
                    for (std::int64_t i = begin; i < end; ++i)
                        c.addRow(i, values + (i - begin) * plan.points);
                },
                progress, cancel);
    } else {
        evaluateBrute(model, data, plan, o.features, c, progress, cancel);
    }
    std::vector<double> &sums = c.sums;
    std::vector<float> &ice = c.ice;
    const std::vector<float> &all = c.all;

    r.average.resize(std::size_t(plan.points));
    for (std::int64_t p = 0; p < plan.points; ++p)
        r.average[std::size_t(p)] = sums[std::size_t(p)] / double(n);
    if (plan.anchorPoint >= 0) {
        const double a = r.average[std::size_t(plan.anchorPoint)];
        for (double &v : r.average)
            v -= a;
        for (std::size_t k = 0; k < r.iceRows.size(); ++k) {
            float *curve = ice.data() + k * std::size_t(plan.points);
            const float shift = curve[plan.anchorPoint];
            for (std::int64_t p = 0; p < plan.points; ++p)
                curve[p] -= shift;
        }
    }
    // Drop the off-grid anchor column, if one was evaluated.
    r.average.resize(std::size_t(plan.gridPoints));
    r.individual.resize(r.iceRows.size() * std::size_t(plan.gridPoints));
    for (std::size_t k = 0; k < r.iceRows.size(); ++k)
        std::copy_n(ice.data() + k * std::size_t(plan.points), plan.gridPoints,
                    r.individual.data() + k * std::size_t(plan.gridPoints));
    if (o.bootstrap > 0)
        bootstrapBand(all, n, plan, o, r, cancel);
    return r;
}

} // namespace gb::tabular
