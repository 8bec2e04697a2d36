// SPDX-License-Identifier: MIT
#include "dictionaries/saelensconfig.h"

#include "common/error.h"

#include <algorithm>

namespace gb {

namespace {

/// cfg.json field names the reader and the writer share (spec-facts 3.2).
namespace key {
constexpr const char *architecture = "architecture";
constexpr const char *dIn = "d_in";
constexpr const char *dSae = "d_sae";
constexpr const char *dOut = "d_out";
constexpr const char *hookName = "hook_name";
constexpr const char *hookNameOut = "hook_name_out";
constexpr const char *hookHeadIndex = "hook_head_index";
constexpr const char *applyBDec = "apply_b_dec_to_input";
constexpr const char *normalize = "normalize_activations";
constexpr const char *normScalingFactor = "norm_scaling_factor";
constexpr const char *reshape = "reshape_activations";
constexpr const char *k = "k";
constexpr const char *rescaleByDecoderNorm = "rescale_acts_by_decoder_norm";
constexpr const char *metadata = "metadata";
constexpr const char *modelName = "model_name";
constexpr const char *contextSize = "context_size";
constexpr const char *prependBos = "prepend_bos";
} // namespace key

/// Reads metadata keys from "metadata" (v6) or the top level (flat), with SAELens' old names.
class CfgReader {
public:
    CfgReader(const Json &cfg, std::string source)
        : m_cfg(cfg)
        , m_source(std::move(source))
    {
        const Json *meta = cfg.find(key::metadata);
        m_meta = (meta && meta->isObject()) ? meta : nullptr;
    }

    const std::string &source() const { return m_source; }
    bool hasMetadataObject() const { return m_meta != nullptr; }

    /// A key anywhere (metadata first); null values count as missing.
    const Json *find(std::initializer_list<const char *> names) const
    {
        for (const Json *scope : {m_meta, &m_cfg}) {
            if (!scope)
                continue;
            for (const char *n : names)
                if (const Json *v = scope->find(n); v && !v->isNull())
                    return v;
        }
        return nullptr;
    }

