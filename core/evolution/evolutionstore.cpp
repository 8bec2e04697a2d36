// SPDX-License-Identifier: MIT
#include "evolution/evolutionstore.h"

#include "common/error.h"
#include "evolution/evolutiondata.h"
#include "io/json.h"
#include "store/workspace.h"

#include <cstring>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "f32 results are stored little-endian");

namespace gb {

namespace {

std::string bytesOf(const std::vector<float> &v)
{
    return std::string(reinterpret_cast<const char *>(v.data()), v.size() * sizeof(float));
}

std::vector<float> floatsOf(const std::string &bytes, const std::string &what)
{
    require(bytes.size() % sizeof(float) == 0, what, "byte count is not a multiple of 4");
    std::vector<float> v(bytes.size() / sizeof(float));
    std::memcpy(v.data(), bytes.data(), bytes.size());
    return v;
}

std::string required(const Workspace &ws, std::int64_t runId, const std::string &name)
{
    auto r = ws.result(runId, name);
    if (!r)
        throw Error::badInput("run " + std::to_string(runId) + " has no result '" + name +
                              "' (not an evolution run?)");
    return std::move(*r);
}

} // namespace

void storeEvolutionData(Workspace &ws, std::int64_t runId, const EvolutionData &data)
{
    Json meta = Json::object();
    meta.set("heads", data.heads)
        .set("features", data.features)
        .set("d_model", data.dModel)
        .set("hook_points", Json::arrayOf(data.headNames));
    ws.putResult(runId, "evolution_data", "json", meta.dump());
    ws.putResult(runId, "decoder_norms", "f32", bytesOf(data.norms));
    ws.putResult(runId, "step_cosines", "f32", bytesOf(data.stepCosines));
}

EvolutionData loadEvolutionData(const Workspace &ws, std::int64_t runId)
{
    const std::string where = "run " + std::to_string(runId);
    const Json meta = Json::parse(required(ws, runId, "evolution_data"), where + " evolution_data");
    EvolutionData d;
    d.heads = meta.find("heads") ? meta.find("heads")->toInt("heads") : 0;
    d.features = meta.find("features") ? meta.find("features")->toInt("features") : 0;
    d.dModel = meta.find("d_model") ? meta.find("d_model")->toInt("d_model") : 0;
    if (const Json *names = meta.find("hook_points"))
        for (const Json &n : names->toArray("hook_points"))
            d.headNames.push_back(n.toString("hook point"));
    d.steps = snapshotSteps(d.headNames);
    d.norms = floatsOf(required(ws, runId, "decoder_norms"), where + " decoder_norms");
    d.stepCosines = floatsOf(required(ws, runId, "step_cosines"), where + " step_cosines");
    d.validate();
    return d;
}

} // namespace gb
