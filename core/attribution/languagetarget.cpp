// SPDX-License-Identifier: MIT
#include "attribution/languagetarget.h"

#include "common/error.h"
#include "common/torch_guard.h"
#include "models/modelconfig.h"
#include "models/transformermodel.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include <algorithm>
#include <array>
#include <utility>

namespace gb {

namespace {

constexpr std::array<std::pair<LmTargetSpec::Kind, const char *>, 5> KindNames{{
    {LmTargetSpec::Kind::Logit, "logit"},
    {LmTargetSpec::Kind::Probability, "prob"},
    {LmTargetSpec::Kind::LogProbability, "logprob"},
    {LmTargetSpec::Kind::LogitDifference, "logit_diff"},
    {LmTargetSpec::Kind::Feature, "feature"},
}};

void requireToken(std::int64_t id, const ModelConfig &c, const std::string &what)
{
    require(id >= 0 && id < c.vocabSize, "attribution",
            what + " " + std::to_string(id) + " is outside the vocabulary [0, " + std::to_string(c.vocabSize) + ")");
}

/// F on a batch of inputs truncated to the explained position: a forward that stops at the
/// last hook needed, then the target read at that position.
struct LmEvaluator {
    std::shared_ptr<const TransformerModel> model;
    LmTargetSpec target;
    LmInput input = LmInput::TokenEmbeddings;
    std::int64_t position = 0;
    std::string stopHook;

    at::Tensor operator()(const at::Tensor &x) const
    {
        ForwardInput in;
        if (input == LmInput::TokenEmbeddings)
            in.tokenEmbeddings = x.slice(1, 0, position + 1);
        else
            in.residual = x.slice(1, 0, position + 1);
        ForwardOptions options;
        options.logits = false;
        options.capture = {stopHook};
        options.lastPositionOnly = true;
        const ForwardResult r = model->forward(in, options);
        // The input ends at the position, and the last block computed only that one.
        const at::Tensor h = r.hook(stopHook).select(1, -1).flatten(1); // [B, d_hook]
        if (target.kind == LmTargetSpec::Kind::Feature)
            return target.featureActivation(h);
        const at::Tensor logits = model->unembed(h); // [B, vocab]
        switch (target.kind) {
        case LmTargetSpec::Kind::Logit: return logits.select(1, target.token);
        case LmTargetSpec::Kind::LogitDifference: return logits.select(1, target.token) - logits.select(1, target.foil);
        case LmTargetSpec::Kind::Probability: return at::softmax(logits, 1).select(1, target.token);
        default: return at::log_softmax(logits, 1).select(1, target.token);
        }
    }
};

int layerOf(const std::string &hook, int fallback)
{
    const auto dot = hook.find('.');
    if (hook.rfind("blocks.", 0) != 0 || dot == std::string::npos)
        return fallback;
    return std::stoi(hook.substr(dot + 1));
}

/// The prompt as the path's input: token embeddings, or the residual entering block 0.
at::Tensor inputOf(const TransformerModel &model, const at::Tensor &ids, LmInput input)
{
    at::NoGradGuard noGrad;
    if (input == LmInput::TokenEmbeddings)
        return model.embed(ids.view({1, -1})).detach().reshape({ids.size(0), -1}).to(at::kFloat).clone();
    ForwardInput in;
    in.tokens = ids.view({1, -1});
    ForwardOptions options;
    options.logits = false;
    options.capture = {"blocks.0.hook_resid_pre"};
    return model.forward(in, options).hook("blocks.0.hook_resid_pre").squeeze(0).detach().to(at::kFloat).clone();
}

} // namespace

std::string toString(LmTargetSpec::Kind k)
{
    for (const auto &[kind, name] : KindNames)
        if (kind == k)
            return name;
    return "unknown";
}

LmTargetSpec::Kind parseTargetKind(const std::string &name)
{
    std::string valid;
    for (const auto &[kind, n] : KindNames) {
        if (name == n)
            return kind;
        valid += (valid.empty() ? "" : ", ") + std::string(n);
    }
    throw Error::badInput("unknown target \"" + name + "\" (valid: " + valid + ")");
}

std::string toString(LmInput i)
{
    return i == LmInput::TokenEmbeddings ? "token_embeddings" : "resid_pre";
}

LmInput parseLmInput(const std::string &name)
{
    if (name == "token_embeddings")
        return LmInput::TokenEmbeddings;
    if (name == "resid_pre" || name == "blocks.0.hook_resid_pre")
        return LmInput::ResidPre;
    throw Error::badInput("unknown attribution input \"" + name + "\" (valid: token_embeddings, resid_pre)");
}

std::string toString(const LmBaseline &b)
{
    return b.isZero() ? "zero" : "token:" + std::to_string(b.token);
}

LmBaseline parseLmBaseline(const std::string &s)
{
    if (s == "zero")
        return {};
    if (s.rfind("token:", 0) == 0) {
        const std::string id = s.substr(6);
        if (!id.empty() && std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isdigit(c); })
            && id.size() < 12)
            return LmBaseline{std::stoll(id)};
    }
    throw Error::badInput("unknown baseline \"" + s + "\" (valid: zero, token:ID)");
}

