// SPDX-License-Identifier: MIT
#include "attribution/methods.h"

#include "attribution/tokenscores.h"
#include "common/error.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"

#include <chrono>

namespace gb {

namespace {

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

} // namespace

MethodResult runMethod(const AttributionProblem &problem, AttributionMethod method, const MethodOptions &options,
                       Progress &progress, const CancelToken &cancel)
{
    const auto start = std::chrono::steady_clock::now();
    cancel.throwIfCancelled();
    MethodResult r = dispatch(problem, method, options, progress, cancel);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
}

} // namespace gb
