// SPDX-License-Identifier: MIT
#include "dictionaries/crosscoderconfig.h"

#include "common/error.h"

#include <set>

namespace gb {

namespace {

struct NameOf {
    const char *name;
    int value;
};

constexpr NameOf Activations[] = {{"relu", int(CrosscoderActivation::ReLU)},
                                  {"jumprelu", int(CrosscoderActivation::JumpReLU)},
                                  {"topk", int(CrosscoderActivation::TopK)},
                                  {"batchtopk", int(CrosscoderActivation::BatchTopK)}};
constexpr NameOf Norms[] = {{"dataset-wise", int(ActivationNorm::DatasetWise)},
                            {"token-wise", int(ActivationNorm::TokenWise)},
                            {"batch-wise", int(ActivationNorm::BatchWise)},
                            {"inference", int(ActivationNorm::Inference)}};

template<std::size_t N>
int lookup(const NameOf (&table)[N], const std::string &name, const std::string &where, const char *field)
{
    std::string known;
    for (const auto &e : table) {
        if (name == e.name)
            return e.value;
        known += std::string(known.empty() ? "" : ", ") + e.name;
    }
    throw Error::badInput(where + ": unknown " + field + " '" + name + "' (expected one of " + known + ")");
}

template<std::size_t N>
const char *nameOf(const NameOf (&table)[N], int value)
{
    for (const auto &e : table)
        if (e.value == value)
            return e.name;
    return "?";
}

const Json &member(const Json &json, const char *key, const std::string &source)
{
    const Json *v = json.find(key);
    if (!v)
        throw Error::badInput(source + ": missing \"" + key + "\"");
    return *v;
}

std::int64_t readDSae(const Json &json, CrosscoderConfig &c, const std::string &source)
{
    const Json *ef = json.find("expansion_factor");
    const Json *ds = json.find("d_sae");
    require(ef || ds, source, "needs \"expansion_factor\" (or \"d_sae\") to know the number of features");
    std::int64_t fromFactor = 0;
    if (ef) {
        c.expansionFactor = ef->toDouble("expansion_factor");
        require(c.expansionFactor > 0, source, "expansion_factor must be positive");
        // Python's int() of the same double product: truncation toward zero.
        fromFactor = static_cast<std::int64_t>(static_cast<double>(c.dModel) * c.expansionFactor);
    }
    if (!ds)
        return fromFactor;
    const std::int64_t d = ds->toInt("d_sae");
    require(!ef || d == fromFactor, source,
            "d_sae " + std::to_string(d) + " disagrees with int(d_model x expansion_factor) = " +
                std::to_string(fromFactor));
    if (!ef)
        c.expansionFactor = static_cast<double>(d) / static_cast<double>(c.dModel);
    return d;
}

} // namespace

const char *toString(CrosscoderActivation a) { return nameOf(Activations, int(a)); }
const char *toString(ActivationNorm n) { return nameOf(Norms, int(n)); }

CrosscoderConfig CrosscoderConfig::fromJson(const Json &json, const std::string &source)
{
    require(json.isObject(), source, "expected a JSON object");
    CrosscoderConfig c;
    c.raw = json;
    const std::string type = member(json, "sae_type", source).toString("sae_type");
    require(type == "crosscoder", source,
            "sae_type is '" + type + "', not 'crosscoder' (only multi-snapshot crosscoders are read here)");
    c.dModel = member(json, "d_model", source).toInt("d_model");
    require(c.dModel > 0, source, "d_model must be positive");
    c.dSae = readDSae(json, c, source);
    require(c.dSae > 0, source, "d_sae = int(d_model x expansion_factor) is 0");
    c.activation = static_cast<CrosscoderActivation>(
        lookup(Activations, member(json, "act_fn", source).toString("act_fn"), source, "act_fn"));
    if (c.activation == CrosscoderActivation::TopK || c.activation == CrosscoderActivation::BatchTopK) {
        c.topK = member(json, "top_k", source).toInt("top_k");
        require(c.topK > 0 && c.topK <= c.dSae, source, "top_k must be in 1..d_sae for act_fn " +
                                                            std::string(toString(c.activation)));
    }
    const Json *norm = json.find("norm_activation");
    c.norm = norm ? static_cast<ActivationNorm>(lookup(Norms, norm->toString("norm_activation"), source,
                                                       "norm_activation"))
                  : ActivationNorm::DatasetWise; // the OpenMOSS default
    std::set<std::string> seen;
    for (const Json &h : member(json, "hook_points", source).toArray("hook_points")) {
        const std::string &name = h.toString("hook_points entry");
        require(seen.insert(name).second, source, "hook point '" + name + "' is listed twice");
        c.hookPoints.push_back(name);
    }
    require(!c.hookPoints.empty(), source, "hook_points is empty");
    for (const char *key : {"hook_name", "hook_point"})
        if (const Json *h = json.find(key); h && h->isString() && c.hookName.empty())
            c.hookName = h->toString();
    return c;
}

Json CrosscoderConfig::toJson() const
{
    Json j = raw.isObject() ? raw : Json::object();
    j.set("sae_type", "crosscoder")
        .set("d_model", dModel)
        .set("expansion_factor", expansionFactor)
        .set("act_fn", toString(activation))
        .set("norm_activation", toString(norm))
        .set("hook_points", Json::arrayOf(hookPoints))
        .set("use_decoder_bias", true)
        .set("sparsity_include_decoder_norm", true);
    if (topK > 0)
        j.set("top_k", topK);
    if (!hookName.empty())
        j.set("hook_name", hookName);
    return j;
}

} // namespace gb
