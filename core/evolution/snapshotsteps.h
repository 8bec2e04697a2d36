// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gb {

/// The training step a snapshot name stands for: "step1000", "step_1000", "step-1000" (any case)
/// or a bare "1000". Anything else (e.g. "blocks.6.hook_resid_post", "layer6") has no step.
std::optional<std::int64_t> parseStep(const std::string &name);

/// Training steps of a crosscoder's heads, read from their hook-point names.
struct SnapshotSteps {
    std::vector<std::int64_t> steps; ///< one per head; the head index when `fromNames` is false
    /// True when every name carries a step and the steps strictly increase with the head index.
    /// Otherwise the heads are not a training series and views fall back to the head index.
    bool fromNames = false;
    std::string reason; ///< why `fromNames` is false ("" when true)
};

SnapshotSteps snapshotSteps(const std::vector<std::string> &headNames);

} // namespace gb
