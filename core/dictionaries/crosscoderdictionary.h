// SPDX-License-Identifier: MIT
#pragma once

#include "dictionaries/sparsedictionary.h"

#include <memory>

namespace gb {

class Crosscoder;
class TwoModelCrosscoder;

/// A crosscoder as a SparseDictionary, built on the evolution loaders (dictionaries/crosscoder.h,
/// twomodelcrosscoder.h). Inputs are one activation per head, x `[..., S, d]`.
///
/// OpenMOSS (spec-facts 1.3): x_s is scaled by c_s (dataset-wise sqrt(d)/norm_s, token-wise
/// sqrt(d)/||x_s||, or 1 for "inference"); z = sum_s (c_s x_s W_E[s] + b_E[s]); per head the
/// decoder-norm-aware gate: jumprelu f_{s,i} = z_i * 1[z_i * ||W_D[s,i]|| > theta_i], relu
/// f_{s,i} = ReLU(z_i), topk keeps the k largest z_i * ||W_D[s,i]|| of each head; and
/// x_hat_s = (f_s W_D[s] + b_D[s]) / c_s.
/// Model-diffing (spec-facts 2): f = ReLU(sum_m x_m W_enc[m] + b_enc), the same on every head;
/// x_hat_m = f W_dec[:, m] + b_dec[m].
///
/// The weights stay memory-mapped; the encoder reads all heads with one matrix product.
class CrosscoderDictionary : public SparseDictionary {
public:
    static std::shared_ptr<CrosscoderDictionary> fromOpenMoss(std::shared_ptr<const Crosscoder> c);
    static std::shared_ptr<CrosscoderDictionary> fromTwoModel(std::shared_ptr<const TwoModelCrosscoder> c);

    at::Tensor encode(const at::Tensor &x) const override;
    at::Tensor decode(const at::Tensor &f, const at::Tensor &x = at::Tensor()) const override;
    bool decodeNeedsInput() const override { return m_tokenWise; }
    at::Tensor decoderDirections() const override;
    at::Tensor encoderDirections() const override;

    /// The latent z before the per-head gates, `[..., d_sae]` (the shared activation the
    /// feature explorer shows for a crosscoder feature).
    at::Tensor latent(const at::Tensor &x) const;
    /// Decoder norms ||W_D[s, i]|| `[S, d_sae]` (in the file's units).
    const at::Tensor &decoderNorms() const { return m_decNorm; }

    /// One head seen as an SAE of that head's hook: the crosscoder with every other head's input
    /// set to zero (z = c_s x W_E[s] + sum of the biases, gated and decoded by head s). An
    /// approximation for exploring a crosscoder with a single model; info().warnings says so.
    std::shared_ptr<SparseDictionary> head(std::int64_t s, const std::string &hook) const;

    enum class Gate { ReLU, JumpReLU, TopK };

private:
    CrosscoderDictionary(DictionaryInfo info);
    at::Tensor scales(const at::Tensor &x) const; ///< c per head: [S, 1] or, token-wise, [N, S, 1]
    at::Tensor gate(const at::Tensor &z) const;   ///< [N, F] -> [N, S, F]

    at::Tensor m_wEnc;    ///< [S, d, F]
    at::Tensor m_bEncSum; ///< [F]
    at::Tensor m_wDec;    ///< [S, F, d]
    at::Tensor m_bDec;    ///< [S, d]
    at::Tensor m_threshold;
    at::Tensor m_decNorm; ///< [S, F]
    at::Tensor m_scale;   ///< [S] constant c_s
    bool m_tokenWise = false;
    Gate m_gate = Gate::ReLU;
    std::int64_t m_k = 0;
};

} // namespace gb