std::int64_t lmBytesPerSample(const ModelConfig &c, std::int64_t tokens, int layers)
{
    // Per layer and token, autograd keeps the LayerNorm outputs, q/k/v, z, the MLP's hidden
    // activations and the GELU's intermediates (about 40 d floats), plus each head's scores and
    // pattern row (measured with bench_attribution, see docs/BENCHMARKS.md).
    const std::int64_t perToken = 40 * std::int64_t(c.dModel) + 4 * std::int64_t(c.nHeads) * tokens;
    return 4 * (tokens * std::int64_t(layers) * perToken + 4 * std::int64_t(c.vocabSize));
}

LmProblem makeLmProblem(std::shared_ptr<const TransformerModel> model, const std::vector<std::int64_t> &ids,
                        const LmTargetSpec &target, LmInput input, const LmBaseline &baseline,
                        std::int64_t memoryBudgetBytes)
{
    require(model != nullptr, "attribution", "no model loaded");
    const ModelConfig &c = model->config();
    const std::int64_t t = std::int64_t(ids.size());
    require(t >= 1, "attribution", "the prompt has no tokens");
    require(t <= c.nCtx, "attribution",
            "the prompt has " + std::to_string(t) + " tokens, more than the model's context of " + std::to_string(c.nCtx));
    for (const std::int64_t id : ids)
        requireToken(id, c, "prompt token");
    const std::int64_t position = target.position < 0 ? t - 1 : target.position;
    require(position < t, "attribution",
            "position " + std::to_string(target.position) + " is outside the prompt of " + std::to_string(t) + " tokens");
    if (target.kind == LmTargetSpec::Kind::Feature) {
        require(bool(target.featureActivation) && model->hasHook(target.featureHook), "attribution",
                "feature target needs a dictionary and a hook the model has (\"" + target.featureHook + "\")");
    } else {
        requireToken(target.token, c, "target token");
        if (target.kind == LmTargetSpec::Kind::LogitDifference)
            requireToken(target.foil, c, "foil token");
    }
    if (!baseline.isZero())
        requireToken(baseline.token, c, "baseline token");

    return torchGuard("preparing the attribution", [&] {
        const at::Tensor idTensor = at::tensor(ids, at::kLong);
        LmProblem p;
        p.position = position;
        p.input = inputOf(*model, idTensor, input);
        p.baseline = baseline.isZero() ? at::zeros_like(p.input)
                                        : inputOf(*model, at::full({t}, baseline.token, at::kLong), input);
        const bool feature = target.kind == LmTargetSpec::Kind::Feature;
        const std::string stop = feature ? target.featureHook : "blocks." + std::to_string(c.nLayers - 1) + ".hook_resid_post";
        const int layers = feature ? layerOf(stop, c.nLayers - 1) + 1 : c.nLayers;
        p.gradient.evaluate = LmEvaluator{model, target, input, position, stop};
        p.gradient.bytesPerSample = lmBytesPerSample(c, position + 1, layers);
        p.masks = maskTargetOf(p.gradient, p.input, p.baseline, memoryBudgetBytes);
        return p;
    });
}

std::vector<std::pair<std::int64_t, double>> topNextTokens(const TransformerModel &model,
                                                           const std::vector<std::int64_t> &ids,
                                                           std::int64_t position, int k)
{
    require(!ids.empty(), "next tokens", "the prompt has no tokens");
    const std::int64_t t = std::int64_t(ids.size());
    const std::int64_t p = position < 0 ? t - 1 : position;
    require(p < t, "next tokens", "position outside the prompt");
    return torchGuard("next-token distribution", [&] {
        at::NoGradGuard noGrad;
        const at::Tensor logits = model.logits(at::tensor(ids, at::kLong).slice(0, 0, p + 1).view({1, -1}));
        const at::Tensor probs = at::softmax(logits[0][p].to(at::kDouble), 0);
        const auto top = probs.topk(std::min<std::int64_t>(k, probs.size(0)));
        const at::Tensor values = std::get<0>(top).contiguous(), indices = std::get<1>(top).contiguous();
        std::vector<std::pair<std::int64_t, double>> out;
        for (std::int64_t i = 0; i < values.size(0); ++i)
            out.emplace_back(indices[i].item<std::int64_t>(), values[i].item<double>());
        return out;
    });
}

} // namespace gb
