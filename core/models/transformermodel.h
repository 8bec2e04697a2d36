// SPDX-License-Identifier: MIT
#pragma once

#include "models/modelconfig.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace gb {

class CancelToken;
class HookTable;
class Progress;
struct TransformerState;

/// TransformerLens-style weight processing applied at load (spec-facts 8.4). Each keeps the
/// model's function: fold_ln and center_writing_weights keep the logits' log-probabilities,
/// center_unembed shifts each token's logits by a constant (softmax unchanged).
struct ProcessingOptions {
    bool foldLn = false;               ///< fold LayerNorm gamma/beta into the readers
    bool centerWritingWeights = false; ///< residual writers mean-centred over d_model
    bool centerUnembed = false;        ///< unembedding mean-centred over the vocabulary

    bool any() const { return foldLn || centerWritingWeights || centerUnembed; }
    /// "fold_ln,center_writing_weights,center_unembed" (any subset, "" or "none"); unknown
    /// names are BadInput.
    static ProcessingOptions parse(const std::string &commaList);
    std::string toString() const;
};

struct LoadOptions {
    ProcessingOptions processing;
};

/// Replaces a hook's value: receives the value and the hook name, returns the tensor to use
/// instead (same shape). Patching, ablation, steering and dictionary splicing are all this.
using HookFn = std::function<at::Tensor(const at::Tensor &value, const std::string &hook)>;

/// Keys and values of past positions, for incremental decoding (generation). Start empty, pass
/// to successive forwards; each forward appends its tokens at the next positions. Batched use
/// assumes rows of equal length (padding masks are carried along, positions are not shifted).
class KVCache {
public:
    std::int64_t length() const { return m_length; }
    void clear();

private:
    friend struct TransformerForward;
    std::vector<at::Tensor> m_keys;   ///< per layer [B, H, T, dh], after rotary
    std::vector<at::Tensor> m_values; ///< per layer [B, H, T, dh]
    at::Tensor m_keyMask;             ///< [B, T] bool, undefined when there was no padding
    std::int64_t m_length = 0;
};

/// What a forward starts from. Exactly one of tokens, tokenEmbeddings and residual is given.
struct ForwardInput {
    /// Token ids [B, T] or [T] (int64; other integer types are converted).
    at::Tensor tokens;
    /// [B, T], nonzero for real tokens. Batches are right-padded: real tokens first.
    at::Tensor attentionMask;
    /// Token embeddings [B, T, d] (the value of hook_embed); learned position embeddings are
    /// added unscaled. For gradients w.r.t. embeddings (attribution).
    at::Tensor tokenEmbeddings;
    /// The residual stream entering block `startLayer` (blocks.{startLayer}.hook_resid_pre).
    at::Tensor residual;
    int startLayer = 0;
    /// Optional KV cache (tokens or embeddings only): the tokens continue the cached sequence.
    KVCache *cache = nullptr;
};

struct ForwardOptions {
    /// Hook names whose values are returned in ForwardResult::hooks.
    std::vector<std::string> capture;
    /// Hook name -> replacement callback.
    std::map<std::string, HookFn> edits;
    /// false: stop right after the last captured hook; no logits are computed.
    bool logits = true;
    /// Runs under at::InferenceMode (fast path for scans: no autograd, results cannot be used in
    /// autograd later). Leave false for gradients.
    bool inference = false;
    /// true: the last block computes attention, MLP and output for the final position only
    /// (keys and values still cover every position), so the last layer's hooks from the
    /// attention scores on, ln_final and the logits have one position. For values read at the
    /// last position only (attribution): it saves most of the last block's work.
    bool lastPositionOnly = false;
};

struct ForwardResult {
    at::Tensor logits;                        ///< [B, T, vocab]; undefined when stopped early
    std::map<std::string, at::Tensor> hooks;  ///< captured values, [B, ...] as HookTable::shape
    /// A captured hook; missing is an internal error naming it.
    const at::Tensor &hook(const std::string &name) const;
};

struct GenerateOptions {
    int maxNewTokens = 32;
    double temperature = 0.0; ///< 0 = greedy (argmax)
    int topK = 0;             ///< sample among the k most likely tokens (0 = all)
    std::uint64_t seed = 0;   ///< sampling is deterministic for a seed
    std::int64_t stopToken = -1; ///< generation ends after emitting it (-1 = none)
};

