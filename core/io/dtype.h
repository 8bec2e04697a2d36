// SPDX-License-Identifier: MIT
#pragma once

#include <c10/core/ScalarType.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace gb {

/// Element type of a stored tensor (the safetensors dtype names; .npy dtypes map onto them).
enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL };

const char *toString(DType t);
std::size_t byteSize(DType t);
at::ScalarType scalarTypeOf(DType t);

/// "[2, 3]" for error messages.
std::string shapeText(const std::vector<std::int64_t> &shape);

} // namespace gb
