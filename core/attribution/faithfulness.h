// SPDX-License-Identifier: MIT
#pragma once

#include "attribution/results.h"
#include "attribution/target.h"

#include <vector>

namespace gb {

class CancelToken;
class Progress;

/// Deletion and insertion curves (Petsiuk et al., RISE, 2018) over the mask target. With more
/// than `maxPoints` tokens, tokens are moved in equal chunks so each curve has about maxPoints
/// + 1 points.
Faithfulness deletionInsertion(const MaskTarget &target, const std::vector<double> &scores, int maxPoints,
                               Progress &progress, const CancelToken &cancel);

/// Trapezoid area under y(x).
double trapezoidArea(const std::vector<double> &x, const std::vector<double> &y);

} // namespace gb
