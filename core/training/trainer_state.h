// SPDX-License-Identifier: MIT
#pragma once

#include "io/json.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <optional>
#include <string>

namespace gb {

class AdamW;

/// What a trainer saves so that a cancelled or killed run continues where it last saved:
/// `<dir>/trainer_state/state.json` ({"step", "options", "data"}) and
/// `<dir>/trainer_state/optimizer.safetensors` (moments "m.<name>", "v.<name>", and with
/// `withParams` the parameters "p.<name>"). state.json is written last, so it only ever names a
/// complete save.
struct TrainerState {
    std::int64_t step = 0;
    Json options;       ///< the options that must match to resume
    std::string data;   ///< a signature of the training data (dataSignature)

    static std::string path(const std::string &dir);
    /// The saved state of `dir`, if any.
    static std::optional<TrainerState> read(const std::string &dir);
    void write(const std::string &dir, const AdamW &optimizer, bool withParams) const;
    /// Copies the saved moments (and parameters, when saved with them) into `optimizer`'s tensors
    /// and sets its step count. Shapes must match: BadInput naming the tensor otherwise.
    void restore(const std::string &dir, AdamW &optimizer, bool withParams) const;
    /// BadInput unless `options` and `data` equal the saved ones.
    void requireSameRun(const std::string &dir, const Json &options, const std::string &data) const;
};

/// A short fingerprint of a tensor's contents (shape, sum, sum of squares, a position-weighted
/// sum), enough to tell whether a resumed run is fed the same data.
std::string dataSignature(const at::Tensor &t);

} // namespace gb