    std::string string(std::initializer_list<const char *> names, const std::string &fallback = {}) const
    {
        const Json *v = find(names);
        return v ? v->toString(m_source + ": " + *names.begin()) : fallback;
    }
    bool boolean(std::initializer_list<const char *> names, bool fallback) const
    {
        const Json *v = find(names);
        return v ? v->toBool(m_source + ": " + *names.begin()) : fallback;
    }
    std::int64_t integer(std::initializer_list<const char *> names, std::int64_t fallback) const
    {
        const Json *v = find(names);
        return v ? v->toInt(m_source + ": " + *names.begin()) : fallback;
    }
    std::int64_t positive(const char *name) const
    {
        const Json *v = find({name});
        require(v != nullptr, m_source, "'" + std::string(name) + "' is missing");
        const std::int64_t n = v->toInt(m_source + ": " + name);
        require(n > 0, m_source, "'" + std::string(name) + "' must be positive, got " + std::to_string(n));
        return n;
    }

private:
    const Json &m_cfg;
    const Json *m_meta = nullptr;
    std::string m_source;
};

std::string normalization(const CfgReader &r)
{
    const Json *v = r.find({key::normalize});
    if (!v)
        return "none";
    if (v->isBool())
        return v->toBool() ? "expected_average_only_in" : "none";
    const std::string s = v->toString(r.source() + ": normalize_activations");
    static const std::vector<std::string> known{"none", "expected_average_only_in", "constant_norm_rescale", "layer_norm"};
    require(std::find(known.begin(), known.end(), s) != known.end(), r.source(),
            "unknown normalize_activations '" + s + "' (expected none, expected_average_only_in, constant_norm_rescale or layer_norm)");
    return s;
}

std::string joined(const std::vector<std::string> &v)
{
    std::string s;
    for (const auto &x : v)
        s += (s.empty() ? "" : ", ") + x;
    return s;
}

void applyArchitecture(SaeLensConfig &c, const CfgReader &r, std::string arch)
{
    const std::string activationFn = r.string({"activation_fn", "activation_fn_str"}, "relu");
    if (arch == "standard" && activationFn == "topk")
        arch = "topk";
    else if (arch == "standard")
        require(activationFn == "relu", r.source(),
                "activation_fn '" + activationFn + "' is not supported (standard SAEs use relu or topk)");
    if (arch == "batchtopk" || arch == "matryoshka_batchtopk") {
        c.batchTopK = true;
        c.info.warnings.push_back("BatchTopK training checkpoint read as JumpReLU with its learned global threshold");
    }

    const auto &known = saeLensArchitectures();
    require(std::find(known.begin(), known.end(), arch) != known.end(), r.source(),
            "unknown architecture '" + arch + "' (supported: " + joined(known) + ")");
    c.info.architecture = c.batchTopK ? "jumprelu" : arch;

    using A = SaeSpec::Activation;
    const bool transcoder = arch.find("transcoder") != std::string::npos;
    c.info.kind = transcoder ? DictionaryKind::Transcoder : DictionaryKind::Sae;
    if (arch == "gated")
        c.spec.activation = A::Gated;
    else if (arch == "jumprelu" || arch == "jumprelu_transcoder" || c.batchTopK)
        c.spec.activation = A::JumpReLU;
    else if (arch == "topk")
        c.spec.activation = A::TopK;
    else
        c.spec.activation = A::ReLU;

    if (arch == "topk") {
        const Json *kwargs = r.find({"activation_fn_kwargs"});
        const Json *kwK = (kwargs && kwargs->isObject()) ? kwargs->find("k") : nullptr;
        c.spec.k = kwK ? kwK->toInt(r.source() + ": activation_fn_kwargs.k") : r.integer({key::k}, 100);
    }
    if (arch == "topk" || c.batchTopK)
        c.spec.scaleByDecoderNorm = r.boolean({key::rescaleByDecoderNorm}, false);
}

} // namespace

const std::vector<std::string> &saeLensArchitectures()
{
    static const std::vector<std::string> a{"standard", "gated", "jumprelu", "topk", "batchtopk", "matryoshka_batchtopk",
                                            "transcoder", "skip_transcoder", "jumprelu_transcoder"};
    return a;
}

SaeLensConfig SaeLensConfig::fromJson(const Json &cfg, const std::string &source)
{
    require(cfg.isObject(), source, "expected a JSON object");
    const CfgReader r(cfg, source);
    SaeLensConfig c;
    c.flatLayout = !r.hasMetadataObject();
    c.info.format = "saelens";
    c.info.config = cfg;
    c.info.dIn = r.positive(key::dIn);
    c.info.dSae = r.positive(key::dSae);

    applyArchitecture(c, r, r.string({key::architecture}, "standard"));
    const bool transcoder = c.info.kind == DictionaryKind::Transcoder;

    c.info.hookIn = r.string({key::hookName, "hook_point"});
    require(!c.info.hookIn.empty(), source, "'hook_name' is missing: cannot tell which hook the dictionary reads");
    c.info.hookHeadIndex = r.integer({key::hookHeadIndex, "hook_point_head_index"}, -1);
    if (transcoder) {
        c.info.hookOut = r.string({key::hookNameOut});
        require(!c.info.hookOut.empty(), source, "transcoder without 'hook_name_out': cannot tell which hook it predicts");
        const Json *dOut = r.find({key::dOut});
        c.info.dOut = dOut ? dOut->toInt(source + ": d_out") : 0;
        require(!dOut || c.info.dOut > 0, source, "'d_out' must be positive");
    } else {
        c.info.hookOut = c.info.hookIn;
        c.info.dOut = c.info.dIn;
    }

    c.spec.subtractDecoderBias = r.boolean({key::applyBDec}, !transcoder);
    require(!(transcoder && c.spec.subtractDecoderBias), source,
            "apply_b_dec_to_input is true, which SAELens does not support for transcoders (b_dec lives at the output hook)");
    const std::string norm = normalization(r);
    if (norm == "constant_norm_rescale")
        c.spec.norm = SaeSpec::Norm::PerToken;
    else if (norm == "layer_norm")
        c.spec.norm = SaeSpec::Norm::LayerNorm;
    c.spec.undoNormOnOutput = !transcoder;
    if (norm == "expected_average_only_in") {
        if (const Json *f = cfg.find(key::normScalingFactor); f && !f->isNull())
            c.normScalingFactor = f->toDouble(source + ": norm_scaling_factor");
        else
            c.info.warnings.push_back("normalize_activations is expected_average_only_in but cfg.json has no "
                                      "norm_scaling_factor: the weights are used as stored");
    }
    c.spec.hookZ = r.string({key::reshape}, "none") == "hook_z"
                   || c.info.hookIn.find("hook_z") != std::string::npos;
    c.finetuningScaling = r.boolean({"finetuning_scaling_factor"}, false);

    c.info.modelName = r.string({key::modelName});
    c.info.prependBos = r.boolean({key::prependBos}, true);
    c.info.contextSize = r.integer({key::contextSize}, 0);
    if (const Json *kw = r.find({"model_from_pretrained_kwargs"}); kw && kw->isObject()) {
        const auto &members = kw->toObject();
        const bool processed = std::any_of(members.begin(), members.end(),
                                           [](const Json::Member &m) { return m.second.isBool() && m.second.toBool(); });
        if (processed)
            c.info.warnings.push_back("trained on a model loaded with " + kw->dump()
                                      + ": hook values match only when the model gets the same weight processing (spec-facts 8.4)");
    }
    return c;
}

namespace {

const char *normalizationName(const SaeLensConfig &c)
{
    switch (c.spec.norm) {
    case SaeSpec::Norm::PerToken: return "constant_norm_rescale";
    case SaeSpec::Norm::LayerNorm: return "layer_norm";
    case SaeSpec::Norm::None:
    case SaeSpec::Norm::Constant: break;
    }
    return c.normScalingFactor ? "expected_average_only_in" : "none";
}

} // namespace

Json SaeLensConfig::toJson() const
{
    const DictionaryInfo &i = info;
    require(spec.activation == SaeSpec::Activation::ReLU || spec.activation == SaeSpec::Activation::TopK, "cfg.json",
            "writing " + i.architecture + " SAEs is not supported (standard, topk and transcoder only)");
    require(spec.norm != SaeSpec::Norm::Constant, "cfg.json", "a constant input scale has no SAELens field");
    const bool transcoder = i.kind == DictionaryKind::Transcoder;
    Json meta = Json::object();
    meta.set(key::modelName, i.modelName)
        .set(key::hookName, i.hookIn)
        .set(key::hookHeadIndex, i.hookHeadIndex >= 0 ? Json(i.hookHeadIndex) : Json())
        .set(key::contextSize, i.contextSize)
        .set(key::prependBos, i.prependBos)
        // The layout version: SAELens reads a cfg.json with nested metadata as v6.
        .set("sae_lens_version", "6.0.0");
    if (transcoder)
        meta.set(key::hookNameOut, i.hookOut);
    Json cfg = Json::object();
    cfg.set(key::architecture, i.architecture).set(key::dIn, i.dIn).set(key::dSae, i.dSae);
    if (transcoder)
        cfg.set(key::dOut, i.dOut);
    cfg.set("dtype", "float32")
        .set("device", "cpu")
        .set(key::applyBDec, spec.subtractDecoderBias)
        .set(key::normalize, normalizationName(*this))
        .set(key::reshape, spec.hookZ ? "hook_z" : "none");
    if (normScalingFactor)
        cfg.set(key::normScalingFactor, *normScalingFactor);
    if (spec.activation == SaeSpec::Activation::TopK)
        cfg.set(key::k, spec.k).set(key::rescaleByDecoderNorm, spec.scaleByDecoderNorm);
    return cfg.set(key::metadata, std::move(meta));
}

} // namespace gb