/// A decoder-only transformer (GPT-2, GPT-NeoX / Pythia) with TransformerLens hook points.
///
/// Weights are kept in Hugging Face layout; loaded float32 weights are zero-copy views of the
/// memory-mapped safetensors file (read-only), F16/BF16 are widened to float32.
///
/// Threading: a model is used by one thread at a time (in the app: the compute worker). Distinct
/// models may be used from distinct threads. All methods are const except the trainability
/// switch; nothing is cached between forwards, so a forward never observes another's state.
class TransformerModel {
public:
    /// Loads a Hugging Face folder: config.json + model.safetensors (or a sharded
    /// model.safetensors.index.json). Every tensor is checked against the config; errors are
    /// BadInput naming the file, the tensor, expected and actual shape. `progress` reports per
    /// tensor; `cancel` is checked between tensors (Error::cancelled()).
    static std::shared_ptr<TransformerModel> load(const std::string &dir, const LoadOptions &options = {},
                                                  Progress *progress = nullptr, const CancelToken *cancel = nullptr);
    /// A randomly initialised model (normal(0, initializer_range) matrices, zero biases, unit
    /// LayerNorms), owning its memory. Deterministic for a seed.
    static std::shared_ptr<TransformerModel> random(const ModelConfig &config, std::uint64_t seed);

    ~TransformerModel();
    TransformerModel(const TransformerModel &) = delete;
    TransformerModel &operator=(const TransformerModel &) = delete;

    /// Writes config.json + model.safetensors (float32, HF names) so that load() reads back the
    /// same tensors bit for bit. Processed models cannot be saved (HF layout has no place for
    /// the folded unembedding bias): BadInput.
    void save(const std::string &dir) const;

    const ModelConfig &config() const;
    /// The folder it was loaded from ("" for random models).
    const std::string &path() const;
    const ProcessingOptions &processing() const;
    std::int64_t parameterCount() const;
    /// Tensors in the checkpoint that were neither parameters nor known buffers (ignored).
    const std::vector<std::string> &ignoredTensors() const;

    // ---- hook points
    const HookTable &hooks() const;
    std::vector<std::string> hookNames() const;
    bool hasHook(const std::string &name) const;
    /// Shape of a hook's value for `batch` x `tokens`; unknown names are BadInput.
    std::vector<std::int64_t> hookShape(const std::string &name, std::int64_t batch, std::int64_t tokens) const;

    // ---- forward
    ForwardResult forward(const ForwardInput &input, const ForwardOptions &options = {}) const;
    /// Inference shortcut: logits [B, T, vocab] for token ids [B, T] or [T].
    at::Tensor logits(const at::Tensor &tokens) const;
    /// Token embeddings W_E[tokens] (the value of hook_embed), in the autograd graph of W_E.
    at::Tensor embed(const at::Tensor &tokens) const;
    /// W_E [vocab, d].
    at::Tensor embeddingMatrix() const;
    /// W_U [d, vocab] (a view; reflects weight processing).
    at::Tensor unembeddingMatrix() const;
    /// ln_final then unembedding: logits from a final residual [.., d].
    at::Tensor unembed(const at::Tensor &residual) const;

    // ---- generation
    /// Continues `prompt` with a KV cache; returns the new tokens only. Stops at maxNewTokens,
    /// after stopToken, at the context length, or when `cancel` is set.
    std::vector<std::int64_t> generate(const std::vector<std::int64_t> &prompt, const GenerateOptions &options,
                                       const CancelToken *cancel = nullptr) const;

    // ---- training
    /// The live parameter tensors by HF name (tied weights once). An optimizer updating them in
    /// place updates the model; call setTrainable(true) first.
    std::vector<std::pair<std::string, at::Tensor>> namedParameters() const;
    /// true: weights backed by the read-only file mapping are copied into owned memory and every
    /// parameter requires grad. false: requires_grad off (memory stays owned).
    void setTrainable(bool trainable);

private:
    explicit TransformerModel(std::unique_ptr<TransformerState> state);
    std::unique_ptr<TransformerState> m;
};

} // namespace gb
