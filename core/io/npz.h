// SPDX-License-Identifier: MIT
#pragma once

#include "io/dtype.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace gb {

/// One array of an .npz archive, from its validated .npy header.
struct NpyInfo {
    std::string name; ///< the key numpy uses: entry name without ".npy"
    DType dtype = DType::F32;
    std::vector<std::int64_t> shape;
    bool compressed = false; ///< deflate (np.savez_compressed) rather than stored (np.savez)
};

/// A NumPy .npz archive (np.savez or np.savez_compressed): a zip of .npy arrays, memory-mapped.
///
/// `open` validates the zip directory and every .npy header before any data is used: entry
/// bounds, overlaps, supported dtypes, C order, and header + numel x size == entry size. Data
/// CRCs are checked when an array is read. Entries whose name does not end in ".npy" are ignored.
/// All failures are BadInput naming the file and the array.
///
/// Stored arrays are zero-copy views into the mapping when aligned (read-only: clone before
/// modifying); compressed ones are inflated straight into a new tensor. '<f2' is widened to
/// float32 by `tensor()`. The mapping stays alive while any returned tensor does.
class NpzFile {
public:
    static std::shared_ptr<NpzFile> open(const std::string &path);

    const std::string &path() const;
    /// Arrays in archive order.
    const std::vector<NpyInfo> &arrays() const;
    bool contains(const std::string &name) const;
    /// BadInput "<file>: array '<name>' not found (has: a, b, ...)" when missing.
    const NpyInfo &info(const std::string &name) const;
    /// The array as stored (float64, int64, uint8, bool... stay so), except '<f2' -> float32.
    at::Tensor tensor(const std::string &name) const;
    /// The array as float32; checks the shape when `expected` is given.
    at::Tensor floatTensor(const std::string &name, const std::vector<std::int64_t> &expected = {}) const;

    ~NpzFile();

private:
    struct Impl;
    explicit NpzFile(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m;
};

/// Reads a standalone .npy file (zero-copy when aligned; '<f2' widened to float32).
at::Tensor readNpy(const std::string &path);

} // namespace gb
