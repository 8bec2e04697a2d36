// SPDX-License-Identifier: MIT
#pragma once

#include "tabular/grid.h"
#include "tabular/predictor.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gb {
class CancelToken;
class Progress;
struct TabularData;
} // namespace gb

namespace gb::tabular {

/// Partial dependence and ICE of one feature or a pair (Friedman 2001; Goldstein et al. 2015;
/// spec-facts 10.1-10.2).
struct PdpOptions {
    std::vector<int> features;       ///< 1 or 2 feature indices
    std::vector<GridOptions> grids;  ///< one per feature (a single entry applies to both)
    /// ICE curves kept: all rows (false) or none; `iceSample` > 0 keeps a seeded sample of rows.
    bool individual = true;
    std::int64_t iceSample = 0;
    std::uint64_t seed = 0;
    /// Centred ICE: every curve and the average minus its value at the anchor. The anchor is the
    /// first grid value (scikit-learn's `centered=True`) unless `anchor` gives another value
    /// (1-D only; a value off the grid costs one extra column of evaluations).
    bool centered = false;
    std::optional<double> anchor;
    /// Bootstrap band of the average over resampled rows (1-D only; 0 = none).
    int bootstrap = 0;
    double confidence = 0.95;
    /// Refuses results with more ICE values than this (rows x grid points); sample instead.
    std::int64_t maxIndividualValues = 50'000'000;
    /// Auto walks the model's linear regions exactly when it is a ReLU network (Predictor::
    /// piecewiseLinear, checked against the model on a probe of the data); Brute evaluates every
    /// (grid point, row) pair through the model, for any model.
    enum class Evaluation { Auto, Brute };
    Evaluation evaluation = Evaluation::Auto;
};

const char *toString(PdpOptions::Evaluation e);
/// "auto" or "brute" (BadInput otherwise).
PdpOptions::Evaluation evaluationFromString(const std::string &name);

struct PdpResult {
    std::vector<int> features;
    std::vector<std::vector<double>> grid;  ///< per feature
    /// Mean prediction per grid point: [len(grid[0])] or [len(grid[0])][len(grid[1])] row-major.
    std::vector<double> average;
    std::vector<std::int64_t> iceRows;      ///< data rows with a kept ICE curve, ascending
    std::vector<float> individual;          ///< [iceRows.size()][points] row-major
    std::vector<double> bandLower, bandUpper; ///< bootstrap band of `average`, empty without one
    bool centered = false;
    double anchor = 0.0;                    ///< where curves were centred (1-D)
    bool exactWalk = false;                 ///< evaluated by the ReLU region walk, not by forwards

    std::int64_t points() const { return std::int64_t(average.size()); }
};

/// Evaluates every (grid point, data row) pair with one forward per chunk of the model's batch
/// size, or by the exact region walk (linewalk.h) for ReLU networks; cancellable between chunks.
PdpResult partialDependence(const Predictor &model, const TabularData &data, const PdpOptions &options,
                            Progress &progress, const CancelToken &cancel);

} // namespace gb::tabular
