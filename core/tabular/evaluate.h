// SPDX-License-Identifier: MIT
#pragma once

#include "tabular/predictor.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace gb {
class CancelToken;
class Progress;
} // namespace gb

namespace gb::tabular {

/// Writes model input rows [begin, end) of a virtual evaluation matrix into `out`
/// ((end - begin) x width floats).
using FillRows = std::function<void(std::int64_t begin, std::int64_t end, float *out)>;
/// Receives predictions for rows [begin, end) of the virtual matrix.
using TakePredictions = std::function<void(std::int64_t begin, std::int64_t end, const float *predictions)>;

/// The one way effect estimators call a model: a virtual matrix of `count` rows (e.g. grid x data
/// rows) is built chunk by chunk with `fill`, each chunk goes through the model in one forward
/// call, and `take` consumes the predictions, so memory stays bounded by one chunk. Progress is
/// reported (as done/total within the caller's current stage) and cancellation checked between
/// chunks. The estimators built on it leave stages to their caller, so they compose.
void evaluateChunked(const Predictor &model, std::int64_t count, const FillRows &fill, const TakePredictions &take,
                     Progress &progress, const CancelToken &cancel);

/// Convenience: all `count` predictions in one vector.
std::vector<float> evaluateAll(const Predictor &model, std::int64_t count, const FillRows &fill, Progress &progress,
                               const CancelToken &cancel);

} // namespace gb::tabular
