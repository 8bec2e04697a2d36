// SPDX-License-Identifier: MIT
#include "io/safetensors.h"

#include "common/error.h"
#include "io/json.h"

#include <filesystem>

namespace gb {

namespace fs = std::filesystem;

namespace {

std::shared_ptr<SafetensorsFile> openShard(
    const fs::path &dir, const std::string &shard, const std::string &tensor, const std::string &index)
{
    // A shard name comes from an untrusted file: keep it inside the checkpoint folder.
    if (shard.empty() || shard == "." || shard == ".." || shard.find('/') != std::string::npos
        || shard.find('\0') != std::string::npos)
        throw Error::badInput(
            index + ": shard \"" + shard + "\" for tensor '" + tensor + "' must be a file name in the same folder");
    const fs::path file = dir / shard;
    std::error_code ec;
    if (!fs::is_regular_file(file, ec))
        throw Error::badInput(index + ": shard '" + shard + "' (listed for tensor '" + tensor + "') is missing");
    return SafetensorsFile::open(file.string());
}

} // namespace

WeightStore WeightStore::openFile(const std::string &file)
{
    WeightStore s;
    s.m_source = file;
    auto f = SafetensorsFile::open(file);
    for (const TensorEntry &e : f->entries())
        s.m_byName.emplace(e.name, f);
    s.m_files.push_back(std::move(f));
    return s;
}

WeightStore WeightStore::openFolder(const std::string &dir)
{
    const fs::path folder(dir);
    const fs::path indexPath = folder / "model.safetensors.index.json";
    std::error_code ec;
    if (!fs::exists(indexPath, ec)) {
        if (!fs::exists(folder / "model.safetensors", ec))
            throw Error::badInput(dir + ": neither model.safetensors nor model.safetensors.index.json found");
        return openFile((folder / "model.safetensors").string());
    }

    WeightStore s;
    s.m_source = indexPath.string();
    const Json index = Json::parseFile(s.m_source);
    const Json *map = index.find("weight_map");
    if (!map || !map->isObject())
        throw Error::badInput(s.m_source + ": missing \"weight_map\" object");
    std::map<std::string, std::shared_ptr<SafetensorsFile>> shards;
    for (const auto &[tensor, shardName] : map->toObject()) {
        if (!shardName.isString())
            throw Error::badInput(s.m_source + ": weight_map value for '" + tensor + "' must be a file name");
        const std::string &shard = shardName.toString();
        auto it = shards.find(shard);
        if (it == shards.end()) {
            it = shards.emplace(shard, openShard(folder, shard, tensor, s.m_source)).first;
            s.m_files.push_back(it->second);
        }
        if (!it->second->contains(tensor))
            throw Error::badInput(
                s.m_source + ": tensor '" + tensor + "' is listed in shard '" + shard + "', which does not contain it");
        s.m_byName.emplace(tensor, it->second);
    }
    // An index that forgets tensors its shards hold means shards from different checkpoints.
    for (const auto &[shard, file] : shards) {
        for (const TensorEntry &e : file->entries()) {
            const auto it = s.m_byName.find(e.name);
            if (it == s.m_byName.end())
                throw Error::badInput(s.m_source + ": tensor '" + e.name + "' in shard '" + shard
                    + "' is listed in no shard of the index");
            if (it->second != file)
                throw Error::badInput(s.m_source + ": tensor '" + e.name + "' appears in shard '" + shard
                    + "' too, but the index lists it in '" + fs::path(it->second->path()).filename().string() + "'");
        }
    }
    return s;
}

bool WeightStore::contains(const std::string &name) const
{
    return m_byName.count(name) != 0;
}

std::vector<std::string> WeightStore::names() const
{
    std::vector<std::string> out;
    out.reserve(m_byName.size());
    for (const auto &kv : m_byName)
        out.push_back(kv.first);
    return out;
}

const std::shared_ptr<SafetensorsFile> &WeightStore::fileOf(const std::string &name) const
{
    const auto it = m_byName.find(name);
    if (it == m_byName.end())
        throw Error::badInput(m_source + ": tensor '" + name + "' not found");
    return it->second;
}

const TensorEntry &WeightStore::entry(const std::string &name) const
{
    return fileOf(name)->entry(name);
}
at::Tensor WeightStore::tensor(const std::string &name) const
{
    return fileOf(name)->tensor(name);
}

at::Tensor WeightStore::floatTensor(const std::string &name, const std::vector<std::int64_t> &expected) const
{
    return fileOf(name)->floatTensor(name, expected);
}

std::uint64_t WeightStore::fileBytes() const
{
    std::uint64_t total = 0;
    for (const auto &f : m_files)
        total += f->fileSize();
    return total;
}

} // namespace gb
