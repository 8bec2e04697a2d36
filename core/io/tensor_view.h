// SPDX-License-Identifier: MIT
// Core-internal: include only from core .cpp files.
#pragma once

#include "io/dtype.h"

#include <ATen/core/Tensor.h>

#include <memory>
#include <string>
#include <vector>

namespace gb {

class MappedFile;

/// A tensor over bytes inside a mapped file: a zero-copy view (keeping the mapping alive) when
/// `src` is aligned for the element type, else a copy; F16/BF16 are widened to float32 because
/// libtorch 1.13 lacks CPU kernels for them. `context` names file and tensor in errors.
at::Tensor mappedTensor(const std::shared_ptr<const MappedFile> &file, const unsigned char *src, DType dtype,
    const std::vector<std::int64_t> &shape, const std::string &context);

/// BadInput "<context> has shape [..], expected [..]" unless `expected` is empty or equal.
void checkShape(
    const std::vector<std::int64_t> &actual, const std::vector<std::int64_t> &expected, const std::string &context);
/// `t` converted to float32 (no copy when it already is).
at::Tensor toFloat(const at::Tensor &t, const std::string &context);

/// Widens F16/BF16 to float32, leaves other types as they are.
at::Tensor widenHalf(const at::Tensor &t);

} // namespace gb
