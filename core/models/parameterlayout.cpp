// SPDX-License-Identifier: MIT
#include "models/parameterlayout.h"

#include "models/modelconfig.h"

#include <regex>

namespace gb {

LayerNames layerNames(const ModelConfig &c, int layer)
{
    LayerNames n;
    if (c.architecture == Architecture::Gpt2) {
        const std::string p = "h." + std::to_string(layer) + ".";
        n.ln1Weight = p + "ln_1.weight";
        n.ln1Bias = p + "ln_1.bias";
        n.ln2Weight = p + "ln_2.weight";
        n.ln2Bias = p + "ln_2.bias";
        n.qkvWeight = p + "attn.c_attn.weight";
        n.qkvBias = p + "attn.c_attn.bias";
        n.outWeight = p + "attn.c_proj.weight";
        n.outBias = p + "attn.c_proj.bias";
        n.mlpInWeight = p + "mlp.c_fc.weight";
        n.mlpInBias = p + "mlp.c_fc.bias";
        n.mlpOutWeight = p + "mlp.c_proj.weight";
        n.mlpOutBias = p + "mlp.c_proj.bias";
    } else {
        const std::string p = "gpt_neox.layers." + std::to_string(layer) + ".";
        n.ln1Weight = p + "input_layernorm.weight";
        n.ln1Bias = p + "input_layernorm.bias";
        n.ln2Weight = p + "post_attention_layernorm.weight";
        n.ln2Bias = p + "post_attention_layernorm.bias";
        n.qkvWeight = p + "attention.query_key_value.weight";
        n.qkvBias = c.attentionBias ? p + "attention.query_key_value.bias" : std::string();
        n.outWeight = p + "attention.dense.weight";
        n.outBias = c.attentionBias ? p + "attention.dense.bias" : std::string();
        n.mlpInWeight = p + "mlp.dense_h_to_4h.weight";
        n.mlpInBias = p + "mlp.dense_h_to_4h.bias";
        n.mlpOutWeight = p + "mlp.dense_4h_to_h.weight";
        n.mlpOutBias = p + "mlp.dense_4h_to_h.bias";
    }
    return n;
}

GlobalNames globalNames(const ModelConfig &c)
{
    GlobalNames n;
    if (c.architecture == Architecture::Gpt2) {
        n.embed = "wte.weight";
        n.posEmbed = "wpe.weight";
        n.lnFinalWeight = "ln_f.weight";
        n.lnFinalBias = "ln_f.bias";
        n.unembed = c.tiedEmbeddings ? n.embed : "lm_head.weight";
    } else {
        n.embed = "gpt_neox.embed_in.weight";
        n.lnFinalWeight = "gpt_neox.final_layer_norm.weight";
        n.lnFinalBias = "gpt_neox.final_layer_norm.bias";
        n.unembed = c.tiedEmbeddings ? n.embed : "embed_out.weight";
    }
    return n;
}

std::vector<ParamSpec> parameterLayout(const ModelConfig &c)
{
    using Init = ParamSpec::Init;
    const std::int64_t d = c.dModel, m = c.dMlp, v = c.vocabSize;
    const bool conv1d = c.architecture == Architecture::Gpt2; // Conv1D stores [in, out]
    const auto matrix = [conv1d](std::int64_t in, std::int64_t out) {
        return conv1d ? std::vector<std::int64_t>{in, out} : std::vector<std::int64_t>{out, in};
    };
    const GlobalNames g = globalNames(c);
    std::vector<ParamSpec> out;
    out.push_back({g.embed, {v, d}, Init::Normal});
    if (!g.posEmbed.empty())
        out.push_back({g.posEmbed, {c.nCtx, d}, Init::Normal});
    for (int i = 0; i < c.nLayers; ++i) {
        const LayerNames n = layerNames(c, i);
        out.push_back({n.ln1Weight, {d}, Init::Ones});
        out.push_back({n.ln1Bias, {d}, Init::Zeros});
        out.push_back({n.qkvWeight, matrix(d, 3 * d), Init::Normal});
        if (!n.qkvBias.empty())
            out.push_back({n.qkvBias, {3 * d}, Init::Zeros});
        out.push_back({n.outWeight, matrix(d, d), Init::Normal});
        if (!n.outBias.empty())
            out.push_back({n.outBias, {d}, Init::Zeros});
        out.push_back({n.ln2Weight, {d}, Init::Ones});
        out.push_back({n.ln2Bias, {d}, Init::Zeros});
        out.push_back({n.mlpInWeight, matrix(d, m), Init::Normal});
        out.push_back({n.mlpInBias, {m}, Init::Zeros});
        out.push_back({n.mlpOutWeight, matrix(m, d), Init::Normal});
        out.push_back({n.mlpOutBias, {d}, Init::Zeros});
    }
    out.push_back({g.lnFinalWeight, {d}, Init::Ones});
    out.push_back({g.lnFinalBias, {d}, Init::Zeros});
    if (g.unembed != g.embed)
        out.push_back({g.unembed, {v, d}, Init::Normal});
    return out;
}

bool isKnownBuffer(const std::string &name)
{
    static const std::regex buffers(R"((h\.\d+\.attn\.(bias|masked_bias))|)"
                                    R"((gpt_neox\.layers\.\d+\.attention\.(bias|masked_bias|rotary_emb\.inv_freq)))");
    return std::regex_match(name, buffers);
}

} // namespace gb
