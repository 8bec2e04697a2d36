// SPDX-License-Identifier: MIT
#pragma once

#include "tabular/grid.h"
#include "tabular/predictor.h"

#include <cstdint>
#include <string>
#include <vector>

namespace gb {
class CancelToken;
class Progress;
struct TabularData;
} // namespace gb

namespace gb::tabular {

/// Accumulated local effects (Apley & Zhu 2020; spec-facts 10.3), first order for a continuous or
/// categorical feature, second order for a pair of continuous features, computed as the authors'
/// ALEPlot package and PyALE do.
struct AleOptions {
    std::vector<int> features; ///< 1 or 2 feature indices
    int bins = 20;             ///< K: quantile intervals per continuous feature
    EdgeConvention edges = EdgeConvention::ALEPlot;
    /// Bootstrap band over resampled rows, the bins held fixed (first order only; 0 = none).
    int bootstrap = 0;
    double confidence = 0.95;
    std::uint64_t seed = 0;
};

struct AleResult {
    std::vector<int> features;
    /// Continuous: bin edges per feature (K + 1 values). Categorical: the level codes in ALE order.
    std::vector<std::vector<double>> edges;
    /// Categorical: the levels' labels in ALE order.
    std::vector<std::string> levels;
    bool categorical = false;
    /// Centred ALE at each edge or level: [K + 1], or [K1 + 1][K2 + 1] row-major (second order:
    /// the pure interaction, main effects removed).
    std::vector<double> ale;
    /// Rows per bin [K] / per cell [K1][K2] row-major / per level.
    std::vector<std::int64_t> counts;
    std::vector<double> bandLower, bandUpper; ///< bootstrap band of `ale`, empty without one
};

AleResult accumulatedLocalEffects(const Predictor &model, const TabularData &data, const AleOptions &options,
                                  Progress &progress, const CancelToken &cancel);

// Building blocks, exposed for tests and for the categorical ordering ------------------------

/// Local effects of rows on K transitions: row `row` contributed `delta` to transition `step`.
struct LocalEffect {
    std::int64_t row;
    int step;
    double delta;
};

/// g = [0, cumsum(mean delta per step)] over K steps, centred: with `intervalWeights`
/// (first-order continuous ALE, one weight per interval) by subtracting
/// sum_k w_k (g_{k-1} + g_k) / 2 / sum w; otherwise (categorical, one weight per level) by
/// subtracting sum_k w_k g_k / sum w. `stepMeans` may hold NaN for steps without rows (then 0).
std::vector<double> accumulateCentred(const std::vector<double> &stepMeans, const std::vector<double> &weights,
                                      bool intervalWeights);

/// The order of a categorical feature's levels by similarity of the other features (ALEPlot and
/// PyALE): per other feature a distance between the level-conditional distributions
/// (Kolmogorov-Smirnov over its 1 % quantiles for continuous features, total variation for
/// categorical ones), summed, then one-dimensional classical MDS. Returns the level codes in
/// order; the orientation is fixed so that the smallest code comes before the largest.
std::vector<double> orderLevels(const TabularData &data, int feature);

} // namespace gb::tabular
