// SPDX-License-Identifier: MIT
#include "tabular/resultjson.h"

#include "io/csv.h"
#include "tabular/ale.h"
#include "tabular/pdp.h"

namespace gb::tabular {

namespace {

// A flat row-major vector as `rows` lists.
template<typename T>
Json matrix(const std::vector<T> &v, std::size_t rows)
{
    Json out = Json::array();
    const std::size_t cols = rows ? v.size() / rows : 0;
    for (std::size_t r = 0; r < rows; ++r)
        out.push(Json::arrayOf(std::vector<T>(v.begin() + std::ptrdiff_t(r * cols), v.begin() + std::ptrdiff_t((r + 1) * cols))));
    return out;
}

Json band(const std::vector<double> &lo, const std::vector<double> &hi)
{
    return Json::object().set("lower", Json::arrayOf(lo)).set("upper", Json::arrayOf(hi));
}

Json levelLabels(const TabularData &data, int feature, const std::vector<double> &codes)
{
    Json labels = Json::array();
    for (double v : codes)
        labels.push(data.levelText(feature, v));
    return labels;
}

} // namespace

Json pdpJson(const PdpResult &r, const TabularData &data)
{
    Json j = Json::object();
    const bool twoD = r.grid.size() == 2;
    j.set("feature", data.names[std::size_t(r.features[0])]);
    if (twoD) {
        j.set("feature2", data.names[std::size_t(r.features[1])]);
        j.set("grid", Json(Json::Array{Json::arrayOf(r.grid[0]), Json::arrayOf(r.grid[1])}));
        j.set("average", matrix(r.average, r.grid[0].size()));
    } else {
        j.set("grid", Json::arrayOf(r.grid[0]));
        j.set("average", Json::arrayOf(r.average));
    }
    for (std::size_t k = 0; k < r.features.size(); ++k)
        if (!data.levelLabels[std::size_t(r.features[k])].empty())
            j.set(k == 0 ? "levels" : "levels2", levelLabels(data, r.features[k], r.grid[k]));
    if (!r.iceRows.empty()) {
        Json individual = Json::array();
        const std::size_t points = std::size_t(r.points());
        for (std::size_t k = 0; k < r.iceRows.size(); ++k) {
            const std::vector<float> curve(r.individual.begin() + std::ptrdiff_t(k * points),
                                           r.individual.begin() + std::ptrdiff_t((k + 1) * points));
            individual.push(twoD ? matrix(curve, r.grid[0].size()) : Json::arrayOf(curve));
        }
        j.set("individual", individual);
        if (std::int64_t(r.iceRows.size()) < data.rows)
            j.set("ice_rows", Json::arrayOf(r.iceRows));
    }
    j.set("centered", r.centered);
    if (r.centered && !twoD)
        j.set("anchor", r.anchor);
    if (!r.bandLower.empty())
        j.set("band", band(r.bandLower, r.bandUpper));
    // How the values were obtained: "exact walk" of a ReLU network's regions or "brute" forwards.
    j.set("evaluation", r.exactWalk ? "exact walk" : "brute");
    return j;
}

Json aleJson(const AleResult &r, const TabularData &data)
{
    Json j = Json::object();
    j.set("feature", data.names[std::size_t(r.features[0])]);
    if (r.features.size() == 2) {
        j.set("feature2", data.names[std::size_t(r.features[1])])
            .set("edges", Json(Json::Array{Json::arrayOf(r.edges[0]), Json::arrayOf(r.edges[1])}))
            .set("ale", matrix(r.ale, r.edges[0].size()))
            .set("counts", matrix(r.counts, r.edges[0].size() - 1));
        return j;
    }
    j.set("edges", Json::arrayOf(r.edges[0])).set("ale", Json::arrayOf(r.ale)).set("counts", Json::arrayOf(r.counts));
    if (r.categorical)
        j.set("levels", Json::arrayOf(r.levels));
    if (!r.bandLower.empty())
        j.set("band", band(r.bandLower, r.bandUpper));
    return j;
}

} // namespace gb::tabular
