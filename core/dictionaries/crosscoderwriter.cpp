// SPDX-License-Identifier: MIT
#include "dictionaries/crosscoderwriter.h"

#include "common/error.h"
#include "common/torch_guard.h"
#include "common/version.h"
#include "dictionaries/crosscoder.h"
#include "io/safetensors.h"

#include <ATen/ATen.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace gb {

namespace {

at::Tensor asFloat(const at::Tensor &t, const char *name)
{
    if (!t.defined())
        throw Error::badInput(std::string("crosscoder weights: ") + name + " is missing");
    return torchGuard(name, [&] { return t.detach().to(at::kFloat).contiguous(); });
}

} // namespace

void saveCrosscoder(const std::string &folder, const CrosscoderConfig &config, const CrosscoderWeights &weights)
{
    std::vector<std::pair<std::string, at::Tensor>> tensors{{"W_E", asFloat(weights.encoder, "W_E")},
                                                            {"b_E", asFloat(weights.encoderBias, "b_E")},
                                                            {"W_D", asFloat(weights.decoder, "W_D")},
                                                            {"b_D", asFloat(weights.decoderBias, "b_D")}};
    if (config.activation == CrosscoderActivation::JumpReLU)
        tensors.emplace_back("activation_function.log_jumprelu_threshold", asFloat(weights.logThreshold, "log threshold"));
    if (!weights.datasetNorms.empty()) {
        require(weights.datasetNorms.size() == config.hookPoints.size(), "crosscoder weights",
                std::to_string(weights.datasetNorms.size()) + " dataset norms for " +
                    std::to_string(config.hookPoints.size()) + " hook points");
        for (std::size_t s = 0; s < config.hookPoints.size(); ++s)
            tensors.emplace_back("dataset_average_activation_norm." + config.hookPoints[s],
                                 at::full({}, weights.datasetNorms[s], at::kFloat));
    }
    // Both files are staged in a sibling folder and checked there, so a refused write leaves an
    // existing crosscoder in `folder` untouched.
    const fs::path target(folder);
    fs::create_directories(target);
    const fs::path stage = target / ".glassbox-staging";
    fs::remove_all(stage);
    fs::create_directories(stage);
    try {
        std::ofstream out(stage / "config.json", std::ios::binary | std::ios::trunc);
        out << config.toJson().dump(2) << '\n';
        out.close();
        if (!out)
            throw Error::badInput((target / "config.json").string() + ": cannot write (disk full?)");
        writeSafetensors((stage / "sae_weights.safetensors").string(), tensors,
                         {{"version", std::string("glassbox ") + appVersion()}});
        Crosscoder::open(stage.string());
    } catch (...) {
        fs::remove_all(stage);
        throw;
    }
    fs::rename(stage / "sae_weights.safetensors", target / "sae_weights.safetensors");
    fs::rename(stage / "config.json", target / "config.json");
    fs::remove_all(stage);
}

} // namespace gb
