// SPDX-License-Identifier: MIT
#pragma once

#include "io/json.h"

#include <cstdint>
#include <vector>

namespace gb {

struct EvolutionData;
struct EvolutionSummary;
struct ModelDiffSummary;

/// The `glassbox-cli evolution` contract (issue 9): "hook_points", "steps", "decoder_norms"
/// [S][F], "peak_snapshot_index" [F], "peak_step" [F], "emergence_step" [F] (null: never),
/// "emergence_index", "lifetime", "max_norm", "psi_counts", "population" (median and quartile
/// normalised curves) and "turning_point". Floats are written at float precision.
Json evolutionJson(const EvolutionData &data, const EvolutionSummary &summary);
/// "relative_norm" [F], "cosine" [F], histograms and class counts of a two-model crosscoder.
Json modelDiffJson(const ModelDiffSummary &m);

/// A float array as JSON numbers with float precision (0.1f is written 0.1); NaN/Inf as null.
Json floatArrayJson(const float *values, std::size_t n);
inline Json floatArrayJson(const std::vector<float> &v) { return floatArrayJson(v.data(), v.size()); }

} // namespace gb
