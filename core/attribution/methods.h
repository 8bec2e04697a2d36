// SPDX-License-Identifier: MIT
#pragma once

#include "attribution/gradients.h"
#include "attribution/perturbation.h"
#include "attribution/results.h"
#include "attribution/target.h"

#include <ATen/core/Tensor.h>

#include <optional>

namespace gb {

class CancelToken;
class Progress;

/// Everything a method needs: the input and baseline [T, d], F as a differentiable function
/// of the input, and F as a function of which tokens keep their input row.
struct AttributionProblem {
    at::Tensor input;
    at::Tensor baseline;
    GradientTarget gradient;
    MaskTarget masks;
};

struct MethodOptions {
    IgOptions ig;
    /// Set: IG raises Gauss-Legendre steps until the tolerance is met (ig.steps is ignored).
    std::optional<AdaptiveIgOptions> adaptive;
    bool saliencyAbsolute = true;
    OcclusionOptions occlusion;
    LimeOptions lime;
    KernelShapOptions kernelShap;
};

/// Runs one method on the problem; progress covers the whole method.
MethodResult runMethod(const AttributionProblem &problem, AttributionMethod method, const MethodOptions &options,
                       Progress &progress, const CancelToken &cancel);

} // namespace gb
