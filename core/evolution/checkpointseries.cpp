// SPDX-License-Identifier: MIT
#include "evolution/checkpointseries.h"

#include "common/error.h"
#include "evolution/snapshotsteps.h"

#include <algorithm>
#include <filesystem>
#include <map>

namespace fs = std::filesystem;

namespace gb {

namespace {

std::string joined(const std::vector<std::string> &names, std::size_t limit = 8)
{
    std::string s;
    for (std::size_t i = 0; i < names.size() && i < limit; ++i)
        s += (i ? ", " : "") + names[i];
    if (names.size() > limit)
        s += ", ... (" + std::to_string(names.size()) + " in all)";
    return s;
}

} // namespace

CheckpointSeries scanCheckpointSeries(const std::string &dir)
{
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw Error::badInput(dir + ": not a folder (a checkpoint series is a folder of step<N>/ model folders)");
    CheckpointSeries out;
    out.folder = fs::absolute(dir).string();
    std::map<std::int64_t, std::string> seen;
    for (const auto &e : fs::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        const auto step = parseStep(name);
        if (!step || !e.is_directory()) {
            out.ignored.push_back(name);
            continue;
        }
        if (const auto it = seen.find(*step); it != seen.end())
            throw Error::badInput(dir + ": folders '" + it->second + "' and '" + name + "' both name step " +
                                  std::to_string(*step));
        seen.emplace(*step, name);
        out.checkpoints.push_back({*step, name, fs::absolute(e.path()).string(),
                                   fs::exists(e.path() / "config.json")});
    }
    if (ec)
        throw Error::badInput(dir + ": cannot list folder: " + ec.message());
    std::sort(out.checkpoints.begin(), out.checkpoints.end(),
              [](const CheckpointFolder &a, const CheckpointFolder &b) { return a.step < b.step; });
    std::sort(out.ignored.begin(), out.ignored.end());
    return out;
}

SeriesMatch matchCheckpointSeries(const CheckpointSeries &series, const std::vector<std::string> &hookPoints)
{
    SeriesMatch m;
    m.hookPoints = hookPoints;
    std::map<std::int64_t, const CheckpointFolder *> byStep;
    for (const auto &c : series.checkpoints)
        byStep.emplace(c.step, &c);
    std::map<std::int64_t, bool> used;
    for (const auto &hook : hookPoints) {
        const auto step = parseStep(hook);
        if (!step)
            throw Error::badInput("crosscoder hook point '" + hook +
                                  "' names no training step, so it cannot be matched to a checkpoint folder");
        const auto it = byStep.find(*step);
        if (it == byStep.end()) {
            m.paths.emplace_back();
            m.missing.push_back(hook);
            continue;
        }
        used[*step] = true;
        m.paths.push_back(it->second->path);
        if (!it->second->hasConfig)
            m.noConfig.push_back(it->second->name);
    }
    for (const auto &c : series.checkpoints)
        if (!used.count(c.step))
            m.extra.push_back(c.name);
    return m;
}

std::string SeriesMatch::describe() const
{
    const std::size_t matched = hookPoints.size() - missing.size();
    std::string s = std::to_string(matched) + " of " + std::to_string(hookPoints.size()) +
                    " snapshots have a checkpoint folder.";
    if (!missing.empty())
        s += " Missing: " + joined(missing) + ".";
    if (!noConfig.empty())
        s += " Without config.json: " + joined(noConfig) + ".";
    if (!extra.empty())
        s += " Not in the crosscoder (ignored): " + joined(extra) + ".";
    return s;
}

} // namespace gb
