// SPDX-License-Identifier: MIT
#include "attribution/results.h"

#include "attribution/ranking.h"
#include "common/error.h"
#include "io/json.h"

#include <array>
#include <cmath>
#include <utility>

namespace gb {

namespace {

struct MethodName {
    AttributionMethod method;
    const char *name;
    const char *display;
};

constexpr std::array<MethodName, 6> Names{{
    {AttributionMethod::Saliency, "saliency", "Saliency"},
    {AttributionMethod::GradientXInput, "grad_x_input", "Gradient \xC3\x97 input"},
    {AttributionMethod::IntegratedGradients, "ig", "Integrated Gradients"},
    {AttributionMethod::Occlusion, "occlusion", "Occlusion"},
    {AttributionMethod::Lime, "lime", "LIME"},
    {AttributionMethod::KernelShap, "kernel_shap", "KernelSHAP"},
}};

Json numberOrNull(double v)
{
    return std::isfinite(v) ? Json(v) : Json();
}

} // namespace

std::string toString(AttributionMethod m)
{
    for (const MethodName &n : Names)
        if (n.method == m)
            return n.name;
    return "unknown";
}

std::string displayName(AttributionMethod m)
{
    for (const MethodName &n : Names)
        if (n.method == m)
            return n.display;
    return "unknown";
}

AttributionMethod parseAttributionMethod(const std::string &name)
{
    std::string valid;
    for (const MethodName &n : Names) {
        if (name == n.name)
            return n.method;
        valid += (valid.empty() ? "" : ", ") + std::string(n.name);
    }
    throw Error::badInput("unknown attribution method \"" + name + "\" (valid: " + valid + ")");
}

bool isGradientMethod(AttributionMethod m)
{
    return m == AttributionMethod::Saliency || m == AttributionMethod::GradientXInput
        || m == AttributionMethod::IntegratedGradients;
}

std::vector<AttributionMethod> allAttributionMethods()
{
    std::vector<AttributionMethod> all;
    for (const MethodName &n : Names)
        all.push_back(n.method);
    return all;
}

Json toJson(const MethodResult &r)
{
    Json j = Json::object();
    j.set("method", toString(r.method)).set("scores", Json::arrayOf(r.scores));
    if (!r.scoresL2.empty())
        j.set("scores_l2", Json::arrayOf(r.scoresL2));
    j.set("delta", numberOrNull(r.delta)).set("f_x", numberOrNull(r.fX)).set("f_baseline", numberOrNull(r.fBaseline))
        .set("steps", r.steps).set("evaluations", r.evaluations).set("seconds", r.seconds);
    if (r.method == AttributionMethod::IntegratedGradients) {
        j.set("converged", r.converged);
        if (!r.levels.empty()) {
            Json levels = Json::array();
            for (const auto &[points, delta] : r.levels)
                levels.push(Json::object().set("points", points).set("delta", numberOrNull(delta)));
            j.set("levels", std::move(levels));
        }
    }
    if (r.method == AttributionMethod::Lime)
        j.set("intercept", numberOrNull(r.intercept)).set("r2", numberOrNull(r.r2));
    if (r.method == AttributionMethod::KernelShap)
        j.set("exact", r.exact);
    return j;
}

std::vector<MethodAgreement> methodAgreement(const std::vector<MethodResult> &results)
{
    std::vector<MethodAgreement> out;
    for (std::size_t i = 0; i < results.size(); ++i)
        for (std::size_t j = i + 1; j < results.size(); ++j)
            out.push_back(MethodAgreement{int(i), int(j), spearman(results[i].scores, results[j].scores),
                                          kendallTauB(results[i].scores, results[j].scores)});
    return out;
}

Json toJson(const Faithfulness &f)
{
    Json j = Json::object();
    for (const auto &[name, curve] : {std::pair{"deletion", &f.deletion}, std::pair{"insertion", &f.insertion}})
        j.set(name, Json::object()
                        .set("fractions", Json::arrayOf(curve->fractions))
                        .set("values", Json::arrayOf(curve->values))
                        .set("auc", numberOrNull(curve->auc)));
    return j;
}

Json toJson(const AttributionOutcome &o)
{
    Json methods = Json::array();
    for (std::size_t i = 0; i < o.results.size(); ++i) {
        Json m = toJson(o.results[i]);
        if (i < o.faithfulness.size())
            m.set("faithfulness", toJson(o.faithfulness[i]));
        methods.push(std::move(m));
    }
    Json agreement = Json::array();
    for (const MethodAgreement &a : o.agreement)
        agreement.push(Json::object()
                           .set("a", toString(o.results[std::size_t(a.a)].method))
                           .set("b", toString(o.results[std::size_t(a.b)].method))
                           .set("spearman", numberOrNull(a.spearman))
                           .set("kendall", numberOrNull(a.kendall)));
    return Json::object()
        .set("token_ids", Json::arrayOf(o.ids))
        .set("position", o.position)
        .set("methods", std::move(methods))
        .set("agreement", std::move(agreement));
}

double GenerationAttribution::value(int g, int s) const
{
    const std::vector<double> &scores = rows[std::size_t(g)].scores;
    return s >= 0 && std::size_t(s) < scores.size() ? scores[std::size_t(s)] : std::numeric_limits<double>::quiet_NaN();
}

Json toJson(const GenerationAttribution &g)
{
    Json rows = Json::array();
    for (const MethodResult &r : g.rows)
        rows.push(toJson(r));
    return Json::object()
        .set("token_ids", Json::arrayOf(g.ids))
        .set("prompt_length", g.promptLength)
        .set("rows", std::move(rows));
}

} // namespace gb
