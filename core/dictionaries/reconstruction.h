// SPDX-License-Identifier: MIT
#pragma once

#include "io/json.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace gb {

class SparseDictionary;
class TransformerModel;

/// How well a dictionary reconstructs its hook on one prompt.
struct ReconstructionMetrics {
    std::int64_t positions = 0;     ///< positions measured (BOS excluded when asked)
    double mse = 0;                 ///< mean over positions and dimensions of (y - y_hat)^2
    /// 1 - sum_t ||y_t - y_hat_t||^2 / sum_t ||y_t - mean_t(y)||^2 (variance over the prompt's positions)
    double explainedVariance = 0;
    double l0 = 0;                  ///< mean number of active features per position
    /// Mean next-token cross-entropy (nats) over the prompt: the clean model, with the
    /// reconstruction spliced in place of the hook (no error term), and with the hook zeroed.
    double lossClean = 0, lossSpliced = 0, lossZeroAblated = 0;
    double deltaLoss = 0;     ///< lossSpliced - lossClean
    double lossRecovered = 0; ///< (lossZeroAblated - lossSpliced) / (lossZeroAblated - lossClean)
    std::vector<double> l0PerPosition;
    std::vector<double> squaredErrorPerPosition; ///< ||y_t - y_hat_t||^2 (all positions)

    Json toJson() const;
};

/// Runs the prompt `tokens` ([T] int64, T >= 2) three times (clean, spliced, zero-ablated) in
/// inference mode. y is the dictionary's target: its input hook for SAEs, the output hook for
/// transcoders. Positions whose token is `bosToken` are left out of mse / explained variance / L0
/// (BOS residuals are outliers); the losses use every prediction. BadInput when the dictionary
/// does not fit the model or is a crosscoder.
ReconstructionMetrics measureReconstruction(const TransformerModel &model, const SparseDictionary &dict,
                                            const at::Tensor &tokens, std::int64_t bosToken = -1);

/// The value to put at the dictionary's output hook for a hook `value` of the model (which may
/// be [B, T, H, dh] for attention hooks; a one-head dictionary replaces only its head) given the
/// dictionary output `replacement` for the positions, shaped as `value` expects.
at::Tensor placeAtHook(const SparseDictionary &dict, const at::Tensor &value, const at::Tensor &replacement);

/// The dictionary's input read from a captured hook value: one head selected for one-head
/// dictionaries; otherwise unchanged.
at::Tensor readFromHook(const SparseDictionary &dict, const at::Tensor &value);

} // namespace gb
