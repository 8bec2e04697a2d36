// SPDX-License-Identifier: MIT
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>

namespace gb {

class CancelToken;
class Progress;
class TransformerModel;

/// Consecutive non-overlapping windows [W, context] from the start of a 1-D token stream, at
/// most `maxWindows` (the dictionary trainers' token sets; the same windows for every snapshot).
at::Tensor tokenWindows(const at::Tensor &tokens, int context, std::int64_t maxWindows);

/// The model's activations at `hook` for every position of `windows` [W, T], as float32
/// [W * T, width] (the forward stops at the hook). `batch` windows per forward; `cancel` is
/// checked between forwards.
at::Tensor collectActivations(const TransformerModel &model, const at::Tensor &windows, const std::string &hook,
                              int batch, Progress &progress, const CancelToken &cancel);

/// The dictionary trainers' batch of `step`: `batchSize` rows of `rows` drawn with replacement by
/// a generator seeded from (seed, step) alone, so a resumed run sees the same batches.
at::Tensor batchOfRows(const at::Tensor &rows, int batchSize, std::uint64_t seed, std::int64_t step);

} // namespace gb
