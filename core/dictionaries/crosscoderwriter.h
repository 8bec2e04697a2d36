// SPDX-License-Identifier: MIT
#pragma once

#include "dictionaries/crosscoderconfig.h"

#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

namespace gb {

/// The tensors of an OpenMOSS crosscoder (spec-facts 1.6), as a trainer holds them.
struct CrosscoderWeights {
    at::Tensor encoder;      ///< W_E [S, d_model, d_sae]
    at::Tensor encoderBias;  ///< b_E [S, d_sae]
    at::Tensor decoder;      ///< W_D [S, d_sae, d_model]
    at::Tensor decoderBias;  ///< b_D [S, d_model]
    at::Tensor logThreshold; ///< log JumpReLU threshold [d_sae]; required for act_fn jumprelu only
    /// Average activation norm per hook point (dataset-wise normalisation); written as
    /// `dataset_average_activation_norm.<hook>` scalars, one per hook point when given.
    std::vector<double> datasetNorms;
};

/// Writes `folder`/config.json and `folder`/sae_weights.safetensors (tensors as float32, with
/// the OpenMOSS `{"version": ...}` metadata) so that Crosscoder::open reads them back unchanged.
/// The files are checked by opening them before they are moved into place: a shape that
/// disagrees with the config is the same BadInput the reader gives, and `folder` is left as it
/// was (an earlier crosscoder there survives). `folder` is created if needed.
void saveCrosscoder(const std::string &folder, const CrosscoderConfig &config, const CrosscoderWeights &weights);

} // namespace gb
