// SPDX-License-Identifier: MIT
#pragma once

#include "io/json.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gb {

/// What a dictionary maps: an SAE reconstructs the hook it reads, a transcoder reads one hook and
/// predicts another, a crosscoder reads one activation per "head" (training snapshot or model)
/// through one shared latent space.
enum class DictionaryKind { Sae, Transcoder, Crosscoder };

const char *toString(DictionaryKind k);

/// Everything about a loaded dictionary that is not a weight.
struct DictionaryInfo {
    DictionaryKind kind = DictionaryKind::Sae;
    std::string format;       ///< "saelens", "gemmascope", "openmoss"
    std::string architecture; ///< "standard", "gated", "jumprelu", "topk", "transcoder",
                              ///< "skip_transcoder", "jumprelu_transcoder", "crosscoder"
    std::string path;         ///< folder (or file) it was loaded from
    std::string hookIn;       ///< TransformerLens hook the dictionary reads
    std::string hookOut;      ///< hook its output stands for (== hookIn except for transcoders)
    std::int64_t hookHeadIndex = -1; ///< one attention head of a [.., H, dh] hook, -1 for all
    std::int64_t dIn = 0;
    std::int64_t dOut = 0;
    std::int64_t dSae = 0;
    std::int64_t heads = 1;              ///< crosscoder snapshots/models; 1 otherwise
    std::vector<std::string> headNames;  ///< crosscoder hook points ("step1000"), else empty
    std::string modelName;               ///< model it was trained on, when the file says
    bool prependBos = true;              ///< training windows started with BOS (SAELens default)
    std::int64_t contextSize = 0;        ///< training window length, 0 when unknown
    std::vector<std::string> warnings;   ///< facts the user should see (e.g. processed weights)
    Json config = Json::object();        ///< the configuration as read, for provenance

    Json toJson() const;
};

/// A sparse dictionary (SAE, transcoder or crosscoder) with exact encode / decode.
///
/// Tensors are float32 on the CPU; inputs of other float types are converted. Shapes:
/// - SAE / transcoder: x `[..., d_in]` -> features `[..., d_sae]` -> output `[..., d_out]`.
///   Dictionaries of `attn.hook_z` also accept x `[..., n_heads, d_head]` and give the output
///   back in that shape.
/// - Crosscoder: x `[..., heads, d_in]` -> features `[..., heads, d_sae]` (one gated copy of the
///   shared latent per head) -> output `[..., heads, d_in]`.
///
/// encode() and decode() are differentiable with respect to their inputs (no grad guards, no
/// in-place writes to leaves), so attribution can take gradients of a feature's activation.
///
/// Thread contract: all methods are const and keep no mutable state; one dictionary may be used
/// from several threads.
class SparseDictionary {
public:
    explicit SparseDictionary(DictionaryInfo info);
    virtual ~SparseDictionary();
    SparseDictionary(const SparseDictionary &) = delete;
    SparseDictionary &operator=(const SparseDictionary &) = delete;

    const DictionaryInfo &info() const { return m_info; }
    DictionaryKind kind() const { return m_info.kind; }
    const std::string &hookIn() const { return m_info.hookIn; }
    const std::string &hookOut() const { return m_info.hookOut; }
    std::int64_t dIn() const { return m_info.dIn; }
    std::int64_t dOut() const { return m_info.dOut; }
    std::int64_t dSae() const { return m_info.dSae; }

    /// Feature activations. BadInput when the width of x does not match d_in.
    virtual at::Tensor encode(const at::Tensor &x) const = 0;
    /// Activations of the features `ids` only, `[..., ids.size()]` (crosscoder:
    /// `[..., heads, ids.size()]`). Architectures whose features are independent (all but topk)
    /// compute just those encoder columns, which makes per-feature gradients cheap.
    virtual at::Tensor encodeSubset(const at::Tensor &x, const std::vector<std::int64_t> &ids) const;

    /// The output for features `f`. `x` is the input the features came from: dictionaries that
    /// normalise each input token (constant_norm_rescale, layer_norm, token-wise) undo that with
    /// its statistics, and skip transcoders add x W_skip^T. Such dictionaries throw BadInput
    /// when `x` is not given; the others ignore it.
    virtual at::Tensor decode(const at::Tensor &f, const at::Tensor &x = at::Tensor()) const = 0;

    /// Whether decode() needs the original input (see decode()).
    virtual bool decodeNeedsInput() const = 0;

    struct Output {
        at::Tensor features;
        at::Tensor reconstruction;
    };
    /// encode then decode.
    Output forward(const at::Tensor &x) const;

    /// What the hook becomes when the features are edited while the dictionary's error is kept:
    /// decode(edited, x) + (target - decode(encode(x), x)), with target = x for SAEs and
    /// crosscoders, and the value of the output hook for transcoders. With edited == encode(x)
    /// the result is exactly `target`: splicing in an unedited dictionary changes nothing.
    at::Tensor spliceEdited(const at::Tensor &x, const at::Tensor &edited,
                            const at::Tensor &target = at::Tensor()) const;

    /// Decoder directions `[d_sae, d_out]` (crosscoder: `[heads, d_sae, d_out]`): what one unit
    /// of a feature adds to the output, in the units of the output hook (dataset-wise scaling
    /// undone, per-feature scale factors applied). Dictionaries that normalise each token scale
    /// these directions per token, so for them this is the direction in normalised units.
    virtual at::Tensor decoderDirections() const = 0;
    /// Encoder directions `[d_in, d_sae]` (crosscoder: `[heads, d_in, d_sae]`).
    virtual at::Tensor encoderDirections() const = 0;

    /// log10 of each feature's firing frequency during training (SAELens sparsity.safetensors),
    /// `[d_sae]`, when the files provided it.
    const std::optional<at::Tensor> &logSparsity() const { return m_logSparsity; }
    void setLogSparsity(at::Tensor logSparsity);

protected:
    /// BadInput unless the last dimension of x is d_in (`where` names the operation).
    void checkInputWidth(const at::Tensor &x, std::int64_t width, const char *where) const;
    DictionaryInfo &mutableInfo() { return m_info; }

private:
    DictionaryInfo m_info;
    std::optional<at::Tensor> m_logSparsity;
};

} // namespace gb
