// SPDX-License-Identifier: MIT
#include "evolution/evolutionsummary.h"

#include "common/error.h"
#include "evolution/evolutiondata.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace gb {

namespace {

constexpr float NaN = std::numeric_limits<float>::quiet_NaN();

void summariseFeatures(const EvolutionData &d, EvolutionSummary &s)
{
    const std::int64_t S = d.heads, F = d.features;
    const auto level = static_cast<float>(s.options.level);
    s.maxNorm.assign(F, 0.0f);
    s.peakIndex.assign(F, -1);
    s.peakStep.assign(F, -1);
    s.emergenceIndex.assign(F, -1);
    s.emergenceStep.assign(F, -1);
    s.lifetime.assign(F, 0.0f);
    s.psiCounts.assign(S, 0);
    for (std::int64_t f = 0; f < F; ++f) {
        std::int32_t peak = 0;
        for (std::int64_t h = 1; h < S; ++h)
            if (d.norm(h, f) > d.norm(peak, f))
                peak = static_cast<std::int32_t>(h);
        const float maxNorm = d.norm(peak, f);
        s.maxNorm[f] = maxNorm;
        bool finite = true;
        for (std::int64_t h = 0; h < S; ++h)
            finite = finite && std::isfinite(d.norm(h, f));
        if (!finite)
            ++s.nonFiniteCount;
        if (!finite || !(maxNorm > s.options.deadNorm)) {
            ++s.deadCount;
            continue;
        }
        s.peakIndex[f] = peak;
        s.peakStep[f] = d.steps.steps[peak];
        ++s.psiCounts[peak];
        std::int64_t above = 0;
        for (std::int64_t h = 0; h < S; ++h) {
            if (d.norm(h, f) / maxNorm < level)
                continue;
            ++above;
            if (s.emergenceIndex[f] < 0) {
                s.emergenceIndex[f] = static_cast<std::int32_t>(h);
                s.emergenceStep[f] = d.steps.steps[h];
            }
        }
        s.lifetime[f] = static_cast<float>(above) / static_cast<float>(S);
    }
}

void summariseCurves(const EvolutionData &d, EvolutionSummary &s)
{
    const std::int64_t S = d.heads, F = d.features;
    s.medianCurve.assign(S, NaN);
    s.lowerQuartileCurve.assign(S, NaN);
    s.upperQuartileCurve.assign(S, NaN);
    std::vector<float> values;
    values.reserve(F);
    for (std::int64_t h = 0; h < S; ++h) {
        values.clear();
        for (std::int64_t f = 0; f < F; ++f)
            if (!s.isDead(f))
                values.push_back(d.norm(h, f) / s.maxNorm[f]);
        s.medianCurve[h] = static_cast<float>(quantile(values, 0.5));
        s.lowerQuartileCurve[h] = static_cast<float>(quantile(values, 0.25));
        s.upperQuartileCurve[h] = static_cast<float>(quantile(values, 0.75));
    }
}

void summariseDirectionChange(const EvolutionData &d, EvolutionSummary &s)
{
    const std::int64_t T = d.heads - 1, F = d.features;
    s.medianChange.assign(T, NaN);
    s.meanChange.assign(T, NaN);
    s.changeCounts.assign(T, 0);
    std::vector<float> values;
    values.reserve(F);
    for (std::int64_t t = 0; t < T; ++t) {
        values.clear();
        double sum = 0.0;
        for (std::int64_t f = 0; f < F; ++f) {
            if (s.isDead(f))
                continue;
            const float m = s.maxNorm[f];
            const float c = d.stepCosine(t, f);
            if (std::isnan(c) || d.norm(t, f) / m < s.options.directionLevel ||
                d.norm(t + 1, f) / m < s.options.directionLevel)
                continue;
            values.push_back(1.0f - c);
            sum += 1.0 - c;
        }
        s.changeCounts[t] = static_cast<std::int64_t>(values.size());
        if (values.empty())
            continue;
        s.meanChange[t] = static_cast<float>(sum / static_cast<double>(values.size()));
        s.medianChange[t] = static_cast<float>(quantile(values, 0.5));
        if (s.turningIndex < 0 || s.medianChange[t] > s.medianChange[s.turningIndex])
            s.turningIndex = static_cast<std::int32_t>(t);
    }
}

} // namespace

double quantile(std::vector<float> &values, double q)
{
    if (values.empty())
        return std::numeric_limits<double>::quiet_NaN();
    const double pos = q * static_cast<double>(values.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(lo), values.end());
    const double a = values[lo];
    if (lo + 1 >= values.size() || pos == static_cast<double>(lo))
        return a;
    // The next order statistic is the smallest of the upper part nth_element left behind.
    const double b = *std::min_element(values.begin() + static_cast<std::ptrdiff_t>(lo) + 1, values.end());
    return a + (b - a) * (pos - static_cast<double>(lo));
}

EvolutionSummary summariseEvolution(const EvolutionData &data, const EvolutionOptions &options)
{
    data.validate();
    require(options.level > 0.0 && options.level <= 1.0, "evolution", "the emergence level must be in (0, 1]");
    require(options.directionLevel >= 0.0 && options.directionLevel <= 1.0, "evolution",
            "the direction level must be in [0, 1]");
    EvolutionSummary s;
    s.options = options;
    summariseFeatures(data, s);
    summariseCurves(data, s);
    summariseDirectionChange(data, s);
    return s;
}

std::vector<float> normalisedCurve(const EvolutionData &data, const EvolutionSummary &summary, std::int64_t f)
{
    std::vector<float> c(static_cast<std::size_t>(data.heads), 0.0f);
    if (summary.isDead(f))
        return c;
    for (std::int64_t h = 0; h < data.heads; ++h)
        c[h] = data.norm(h, f) / summary.maxNorm[f];
    return c;
}

} // namespace gb
