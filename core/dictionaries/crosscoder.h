// SPDX-License-Identifier: MIT
#pragma once

#include "dictionaries/crosscoderconfig.h"
#include "dictionaries/decodersource.h"

#include <ATen/core/Tensor.h>

#include <memory>
#include <string>
#include <vector>

namespace gb {

class SafetensorsFile;

/// An OpenMOSS multi-snapshot crosscoder (Language-Model-SAEs / llamascopium, the format of
/// "Evolution of Concepts in Language Model Pre-Training"; spec-facts 1.3 and 1.6).
///
/// Folder layout:
///   config.json               sae_type "crosscoder", d_model, expansion_factor, act_fn,
///                             norm_activation, hook_points [S], top_k (topk) - see CrosscoderConfig
///   sae_weights.safetensors   (else checkpoints/pruned.safetensors, checkpoints/final.safetensors)
///     W_E [S, d_model, d_sae]   b_E [S, d_sae]   W_D [S, d_sae, d_model]   b_D [S, d_model]
///     activation_function.log_jumprelu_threshold [d_sae]      (act_fn "jumprelu" only)
///     dataset_average_activation_norm.<hook> []  per hook point (used by "dataset-wise")
/// Head s of every tensor belongs to hook_points[s]. Weights may be F32, F16, BF16 or F64.
///
/// `open` validates everything that is cheap before returning (config, all tensor names, ranks,
/// shapes and dtypes, the thresholds and dataset norms) and reads no large tensor: the weights
/// stay memory-mapped. Errors are BadInput naming the file, the tensor and the hook point.
///
/// Forward pass (spec-facts 1.3, for the encode/decode built on this loader): with
/// x_s scaled by inputScale(s), z = sum_s (x_s W_E[s] + b_E[s]);
/// f_{s,i} = z_i * 1[z_i * ||W_D[s,i,:]|| > threshold_i] (jumprelu; relu: z_i > 0);
/// x_hat_s = f_s W_D[s] + b_D[s], in scaled units (divide by inputScale(s) for raw units).
///
/// Thread contract: immutable after open; tensors may be read from any thread.
class Crosscoder : public DecoderSource {
public:
    static std::shared_ptr<Crosscoder> open(const std::string &folder);
    /// Cheap probe for format detection: `folder/config.json` parses and says sae_type "crosscoder".
    static bool looksLike(const std::string &folder);
    /// Where open() looks for weights, in order (relative to the folder).
    static const std::vector<std::string> &weightFileCandidates();
    /// The first candidate that exists (OpenMOSS SAEs use the same layout); BadInput when there
    /// is none or only a torch pickle / distributed checkpoint.
    static std::string findWeights(const std::string &folder);

    ~Crosscoder() override;

    const CrosscoderConfig &config() const { return m_config; }
    const std::string &folder() const { return m_folder; }
    const std::string &weightsPath() const;
    const std::vector<std::string> &hookPoints() const { return m_config.hookPoints; }

    std::int64_t heads() const override { return static_cast<std::int64_t>(m_config.hookPoints.size()); }
    std::int64_t features() const override { return m_config.dSae; }
    std::int64_t dModel() const override { return m_config.dModel; }
    std::vector<std::string> headNames() const override { return m_config.hookPoints; }
    /// Float32 `[S, end - begin, d_model]`: zero-copy view of the mapping for F32 weights, else a
    /// converted copy of just those rows.
    at::Tensor decoderBlock(std::int64_t begin, std::int64_t end) const override;
    /// Starts reading the block's pages in the background.
    void prefetchBlock(std::int64_t begin, std::int64_t end) const override;
    /// Drops the block's mapped pages from this process (they stay in the page cache).
    void releaseBlock(std::int64_t begin, std::int64_t end) const override;

    // Whole tensors as float32 (zero-copy for F32 weights; F16/BF16/F64 are converted, which
    // allocates the full size). Read-only: clone before modifying.
    at::Tensor encoderWeight() const; ///< W_E [S, d_model, d_sae]
    at::Tensor encoderBias() const;   ///< b_E [S, d_sae]
    at::Tensor decoderWeight() const; ///< W_D [S, d_sae, d_model]
    at::Tensor decoderBias() const;   ///< b_D [S, d_model]
    /// JumpReLU thresholds exp(log_jumprelu_threshold) [d_sae], shared by all snapshots;
    /// undefined for other activations.
    at::Tensor threshold() const;
    /// dataset_average_activation_norm per hook point [S]; empty unless norm is dataset-wise.
    const std::vector<double> &datasetNorms() const { return m_datasetNorms; }
    /// Scale applied to snapshot s's activations before encoding: sqrt(d_model) / dataset norm
    /// for dataset-wise, 1 for inference; 0 for token-/batch-wise (it depends on the token).
    double inputScale(std::int64_t s) const;

private:
    Crosscoder() = default;
    void validateTensors();
    void validateDatasetNorms();

    std::string m_folder;
    CrosscoderConfig m_config;
    std::shared_ptr<SafetensorsFile> m_file;
    std::vector<double> m_datasetNorms;
};

} // namespace gb
