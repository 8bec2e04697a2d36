// SPDX-License-Identifier: MIT
#include "io/safetensors.h"

#include "common/error.h"
#include "common/torch_guard.h"
#include "io/mapped_file.h"
#include "io/tensor_view.h"

#include <ATen/ATen.h>

#include <cstring>
#include <unordered_map>

namespace gb {

namespace {

constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;

} // namespace

struct SafetensorsFile::Impl {
    std::shared_ptr<const MappedFile> file;
    std::uint64_t dataOffset = 0;
    std::vector<TensorEntry> entries;
    std::unordered_map<std::string, std::size_t> index;
    std::map<std::string, std::string> metadata;
};

SafetensorsFile::SafetensorsFile(std::unique_ptr<Impl> impl)
    : m(std::move(impl))
{ }
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
    impl->entries
        = parseHeader(reinterpret_cast<const char *>(impl->file->data()) + 8, headerLength, path, &impl->metadata);

    // parseHeader proved the entries tile [0, last end); the data section must be exactly that.
    const std::uint64_t dataSize = size - impl->dataOffset;
    const std::uint64_t used = impl->entries.empty() ? 0 : impl->entries.back().end;
    for (const TensorEntry &e : impl->entries)
        if (e.end > dataSize)
            throw Error::badInput(path + ": tensor '" + e.name + "' byte range [" + std::to_string(e.begin) + ", "
                + std::to_string(e.end) + ") lies outside the " + std::to_string(dataSize)
                + "-byte data section (truncated?)");
    if (used != dataSize)
        throw Error::badInput(
            path + ": " + std::to_string(dataSize - used) + " trailing bytes after the last tensor's data");
    for (std::size_t i = 0; i < impl->entries.size(); ++i)
        impl->index.emplace(impl->entries[i].name, i);
    return std::shared_ptr<SafetensorsFile>(new SafetensorsFile(std::move(impl)));
}

const std::string &SafetensorsFile::path() const
{
    return m->file->path();
}
const std::vector<TensorEntry> &SafetensorsFile::entries() const
{
    return m->entries;
}
const std::map<std::string, std::string> &SafetensorsFile::metadata() const
{
    return m->metadata;
}
bool SafetensorsFile::contains(const std::string &name) const
{
    return m->index.count(name) != 0;
}
std::uint64_t SafetensorsFile::fileSize() const
{
    return m->file->size();
}
const unsigned char *SafetensorsFile::mappedData() const
{
    return m->file->data();
}

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
    const std::string context = path() + ": tensor '" + name + "'";
    if (e.end == e.begin)
        return torchGuard(context, [&] { return widenHalf(at::empty(e.shape, scalarTypeOf(e.dtype))); });
    return mappedTensor(m->file, m->file->data() + m->dataOffset + e.begin, e.dtype, e.shape, context);
}

at::Tensor SafetensorsFile::floatTensor(const std::string &name, const std::vector<std::int64_t> &expected) const
{
    const std::string context = path() + ": tensor '" + name + "'";
    checkShape(entry(name).shape, expected, context);
    return toFloat(tensor(name), context);
}

} // namespace gb
