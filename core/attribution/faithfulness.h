// SPDX-License-Identifier: MIT
#pragma once

#include "attribution/ranking.h"
#include "attribution/target.h"

#include <vector>

namespace gb {

class CancelToken;
class Progress;

/// The target as tokens are removed (deletion) or added (insertion) in attribution order.
struct FaithfulnessCurve {
    std::vector<double> fractions; ///< fraction of tokens removed / added, 0..1
    std::vector<double> values;    ///< the target at each fraction
    double auc = 0.0;              ///< trapezoid area under values over fractions
};

struct Faithfulness {
    /// Most positive tokens removed first: a faithful attribution makes the target fall fast
    /// (small area).
    FaithfulnessCurve deletion;
    /// Most positive tokens added first to the all-baseline prompt: the target rises fast
    /// (large area).
    FaithfulnessCurve insertion;
};

/// Deletion and insertion curves (Petsiuk et al., RISE, 2018) over the mask target. With more
/// than `maxPoints` tokens, tokens are moved in equal chunks so each curve has about maxPoints
/// + 1 points.
Faithfulness deletionInsertion(const MaskTarget &target, const std::vector<double> &scores, int maxPoints,
                               Progress &progress, const CancelToken &cancel);

/// Trapezoid area under y(x).
double trapezoidArea(const std::vector<double> &x, const std::vector<double> &y);

} // namespace gb
