// SPDX-License-Identifier: MIT
#pragma once

#include "dictionaries/sparsedictionary.h"

#include <memory>
#include <string>

namespace gb {

/// Which dictionary format a folder (or file) holds: "saelens", "gemmascope", "openmoss_sae",
/// "openmoss_crosscoder" or "two_model_crosscoder". Throws BadInput saying what was found and
/// what each format needs when it is none of them.
std::string detectDictionaryFormat(const std::string &path);

/// What a dictionary says about itself without reading its weights: format, kind,
/// architecture, hooks and sizes (for `glassbox-cli info` and the file dialogs). Errors as
/// detectDictionaryFormat, plus BadInput for a configuration that does not parse.
Json describeDictionary(const std::string &path);

/// Loads any supported dictionary (format detected). Validates the configuration and every
/// tensor's shape before returning; errors are BadInput naming the file and the tensor.
std::shared_ptr<const SparseDictionary> loadDictionary(const std::string &path);

/// SAELens folder: cfg.json + sae_weights.safetensors (+ optional sparsity.safetensors).
std::shared_ptr<const SparseDictionary> loadSaeLens(const std::string &folder);
/// Gemma Scope params.npz (a file or its folder); the hook comes from the path (spec-facts 3.6).
std::shared_ptr<const SparseDictionary> loadGemmaScope(const std::string &path);
/// OpenMOSS SAE folder: config.json (sae_type "sae") + sae_weights.safetensors (spec-facts 1.6).
std::shared_ptr<const SparseDictionary> loadOpenMossSae(const std::string &folder);

} // namespace gb
