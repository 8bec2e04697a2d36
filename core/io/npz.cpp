// SPDX-License-Identifier: MIT
#include "io/npz.h"

#include "common/error.h"
#include "common/torch_guard.h"
#include "io/mapped_file.h"
#include "io/npy.h"
#include "io/tensor_view.h"
#include "io/zip_reader.h"

#include <ATen/ATen.h>

#include <unordered_map>

namespace gb {

namespace {

bool endsWith(const std::string &s, const std::string &suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// Reads the .npy header at the start of an entry, inflating only as much as the header needs.
NpyHeader readHeader(
    const ZipArchive &zip, const ZipArchive::Entry &e, const std::string &context, ZipEntryReader *reader)
{
    if (e.method == 0)
        return parseNpyHeader(zip.raw(e), e.size, context);
    std::vector<unsigned char> buf(std::min<std::uint64_t>(e.size, kNpyPreamble));
    reader->read(buf.data(), buf.size());
    const std::size_t length = npyHeaderLength(buf.data(), buf.size(), context);
    if (length > e.size)
        throw Error::badInput(context + ": .npy header length " + std::to_string(length) + " exceeds the "
            + std::to_string(e.size) + "-byte entry (truncated?)");
    const std::size_t have = buf.size();
    buf.resize(length);
    reader->read(buf.data() + have, length - have);
    return parseNpyHeader(buf.data(), buf.size(), context);
}

void checkSize(const NpyHeader &h, std::uint64_t available, const std::string &context)
{
    if (available - h.headerBytes != h.dataBytes)
        throw Error::badInput(context + ": holds " + std::to_string(available - h.headerBytes)
            + " data bytes but shape " + shapeText(h.shape) + " x " + toString(h.dtype) + " needs "
            + std::to_string(h.dataBytes) + (available - h.headerBytes < h.dataBytes ? " (truncated?)" : ""));
}

} // namespace

struct NpzFile::Impl {
    std::shared_ptr<const MappedFile> file;
    std::unique_ptr<ZipArchive> zip;
    std::vector<NpyInfo> arrays;
    std::vector<const ZipArchive::Entry *> entries; // parallel to arrays
    std::vector<NpyHeader> headers; // parallel to arrays
    std::unordered_map<std::string, std::size_t> index;

    std::string context(const std::string &name) const { return file->path() + ": array '" + name + "'"; }
    std::size_t find(const std::string &name) const;
};

std::size_t NpzFile::Impl::find(const std::string &name) const
{
    const auto it = index.find(name);
    if (it != index.end())
        return it->second;
    std::string names;
    for (const NpyInfo &a : arrays)
        names += (names.empty() ? "" : ", ") + a.name;
    throw Error::badInput(file->path() + ": array '" + name + "' not found (has: " + names + ")");
}

NpzFile::NpzFile(std::unique_ptr<Impl> impl)
    : m(std::move(impl))
{ }
NpzFile::~NpzFile() = default;

std::shared_ptr<NpzFile> NpzFile::open(const std::string &path)
{
    auto impl = std::make_unique<Impl>();
    impl->file = MappedFile::open(path);
    impl->zip = std::make_unique<ZipArchive>(impl->file->data(), impl->file->size(), path);
    for (const ZipArchive::Entry &e : impl->zip->entries()) {
        if (!endsWith(e.name, ".npy"))
            continue;
        NpyInfo info;
        info.name = e.name.substr(0, e.name.size() - 4);
        info.compressed = e.method != 0;
        const std::string context = impl->context(info.name);
        ZipEntryReader reader(*impl->zip, e);
        const NpyHeader h = readHeader(*impl->zip, e, context, &reader);
        checkSize(h, e.size, context);
        info.dtype = h.dtype;
        info.shape = h.shape;
        impl->index.emplace(info.name, impl->arrays.size());
        impl->arrays.push_back(std::move(info));
        impl->entries.push_back(&e);
        impl->headers.push_back(h);
    }
    return std::shared_ptr<NpzFile>(new NpzFile(std::move(impl)));
}

const std::string &NpzFile::path() const
{
    return m->file->path();
}
const std::vector<NpyInfo> &NpzFile::arrays() const
{
    return m->arrays;
}
bool NpzFile::contains(const std::string &name) const
{
    return m->index.count(name) != 0;
}
const NpyInfo &NpzFile::info(const std::string &name) const
{
    return m->arrays[m->find(name)];
}

at::Tensor NpzFile::tensor(const std::string &name) const
{
    const std::size_t i = m->find(name);
    const ZipArchive::Entry &e = *m->entries[i];
    const NpyHeader &h = m->headers[i];
    const std::string context = m->context(name);
    if (e.method == 0) {
        m->zip->verifyStored(e);
        if (h.dataBytes == 0)
            return torchGuard(context, [&] { return widenHalf(at::empty(h.shape, scalarTypeOf(h.dtype))); });
        return mappedTensor(m->file, m->zip->raw(e) + h.headerBytes, h.dtype, h.shape, context);
    }
    return torchGuard(context, [&] {
        ZipEntryReader reader(*m->zip, e);
        std::vector<unsigned char> skip(h.headerBytes);
        reader.read(skip.data(), skip.size());
        at::Tensor t = at::empty(h.shape, scalarTypeOf(h.dtype));
        reader.read(t.data_ptr(), h.dataBytes);
        reader.finish();
        return widenHalf(t);
    });
}

at::Tensor NpzFile::floatTensor(const std::string &name, const std::vector<std::int64_t> &expected) const
{
    const std::string context = m->context(name);
    checkShape(info(name).shape, expected, context);
    return toFloat(tensor(name), context);
}

at::Tensor readNpy(const std::string &path)
{
    const auto file = MappedFile::open(path);
    const NpyHeader h = parseNpyHeader(file->data(), file->size(), path);
    checkSize(h, file->size(), path);
    if (h.dataBytes == 0)
        return torchGuard(path, [&] { return widenHalf(at::empty(h.shape, scalarTypeOf(h.dtype))); });
    return mappedTensor(file, file->data() + h.headerBytes, h.dtype, h.shape, path);
}

} // namespace gb
