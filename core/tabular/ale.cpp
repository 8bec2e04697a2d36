// SPDX-License-Identifier: MIT
#include "tabular/ale.h"

#include "common/error.h"
#include "io/csv.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "tabular/ale_internal.h"
#include "tabular/checks.h"
#include "tabular/evaluate.h"
#include "tabular/resample.h"

#include <cmath>
#include <cstring>

namespace gb::tabular {

std::vector<double> accumulateCentred(const std::vector<double> &stepMeans, const std::vector<double> &weights,
                                      bool intervalWeights)
{
    std::vector<double> g(stepMeans.size() + 1, 0.0);
    for (std::size_t k = 0; k < stepMeans.size(); ++k)
        g[k + 1] = g[k] + (std::isnan(stepMeans[k]) ? 0.0 : stepMeans[k]);
    double weighted = 0.0, total = 0.0;
    for (std::size_t k = 0; k < weights.size(); ++k) {
        const double value = intervalWeights ? (g[k] + g[k + 1]) / 2.0 : g[k];
        weighted += weights[k] * value;
        total += weights[k];
    }
    const double centre = total > 0 ? weighted / total : 0.0;
    for (double &v : g)
        v -= centre;
    return g;
}

std::vector<double> stepMeans(const std::vector<LocalEffect> &effects, int steps, const std::vector<std::int32_t> *rowWeights)
{
    std::vector<double> sum(static_cast<std::size_t>(steps), 0.0), count(std::size_t(steps), 0.0);
    for (const LocalEffect &e : effects) {
        const double w = rowWeights ? double((*rowWeights)[std::size_t(e.row)]) : 1.0;
        sum[std::size_t(e.step)] += w * e.delta;
        count[std::size_t(e.step)] += w;
    }
    for (int k = 0; k < steps; ++k)
        sum[std::size_t(k)] = count[std::size_t(k)] > 0 ? sum[std::size_t(k)] / count[std::size_t(k)] : NAN;
    return sum;
}

void bootstrapFirstOrder(const FirstOrderProblem &p, const AleOptions &o, AleResult &r, const CancelToken &cancel)
{
    const std::vector<double> fullMeans = stepMeans(p.effects, p.steps, nullptr);
    Bootstrap boot(std::int64_t(p.rowGroup.size()), o.seed);
    std::vector<std::vector<double>> samples;
    for (int b = 0; b < o.bootstrap; ++b) {
        cancel.throwIfCancelled();
        const auto &draws = boot.draw();
        std::vector<double> means = stepMeans(p.effects, p.steps, &draws);
        // A step no resampled row falls on keeps its full-sample effect: the bins are held fixed.
        for (std::size_t k = 0; k < means.size(); ++k)
            if (std::isnan(means[k]))
                means[k] = fullMeans[k];
        std::vector<double> weights(static_cast<std::size_t>(p.groups), 0.0);
        for (std::size_t i = 0; i < p.rowGroup.size(); ++i)
            weights[std::size_t(p.rowGroup[i])] += draws[i];
        samples.push_back(accumulateCentred(means, weights, p.intervalWeights));
    }
    percentileBand(samples, o.confidence, r.bandLower, r.bandUpper);
}

namespace {

AleResult continuousFirstOrder(const Predictor &model, const TabularData &data, const AleOptions &o, Progress &progress,
                               const CancelToken &cancel)
{
    const int f = o.features[0];
    const std::vector<double> x = data.column(f);
    AleResult r;
    r.features = o.features;
    r.edges.push_back(aleEdges(x, o.bins, o.edges, data.names[std::size_t(f)]));
    const std::vector<double> &z = r.edges[0];
    const int K = int(z.size()) - 1;
    FirstOrderProblem p;
    p.rowGroup = binIndices(x, z);
    p.steps = K;
    p.groups = K;
    p.intervalWeights = true;

    // Row i is evaluated at its bin's lower edge (task 2i) and upper edge (task 2i + 1).
    const std::int64_t n = data.rows, width = data.cols();
    const std::vector<float> pred = evaluateAll(
        model, 2 * n,
        [&](std::int64_t begin, std::int64_t end, float *out) {
            for (std::int64_t t = begin; t < end; ++t, out += width) {
                const std::int64_t i = t / 2;
                std::memcpy(out, data.values.data() + i * width, std::size_t(width) * sizeof(float));
                out[f] = float(z[std::size_t(p.rowGroup[std::size_t(i)] + (t % 2))]);
            }
        },
        progress, cancel);
    r.counts.assign(std::size_t(K), 0);
    for (std::int64_t i = 0; i < n; ++i) {
        const int k = p.rowGroup[std::size_t(i)];
        p.effects.push_back({i, k, double(pred[std::size_t(2 * i + 1)]) - double(pred[std::size_t(2 * i)])});
        ++r.counts[std::size_t(k)];
    }
    const std::vector<double> weights(r.counts.begin(), r.counts.end());
    r.ale = accumulateCentred(stepMeans(p.effects, K, nullptr), weights, true);
    if (o.bootstrap > 0)
        bootstrapFirstOrder(p, o, r, cancel);
    return r;
}

} // namespace

AleResult accumulatedLocalEffects(const Predictor &model, const TabularData &data, const AleOptions &o,
                                  Progress &progress, const CancelToken &cancel)
{
    checkInputs(model, data, o.features, 2);
    checkBootstrapOptions(o.bootstrap, o.confidence);
    AleResult r;
    if (o.features.size() == 2) {
        for (int f : o.features)
            if (data.categorical[std::size_t(f)])
                throw Error::badInput("second-order ALE needs two continuous features; '" + data.names[std::size_t(f)]
                                      + "' is categorical");
        if (o.bootstrap > 0)
            throw Error::badInput("bootstrap bands are available for first-order ALE only");
        r = secondOrderAle(model, data, o, progress, cancel);
    } else if (data.categorical[std::size_t(o.features[0])]) {
        r = categoricalAle(model, data, o, progress, cancel);
    } else {
        r = continuousFirstOrder(model, data, o, progress, cancel);
    }
    return r;
}

} // namespace gb::tabular
