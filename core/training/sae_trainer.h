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

struct SaeTrainOptions {
    enum class Architecture {
        ReluL1, ///< ReLU, L1 penalty weighted by decoder row norms (saved as "standard")
        TopK    ///< keep the k largest pre-activations, unit-norm decoder rows (saved as "topk")
    };
    Architecture architecture = Architecture::ReluL1;
    int features = 512;
    int k = 16;                   ///< TopK only
    double l1Coefficient = 5.0;   ///< on activations scaled to mean norm sqrt(d)
    double l1WarmupFraction = 0.05;
    std::int64_t steps = 3000;
    int batchSize = 512;
    double learningRate = 1e-3;   ///< Adam; linear decay to 0 over the last 20 % of steps
    double decoderInitNorm = 0.1; ///< ReLU + L1: initial decoder row norm
    double evalFraction = 0.1;    ///< rows held out for the metrics
    std::uint64_t seed = 1;
    int saves = 5;                ///< resume points during the run
    bool resume = true;
    /// Tests: stop as if cancelled when this step is reached (-1: never). Not part of toJson().
    std::int64_t stopAt = -1;
    Json toJson() const;
};

/// Where the activations came from: written into cfg.json's metadata.
struct SaeProvenance {
    std::string modelName;
    std::string hookName;
    int contextSize = 0;
    std::string datasetPath;
};

/// Reconstruction quality on held-out activations, in the model's raw units.
struct SaeMetrics {
    double mse = 0.0;               ///< mean over tokens of the summed squared error
    double explainedVariance = 0.0; ///< 1 - SSE / total sum of squares around the mean
    double l0 = 0.0;                ///< active features per token
    int deadFeatures = 0;           ///< never active on the held-out rows
    Json toJson() const;
};

struct SaeTrainResult {
    SaeMetrics initial;  ///< the initialisation, measured the same way
    SaeMetrics final;
    std::vector<std::int64_t> steps;
    std::vector<double> loss, mse, l0; ///< training curve (scaled units), one point per step
    double inputScale = 1.0;           ///< sqrt(d) / mean ||x||, folded into the saved weights
    std::int64_t startStep = 0;
    double seconds = 0.0;
    Json toJson() const;
};

/// Trains a sparse autoencoder on activations [N, d] and saves it in the SAELens v6 layout
/// (spec-facts 3): cfg.json, sae_weights.safetensors (W_enc [d, F], b_enc, W_dec [F, d], b_dec,
/// with the input scale folded in so it reads raw activations), sparsity.safetensors (log10 firing
/// frequency over all rows). apply_b_dec_to_input is true, normalize_activations "none".
/// Progress values: "step", "loss", "mse", "l0". Resume points go to `<outDir>/trainer_state/`
/// during the run (removed when it completes); `<outDir>/training_log.json` keeps the curve.
SaeTrainResult trainSae(const at::Tensor &activations, const SaeTrainOptions &options, const SaeProvenance &provenance,
                        const std::string &outDir, Progress &progress, const CancelToken &cancel);

} // namespace gb
