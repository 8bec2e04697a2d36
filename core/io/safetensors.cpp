// SPDX-License-Identifier: MIT
#include "io/safetensors.h"

#include "common/error.h"
#include "common/torch_guard.h"
#include "io/mapped_file.h"

#include <ATen/ATen.h>

#include <cstring>
#include <unordered_map>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "safetensors data is little-endian; tensors alias it");

namespace gb {

namespace {

constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;

} // namespace

at::ScalarType scalarTypeOf(DType t)
{
    switch (t) {
    case DType::F64: return at::kDouble;
    case DType::F32: return at::kFloat;
    case DType::F16: return at::kHalf;
    case DType::BF16: return at::kBFloat16;
    case DType::I64: return at::kLong;
    case DType::I32: return at::kInt;
    case DType::I16: return at::kShort;
    case DType::I8: return at::kChar;
    case DType::U8: return at::kByte;
    case DType::BOOL: return at::kBool;
    }
    throw Error::internal("unhandled DType");
}

namespace {

std::string shapeText(const std::vector<std::int64_t> &shape)
{
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

} // namespace

struct SafetensorsFile::Impl {
    std::shared_ptr<const MappedFile> file;
    std::uint64_t dataOffset = 0;
    std::vector<TensorEntry> entries;
    std::unordered_map<std::string, std::size_t> index;
    std::map<std::string, std::string> metadata;
};

SafetensorsFile::SafetensorsFile(std::unique_ptr<Impl> impl) : m(std::move(impl)) {}
SafetensorsFile::~SafetensorsFile() = default;

std::shared_ptr<SafetensorsFile> SafetensorsFile::open(const std::string &path)
{
    auto impl = std::make_unique<Impl>();
    impl->file = MappedFile::open(path);
    const std::uint64_t size = impl->file->size();
    if (size < 8)
        throw Error::badInput(path + ": file is too small (" + std::to_string(size)
                              + " bytes) to be safetensors, which starts with an 8-byte header length");
    std::uint64_t headerLength = 0;
    std::memcpy(&headerLength, impl->file->data(), 8);
    if (headerLength > kMaxHeaderBytes)
        throw Error::badInput(path + ": header length " + std::to_string(headerLength)
                              + " exceeds the 100 MB limit (not a safetensors file?)");
    if (headerLength > size - 8)
        throw Error::badInput(path + ": header length " + std::to_string(headerLength) + " runs past the end of the "
                              + std::to_string(size) + "-byte file (truncated?)");
    impl->dataOffset = 8 + headerLength;
    impl->entries = parseHeader(reinterpret_cast<const char *>(impl->file->data()) + 8, headerLength, path,
                                &impl->metadata);

    // parseHeader proved the entries tile [0, last end); the data section must be exactly that.
    const std::uint64_t dataSize = size - impl->dataOffset;
    const std::uint64_t used = impl->entries.empty() ? 0 : impl->entries.back().end;
    for (const TensorEntry &e : impl->entries)
        if (e.end > dataSize)
            throw Error::badInput(path + ": tensor '" + e.name + "' byte range [" + std::to_string(e.begin) + ", "
                                  + std::to_string(e.end) + ") lies outside the " + std::to_string(dataSize)
                                  + "-byte data section (truncated?)");
    if (used != dataSize)
        throw Error::badInput(path + ": " + std::to_string(dataSize - used)
                              + " trailing bytes after the last tensor's data");
    for (std::size_t i = 0; i < impl->entries.size(); ++i)
        impl->index.emplace(impl->entries[i].name, i);
    return std::shared_ptr<SafetensorsFile>(new SafetensorsFile(std::move(impl)));
}

const std::string &SafetensorsFile::path() const { return m->file->path(); }
const std::vector<TensorEntry> &SafetensorsFile::entries() const { return m->entries; }
const std::map<std::string, std::string> &SafetensorsFile::metadata() const { return m->metadata; }
bool SafetensorsFile::contains(const std::string &name) const { return m->index.count(name) != 0; }
std::uint64_t SafetensorsFile::fileSize() const { return m->file->size(); }
const unsigned char *SafetensorsFile::mappedData() const { return m->file->data(); }

const TensorEntry &SafetensorsFile::entry(const std::string &name) const
{
    const auto it = m->index.find(name);
    if (it == m->index.end())
        throw Error::badInput(path() + ": tensor '" + name + "' not found");
    return m->entries[it->second];
}

at::Tensor SafetensorsFile::tensor(const std::string &name) const
{
    const TensorEntry &e = entry(name);
    return torchGuard(path() + ": tensor '" + name + "'", [&] {
        const auto options = at::TensorOptions().dtype(scalarTypeOf(e.dtype));
        const unsigned char *src = m->file->data() + m->dataOffset + e.begin;
        at::Tensor t;
        if (e.end == e.begin) {
            t = at::empty(e.shape, options);
        } else if (reinterpret_cast<std::uintptr_t>(src) % byteSize(e.dtype) == 0) {
            // The deleter owns a reference to the mapping: the view outlives this object safely.
            std::shared_ptr<const MappedFile> keep = m->file;
            t = at::from_blob(
                const_cast<unsigned char *>(src), e.shape, [keep](void *) {}, options);
        } else {
            // Third-party writers need not align data; ATen requires element alignment.
            t = at::empty(e.shape, options);
            std::memcpy(t.data_ptr(), src, e.end - e.begin);
        }
        if (e.dtype == DType::F16 || e.dtype == DType::BF16)
            t = t.to(at::kFloat); // CPU kernels for half types are missing in libtorch 1.13
        return t;
    });
}

at::Tensor SafetensorsFile::floatTensor(const std::string &name, const std::vector<std::int64_t> &expected) const
{
    const TensorEntry &e = entry(name);
    if (!expected.empty() && e.shape != expected)
        throw Error::badInput(path() + ": tensor '" + name + "' has shape " + shapeText(e.shape) + ", expected "
                              + shapeText(expected));
    at::Tensor t = tensor(name);
    return t.scalar_type() == at::kFloat ? t : torchGuard(path(), [&] { return t.to(at::kFloat); });
}

} // namespace gb
