// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <vector>

namespace gb {

/// Learning rate at `step` (0-based): linear warm-up from 0 to `peak` over `warmupSteps`, then
/// cosine decay to `peak * minRatio` at `totalSteps`; constant after that.
double warmupCosineLr(std::int64_t step, std::int64_t warmupSteps, std::int64_t totalSteps, double peak,
                      double minRatio);

/// Pythia-like checkpoint steps for a run of `totalSteps`, at most `count` of them (spec-facts
/// 6.3): step 0, log-spaced powers of two, then every `interval` steps and `totalSteps` itself.
/// The interval is ceil(totalSteps / slots left after the powers), and the powers are taken while
/// they stay below it. Pythia's own run (143000 steps, 154 checkpoints) gives exactly its
/// schedule: 0, 1, 2, ..., 512, then every 1000.
std::vector<std::int64_t> pythiaCheckpointSteps(std::int64_t totalSteps, int count);

} // namespace gb
