// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <vector>

namespace gb {

struct EvolutionData;

/// Thresholds for reading relative decoder norms (spec-facts 2): r near 0 is A-only, near 1 is
/// B-only, near 0.5 shared.
struct ModelDiffOptions {
    double exclusive = 0.1;  ///< r <= exclusive: A-only; r >= 1 - exclusive: B-only
    double sharedLow = 0.3;  ///< sharedLow <= r <= sharedHigh: shared
    double sharedHigh = 0.7;
    int bins = 50;           ///< histogram bins over [0, 1] (r) and [-1, 1] (cosine)
};

/// Model diffing with a two-head crosscoder (head 0 = model A, head 1 = model B).
struct ModelDiffSummary {
    ModelDiffOptions options;
    std::vector<float> relativeNorm;   ///< [F] r = ||d_B|| / (||d_A|| + ||d_B||); NaN if both are zero
    std::vector<float> cosine;         ///< [F] cos(d_A, d_B); NaN if either is zero
    std::vector<std::int64_t> relativeNormHistogram; ///< [bins] over [0, 1], last bin closed
    std::vector<std::int64_t> sharedCosineHistogram; ///< [bins] over [-1, 1], shared features only
    std::int64_t aOnly = 0, bOnly = 0, shared = 0, dead = 0;
};

/// BadInput unless the data has exactly two heads.
ModelDiffSummary summariseModelDiff(const EvolutionData &data, const ModelDiffOptions &options = {});

/// Bin of `v` among `bins` equal bins over [lo, hi] (the last bin includes hi); -1 outside or NaN.
int histogramBin(double v, double lo, double hi, int bins);

} // namespace gb
