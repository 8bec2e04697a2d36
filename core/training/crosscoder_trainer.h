// SPDX-License-Identifier: MIT
#pragma once

#include "io/json.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gb {

class CancelToken;
class Progress;

/// Training of an OpenMOSS-style multi-snapshot crosscoder (spec-facts 1.3).
struct CrosscoderTrainOptions {
    enum class Activation {
        ReluL1,  ///< f = ReLU(z); penalty lambda * sum_i f_i * sum_s ||W_D[s,i]|| (Anthropic)
        JumpReLU ///< f_s = z * 1[z n_s > theta]; tanh-quad penalty on f n (OpenMOSS)
    };
    Activation activation = Activation::JumpReLU;
    int features = 256;
    double sparsityCoefficient = 0.3; ///< lambda
    double tanhStretch = 4.0;         ///< c in tanh(c f n)
    double frequencyScale = 0.01;     ///< p (1 + p / scale)
    double thresholdWindow = 2.0;     ///< JumpReLU straight-through window epsilon
    /// JumpReLU threshold at initialisation; 0: half the standard deviation of z * ||W_D|| over
    /// the training rows at initialisation, so that about a third of the pairs fire at the start
    /// whatever the width and the number of snapshots (a fixed value leaves them all dead).
    double initialThreshold = 0.0;
    double thresholdLrFactor = 0.1;
    double decoderInitNorm = 0.1;     ///< per snapshot
    std::int64_t steps = 2000;
    int batchSize = 128;
    double learningRate = 1e-3;       ///< Adam; warm-up 5 %, linear decay over the last 20 %
    double sparsityWarmupFraction = 0.1;
    double evalFraction = 0.1;
    std::uint64_t seed = 1;
    int saves = 5;
    bool resume = true;
    /// The model hook the activations were read at, written as config.json's `hook_name` (so
    /// readers need not guess it); empty: not written. Not part of toJson().
    std::string hookName;
    /// Tests: stop as if cancelled when this step is reached (-1: never). Not part of toJson().
    std::int64_t stopAt = -1;
    Json toJson() const;
};

struct CrosscoderMetrics {
    std::vector<double> explainedVariance; ///< per snapshot
    double l0 = 0.0;                       ///< active (feature, snapshot) pairs per token / snapshots
    int deadFeatures = 0;
    Json toJson() const;
};

struct CrosscoderTrainResult {
    CrosscoderMetrics initial, final;
    std::vector<double> datasetNorms; ///< average activation norm per snapshot (saved in the file)
    std::vector<std::int64_t> steps;
    std::vector<double> loss, reconstruction, sparsity, l0;
    std::int64_t startStep = 0;
    double seconds = 0.0;
    Json toJson() const;
};

/// Trains on activations [N, S, d] (the same tokens at S snapshots; hookPoints names them, e.g.
/// "step1000") and saves the OpenMOSS layout (spec-facts 1.6): config.json (sae_type crosscoder,
/// norm_activation dataset-wise) and sae_weights.safetensors with W_E [S, d, F], b_E [S, F],
/// W_D [S, F, d], b_D [S, d], activation_function.log_jumprelu_threshold [F] (JumpReLU) and
/// dataset_average_activation_norm.<hook> per snapshot. Inputs are scaled by
/// sqrt(d) / dataset norm during training, as the loader does at inference.
/// Progress values: "step", "loss", "mse", "l0".
CrosscoderTrainResult trainCrosscoder(const at::Tensor &activations, const std::vector<std::string> &hookPoints,
                                      const CrosscoderTrainOptions &options, const std::string &outDir,
                                      Progress &progress, const CancelToken &cancel);

} // namespace gb
