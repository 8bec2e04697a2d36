// SPDX-License-Identifier: MIT
#pragma once

#include "attribution/languagetarget.h"

#include <cstdint>
#include <memory>

namespace gb {

class SparseDictionary;

/// One feature of a sparse dictionary (SAE or transcoder) as the explained quantity: its
/// activation at `position` (-1 = last), encoded from the value of the hook the dictionary reads.
/// Only that feature's encoder column is computed (SparseDictionary::encodeSubset). A crosscoder,
/// a single-head hook_z dictionary or a feature outside the dictionary is BadInput.
LmTargetSpec featureTarget(std::shared_ptr<const SparseDictionary> dictionary, std::int64_t feature,
                           std::int64_t position);

} // namespace gb
