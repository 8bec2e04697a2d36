// SPDX-License-Identifier: MIT
#include "evolution/evolutionjson.h"

#include "evolution/evolutiondata.h"
#include "evolution/evolutionsummary.h"
#include "evolution/modeldiff.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace gb {

namespace {

/// The double closest to the float's shortest decimal form, so the writer prints "0.1", not
/// "0.10000000149011612": the JSON stays half the size and reads as the user expects.
double shortest(float v)
{
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf - 1, v);
    *r.ptr = '\0';
    return std::strtod(buf, nullptr);
}

/// -1 ("none") becomes null.
template<typename T>
Json indexArray(const std::vector<T> &v)
{
    Json a = Json::array();
    for (const T x : v)
        a.push(x < 0 ? Json() : Json(x));
    return a;
}

Json stepOf(const EvolutionData &d, std::int64_t index)
{
    return index < 0 ? Json() : Json(d.steps.steps[static_cast<std::size_t>(index)]);
}

Json turningPointJson(const EvolutionData &d, const EvolutionSummary &s)
{
    Json t = Json::object();
    t.set("transition_index", s.turningIndex < 0 ? Json() : Json(s.turningIndex))
        .set("from_step", stepOf(d, s.turningIndex))
        .set("to_step", stepOf(d, s.turningIndex < 0 ? -1 : s.turningIndex + 1))
        .set("median_change", floatArrayJson(s.medianChange))
        .set("mean_change", floatArrayJson(s.meanChange))
        .set("features_counted", Json::arrayOf(s.changeCounts))
        .set("direction_level", s.options.directionLevel);
    return t;
}

} // namespace

Json floatArrayJson(const float *values, std::size_t n)
{
    Json::Array a;
    a.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
        a.emplace_back(std::isfinite(values[i]) ? Json(shortest(values[i])) : Json());
    return Json(std::move(a));
}

Json evolutionJson(const EvolutionData &d, const EvolutionSummary &s)
{
    Json norms = Json::array();
    for (std::int64_t h = 0; h < d.heads; ++h)
        norms.push(floatArrayJson(d.norms.data() + h * d.features, static_cast<std::size_t>(d.features)));
    Json j = Json::object();
    j.set("heads", d.heads)
        .set("features", d.features)
        .set("d_model", d.dModel)
        .set("hook_points", Json::arrayOf(d.headNames))
        .set("steps", Json::arrayOf(d.steps.steps))
        .set("steps_from_names", d.steps.fromNames);
    if (!d.steps.fromNames)
        j.set("steps_note", "steps are head indices: " + d.steps.reason);
    j.set("level", s.options.level)
        .set("decoder_norms", std::move(norms))
        .set("max_norm", floatArrayJson(s.maxNorm))
        .set("peak_snapshot_index", indexArray(s.peakIndex))
        .set("peak_step", indexArray(s.peakStep))
        .set("emergence_index", indexArray(s.emergenceIndex))
        .set("emergence_step", indexArray(s.emergenceStep))
        .set("lifetime", floatArrayJson(s.lifetime))
        .set("dead_features", s.deadCount)
        .set("non_finite_features", s.nonFiniteCount)
        .set("psi_counts", Json::arrayOf(s.psiCounts))
        .set("population", Json::object()
                               .set("median_normalised_norm", floatArrayJson(s.medianCurve))
                               .set("lower_quartile", floatArrayJson(s.lowerQuartileCurve))
                               .set("upper_quartile", floatArrayJson(s.upperQuartileCurve)))
        .set("turning_point", turningPointJson(d, s));
    return j;
}

Json modelDiffJson(const ModelDiffSummary &m)
{
    Json j = Json::object();
    j.set("relative_norm", floatArrayJson(m.relativeNorm))
        .set("cosine", floatArrayJson(m.cosine))
        .set("relative_norm_histogram", Json::object()
                                            .set("range", Json::array().push(0.0).push(1.0))
                                            .set("counts", Json::arrayOf(m.relativeNormHistogram)))
        .set("shared_cosine_histogram", Json::object()
                                            .set("range", Json::array().push(-1.0).push(1.0))
                                            .set("counts", Json::arrayOf(m.sharedCosineHistogram)))
        .set("a_only", m.aOnly)
        .set("b_only", m.bOnly)
        .set("shared", m.shared)
        .set("dead", m.dead)
        .set("thresholds", Json::object()
                               .set("exclusive", m.options.exclusive)
                               .set("shared_low", m.options.sharedLow)
                               .set("shared_high", m.options.sharedHigh));
    return j;
}

} // namespace gb
