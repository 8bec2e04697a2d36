// SPDX-License-Identifier: MIT
#include "models/hookpoints.h"

#include "common/error.h"
#include "models/modelconfig.h"

#include <regex>

namespace gb {

namespace {

constexpr int KindCount = int(HookKind::LnFinalNormalized) + 1;

struct BlockHook {
    HookKind kind;
    const char *suffix;
};

const BlockHook BlockHooks[] = {
    {HookKind::ResidPre, "hook_resid_pre"},
    {HookKind::Ln1Normalized, "ln1.hook_normalized"},
    {HookKind::Q, "attn.hook_q"},
    {HookKind::K, "attn.hook_k"},
    {HookKind::V, "attn.hook_v"},
    {HookKind::RotQ, "attn.hook_rot_q"},
    {HookKind::RotK, "attn.hook_rot_k"},
    {HookKind::AttnScores, "attn.hook_attn_scores"},
    {HookKind::Pattern, "attn.hook_pattern"},
    {HookKind::Z, "attn.hook_z"},
    {HookKind::AttnOut, "hook_attn_out"},
    {HookKind::ResidMid, "hook_resid_mid"},
    {HookKind::Ln2Normalized, "ln2.hook_normalized"},
    {HookKind::MlpPre, "mlp.hook_pre"},
    {HookKind::MlpPost, "mlp.hook_post"},
    {HookKind::MlpOut, "hook_mlp_out"},
    {HookKind::ResidPost, "hook_resid_post"},
};

} // namespace

HookTable::HookTable(const ModelConfig &c)
    : m_byLayerKind(std::size_t(c.nLayers + 2), std::vector<int>(KindCount, -1))
    , m_nLayers(c.nLayers)
    , m_nHeads(c.nHeads)
    , m_dHead(c.dHead)
    , m_dModel(c.dModel)
    , m_dMlp(c.dMlp)
    , m_rotary(c.rotary())
    , m_parallel(c.parallelResidual)
{
    add(HookKind::Embed, -1, "hook_embed");
    if (!m_rotary)
        add(HookKind::PosEmbed, -1, "hook_pos_embed");
    for (int i = 0; i < c.nLayers; ++i) {
        for (const BlockHook &h : BlockHooks) {
            if ((h.kind == HookKind::RotQ || h.kind == HookKind::RotK) && !m_rotary)
                continue;
            if (h.kind == HookKind::ResidMid && m_parallel)
                continue;
            add(h.kind, i, "blocks." + std::to_string(i) + "." + h.suffix);
        }
    }
    add(HookKind::LnFinalNormalized, c.nLayers, "ln_final.hook_normalized");
}

void HookTable::add(HookKind kind, int layer, std::string name)
{
    const int index = size();
    m_byName.emplace(name, index);
    m_names.push_back(std::move(name));
    m_kinds.push_back(kind);
    m_layers.push_back(layer);
    m_byLayerKind[std::size_t(layer + 1)][std::size_t(kind)] = index;
}

int HookTable::find(const std::string &name) const
{
    const auto it = m_byName.find(name);
    return it == m_byName.end() ? -1 : it->second;
}

int HookTable::index(HookKind kind, int layer) const
{
    if (kind == HookKind::Embed || kind == HookKind::PosEmbed)
        layer = -1;
    else if (kind == HookKind::LnFinalNormalized)
        layer = m_nLayers;
    if (layer < -1 || layer > m_nLayers)
        return -1;
    return m_byLayerKind[std::size_t(layer + 1)][std::size_t(kind)];
}

int HookTable::require(const std::string &name) const
{
    const int i = find(name);
    if (i >= 0)
        return i;
    std::string why;
    static const std::regex block(R"(blocks\.(\d+)\.(.+))");
    std::smatch m;
    if (std::regex_match(name, m, block)) {
        const std::string suffix = m[2];
        const long layer = std::stol(m[1].str().substr(0, 9));
        bool known = false;
        for (const BlockHook &h : BlockHooks)
            known = known || suffix == h.suffix;
        if (known && layer >= m_nLayers)
            why = "layer " + m[1].str() + " does not exist (the model has " + std::to_string(m_nLayers) + " layers)";
        else if (suffix == "hook_resid_mid" && m_parallel)
            why = "parallel-residual models have no hook_resid_mid";
        else if ((suffix == "attn.hook_rot_q" || suffix == "attn.hook_rot_k") && !m_rotary)
            why = "only rotary models have hook_rot_q / hook_rot_k";
    } else if (name == "hook_pos_embed" && m_rotary) {
        why = "rotary models have no hook_pos_embed";
    }
    std::string msg = "unknown hook point \"" + name + "\"";
    if (!why.empty())
        msg += ": " + why;
    const std::string last = std::to_string(m_nLayers - 1);
    msg += "; valid examples: hook_embed, blocks.0.hook_resid_pre, blocks." + last + ".hook_resid_post, blocks." + last
           + ".attn.hook_pattern, blocks.0.mlp.hook_post, ln_final.hook_normalized (" + std::to_string(size())
           + " hook points; see hookNames())";
    throw Error::badInput(msg);
}

std::vector<std::int64_t> HookTable::shape(int index, std::int64_t b, std::int64_t t) const
{
    switch (kind(index)) {
    case HookKind::Q:
    case HookKind::K:
    case HookKind::V:
    case HookKind::RotQ:
    case HookKind::RotK:
    case HookKind::Z:
        return {b, t, m_nHeads, m_dHead};
    case HookKind::AttnScores:
    case HookKind::Pattern:
        return {b, m_nHeads, t, t};
    case HookKind::MlpPre:
    case HookKind::MlpPost:
        return {b, t, m_dMlp};
    default:
        return {b, t, m_dModel};
    }
}

} // namespace gb
