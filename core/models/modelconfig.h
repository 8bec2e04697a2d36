// SPDX-License-Identifier: MIT
#pragma once

#include "io/json.h"

#include <cstdint>
#include <string>
#include <vector>

namespace gb {

enum class Architecture { Gpt2, GptNeox };
enum class Activation { Gelu, GeluTanh, Relu, Silu };

/// The facts of a Hugging Face `config.json` that the runtime needs (spec-facts 5.1, 6.1), with
/// the transformers code defaults for absent keys.
struct ModelConfig {
    Architecture architecture = Architecture::Gpt2;
    int nLayers = 12;
    int dModel = 768;
    int nHeads = 12;
    int dHead = 64;
    int dMlp = 3072;
    int vocabSize = 50257;
    int nCtx = 1024; ///< learned positions (GPT-2) or the longest rotary position (NeoX)
    double layerNormEps = 1e-5;
    Activation activation = Activation::GeluTanh;
    std::string activationName = "gelu_new"; ///< as written in config.json (kept for save)
    bool tiedEmbeddings = true;
    bool parallelResidual = false;
    int rotaryDim = 0; ///< per-head dims that rotate; 0 = learned absolute positions
    double rotaryBase = 10000.0;
    bool attentionBias = true;
    bool scaleAttnWeights = true;           ///< GPT-2: divide scores by sqrt(dHead)
    bool scaleAttnByInverseLayerIdx = false; ///< GPT-2: also divide by (layer + 1)
    double initializerRange = 0.02;
    std::int64_t bosTokenId = -1; ///< -1 when the config has none
    std::int64_t eosTokenId = -1;

    /// Parses a config object; `source` names the file in errors. Unknown model_type is BadInput
    /// naming it and listing the supported ones.
    static ModelConfig fromJson(const Json &json, const std::string &source);
    /// Reads `<dir>/config.json`.
    static ModelConfig load(const std::string &dir);
    /// A config.json in Hugging Face layout that fromJson reads back to an equal config.
    Json toJson() const;

    static std::vector<std::string> supportedModelTypes();
    std::string modelType() const;
    bool rotary() const { return rotaryDim > 0; }
    std::int64_t parameterCount() const;
    /// "gpt2: 12 layers, d_model 768, 12 heads, vocab 50257, 124.4M parameters"
    std::string summary() const;
    /// The same facts as JSON (for the navigator, inspect and the CLI).
    Json summaryJson() const;

    bool operator==(const ModelConfig &o) const;
    bool operator!=(const ModelConfig &o) const { return !(*this == o); }
};

/// "950", "19.2K", "124.4M", "6.86B".
std::string formatParameterCount(std::int64_t n);

} // namespace gb
