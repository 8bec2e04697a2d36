// SPDX-License-Identifier: MIT
// Core-internal: shape and value checks shared by the dictionary loaders.
#pragma once

#include "io/safetensors.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gb {

/// An expected dimension and what fixes it, e.g. {32, "config.json lists 32 hook_points"}.
struct ExpectedDim {
    std::int64_t size;
    std::string because;
};

/// Checks that `name` exists, has a floating-point dtype and the expected shape. Errors name the
/// file, the tensor and the offending dimension: "W_D dim 0 is 31, but config.json lists 32
/// hook_points". `layout` describes the expected shape symbolically, e.g. "[S, d_sae, d_model]".
const TensorEntry &checkFloatTensor(const SafetensorsFile &file, const std::string &name,
                                    const std::vector<ExpectedDim> &dims, const std::string &layout);

/// Throws BadInput naming the first NaN/Inf element of a small tensor (`what` names it).
void requireFinite(const at::Tensor &t, const std::string &what);

/// A read-only float32 view `[heads, n, d]` of rows [begin, begin + n) of a `[heads, rows, d]`
/// tensor (`rowsDim` = 1) or of a `[rows, heads, d]` tensor (`rowsDim` = 0) stored in `file`.
/// Zero-copy for aligned F32, otherwise only those rows are converted.
at::Tensor mappedRowBlock(const std::shared_ptr<SafetensorsFile> &file, const std::string &name, int rowsDim,
                          std::int64_t begin, std::int64_t n);

/// What to tell the kernel about the mapped pages behind some rows.
enum class RowAdvice {
    Prefetch, ///< start reading them in the background (MADV_WILLNEED)
    Populate, ///< map them now, in one call instead of one fault per page (MADV_POPULATE_READ)
    Release   ///< drop them from this process; they stay in the page cache (MADV_DONTNEED)
};

/// Advises the kernel about rows [begin, begin + n) laid out as for mappedRowBlock.
void adviseMappedRows(const SafetensorsFile &file, const std::string &name, int rowsDim, std::int64_t begin,
                      std::int64_t n, RowAdvice advice);

} // namespace gb
