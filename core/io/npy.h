// SPDX-License-Identifier: MIT
#pragma once

#include "io/dtype.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace gb {

/// A validated .npy header (NumPy format versions 1.0, 2.0 and 3.0).
struct NpyHeader {
    DType dtype = DType::F32;
    std::vector<std::int64_t> shape;
    std::size_t headerBytes = 0; ///< magic + version + length field + dict: where the data starts
    std::uint64_t dataBytes = 0; ///< numel x element size (overflow-checked)
};

/// Smallest prefix of a .npy buffer from which npyHeaderLength can answer.
constexpr std::size_t kNpyPreamble = 12;

/// Total header length read from the first bytes (needs min(size, kNpyPreamble) bytes, at
/// least 10). BadInput naming `source` when the magic or version is wrong.
std::size_t npyHeaderLength(const unsigned char *data, std::size_t size, const std::string &source);

/// Parses the header at the start of `data` (which holds at least the header). Accepts the
/// little-endian dtypes '<f4' '<f2' '<f8' '<i2' '<i4' '<i8' '|i1' '|u1' '|b1' in C order; big-endian,
/// Fortran order, structured and other dtypes are BadInput errors that say so.
NpyHeader parseNpyHeader(const unsigned char *data, std::size_t size, const std::string &source);

} // namespace gb
