// SPDX-License-Identifier: MIT
#pragma once

#include "attribution/target.h"

#include <cstdint>
#include <limits>
#include <vector>

namespace gb {

class CancelToken;
class Progress;

/// Per-token attributions of a perturbation method.
struct TokenAttribution {
    std::vector<double> scores;   ///< one per token
    double fX = std::numeric_limits<double>::quiet_NaN();        ///< F with every token kept
    double fBaseline = std::numeric_limits<double>::quiet_NaN(); ///< F with every token replaced
    double delta = std::numeric_limits<double>::quiet_NaN();     ///< sum(scores) - (fX - fBaseline)
    int evaluations = 0;          ///< forward passes of the target
    double intercept = std::numeric_limits<double>::quiet_NaN(); ///< surrogate's intercept (LIME, KernelSHAP)
    double r2 = std::numeric_limits<double>::quiet_NaN();        ///< LIME: weighted R^2 of the surrogate
    bool exact = false;           ///< KernelSHAP: every coalition enumerated
};

/// F at each mask (one TokenMask of `target.length` bytes per row), in batches of
/// `target.maxBatch`, reporting progress per batch and checking `cancel` between batches.
std::vector<double> evaluateMasks(const MaskTarget &target, const std::vector<TokenMask> &masks,
                                  Progress &progress, const CancelToken &cancel);

struct OcclusionOptions {
    int window = 1; ///< tokens replaced together
    int stride = 1; ///< must not exceed the window
};

/// Occlusion as Captum computes it (spec-facts 9.3): windows start at token 0 and slide by
/// `stride` (the last may be cut off at the end); each records F(x) - F(x with the window
/// replaced), and a token's score is the mean over the windows that cover it.
TokenAttribution occlusion(const MaskTarget &target, const OcclusionOptions &options, Progress &progress,
                           const CancelToken &cancel);

struct LimeOptions {
    enum class Distance { Cosine, Hamming };
    int samples = 500;              ///< perturbed prompts, the original included
    std::uint64_t seed = 0;
    Distance distance = Distance::Cosine;
    /// Kernel exp(-d^2 / (2 width^2)) on the distance between the all-kept mask and a sample.
    /// 0.25 with cosine distance reproduces the LIME text explainer's kernel (distance x 100,
    /// width 25, square root of exp(-d^2/w^2)).
    double kernelWidth = 0.25;
    double ridgeAlpha = 1.0;        ///< L2 penalty of the surrogate (LIME's default Ridge)
};

/// LIME over token masks: the original plus samples removing a uniformly drawn number (1..T) of
/// uniformly drawn tokens, weighted by the kernel, fitted with a weighted ridge regression whose
/// intercept is not penalised. Scores are the surrogate's coefficients.
TokenAttribution lime(const MaskTarget &target, const LimeOptions &options, Progress &progress,
                      const CancelToken &cancel);

struct KernelShapOptions {
    /// Coalitions evaluated at most (besides the empty and full ones). When all 2^T - 2 fit,
    /// they are enumerated and the result is the exact Shapley values.
    int samples = 2048;
    std::uint64_t seed = 0;
};

/// KernelSHAP (Lundberg & Lee 2017): coalitions weighted by the Shapley kernel
/// (T-1) / (C(T,|z|) |z| (T-|z|)), fitted by least squares constrained so that the scores sum to
/// F(x) - F(empty). Within the budget, the sizes with the most kernel mass per coalition (the
/// smallest and largest) are enumerated; the rest are drawn in proportion to their kernel mass,
/// each draw paired with its complement (the shap library's scheme).
TokenAttribution kernelShap(const MaskTarget &target, const KernelShapOptions &options, Progress &progress,
                            const CancelToken &cancel);

} // namespace gb
