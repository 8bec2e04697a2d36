// SPDX-License-Identifier: MIT
#include "attribution/methods.h"

#include "attribution/ranking.h"
#include "attribution/tokenscores.h"
#include "common/error.h"
#include "io/json.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"

#include <array>
#include <chrono>
#include <cmath>

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

MethodResult fromGradient(const GradientAttribution &g, AttributionMethod m)
{
    MethodResult r;
    r.method = m;
    r.scores = tokenScores(g.attributions, TokenReduction::Sum);
    r.scoresL2 = tokenScores(g.attributions, TokenReduction::L2);
    r.fX = g.fX;
    r.fBaseline = g.fBaseline;
    r.delta = g.delta;
    r.steps = g.steps;
    r.converged = g.converged;
    r.levels = g.levels;
    r.evaluations = 0;
    for (const auto &level : g.levels)
        r.evaluations += level.first;
    if (g.levels.empty())
        r.evaluations = g.steps;
    return r;
}

MethodResult fromTokens(const TokenAttribution &t, AttributionMethod m, int perturbations)
{
    MethodResult r;
    r.method = m;
    r.scores = t.scores;
    r.fX = t.fX;
    r.fBaseline = t.fBaseline;
    r.delta = t.delta;
    r.steps = perturbations;
    r.evaluations = t.evaluations;
    r.intercept = t.intercept;
    r.r2 = t.r2;
    r.exact = t.exact;
    return r;
}

MethodResult dispatch(const AttributionProblem &p, AttributionMethod method, const MethodOptions &o,
                      Progress &progress, const CancelToken &cancel)
{
    switch (method) {
    case AttributionMethod::Saliency: {
        MethodResult r = fromGradient(saliency(p.gradient, p.input, o.saliencyAbsolute), method);
        progress.update(1, 1);
        return r;
    }
    case AttributionMethod::GradientXInput: {
        MethodResult r = fromGradient(gradientTimesInput(p.gradient, p.input), method);
        progress.update(1, 1);
        return r;
    }
    case AttributionMethod::IntegratedGradients:
        return fromGradient(o.adaptive ? adaptiveIntegratedGradients(p.gradient, p.input, p.baseline, *o.adaptive,
                                                                     progress, cancel)
                                       : integratedGradients(p.gradient, p.input, p.baseline, o.ig, progress, cancel),
                            method);
    case AttributionMethod::Occlusion: {
        const TokenAttribution t = occlusion(p.masks, o.occlusion, progress, cancel);
        return fromTokens(t, method, t.evaluations - 2);
    }
    case AttributionMethod::Lime: {
        const TokenAttribution t = lime(p.masks, o.lime, progress, cancel);
        return fromTokens(t, method, t.evaluations - 2);
    }
    case AttributionMethod::KernelShap: {
        const TokenAttribution t = kernelShap(p.masks, o.kernelShap, progress, cancel);
        return fromTokens(t, method, t.evaluations - 2);
    }
    }
    throw Error::internal("unknown attribution method");
}

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

MethodResult runMethod(const AttributionProblem &problem, AttributionMethod method, const MethodOptions &options,
                       Progress &progress, const CancelToken &cancel)
{
    const auto start = std::chrono::steady_clock::now();
    cancel.throwIfCancelled();
    MethodResult r = dispatch(problem, method, options, progress, cancel);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
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
            for (const auto &[steps, delta] : r.levels)
                levels.push(Json::object().set("steps", steps).set("delta", numberOrNull(delta)));
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

} // namespace gb
