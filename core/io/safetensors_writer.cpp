// SPDX-License-Identifier: MIT
#include "io/safetensors.h"

#include "common/error.h"
#include "common/torch_guard.h"
#include "io/atomic_file.h"
#include "io/json.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <numeric>
#include <set>

namespace gb {

namespace {

DType dtypeOf(at::ScalarType s, const std::string &name)
{
    for (DType d : { DType::F64, DType::F32, DType::F16, DType::BF16, DType::I64, DType::I32, DType::I16, DType::I8,
             DType::U8, DType::BOOL })
        if (scalarTypeOf(d) == s)
            return d;
    throw Error::badInput("cannot write tensor '" + name + "': dtype " + std::string(c10::toString(s))
        + " has no safetensors equivalent");
}

struct Item {
    std::string name;
    at::Tensor data; // contiguous, on the CPU
    DType dtype;
};

std::vector<Item> prepare(const std::vector<std::pair<std::string, at::Tensor>> &tensors, const std::string &path)
{
    std::vector<Item> items;
    std::set<std::string> names;
    for (const auto &[name, t] : tensors) {
        if (name == "__metadata__" || !names.insert(name).second)
            throw Error::badInput(path + ": cannot write tensor '" + name + "': name reserved or used twice");
        if (!t.defined())
            throw Error::badInput(path + ": cannot write tensor '" + name + "': undefined tensor");
        const DType dtype = dtypeOf(t.scalar_type(), name);
        items.push_back({ name, torchGuard(path, [&] { return t.cpu().contiguous(); }), dtype });
    }
    // The reference writer's layout: larger elements first, then by name, so every tensor stays
    // aligned to its element size once the header is padded to 8 bytes.
    std::sort(items.begin(), items.end(), [](const Item &a, const Item &b) {
        const auto sa = byteSize(a.dtype), sb = byteSize(b.dtype);
        return sa != sb ? sa > sb : a.name < b.name;
    });
    return items;
}

std::string headerText(const std::vector<Item> &items, const std::map<std::string, std::string> &metadata)
{
    std::vector<std::size_t> byName(items.size());
    std::iota(byName.begin(), byName.end(), std::size_t(0));
    std::sort(
        byName.begin(), byName.end(), [&](std::size_t a, std::size_t b) { return items[a].name < items[b].name; });
    std::vector<std::uint64_t> begin(items.size());
    std::uint64_t offset = 0;
    for (std::size_t i = 0; i < items.size(); ++i) {
        begin[i] = offset;
        offset += std::uint64_t(items[i].data.nbytes());
    }

    Json::Object header;
    if (!metadata.empty()) {
        Json::Object meta;
        for (const auto &[k, v] : metadata)
            meta.emplace_back(k, Json(v));
        header.emplace_back("__metadata__", Json(std::move(meta)));
    }
    for (std::size_t i : byName) {
        const Item &it = items[i];
        Json entry = Json::object();
        entry.set("dtype", toString(it.dtype));
        entry.set("shape", Json::arrayOf(it.data.sizes().vec()));
        entry.set("data_offsets", Json::arrayOf(std::vector<std::uint64_t> { begin[i], begin[i] + it.data.nbytes() }));
        header.emplace_back(it.name, std::move(entry));
    }
    std::string text = Json(std::move(header)).dump();
    text.append((8 - text.size() % 8) % 8, ' ');
    return text;
}

} // namespace

void writeSafetensors(const std::string &path, const std::vector<std::pair<std::string, at::Tensor>> &tensors,
    const std::map<std::string, std::string> &metadata)
{
    const std::vector<Item> items = prepare(tensors, path);
    const std::string header = headerText(items, metadata);
    AtomicFile out(path);
    const std::uint64_t length = header.size();
    out.write(&length, sizeof length);
    out.write(header.data(), header.size());
    for (const Item &it : items)
        out.write(it.data.data_ptr(), it.data.nbytes());
    out.commit();
}

} // namespace gb
