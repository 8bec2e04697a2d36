// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <vector>

namespace gb {

/// Picks at most about `maxCount` features for a population plot, stratified by group (the Peak
/// Snapshot Index): each group keeps its share of the live features, rounded, and at least one
/// feature, so rare peaks stay visible. Within a group the picks are evenly spaced in id order
/// (deterministic). Features with group < 0 (dead) are left out. Returns ids in ascending order;
/// all live features when there are at most `maxCount`.
std::vector<std::int64_t> stratifiedSample(const std::vector<std::int32_t> &group, std::int64_t maxCount);

} // namespace gb
