// SPDX-License-Identifier: MIT
#include "dictionaries/dictionaryloader.h"

#include "common/error.h"
#include "dictionaries/crosscoder.h"
#include "dictionaries/crosscoderdictionary.h"
#include "dictionaries/saelensconfig.h"
#include "dictionaries/twomodelcrosscoder.h"
#include "io/json.h"

#include <algorithm>
#include <filesystem>

namespace gb {

namespace {

namespace fs = std::filesystem;

bool hasFile(const fs::path &dir, const char *name)
{
    std::error_code ec;
    return fs::is_regular_file(dir / name, ec);
}

/// A few names of what the folder does hold, for the "not a dictionary" message.
std::string listing(const fs::path &dir)
{
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto &e : fs::directory_iterator(dir, ec))
        names.push_back(e.path().filename().string() + (e.is_directory() ? "/" : ""));
    std::sort(names.begin(), names.end());
    if (names.empty())
        return "the folder is empty";
    std::string s = "it holds ";
    for (std::size_t i = 0; i < names.size() && i < 8; ++i)
        s += (i ? ", " : "") + names[i];
    return s + (names.size() > 8 ? ", ..." : "");
}

std::string openMossType(const fs::path &dir)
{
    const Json cfg = Json::parseFile((dir / "config.json").string());
    const Json *type = cfg.find("sae_type");
    if (!type || !type->isString())
        return {};
    const std::string t = type->toString();
    if (t == "sae" || t == "crosscoder")
        return "openmoss_" + t;
    throw Error::badInput((dir / "config.json").string() + ": OpenMOSS sae_type '" + t
                          + "' is not supported (Glassbox reads \"sae\" and \"crosscoder\")");
}

} // namespace

std::string detectDictionaryFormat(const std::string &path)
{
    std::error_code ec;
    fs::path p(path);
    require(fs::exists(p, ec), path, "no such file or folder");
    if (!fs::is_directory(p, ec)) {
        if (p.filename() == "params.npz")
            return "gemmascope";
        p = p.parent_path(); // cfg.json, config.json or a weights file: its folder is the dictionary
    }
    if (hasFile(p, "cfg.json") && hasFile(p, "sae_weights.safetensors"))
        return "saelens";
    if (hasFile(p, "cfg.json") && (hasFile(p, "cc_weights.safetensors") || hasFile(p, "cc_weights.pt")))
        return "two_model_crosscoder";
    if (hasFile(p, "config.json")) {
        const std::string t = openMossType(p);
        if (!t.empty())
            return t;
    }
    if (hasFile(p, "params.npz"))
        return "gemmascope";
    if (hasFile(p, "cfg.json") && hasFile(p, "sae.safetensors"))
        throw Error::badInput(p.string() + ": an EleutherAI sparsify folder (sae.safetensors); Glassbox reads SAELens, "
                                           "OpenMOSS and Gemma Scope dictionaries");
    if (hasFile(p, "cfg.json"))
        throw Error::badInput(p.string() + ": has cfg.json but no sae_weights.safetensors (SAELens) or "
                                           "cc_weights.safetensors (model-diffing crosscoder)");
    throw Error::badInput(p.string() + ": not a sparse dictionary; " + listing(p)
                          + ". Expected cfg.json + sae_weights.safetensors (SAELens), config.json with sae_type "
                            "(OpenMOSS), params.npz (Gemma Scope) or cfg.json + cc_weights.safetensors "
                            "(model-diffing crosscoder)");
}

Json describeDictionary(const std::string &path)
{
    const std::string format = detectDictionaryFormat(path);
    std::error_code ec;
    const fs::path dir = fs::is_directory(path, ec) ? fs::path(path) : fs::path(path).parent_path();
    Json j = Json::object();
    j.set("format", format);
    if (format == "saelens") {
        const std::string cfg = (dir / "cfg.json").string();
        const SaeLensConfig c = SaeLensConfig::fromJson(Json::parseFile(cfg), cfg);
        j.set("kind", toString(c.info.kind))
            .set("architecture", c.info.architecture)
            .set("hook_in", c.info.hookIn)
            .set("hook_out", c.info.hookOut)
            .set("d_in", c.info.dIn)
            .set("d_sae", c.info.dSae);
        if (!c.info.modelName.empty())
            j.set("model_name", c.info.modelName);
    } else if (format == "openmoss_sae" || format == "openmoss_crosscoder") {
        const Json cfg = Json::parseFile((dir / "config.json").string());
        for (const char *key : {"d_model", "expansion_factor", "act_fn", "norm_activation", "hook_point_in", "hook_point_out"})
            if (const Json *v = cfg.find(key))
                j.set(key, *v);
        if (const Json *hooks = cfg.find("hook_points"); hooks && hooks->isArray())
            j.set("heads", std::int64_t(hooks->size()));
    }
    return j;
}

std::shared_ptr<const SparseDictionary> loadDictionary(const std::string &path)
{
    const std::string format = detectDictionaryFormat(path);
    std::error_code ec;
    const std::string folder = fs::is_directory(path, ec) ? path : fs::path(path).parent_path().string();
    if (format == "saelens")
        return loadSaeLens(folder);
    if (format == "openmoss_sae")
        return loadOpenMossSae(folder);
    if (format == "openmoss_crosscoder")
        return CrosscoderDictionary::fromOpenMoss(Crosscoder::open(folder));
    if (format == "two_model_crosscoder")
        return CrosscoderDictionary::fromTwoModel(TwoModelCrosscoder::open(folder));
    if (format == "gemmascope")
        return loadGemmaScope(fs::is_directory(path, ec) ? folder + "/params.npz" : path);
    throw Error::internal("unhandled dictionary format " + format);
}

} // namespace gb
