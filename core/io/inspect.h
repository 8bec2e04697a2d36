// SPDX-License-Identifier: MIT
#pragma once

#include "io/json.h"

#include <string>

namespace gb {

/// What a path on disk is, as far as Glassbox's loaders can tell without loading it fully.
struct PathKind {
    std::string kind;        ///< "model", "dictionary", "dataset", "tabular_model", "corpus",
                             ///< "checkpoint_series", "workspace" or "unknown"
    std::string format;      ///< e.g. "gpt2", "gpt_neox", "saelens", "openmoss", "csv"
    std::string description; ///< one human sentence
    Json summary = Json::object(); ///< format-specific facts (config values, shapes...)
};

/// Looks at `path` (file or folder) and says what it is. Never throws for an unknown thing
/// (kind "unknown" with a reason); throws BadInput only when the path does not exist.
PathKind inspectPath(const std::string &path);

} // namespace gb
