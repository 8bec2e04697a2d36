// SPDX-License-Identifier: MIT
#include "attribution/attributionjob.h"

#include "attribution/faithfulness.h"
#include "common/error.h"
#include "io/json.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "models/transformermodel.h"

namespace gb {

namespace {

AttributionProblem problemOf(const LmProblem &p)
{
    return AttributionProblem{p.input, p.baseline, p.gradient, p.masks};
}

Json targetJson(const LmTargetSpec &t)
{
    Json j = Json::object();
    j.set("kind", toString(t.kind)).set("position", t.position);
    if (t.kind == LmTargetSpec::Kind::Feature)
        j.set("hook", t.featureHook).set("feature", t.featureLabel);
    else
        j.set("token", t.token);
    if (t.kind == LmTargetSpec::Kind::LogitDifference)
        j.set("foil", t.foil);
    return j;
}

} // namespace

AttributionOutcome runAttribution(const AttributionRequest &request, Progress &progress, const CancelToken &cancel)
{
    require(!request.methods.empty(), "attribution", "no method chosen");
    const LmProblem lm = makeLmProblem(request.model, request.ids, request.target, request.input, request.baseline,
                                       request.memoryBudgetBytes);
    const AttributionProblem problem = problemOf(lm);
    AttributionOutcome out;
    out.ids = request.ids;
    out.position = lm.position;
    // Each method gets an equal share of the bar; faithfulness takes the last quarter of it.
    const double share = 1.0 / double(request.methods.size());
    for (std::size_t i = 0; i < request.methods.size(); ++i) {
        const AttributionMethod m = request.methods[i];
        const double begin = share * double(i), end = share * double(i + 1);
        const double split = request.faithfulness ? begin + 0.75 * share : end;
        progress.beginStage(displayName(m), begin, split, isGradientMethod(m) ? "steps" : "prompts");
        out.results.push_back(runMethod(problem, m, request.options, progress, cancel));
        if (request.faithfulness) {
            progress.beginStage(displayName(m) + ": deletion / insertion", split, end, "prompts");
            out.faithfulness.push_back(deletionInsertion(problem.masks, out.results.back().scores,
                                                         request.faithfulnessPoints, progress, cancel));
        }
    }
    out.agreement = methodAgreement(out.results);
    progress.flush();
    return out;
}

GenerationAttribution runGenerationAttribution(const GenerationAttributionRequest &request, Progress &progress,
                                               const CancelToken &cancel)
{
    require(request.model != nullptr, "generation attribution", "no model loaded");
    require(!request.prompt.empty(), "generation attribution", "the prompt has no tokens");
    require(request.kind != LmTargetSpec::Kind::Feature && request.kind != LmTargetSpec::Kind::LogitDifference,
            "generation attribution", "explains each generated token's logit, probability or log-probability");
    GenerationAttribution out;
    out.ids = request.prompt;
    out.promptLength = int(request.prompt.size());
    std::vector<std::int64_t> generated = request.continuation;
    if (generated.empty()) {
        require(request.newTokens >= 1, "generation attribution", "generate at least one token");
        progress.beginStage("generating", 0.0, 0.02, "tokens");
        GenerateOptions g;
        g.maxNewTokens = request.newTokens;
        generated = request.model->generate(request.prompt, g, &cancel);
        cancel.throwIfCancelled();
    }
    out.ids.insert(out.ids.end(), generated.begin(), generated.end());
    const double share = 0.98 / double(std::max<std::size_t>(1, generated.size()));
    for (std::size_t g = 0; g < generated.size(); ++g) {
        progress.beginStage("attributing generated token " + std::to_string(g + 1) + " of " + std::to_string(generated.size()),
                            0.02 + share * double(g), 0.02 + share * double(g + 1), "steps");
        const std::vector<std::int64_t> prefix(out.ids.begin(), out.ids.begin() + out.promptLength + std::ptrdiff_t(g));
        LmTargetSpec target;
        target.kind = request.kind;
        target.token = generated[g];
        const LmProblem lm = makeLmProblem(request.model, prefix, target, request.input, request.baseline,
                                           request.memoryBudgetBytes);
        out.rows.push_back(runMethod(problemOf(lm), request.method, request.options, progress, cancel));
    }
    progress.flush();
    return out;
}

Json optionsJson(AttributionMethod method, const MethodOptions &o)
{
    Json j = Json::object();
    switch (method) {
    case AttributionMethod::Saliency: j.set("absolute", o.saliencyAbsolute); break;
    case AttributionMethod::GradientXInput: break;
    case AttributionMethod::IntegratedGradients:
        if (o.adaptive)
            j.set("adaptive_tolerance", o.adaptive->tolerance).set("start_steps", o.adaptive->startSteps)
                .set("max_steps", o.adaptive->maxSteps).set("quadrature", toString(Quadrature::GaussKronrod));
        else
            j.set("steps", o.ig.steps).set("quadrature", toString(o.ig.quadrature));
        break;
    case AttributionMethod::Occlusion: j.set("window", o.occlusion.window).set("stride", o.occlusion.stride); break;
    case AttributionMethod::Lime:
        j.set("samples", o.lime.samples).set("seed", std::int64_t(o.lime.seed))
            .set("distance", o.lime.distance == LimeOptions::Distance::Cosine ? "cosine" : "hamming")
            .set("kernel_width", o.lime.kernelWidth).set("ridge_alpha", o.lime.ridgeAlpha);
        break;
    case AttributionMethod::KernelShap:
        j.set("samples", o.kernelShap.samples).set("seed", std::int64_t(o.kernelShap.seed));
        break;
    }
    return j;
}

Json toJson(const AttributionRequest &r)
{
    Json methods = Json::array();
    for (const AttributionMethod m : r.methods)
        methods.push(Json::object().set("method", toString(m)).set("options", optionsJson(m, r.options)));
    return Json::object()
        .set("token_ids", Json::arrayOf(r.ids))
        .set("target", targetJson(r.target))
        .set("wrt", toString(r.input))
        .set("baseline", toString(r.baseline))
        .set("methods", std::move(methods))
        .set("faithfulness", r.faithfulness)
        .set("memory_budget_bytes", r.memoryBudgetBytes);
}

Json toJson(const GenerationAttributionRequest &r)
{
    return Json::object()
        .set("prompt_ids", Json::arrayOf(r.prompt))
        .set("new_tokens", r.newTokens)
        .set("method", toString(r.method))
        .set("options", optionsJson(r.method, r.options))
        .set("target", toString(r.kind))
        .set("wrt", toString(r.input))
        .set("baseline", toString(r.baseline))
        .set("memory_budget_bytes", r.memoryBudgetBytes);
}

} // namespace gb
