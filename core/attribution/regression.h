// SPDX-License-Identifier: MIT
#pragma once

#include "attribution/target.h"

#include <vector>

namespace gb {

struct LinearFit {
    std::vector<double> coefficients;
    double intercept = 0.0;
    double r2 = 0.0; ///< weighted coefficient of determination on the fitted samples
};

/// Weighted ridge regression of y on the binary masks with an unpenalised intercept (features
/// and y centred by their weighted means, as scikit-learn's Ridge does with sample weights).
LinearFit weightedRidge(const std::vector<TokenMask> &masks, const std::vector<double> &y,
                        const std::vector<double> &weights, double alpha);

/// Weighted least squares of y - fEmpty on the masks without intercept, constrained so that the
/// coefficients sum to fFull - fEmpty (KernelSHAP's estimator): the last coefficient is
/// eliminated and the rest solved by a complete orthogonal decomposition, so a rank-deficient
/// sample still gives the minimum-norm answer.
std::vector<double> constrainedLeastSquares(const std::vector<TokenMask> &masks, const std::vector<double> &y,
                                            const std::vector<double> &weights, double fEmpty, double fFull);

} // namespace gb
