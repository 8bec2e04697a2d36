// SPDX-License-Identifier: MIT
#include "models/modelconfig.h"

#include "common/error.h"
#include "models/parameterlayout.h"

#include <cmath>
#include <cstdio>
#include <filesystem>

namespace gb {

namespace {

/// Typed reads of optional keys with the transformers defaults; errors name file and key.
class ConfigReader {
public:
    ConfigReader(const Json &json, const std::string &source)
        : m_json(json)
        , m_source(source)
    {
    }

    const Json *find(const char *key) const
    {
        const Json *v = m_json.find(key);
        return v && !v->isNull() ? v : nullptr;
    }
    int positiveInt(const char *key, int fallback) const
    {
        const Json *v = find(key);
        if (!v)
            return fallback;
        const std::int64_t n = v->toInt(where(key));
        require(n > 0 && n < (1 << 30), m_source, std::string(key) + " must be a positive integer");
        return int(n);
    }
    double number(const char *key, double fallback) const
    {
        const Json *v = find(key);
        return v ? v->toDouble(where(key)) : fallback;
    }
    bool flag(const char *key, bool fallback) const
    {
        const Json *v = find(key);
        return v ? v->toBool(where(key)) : fallback;
    }
    std::string string(const char *key, const std::string &fallback) const
    {
        const Json *v = find(key);
        return v ? v->toString(where(key)) : fallback;
    }
    std::int64_t tokenId(const char *key) const
    {
        const Json *v = find(key);
        return v && v->isNumber() ? v->toInt(where(key)) : -1;
    }
    std::string where(const char *key) const { return m_source + ": " + key; }
    const std::string &source() const { return m_source; }

private:
    const Json &m_json;
    std::string m_source;
};

Activation parseActivation(const std::string &name, const std::string &where)
{
    if (name == "gelu")
        return Activation::Gelu;
    if (name == "gelu_new" || name == "gelu_pytorch_tanh" || name == "gelu_fast")
        return Activation::GeluTanh;
    if (name == "relu")
        return Activation::Relu;
    if (name == "silu" || name == "swish")
        return Activation::Silu;
    throw Error::badInput(where + ": unsupported activation \"" + name
                          + "\" (supported: gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, relu, silu)");
}

void readGpt2(const ConfigReader &r, ModelConfig &c)
{
    c.architecture = Architecture::Gpt2;
    c.vocabSize = r.positiveInt("vocab_size", 50257);
    c.nCtx = r.positiveInt("n_positions", 1024);
    c.dModel = r.positiveInt("n_embd", 768);
    c.nLayers = r.positiveInt("n_layer", 12);
    c.nHeads = r.positiveInt("n_head", 12);
    c.dMlp = r.positiveInt("n_inner", 4 * c.dModel);
    c.layerNormEps = r.number("layer_norm_epsilon", 1e-5);
    c.activationName = r.string("activation_function", "gelu_new");
    c.scaleAttnWeights = r.flag("scale_attn_weights", true);
    c.scaleAttnByInverseLayerIdx = r.flag("scale_attn_by_inverse_layer_idx", false);
    c.tiedEmbeddings = r.flag("tie_word_embeddings", true);
    c.parallelResidual = false;
    c.rotaryDim = 0;
}

void readNeox(const ConfigReader &r, ModelConfig &c)
{
    c.architecture = Architecture::GptNeox;
    c.vocabSize = r.positiveInt("vocab_size", 50432);
    c.dModel = r.positiveInt("hidden_size", 6144);
    c.nLayers = r.positiveInt("num_hidden_layers", 44);
    c.nHeads = r.positiveInt("num_attention_heads", 64);
    c.dMlp = r.positiveInt("intermediate_size", 24576);
    c.nCtx = r.positiveInt("max_position_embeddings", 2048);
    c.layerNormEps = r.number("layer_norm_eps", 1e-5);
    c.activationName = r.string("hidden_act", "gelu");
    c.parallelResidual = r.flag("use_parallel_residual", true);
    c.tiedEmbeddings = r.flag("tie_word_embeddings", false);
    c.attentionBias = r.flag("attention_bias", true);
    // Newer transformers write partial_rotary_factor / rope_theta as aliases.
    const double pct = r.find("rotary_pct") ? r.number("rotary_pct", 0.25) : r.number("partial_rotary_factor", 0.25);
    c.rotaryBase = r.find("rotary_emb_base") ? r.number("rotary_emb_base", 1e4) : r.number("rope_theta", 1e4);
    require(pct > 0.0 && pct <= 1.0, r.source(), "rotary_pct must be in (0, 1]");
    require(c.rotaryBase > 0.0, r.source(), "rotary_emb_base must be positive");
    require(!r.find("rope_scaling"), r.source(), "rope_scaling is not supported");
    if (c.dModel % c.nHeads == 0)
        c.rotaryDim = int(double(c.dModel / c.nHeads) * pct + 1e-9); // int() as HF, robust to 0.1-style rounding
    require(c.rotaryDim >= 2 && c.rotaryDim % 2 == 0, r.source(),
            "rotary_pct x head size must give an even number of rotary dimensions (got "
                + std::to_string(c.rotaryDim) + ")");
}

} // namespace

std::string formatParameterCount(std::int64_t n)
{
    char buf[32];
    if (n < 1000)
        std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(n));
    else if (n < 1000000)
        std::snprintf(buf, sizeof buf, "%.1fK", double(n) / 1e3);
    else if (n < 1000000000)
        std::snprintf(buf, sizeof buf, "%.1fM", double(n) / 1e6);
    else
        std::snprintf(buf, sizeof buf, "%.2fB", double(n) / 1e9);
    return buf;
}

