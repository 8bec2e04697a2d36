// SPDX-License-Identifier: MIT
#include "dictionaries/twomodelcrosscoder.h"

#include "common/error.h"
#include "dictionaries/tensorchecks.h"
#include "io/safetensors.h"

#include <filesystem>
#include <set>

namespace fs = std::filesystem;

namespace gb {

namespace {

std::vector<std::string> readModelNames(const Json &cfg, std::int64_t n, const std::string &source)
{
    std::vector<std::string> names;
    if (const Json *given = cfg.find("model_names")) {
        std::set<std::string> seen;
        for (const Json &v : given->toArray("model_names")) {
            names.push_back(v.toString("model_names entry"));
            require(seen.insert(names.back()).second, source, "model name '" + names.back() + "' is listed twice");
        }
        require(static_cast<std::int64_t>(names.size()) == n, source,
                "model_names lists " + std::to_string(names.size()) + " names for " + std::to_string(n) + " models");
        return names;
    }
    for (std::int64_t i = 0; i < n; ++i)
        names.push_back(i < 26 ? std::string(1, static_cast<char>('A' + i)) : "model" + std::to_string(i));
    return names;
}

} // namespace

bool TwoModelCrosscoder::looksLike(const std::string &folder)
{
    const fs::path p(folder);
    return fs::is_regular_file(p / "cfg.json") &&
           (fs::exists(p / "cc_weights.safetensors") || fs::exists(p / "cc_weights.pt"));
}

std::shared_ptr<TwoModelCrosscoder> TwoModelCrosscoder::open(const std::string &folder)
{
    const fs::path p(folder);
    const std::string cfgPath = (p / "cfg.json").string();
    if (!fs::is_regular_file(cfgPath))
        throw Error::badInput(folder + ": no cfg.json (a model-diffing crosscoder folder holds cfg.json and "
                                       "cc_weights.safetensors)");
    const std::string weights = (p / "cc_weights.safetensors").string();
    if (!fs::is_regular_file(weights))
        throw Error::badInput(folder + (fs::exists(p / "cc_weights.pt")
                                            ? ": cc_weights.pt is a torch pickle, which Glassbox does not run; "
                                              "convert it with safetensors.torch.save_file(torch.load(\"cc_weights.pt\"), "
                                              "\"cc_weights.safetensors\")"
                                            : ": no cc_weights.safetensors"));
    std::shared_ptr<TwoModelCrosscoder> c(new TwoModelCrosscoder());
    c->m_folder = fs::absolute(p).string();
    c->m_config = Json::parseFile(cfgPath);
    require(c->m_config.isObject(), cfgPath, "expected a JSON object");
    const Json *dIn = c->m_config.find("d_in");
    const Json *dict = c->m_config.find("dict_size");
    require(dIn && dict, cfgPath, "needs \"d_in\" and \"dict_size\"");
    c->m_dModel = dIn->toInt("d_in");
    c->m_features = dict->toInt("dict_size");
    require(c->m_dModel > 0 && c->m_features > 0, cfgPath, "d_in and dict_size must be positive");
    const Json *nModels = c->m_config.find("n_models");
    const std::int64_t n = nModels ? nModels->toInt("n_models") : 2;
    require(n >= 2, cfgPath, "n_models must be at least 2");
    c->m_names = readModelNames(c->m_config, n, cfgPath);

    c->m_file = SafetensorsFile::open(weights);
    const std::string ns = std::to_string(n);
    const ExpectedDim m{n, nModels ? "cfg.json says n_models = " + ns : "a model-diffing crosscoder has 2 models"};
    const ExpectedDim d{c->m_dModel, "cfg.json says d_in = " + std::to_string(c->m_dModel)};
    const ExpectedDim f{c->m_features, "cfg.json says dict_size = " + std::to_string(c->m_features)};
    checkFloatTensor(*c->m_file, "W_enc", {m, d, f}, "[n_models, d_in, dict_size]");
    checkFloatTensor(*c->m_file, "W_dec", {f, m, d}, "[dict_size, n_models, d_in]");
    checkFloatTensor(*c->m_file, "b_enc", {f}, "[dict_size]");
    checkFloatTensor(*c->m_file, "b_dec", {m, d}, "[n_models, d_in]");
    return c;
}

TwoModelCrosscoder::~TwoModelCrosscoder() = default;

at::Tensor TwoModelCrosscoder::decoderBlock(std::int64_t begin, std::int64_t end) const
{
    require(begin >= 0 && begin <= end && end <= m_features, m_folder, "feature range out of bounds");
    adviseMappedRows(*m_file, "W_dec", 0, begin, end - begin, RowAdvice::Populate);
    return mappedRowBlock(m_file, "W_dec", 0, begin, end - begin);
}

void TwoModelCrosscoder::prefetchBlock(std::int64_t begin, std::int64_t end) const
{
    adviseMappedRows(*m_file, "W_dec", 0, begin, end - begin, RowAdvice::Prefetch);
}

void TwoModelCrosscoder::releaseBlock(std::int64_t begin, std::int64_t end) const
{
    adviseMappedRows(*m_file, "W_dec", 0, begin, end - begin, RowAdvice::Release);
}

at::Tensor TwoModelCrosscoder::encoderWeight() const { return m_file->floatTensor("W_enc"); }
at::Tensor TwoModelCrosscoder::encoderBias() const { return m_file->floatTensor("b_enc"); }
at::Tensor TwoModelCrosscoder::decoderWeight() const { return m_file->floatTensor("W_dec"); }
at::Tensor TwoModelCrosscoder::decoderBias() const { return m_file->floatTensor("b_dec"); }

} // namespace gb
