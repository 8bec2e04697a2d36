// SPDX-License-Identifier: MIT
#include "dictionaries/crosscoder.h"

#include "common/error.h"
#include "common/torch_guard.h"
#include "dictionaries/tensorchecks.h"
#include "io/safetensors.h"

#include <ATen/ATen.h>

#include <cmath>
#include <filesystem>
#include <set>

namespace fs = std::filesystem;

namespace gb {

namespace {

const char *const ThresholdName = "activation_function.log_jumprelu_threshold";
const std::string NormPrefix = "dataset_average_activation_norm.";

} // namespace

const std::vector<std::string> &Crosscoder::weightFileCandidates()
{
    static const std::vector<std::string> c{"sae_weights.safetensors", "checkpoints/pruned.safetensors",
                                            "checkpoints/final.safetensors"};
    return c;
}

std::string Crosscoder::findWeights(const std::string &folder)
{
    for (const auto &rel : weightFileCandidates())
        if (fs::is_regular_file(fs::path(folder) / rel))
            return (fs::path(folder) / rel).string();
    for (const char *rel : {"sae_weights.pt", "sae_weights.dcp", "checkpoints/final.pt", "checkpoints/pruned.pt"})
        if (fs::exists(fs::path(folder) / rel))
            throw Error::badInput(folder + ": weights are only in " + rel +
                                  " (a torch pickle / distributed checkpoint); Glassbox reads safetensors: save "
                                  "the state dict as sae_weights.safetensors");
    throw Error::badInput(folder + ": no sae_weights.safetensors (nor checkpoints/pruned.safetensors, "
                                   "checkpoints/final.safetensors)");
}

bool Crosscoder::looksLike(const std::string &folder)
{
    try {
        const Json j = Json::parseFile((fs::path(folder) / "config.json").string());
        const Json *t = j.find("sae_type");
        return t && t->isString() && t->toString() == "crosscoder";
    } catch (const Error &) {
        return false;
    }
}

std::shared_ptr<Crosscoder> Crosscoder::open(const std::string &folder)
{
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        throw Error::badInput(folder + ": not a folder (a crosscoder is a folder with config.json and "
                                       "sae_weights.safetensors)");
    const std::string configPath = (fs::path(folder) / "config.json").string();
    if (!fs::is_regular_file(configPath))
        throw Error::badInput(folder + ": no config.json");
    std::shared_ptr<Crosscoder> c(new Crosscoder());
    c->m_folder = fs::absolute(folder).string();
    c->m_config = CrosscoderConfig::fromJson(Json::parseFile(configPath), configPath);
    c->m_file = SafetensorsFile::open(findWeights(folder));
    c->validateTensors();
    c->validateDatasetNorms();
    return c;
}

Crosscoder::~Crosscoder() = default;

const std::string &Crosscoder::weightsPath() const { return m_file->path(); }

void Crosscoder::validateTensors()
{
    const std::int64_t S = heads(), d = dModel(), F = features();
    const ExpectedDim s{S, "config.json lists " + std::to_string(S) + " hook_points"};
    const ExpectedDim dm{d, "d_model is " + std::to_string(d)};
    const ExpectedDim f{F, "d_sae = int(d_model x expansion_factor) = " + std::to_string(F)};
    checkFloatTensor(*m_file, "W_E", {s, dm, f}, "[S, d_model, d_sae]");
    checkFloatTensor(*m_file, "b_E", {s, f}, "[S, d_sae]");
    checkFloatTensor(*m_file, "W_D", {s, f, dm}, "[S, d_sae, d_model]");
    checkFloatTensor(*m_file, "b_D", {s, dm}, "[S, d_model]");
    if (m_config.activation == CrosscoderActivation::JumpReLU) {
        if (!m_file->contains(ThresholdName))
            throw Error::badInput(m_file->path() + ": act_fn is jumprelu but the tensor '" + ThresholdName +
                                  "' [d_sae] is missing");
        checkFloatTensor(*m_file, ThresholdName, {f}, "[d_sae]");
        requireFinite(m_file->floatTensor(ThresholdName), m_file->path() + ": " + ThresholdName);
    }
}

void Crosscoder::validateDatasetNorms()
{
    const std::set<std::string> hooks(m_config.hookPoints.begin(), m_config.hookPoints.end());
    for (const TensorEntry &e : m_file->entries())
        if (e.name.rfind(NormPrefix, 0) == 0 && !hooks.count(e.name.substr(NormPrefix.size())))
            throw Error::badInput(m_file->path() + ": tensor '" + e.name +
                                  "' names a hook point that config.json's hook_points does not list");
    if (m_config.norm != ActivationNorm::DatasetWise)
        return; // OpenMOSS writes these scalars even when unset: garbage that is never used
    for (const std::string &hook : m_config.hookPoints) {
        const std::string name = NormPrefix + hook;
        const std::string where = m_file->path() + ": " + name;
        if (!m_file->contains(name))
            throw Error::badInput(m_file->path() + ": norm_activation is dataset-wise but '" + name +
                                  "' is missing (hook point '" + hook + "')");
        const TensorEntry &e = m_file->entry(name);
        require(e.shape.empty() || e.shape == std::vector<std::int64_t>{1}, where,
                "must be a scalar, has shape " + shapeText(e.shape));
        const double v = torchGuard(where, [&] { return m_file->floatTensor(name).item<double>(); });
        require(std::isfinite(v), where, std::string("is ") + (std::isnan(v) ? "NaN" : "infinite") + " (hook point '" +
                                             hook + "'): the dataset norm was never measured");
        require(v > 0, where, "is " + std::to_string(v) + " (hook point '" + hook + "'); a norm must be positive");
        m_datasetNorms.push_back(v);
    }
}

at::Tensor Crosscoder::decoderBlock(std::int64_t begin, std::int64_t end) const
{
    require(begin >= 0 && begin <= end && end <= features(), m_folder, "feature range out of bounds");
    adviseMappedRows(*m_file, "W_D", 1, begin, end - begin, RowAdvice::Populate);
    return mappedRowBlock(m_file, "W_D", 1, begin, end - begin);
}

void Crosscoder::prefetchBlock(std::int64_t begin, std::int64_t end) const
{
    adviseMappedRows(*m_file, "W_D", 1, begin, end - begin, RowAdvice::Prefetch);
}

void Crosscoder::releaseBlock(std::int64_t begin, std::int64_t end) const
{
    adviseMappedRows(*m_file, "W_D", 1, begin, end - begin, RowAdvice::Release);
}

at::Tensor Crosscoder::encoderWeight() const { return m_file->floatTensor("W_E"); }
at::Tensor Crosscoder::encoderBias() const { return m_file->floatTensor("b_E"); }
at::Tensor Crosscoder::decoderWeight() const { return m_file->floatTensor("W_D"); }
at::Tensor Crosscoder::decoderBias() const { return m_file->floatTensor("b_D"); }

at::Tensor Crosscoder::threshold() const
{
    if (m_config.activation != CrosscoderActivation::JumpReLU)
        return {};
    return torchGuard(m_file->path(), [&] { return m_file->floatTensor(ThresholdName).exp(); });
}

double Crosscoder::inputScale(std::int64_t s) const
{
    require(s >= 0 && s < heads(), m_folder, "snapshot index out of range");
    switch (m_config.norm) {
    case ActivationNorm::DatasetWise:
        return std::sqrt(static_cast<double>(dModel())) / m_datasetNorms[static_cast<std::size_t>(s)];
    case ActivationNorm::Inference:
        return 1.0;
    default:
        return 0.0;
    }
}

} // namespace gb
