// SPDX-License-Identifier: MIT
#pragma once

#include "io/json.h"

namespace gb {
struct TabularData;
}

namespace gb::tabular {

struct AleResult;
struct PdpResult;

/// The JSON of the `pdp` and `ale` CLI contracts (issue 4), also stored with the GUI's runs:
/// pdp {"feature", ["feature2"], "grid", "average", ["individual", "ice_rows"], "centered",
/// ["anchor"], ["band"], ["levels"]}; ale {"feature", ["feature2"], "edges", "ale", "counts",
/// ["levels"], ["band"]}. Two-feature results nest row-major values as lists of lists.
Json pdpJson(const PdpResult &r, const TabularData &data);
Json aleJson(const AleResult &r, const TabularData &data);

} // namespace gb::tabular
