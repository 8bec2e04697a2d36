// SPDX-License-Identifier: MIT
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace gb {

/// What the gradient methods explain: a differentiable scalar function F of one input [T, d]
/// (token embeddings, or the first residual input), evaluated on a batch [B, T, d] -> [B].
/// The methods know nothing else about the model, so they are tested exactly on toy functions.
struct GradientTarget {
    /// Must be differentiable with respect to its argument (autograd) and use its dtype.
    std::function<at::Tensor(const at::Tensor &inputs)> evaluate;
    /// Bytes one [T, d] sample costs in a forward plus backward pass (the activations autograd
    /// keeps); sizes step batches to a memory budget. 0 means negligible.
    std::int64_t bytesPerSample = 0;
};

/// Which tokens a perturbation keeps: one byte per token, 1 = keep, 0 = replace with the baseline.
using TokenMask = std::vector<std::uint8_t>;

/// What the perturbation methods explain: a black-box function of a token mask.
struct MaskTarget {
    /// masks [B, T] (float, 1 = keep, 0 = replaced by the baseline) -> [B] values.
    std::function<at::Tensor(const at::Tensor &masks)> evaluate;
    std::int64_t length = 0; ///< T
    std::int64_t maxBatch = 64;
};

/// The mask target of a gradient target: a masked token's row of `input` [T, d] is replaced by
/// the same row of `baseline` (same shape). Batches are sized to `memoryBudgetBytes`.
MaskTarget maskTargetOf(const GradientTarget &target, const at::Tensor &input, const at::Tensor &baseline,
                        std::int64_t memoryBudgetBytes);

/// Rows of a batch that fit in `budgetBytes` at `bytesPerRow` each, between 1 and `cap`.
std::int64_t batchSizeFor(std::int64_t budgetBytes, std::int64_t bytesPerRow, std::int64_t cap);

} // namespace gb