std::vector<std::string> ModelConfig::supportedModelTypes()
{
    return {"gpt2", "gpt_neox"};
}

std::string ModelConfig::modelType() const
{
    return architecture == Architecture::Gpt2 ? "gpt2" : "gpt_neox";
}

ModelConfig ModelConfig::fromJson(const Json &json, const std::string &source)
{
    require(json.isObject(), source, "config must be a JSON object");
    const ConfigReader r(json, source);
    const Json *type = r.find("model_type");
    require(type != nullptr, source, "no model_type (supported: gpt2, gpt_neox)");
    const std::string name = type->toString(r.where("model_type"));
    ModelConfig c;
    if (name == "gpt2")
        readGpt2(r, c);
    else if (name == "gpt_neox")
        readNeox(r, c);
    else
        throw Error::badInput(source + ": unsupported model_type \"" + name + "\" (supported: gpt2, gpt_neox)");
    require(c.dModel % c.nHeads == 0, source,
            "hidden size " + std::to_string(c.dModel) + " is not divisible by " + std::to_string(c.nHeads) + " heads");
    require(c.layerNormEps > 0.0, source, "layer norm epsilon must be positive");
    c.dHead = c.dModel / c.nHeads;
    c.activation = parseActivation(c.activationName, source);
    c.initializerRange = r.number("initializer_range", 0.02);
    c.bosTokenId = r.tokenId("bos_token_id");
    c.eosTokenId = r.tokenId("eos_token_id");
    return c;
}

ModelConfig ModelConfig::load(const std::string &dir)
{
    const std::string path = (std::filesystem::path(dir) / "config.json").string();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw Error::badInput(dir + ": no config.json (expected a Hugging Face model folder)");
    return fromJson(Json::parseFile(path), path);
}

Json ModelConfig::toJson() const
{
    Json j = Json::object();
    j.set("model_type", modelType());
    j.set("vocab_size", vocabSize);
    j.set("initializer_range", initializerRange);
    j.set("tie_word_embeddings", tiedEmbeddings);
    if (bosTokenId >= 0)
        j.set("bos_token_id", bosTokenId);
    if (eosTokenId >= 0)
        j.set("eos_token_id", eosTokenId);
    if (architecture == Architecture::Gpt2) {
        j.set("architectures", Json::array().push("GPT2LMHeadModel"));
        j.set("n_embd", dModel).set("n_layer", nLayers).set("n_head", nHeads).set("n_inner", dMlp);
        j.set("n_positions", nCtx).set("n_ctx", nCtx).set("layer_norm_epsilon", layerNormEps);
        j.set("activation_function", activationName);
        j.set("scale_attn_weights", scaleAttnWeights).set("scale_attn_by_inverse_layer_idx", scaleAttnByInverseLayerIdx);
    } else {
        j.set("architectures", Json::array().push("GPTNeoXForCausalLM"));
        j.set("hidden_size", dModel).set("num_hidden_layers", nLayers).set("num_attention_heads", nHeads);
        j.set("intermediate_size", dMlp).set("max_position_embeddings", nCtx).set("layer_norm_eps", layerNormEps);
        j.set("hidden_act", activationName).set("use_parallel_residual", parallelResidual);
        j.set("rotary_pct", double(rotaryDim) / double(dHead)).set("rotary_emb_base", rotaryBase);
        j.set("attention_bias", attentionBias);
    }
    j.set("torch_dtype", "float32");
    return j;
}

std::int64_t ModelConfig::parameterCount() const
{
    std::int64_t n = 0;
    for (const ParamSpec &p : parameterLayout(*this)) {
        std::int64_t numel = 1;
        for (const std::int64_t s : p.shape)
            numel *= s;
        n += numel;
    }
    return n;
}

std::string ModelConfig::summary() const
{
    return modelType() + ": " + std::to_string(nLayers) + " layers, d_model " + std::to_string(dModel) + ", "
           + std::to_string(nHeads) + " heads, vocab " + std::to_string(vocabSize) + ", "
           + formatParameterCount(parameterCount()) + " parameters";
}

Json ModelConfig::summaryJson() const
{
    Json j = Json::object();
    j.set("model_type", modelType())
        .set("n_layers", nLayers)
        .set("d_model", dModel)
        .set("n_heads", nHeads)
        .set("d_head", dHead)
        .set("d_mlp", dMlp)
        .set("vocab_size", vocabSize)
        .set("n_ctx", nCtx)
        .set("parameters", parameterCount());
    if (architecture == Architecture::GptNeox)
        j.set("rotary_dim", rotaryDim).set("parallel_residual", parallelResidual);
    return j;
}

bool ModelConfig::operator==(const ModelConfig &o) const
{
    return architecture == o.architecture && nLayers == o.nLayers && dModel == o.dModel && nHeads == o.nHeads
           && dHead == o.dHead && dMlp == o.dMlp && vocabSize == o.vocabSize && nCtx == o.nCtx
           && layerNormEps == o.layerNormEps && activation == o.activation && tiedEmbeddings == o.tiedEmbeddings
           && parallelResidual == o.parallelResidual && rotaryDim == o.rotaryDim && rotaryBase == o.rotaryBase
           && attentionBias == o.attentionBias && scaleAttnWeights == o.scaleAttnWeights
           && scaleAttnByInverseLayerIdx == o.scaleAttnByInverseLayerIdx && bosTokenId == o.bosTokenId
           && eosTokenId == o.eosTokenId;
}

} // namespace gb
