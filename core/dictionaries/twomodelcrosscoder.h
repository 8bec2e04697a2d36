// SPDX-License-Identifier: MIT
#pragma once

#include "dictionaries/decodersource.h"
#include "io/json.h"

#include <ATen/core/Tensor.h>

#include <memory>
#include <string>
#include <vector>

namespace gb {

class SafetensorsFile;

/// A model-diffing crosscoder over N models (usually 2: base A and fine-tuned B; spec-facts 2),
/// in a safetensors form of the open replication's layout (ckkissane/crosscoder-model-diff-
/// replication, whose own `cc_weights.pt` is a torch pickle that Glassbox does not execute).
///
/// Folder layout:
///   cfg.json                 "d_in" (d_model), "dict_size" (F), optional "n_models" (default 2),
///                            optional "model_names" [N] (default "A", "B", ...), and anything
///                            else (model_name, hook_point, ...) kept as provenance
///   cc_weights.safetensors   W_enc [N, d_in, F]   W_dec [F, N, d_in]   b_enc [F]   b_dec [N, d_in]
/// Forward: f = ReLU(sum_m x_m W_enc[m] + b_enc); x_hat_m = f W_dec[:, m, :] + b_dec[m].
/// Convert a replication checkpoint with Python:
///   safetensors.torch.save_file(torch.load("cc_weights.pt"), "cc_weights.safetensors")
///
/// Heads of the DecoderSource are the models, in W_dec's dim-1 order.
class TwoModelCrosscoder : public DecoderSource {
public:
    static std::shared_ptr<TwoModelCrosscoder> open(const std::string &folder);
    /// Cheap probe: cfg.json and cc_weights.safetensors (or cc_weights.pt) exist.
    static bool looksLike(const std::string &folder);

    ~TwoModelCrosscoder() override;

    const std::string &folder() const { return m_folder; }
    const Json &config() const { return m_config; }
    const std::vector<std::string> &modelNames() const { return m_names; }

    std::int64_t heads() const override { return static_cast<std::int64_t>(m_names.size()); }
    std::int64_t features() const override { return m_features; }
    std::int64_t dModel() const override { return m_dModel; }
    std::vector<std::string> headNames() const override { return m_names; }
    /// Float32 `[N, end - begin, d_in]` (W_dec rows permuted to head-major; zero-copy for F32).
    at::Tensor decoderBlock(std::int64_t begin, std::int64_t end) const override;
    /// Starts reading the block's pages in the background.
    void prefetchBlock(std::int64_t begin, std::int64_t end) const override;
    /// Drops the block's mapped pages from this process (they stay in the page cache).
    void releaseBlock(std::int64_t begin, std::int64_t end) const override;

    at::Tensor encoderWeight() const; ///< W_enc [N, d_in, F]
    at::Tensor encoderBias() const;   ///< b_enc [F]
    at::Tensor decoderWeight() const; ///< W_dec [F, N, d_in]
    at::Tensor decoderBias() const;   ///< b_dec [N, d_in]

private:
    TwoModelCrosscoder() = default;

    std::string m_folder;
    Json m_config;
    std::vector<std::string> m_names;
    std::int64_t m_features = 0;
    std::int64_t m_dModel = 0;
    std::shared_ptr<SafetensorsFile> m_file;
};

} // namespace gb
