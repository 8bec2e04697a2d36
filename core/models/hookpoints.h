// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace gb {

struct ModelConfig;

/// The kinds of hook points, in the order a forward pass reaches them within a block
/// (TransformerLens names, spec-facts 8.1).
enum class HookKind {
    Embed,             ///< hook_embed [B, T, d]
    PosEmbed,          ///< hook_pos_embed [B, T, d] (learned positions only)
    ResidPre,          ///< blocks.i.hook_resid_pre [B, T, d]
    Ln1Normalized,     ///< blocks.i.ln1.hook_normalized [B, T, d]
    Q,                 ///< blocks.i.attn.hook_q [B, T, H, dh]
    K,                 ///< blocks.i.attn.hook_k
    V,                 ///< blocks.i.attn.hook_v
    RotQ,              ///< blocks.i.attn.hook_rot_q (rotary only)
    RotK,              ///< blocks.i.attn.hook_rot_k (rotary only)
    AttnScores,        ///< blocks.i.attn.hook_attn_scores [B, H, Tq, Tk], scaled and masked
    Pattern,           ///< blocks.i.attn.hook_pattern [B, H, Tq, Tk]
    Z,                 ///< blocks.i.attn.hook_z [B, T, H, dh]
    AttnOut,           ///< blocks.i.hook_attn_out [B, T, d]
    ResidMid,          ///< blocks.i.hook_resid_mid (not for parallel-residual models)
    Ln2Normalized,     ///< blocks.i.ln2.hook_normalized [B, T, d]
    MlpPre,            ///< blocks.i.mlp.hook_pre [B, T, d_mlp]
    MlpPost,           ///< blocks.i.mlp.hook_post [B, T, d_mlp]
    MlpOut,            ///< blocks.i.hook_mlp_out [B, T, d]
    ResidPost,         ///< blocks.i.hook_resid_post [B, T, d]
    LnFinalNormalized, ///< ln_final.hook_normalized [B, T, d]
};

/// The hook points of one model configuration, numbered in execution order, so that "stop after
/// the last hook needed" is a comparison of indices.
class HookTable {
public:
    explicit HookTable(const ModelConfig &config);

    int size() const { return int(m_names.size()); }
    /// All names in execution order.
    const std::vector<std::string> &names() const { return m_names; }
    const std::string &name(int index) const { return m_names[std::size_t(index)]; }
    /// Index of a hook, or -1 when this model has no such hook.
    int find(const std::string &name) const;
    /// Index of a hook; an unknown name is BadInput saying why and listing valid examples.
    int require(const std::string &name) const;
    /// Index of (kind, layer), or -1 when this model has no such hook. Layer is ignored for the
    /// embedding and final-norm hooks.
    int index(HookKind kind, int layer = -1) const;
    HookKind kind(int index) const { return m_kinds[std::size_t(index)]; }
    /// Layer of a hook (-1 for embeddings, nLayers for ln_final).
    int layer(int index) const { return m_layers[std::size_t(index)]; }
    /// Shape of the hook's value for a batch of `batch` sequences of `tokens` tokens.
    std::vector<std::int64_t> shape(int index, std::int64_t batch, std::int64_t tokens) const;

private:
    void add(HookKind kind, int layer, std::string name);

    std::vector<std::string> m_names;
    std::vector<HookKind> m_kinds;
    std::vector<int> m_layers;
    std::unordered_map<std::string, int> m_byName;
    std::vector<std::vector<int>> m_byLayerKind; ///< [layer + 1][kind] -> index or -1
    int m_nLayers, m_nHeads, m_dHead, m_dModel, m_dMlp;
    bool m_rotary, m_parallel;
};

} // namespace gb
