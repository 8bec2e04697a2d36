// SPDX-License-Identifier: MIT
#include "dictionaries/crosscoderfolder.h"

#include "common/error.h"
#include "dictionaries/crosscoder.h"
#include "dictionaries/twomodelcrosscoder.h"

#include <filesystem>

namespace gb {

OpenedCrosscoder openCrosscoderFolder(const std::string &folder)
{
    std::error_code ec;
    if (!std::filesystem::is_directory(folder, ec))
        throw Error::badInput(folder + ": not a folder (a crosscoder is a folder)");
    if (Crosscoder::looksLike(folder))
        return {Crosscoder::open(folder), "openmoss_crosscoder"};
    if (TwoModelCrosscoder::looksLike(folder))
        return {TwoModelCrosscoder::open(folder), "two_model_crosscoder"};
    if (std::filesystem::exists(std::filesystem::path(folder) / "config.json"))
        return {Crosscoder::open(folder), "openmoss_crosscoder"}; // says what is wrong with config.json
    throw Error::badInput(folder + ": not a crosscoder: expected config.json with sae_type \"crosscoder\" and "
                                   "sae_weights.safetensors (OpenMOSS), or cfg.json and cc_weights.safetensors "
                                   "(model diffing)");
}

} // namespace gb
