// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gb {

struct ModelConfig;

/// One trainable tensor of a model in Hugging Face layout (spec-facts 5.2, 6.2).
struct ParamSpec {
    enum class Init { Normal, Zeros, Ones };
    std::string name; ///< HF name without the optional `transformer.` prefix
    std::vector<std::int64_t> shape;
    Init init = Init::Normal;
};

/// Every parameter a model of this config has, in a fixed order (embeddings, layers, final
/// norm, unembedding). Tied unembeddings are not listed twice.
std::vector<ParamSpec> parameterLayout(const ModelConfig &config);

/// Non-parameter tensors that checkpoints carry and loaders ignore (causal-mask buffers,
/// rotary inv_freq), named without any `transformer.` prefix.
bool isKnownBuffer(const std::string &name);

/// HF names of the tensors a layer uses, by role.
struct LayerNames {
    std::string ln1Weight, ln1Bias, ln2Weight, ln2Bias;
    std::string qkvWeight, qkvBias, outWeight, outBias;
    std::string mlpInWeight, mlpInBias, mlpOutWeight, mlpOutBias;
};
LayerNames layerNames(const ModelConfig &config, int layer);

/// HF names of the embedding / final norm / unembedding tensors.
struct GlobalNames {
    std::string embed, posEmbed; ///< posEmbed empty for rotary models
    std::string lnFinalWeight, lnFinalBias;
    std::string unembed; ///< [vocab, d]; equals `embed` when tied
};
GlobalNames globalNames(const ModelConfig &config);

} // namespace gb
