// SPDX-License-Identifier: MIT
#pragma once

#include "io/dtype.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace gb {

/// One tensor's entry in a safetensors header, after validation.
struct TensorEntry {
    std::string name;
    DType dtype = DType::F32;
    std::vector<std::int64_t> shape;
    std::uint64_t begin = 0; ///< byte offset in the data section
    std::uint64_t end = 0;
};

/// A memory-mapped, validated safetensors file.
///
/// `open` checks everything before any tensor is touched: header length within the file and at
/// most 100 MB, well-formed UTF-8 JSON without duplicate names, known dtypes, each byte range =
/// product(shape) x dtype size (overflow-checked), ranges inside the data section, contiguous and
/// not overlapping. Any failure is a BadInput error naming the file and the tensor.
///
/// Tensors are zero-copy views into the mapping when their dtype and alignment allow (read-only:
/// clone before modifying); F16 and BF16 are widened to float32 by `tensor()`. The mapping stays
/// alive while any returned tensor does.
class SafetensorsFile {
public:
    static std::shared_ptr<SafetensorsFile> open(const std::string &path);
    /// Parses and validates a header from memory (the fuzz target's entry point).
    static std::vector<TensorEntry> parseHeader(const char *data, std::size_t size, const std::string &source,
        std::map<std::string, std::string> *metadata = nullptr);

    const std::string &path() const;
    /// Entries in data-section order.
    const std::vector<TensorEntry> &entries() const;
    const std::map<std::string, std::string> &metadata() const;
    bool contains(const std::string &name) const;
    /// Entry by name; BadInput "<file>: tensor '<name>' not found" when missing.
    const TensorEntry &entry(const std::string &name) const;
    /// The tensor as stored (zero-copy when possible), except F16/BF16 which become float32.
    at::Tensor tensor(const std::string &name) const;
    /// The tensor as float32 (integer tensors converted); checks the shape when `expected` is given:
    /// a mismatch is BadInput naming file, tensor, expected and actual shape.
    at::Tensor floatTensor(const std::string &name, const std::vector<std::int64_t> &expected = {}) const;
    std::uint64_t fileSize() const;
    /// First byte of the mapping: zero-copy tensors point inside [mappedData(), mappedData() + fileSize()).
    const unsigned char *mappedData() const;

    ~SafetensorsFile();

private:
    struct Impl;
    explicit SafetensorsFile(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m;
};

/// A set of weights spread over one or more safetensors files: a single `model.safetensors`
/// or a sharded checkpoint described by `model.safetensors.index.json` (weight_map name -> shard).
class WeightStore {
public:
    /// Opens `<dir>/model.safetensors.index.json` if present, else `<dir>/model.safetensors`.
    static WeightStore openFolder(const std::string &dir);
    static WeightStore openFile(const std::string &file);

    bool contains(const std::string &name) const;
    std::vector<std::string> names() const;
    const TensorEntry &entry(const std::string &name) const;
    at::Tensor tensor(const std::string &name) const;
    at::Tensor floatTensor(const std::string &name, const std::vector<std::int64_t> &expected = {}) const;
    /// Total bytes of the files behind this store.
    std::uint64_t fileBytes() const;

private:
    const std::shared_ptr<SafetensorsFile> &fileOf(const std::string &name) const;

    std::string m_source; ///< the file or index named in errors
    std::map<std::string, std::shared_ptr<SafetensorsFile>> m_byName;
    std::vector<std::shared_ptr<SafetensorsFile>> m_files;
};

/// Writes tensors (made contiguous, little-endian) to a safetensors file, names sorted, header
/// padded to 8 bytes as the reference writer does. Writes to a temporary file and renames it, so
/// a crash never leaves a half-written file under `path`. Supported dtypes: those of DType.
void writeSafetensors(const std::string &path, const std::vector<std::pair<std::string, at::Tensor>> &tensors,
    const std::map<std::string, std::string> &metadata = {});

} // namespace gb
