// SPDX-License-Identifier: MIT
#pragma once

#include "io/json.h"

#include <cstdint>
#include <string>
#include <vector>

namespace gb {

/// Sparsifying nonlinearity of a crosscoder (spec-facts 1.3).
enum class CrosscoderActivation { ReLU, JumpReLU, TopK, BatchTopK };
/// How a snapshot's activations are scaled before encoding (OpenMOSS `norm_activation`).
enum class ActivationNorm {
    DatasetWise, ///< x_s * sqrt(d_model) / dataset_average_activation_norm.<hook_s>
    TokenWise,   ///< x * sqrt(d_model) / ||x|| per token
    BatchWise,   ///< by the batch's average norm (training only; Glassbox treats it as token-wise)
    Inference    ///< no scaling: factors already folded into the weights
};

const char *toString(CrosscoderActivation a);
const char *toString(ActivationNorm n);

/// The parts of an OpenMOSS crosscoder `config.json` (spec-facts 1.6) that define the function.
struct CrosscoderConfig {
    std::int64_t dModel = 0;
    double expansionFactor = 0.0;
    std::int64_t dSae = 0;  ///< int(d_model * expansion_factor), as Python computes it
    CrosscoderActivation activation = CrosscoderActivation::ReLU;
    std::int64_t topK = 0;  ///< for topk / batchtopk
    ActivationNorm norm = ActivationNorm::DatasetWise;
    std::vector<std::string> hookPoints; ///< one per snapshot (head), in head order
    /// The model hook every snapshot is read at (`hook_name`, or `hook_point`), e.g.
    /// "blocks.6.hook_resid_post"; empty when the file does not say (OpenMOSS files often don't).
    std::string hookName;
    Json raw;               ///< the whole file, for provenance and fields we do not interpret

    /// Parses and checks `json` (read from `source`, named in errors): sae_type "crosscoder",
    /// positive d_model and d_sae, known act_fn and norm_activation, top_k for topk, a non-empty
    /// list of distinct hook_points.
    static CrosscoderConfig fromJson(const Json &json, const std::string &source);
    /// The config.json of a crosscoder the trainers write (what fromJson reads back).
    Json toJson() const;
};

} // namespace gb
