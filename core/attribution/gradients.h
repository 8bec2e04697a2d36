// SPDX-License-Identifier: MIT
#pragma once

#include "attribution/quadrature.h"
#include "attribution/target.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace gb {

class CancelToken;
class Progress;

/// Attributions of F over every element of the input [T, d], with the numbers that say how far
/// to trust them.
struct GradientAttribution {
    at::Tensor attributions; ///< [T, d], float64
    double fX = std::numeric_limits<double>::quiet_NaN();
    /// F at the reference the method's completeness refers to (IG: the baseline; gradient x input:
    /// the zero input); NaN for saliency, which has none.
    double fBaseline = std::numeric_limits<double>::quiet_NaN();
    /// sum(attributions) - (fX - fBaseline) (spec-facts 9.1); NaN for saliency.
    double delta = std::numeric_limits<double>::quiet_NaN();
    /// Gradient evaluations spent (IG: the rule's points; adaptive IG: all levels', each point
    /// once; 1 otherwise).
    int steps = 0;
    bool converged = true;     ///< adaptive IG: whether the tolerance was met
    /// Adaptive IG: (points of the level's rule, delta) of every level tried, in order.
    std::vector<std::pair<int, double>> levels;
};

/// dF/dx at x (Captum Saliency); with `absolute`, |dF/dx| (Captum's default).
GradientAttribution saliency(const GradientTarget &target, const at::Tensor &input, bool absolute = true);

/// x * dF/dx (Captum InputXGradient). Its completeness reference is F(0).
GradientAttribution gradientTimesInput(const GradientTarget &target, const at::Tensor &input);

struct IgOptions {
    int steps = 50;
    Quadrature quadrature = Quadrature::GaussLegendre;
    /// Step batches are sized so that batch x target.bytesPerSample stays under this.
    std::int64_t memoryBudgetBytes = std::int64_t(1) << 30;
};

/// Integrated Gradients along the straight line from `baseline` to `input` (both [T, d]):
/// (x - x') * sum_k w_k dF(x' + alpha_k (x - x'))/dx, with the quadrature's points and weights,
/// evaluated in step batches sized to the memory budget. Reports progress per batch and checks
/// `cancel` between batches.
GradientAttribution integratedGradients(const GradientTarget &target, const at::Tensor &input,
                                        const at::Tensor &baseline, const IgOptions &options,
                                        Progress &progress, const CancelToken &cancel);

struct AdaptiveIgOptions {
    /// Stop when |delta| <= tolerance x |F(x) - F(x')|.
    double tolerance = 0.01;
    /// Gauss-Legendre points of the first level. 10: its Kronrod extension (21 points) reaches
    /// the float32 rounding floor of |delta| on GPT-2-small at 32 and 128 tokens, while 8
    /// points (K17) miss it by 1.2-30x; a 1 % tolerance is met by the 10 Gauss points alone
    /// (docs/BENCHMARKS.md, "Attribution").
    int startSteps = 10;
    /// The most gradient evaluations spent, over all levels.
    int maxSteps = 512;
    std::int64_t memoryBudgetBytes = std::int64_t(1) << 30;
};

/// Integrated Gradients refined until the convergence delta meets the tolerance (or no further
/// level fits in maxSteps evaluations: `converged` false, the last level's result). Levels come
/// in nested pairs: n-point Gauss-Legendre (n = startSteps), then its (2n+1)-point Kronrod
/// extension, which reuses those n gradients and evaluates n + 1 more. F(x) and F(x') are
/// evaluated once. Should the pair miss, the next pair's order is extrapolated from this pair's
/// decay of |delta| per point (errors fall geometrically for smooth F), between n + 1 and 2n.
/// The result equals the fixed rule of the level it stopped at.
GradientAttribution adaptiveIntegratedGradients(const GradientTarget &target, const at::Tensor &input,
                                                const at::Tensor &baseline, const AdaptiveIgOptions &options,
                                                Progress &progress, const CancelToken &cancel);

/// F at each row of `inputs` [B, T, d] without autograd, in batches under the budget.
std::vector<double> evaluateTarget(const GradientTarget &target, const at::Tensor &inputs,
                                   std::int64_t memoryBudgetBytes);

} // namespace gb
