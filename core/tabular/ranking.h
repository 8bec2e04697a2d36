// SPDX-License-Identifier: MIT
#pragma once

#include "tabular/predictor.h"

#include <cstdint>
#include <vector>

namespace gb {
class CancelToken;
class Progress;
struct TabularData;
} // namespace gb

namespace gb::tabular {

/// Ranks features by how much the model's response moves along them: the spread (max - min) of
/// each feature's PDP or first-order ALE curve, computed on a seeded row sample with a coarse
/// grid (one batched pass per feature) so that wide tables rank quickly.
struct RankOptions {
    enum class Method { Pdp, Ale };
    Method method = Method::Pdp;
    int resolution = 20;          ///< PDP grid points / ALE bins per feature
    std::int64_t maxRows = 2000;  ///< row sample (0 = all rows)
    std::uint64_t seed = 0;
};

struct FeatureRank {
    int feature = 0;
    double spread = 0.0;
};

/// Features with their spread, largest first (ties keep column order).
std::vector<FeatureRank> rankFeatures(const Predictor &model, const TabularData &data, const RankOptions &options,
                                      Progress &progress, const CancelToken &cancel);

} // namespace gb::tabular
