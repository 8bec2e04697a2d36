// SPDX-License-Identifier: MIT
#pragma once

#include "dictionaries/sparsedictionary.h"

namespace gb {

/// How an SAE-family dictionary (SAE or transcoder, any file format) computes, in the terms of
/// spec-facts 1.3 and 3.5.
struct SaeSpec {
    enum class Activation {
        ReLU,     ///< f = ReLU(h)
        JumpReLU, ///< f = ReLU(h) * 1[h > threshold] (strict >)
        TopK,     ///< the k largest h kept, ReLU'd; ties at the k-th value go to the lower index
        Gated     ///< f = 1[x'W_enc + b_gate > 0] * ReLU(x'(W_enc * exp(r_mag)) + b_mag)
    };
    /// Per-input scaling applied before encoding.
    enum class Norm {
        None,
        PerToken,  ///< x * sqrt(d_in) / ||x|| (SAELens constant_norm_rescale, OpenMOSS token-wise)
        LayerNorm, ///< (x - mean) / (std + 1e-5), std with Bessel's correction (SAELens layer_norm)
        Constant   ///< x * inScale; the output is divided by outScale (OpenMOSS dataset-wise)
    };

    Activation activation = Activation::ReLU;
    std::int64_t k = 0;
    /// OpenMOSS sparsity_include_decoder_norm: the gate (threshold / top-k choice) looks at
    /// h * ||W_dec[i]||; the value kept is h.
    bool gateOnDecoderNorm = false;
    /// SAELens topk rescale_acts_by_decoder_norm: the feature value is h * ||W_dec[i]||, and
    /// decode divides by the norm again.
    bool scaleByDecoderNorm = false;
    bool subtractDecoderBias = false; ///< apply_b_dec_to_input
    Norm norm = Norm::None;
    double inScale = 1.0;
    double outScale = 1.0;
    /// Whether decode undoes the input normalisation (SAELens SAEs and OpenMOSS: yes; SAELens
    /// transcoders: no, their output lives at another hook).
    bool undoNormOnOutput = true;
    /// attn.hook_z: accept [..., n_heads, d_head] inputs and flatten them.
    bool hookZ = false;
};

/// The weights of an SAE-family dictionary, float32. Unused entries stay undefined.
struct SaeWeights {
    at::Tensor wEnc;      ///< [d_in, d_sae]
    at::Tensor bEnc;      ///< [d_sae] (not gated)
    at::Tensor wDec;      ///< [d_sae, d_out]
    at::Tensor bDec;      ///< [d_out]
    at::Tensor threshold; ///< [d_sae] (JumpReLU)
    at::Tensor bGate;     ///< [d_sae] (gated)
    at::Tensor bMag;      ///< [d_sae] (gated)
    at::Tensor rMag;      ///< [d_sae] (gated)
    at::Tensor wSkip;     ///< [d_out, d_in] (skip transcoder)
    at::Tensor featureScale; ///< [d_sae] legacy finetuning_scaling_factor, multiplies f in decode
};

/// SAEs and transcoders of every supported file format. The constructor checks every tensor's
/// shape against info (d_in, d_sae, d_out) and the spec, and throws BadInput naming the file,
/// the tensor, and the expected and actual shape.
class SaeDictionary : public SparseDictionary {
public:
    SaeDictionary(DictionaryInfo info, SaeSpec spec, SaeWeights weights);

    at::Tensor encode(const at::Tensor &x) const override;
    at::Tensor encodeSubset(const at::Tensor &x, const std::vector<std::int64_t> &ids) const override;
    at::Tensor decode(const at::Tensor &f, const at::Tensor &x = at::Tensor()) const override;
    bool decodeNeedsInput() const override;
    at::Tensor decoderDirections() const override;
    at::Tensor encoderDirections() const override;

    const SaeSpec &spec() const { return m_spec; }
    const SaeWeights &weights() const { return m_w; }

private:
    struct Input;
    Input prepare(const at::Tensor &x, bool forEncoding) const;
    at::Tensor encodeColumns(const Input &in, const at::Tensor &ids) const;
    void validate() const;

    SaeSpec m_spec;
    SaeWeights m_w;
    at::Tensor m_decNorm;       ///< ||W_dec[i]|| [d_sae], when the spec uses it
    at::Tensor m_jumpThreshold; ///< max(threshold, 0): ReLU and the strict jump in one compare
    at::Tensor m_magScale;      ///< exp(r_mag) (gated)
};

/// Boolean mask of the k largest entries along the last dimension. Ties at the k-th largest
/// value are broken towards the lower index, so the result does not depend on the sort
/// algorithm; exactly min(k, size) entries are set in every row.
at::Tensor topkMask(const at::Tensor &h, std::int64_t k);

} // namespace gb
