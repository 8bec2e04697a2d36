// SPDX-License-Identifier: MIT
// OpenMOSS (Language-Model-SAEs / llamascopium) SAE folders, spec-facts 1.3 and 1.6.
#include "dictionaries/crosscoder.h"
#include "dictionaries/dictionaryloader.h"
#include "dictionaries/saedictionary.h"

#include "common/error.h"
#include "common/torch_guard.h"
#include "io/safetensors.h"

#include <ATen/ATen.h>

#include <cmath>
#include <filesystem>

namespace gb {

namespace {

namespace fs = std::filesystem;

/// sqrt(d_model) / dataset_average_activation_norm.<hook>: the factor training scaled the hook by.
double datasetScale(const SafetensorsFile &file, const std::string &hook, std::int64_t dModel)
{
    const std::string name = "dataset_average_activation_norm." + hook;
    require(file.contains(name), file.path(), "tensor '" + name + "' is missing (norm_activation is dataset-wise)");
    const double norm = file.floatTensor(name, {}).item<double>();
    require(std::isfinite(norm) && norm > 0, file.path(),
            "'" + name + "' is " + std::to_string(norm)
                + ": the dataset norm was never measured; re-save the dictionary with its dataset norms");
    return std::sqrt(double(dModel)) / norm;
}

struct OpenMossConfig {
    DictionaryInfo info;
    SaeSpec spec;
    std::string normActivation;
    bool useDecoderBias = true;
};

OpenMossConfig readConfig(const Json &cfg, const std::string &source)
{
    OpenMossConfig c;
    auto str = [&](const char *key, const std::string &fallback) {
        const Json *v = cfg.find(key);
        return (v && !v->isNull()) ? v->toString(source + ": " + key) : fallback;
    };
    auto boolean = [&](const char *key, bool fallback) {
        const Json *v = cfg.find(key);
        return (v && !v->isNull()) ? v->toBool(source + ": " + key) : fallback;
    };
    require(str("sae_type", "") == "sae", source, "sae_type is not \"sae\"");
    const Json *dModel = cfg.find("d_model");
    const Json *expansion = cfg.find("expansion_factor");
    require(dModel && expansion, source, "'d_model' and 'expansion_factor' are required");
    c.info.dIn = c.info.dOut = dModel->toInt(source + ": d_model");
    // Python's int(d_model * expansion_factor): the product in double precision, truncated.
    c.info.dSae = static_cast<std::int64_t>(double(c.info.dIn) * expansion->toDouble(source + ": expansion_factor"));
    require(c.info.dIn > 0 && c.info.dSae > 0, source, "d_model and d_model * expansion_factor must be positive");
    c.info.format = "openmoss";
    c.info.config = cfg;
    c.info.hookIn = str("hook_point_in", "");
    c.info.hookOut = str("hook_point_out", c.info.hookIn);
    require(!c.info.hookIn.empty(), source, "'hook_point_in' is missing");
    c.info.kind = c.info.hookIn == c.info.hookOut ? DictionaryKind::Sae : DictionaryKind::Transcoder;
    require(!boolean("use_glu_encoder", false), source, "GLU encoders (use_glu_encoder) are not supported");

    const std::string act = str("act_fn", "relu");
    if (act == "relu") {
        c.spec.activation = SaeSpec::Activation::ReLU;
        c.info.architecture = "standard";
    } else if (act == "jumprelu") {
        c.spec.activation = SaeSpec::Activation::JumpReLU;
        c.info.architecture = "jumprelu";
    } else if (act == "topk") {
        c.spec.activation = SaeSpec::Activation::TopK;
        c.spec.k = cfg.find("top_k") ? cfg.find("top_k")->toInt(source + ": top_k") : 50;
        c.info.architecture = "topk";
    } else {
        throw Error::badInput(source + ": act_fn '" + act + "' is not supported"
                              + (act.find("topk") != std::string::npos
                                     ? " (batch-level top-k depends on the batch at inference: convert it to jumprelu first)"
                                     : " (supported: relu, jumprelu, topk)"));
    }
    c.spec.gateOnDecoderNorm = boolean("sparsity_include_decoder_norm", true);
    c.useDecoderBias = boolean("use_decoder_bias", true);
    c.normActivation = str("norm_activation", "dataset-wise");
    if (c.normActivation == "token-wise" || c.normActivation == "batch-wise") {
        require(c.info.kind == DictionaryKind::Sae, source, "token-wise normalisation of a transcoder needs its target; not supported");
        c.spec.norm = SaeSpec::Norm::PerToken;
        if (c.normActivation == "batch-wise")
            c.info.warnings.push_back("batch-wise normalisation applied per token (a prompt is not a training batch)");
    } else if (c.normActivation == "dataset-wise") {
        c.spec.norm = SaeSpec::Norm::Constant;
    } else {
        require(c.normActivation == "inference", source,
                "unknown norm_activation '" + c.normActivation + "' (token-wise, batch-wise, dataset-wise or inference)");
    }
    return c;
}

} // namespace

std::shared_ptr<const SparseDictionary> loadOpenMossSae(const std::string &folder)
{
    const fs::path dir(folder);
    const std::string cfgPath = (dir / "config.json").string();
    OpenMossConfig c = readConfig(Json::parseFile(cfgPath), cfgPath);
    c.info.path = folder;
    const auto file = SafetensorsFile::open(Crosscoder::findWeights(folder));
    const std::int64_t d = c.info.dIn, F = c.info.dSae;

    auto tensor = [&](const std::string &name, const std::vector<std::int64_t> &shape) {
        require(file->contains(name), file->path(), "tensor '" + name + "' is missing");
        return file->floatTensor(name, shape);
    };
    SaeWeights w;
    torchGuard(file->path(), [&] {
        w.wEnc = tensor("W_E", {d, F});
        w.bEnc = tensor("b_E", {F});
        w.wDec = tensor("W_D", {F, d});
        w.bDec = c.useDecoderBias ? tensor("b_D", {d}) : at::zeros({d}, at::kFloat);
        if (c.spec.activation == SaeSpec::Activation::JumpReLU)
            w.threshold = tensor("activation_function.log_jumprelu_threshold", {F}).exp();
        if (c.spec.norm == SaeSpec::Norm::Constant) {
            c.spec.inScale = datasetScale(*file, c.info.hookIn, d);
            c.spec.outScale = datasetScale(*file, c.info.hookOut, d);
        }
    }, Error::Kind::BadInput);
    return std::make_shared<SaeDictionary>(c.info, c.spec, std::move(w));
}

} // namespace gb
