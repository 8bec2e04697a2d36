// SPDX-License-Identifier: MIT
#include "features/steering.h"

#include "common/error.h"
#include "common/torch_guard.h"
#include "dictionaries/compatibility.h"
#include "dictionaries/reconstruction.h"
#include "dictionaries/sparsedictionary.h"
#include "jobs/cancel.h"
#include "models/transformermodel.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

namespace gb {

namespace {

/// f with the edits applied (f is [T, F] for one sequence).
at::Tensor applyEdits(const at::Tensor &f, const std::vector<FeatureEdit> &edits, std::int64_t promptLength)
{
    at::Tensor out = f.clone();
    const std::int64_t T = f.size(0);
    for (const FeatureEdit &e : edits) {
        at::Tensor rows;
        if (e.positions.empty()) {
            rows = at::arange(T, at::kLong);
        } else {
            std::vector<std::int64_t> valid;
            for (const std::int64_t p : e.positions)
                if (p >= 0 && p < std::min(T, promptLength))
                    valid.push_back(p);
            if (valid.empty())
                continue;
            rows = at::tensor(valid, at::kLong);
        }
        at::Tensor column = out.select(1, e.feature);
        switch (e.mode) {
        case FeatureEdit::Mode::Clamp:
            column.index_fill_(0, rows, e.value);
            break;
        case FeatureEdit::Mode::Scale:
            column.index_copy_(0, rows, column.index_select(0, rows) * e.value);
            break;
        case FeatureEdit::Mode::Zero:
            column.index_fill_(0, rows, 0.0);
            break;
        }
    }
    return out;
}

/// Forward options that splice the edits in; `stash` keeps a transcoder's input between hooks.
ForwardOptions editedForward(const SparseDictionary &dict, const std::vector<FeatureEdit> &edits,
                             std::int64_t promptLength, std::shared_ptr<at::Tensor> stash)
{
    ForwardOptions o;
    o.inference = true;
    if (edits.empty())
        return o;
    const bool transcoder = dict.hookIn() != dict.hookOut();
    if (transcoder)
        o.edits[dict.hookIn()] = [stash](const at::Tensor &value, const std::string &) {
            *stash = value;
            return value;
        };
    o.edits[dict.hookOut()] = [&dict, &edits, promptLength, stash, transcoder](const at::Tensor &value, const std::string &) {
        const at::Tensor x = readFromHook(dict, transcoder ? *stash : value)[0];
        const at::Tensor target = readFromHook(dict, value)[0];
        const at::Tensor f = dict.encode(x);
        const at::Tensor flat = f.reshape({f.size(0), dict.dSae()});
        const at::Tensor edited = applyEdits(flat, edits, promptLength).reshape(f.sizes());
        const at::Tensor spliced = dict.spliceEdited(x, edited, transcoder ? target : at::Tensor());
        return placeAtHook(dict, value, spliced.unsqueeze(0));
    };
    return o;
}

at::Tensor lastLogits(const TransformerModel &model, const std::vector<std::int64_t> &tokens, const ForwardOptions &o)
{
    ForwardInput in;
    in.tokens = at::tensor(tokens, at::kLong).unsqueeze(0);
    return model.forward(in, o).logits[0][std::int64_t(tokens.size()) - 1].to(at::kDouble);
}

void checkEdits(const SparseDictionary &dict, const std::vector<FeatureEdit> &edits)
{
    for (const FeatureEdit &e : edits)
        require(e.feature >= 0 && e.feature < dict.dSae(), "steering",
                "feature " + std::to_string(e.feature) + " out of range [0, " + std::to_string(dict.dSae()) + ")");
}

} // namespace

const char *toString(FeatureEdit::Mode m)
{
    switch (m) {
    case FeatureEdit::Mode::Clamp:
        return "clamp";
    case FeatureEdit::Mode::Scale:
        return "scale";
    case FeatureEdit::Mode::Zero:
        return "zero";
    }
    return "zero";
}

FeatureEdit::Mode featureEditModeFromString(const std::string &s)
{
    if (s == "clamp")
        return FeatureEdit::Mode::Clamp;
    if (s == "scale")
        return FeatureEdit::Mode::Scale;
    if (s == "zero")
        return FeatureEdit::Mode::Zero;
    throw Error::badInput("unknown edit '" + s + "' (clamp, scale or zero)");
}

Json SteeringResult::toJson() const
{
    auto candidates = [](const std::vector<Candidate> &v) {
        Json a = Json::array();
        for (const auto &c : v)
            a.push(Json::object().set("token", c.token).set("probability", c.probability));
        return a;
    };
    Json j = Json::object();
    j.set("before", candidates(before))
        .set("after", candidates(after))
        .set("continuation_before", Json::arrayOf(continuationBefore))
        .set("continuation_after", Json::arrayOf(continuationAfter));
    return j;
}

std::vector<float> steeredLogits(const TransformerModel &model, const SparseDictionary &dict,
                                 const std::vector<std::int64_t> &tokens, const std::vector<FeatureEdit> &edits)
{
    checkCompatibility(dict, model);
    checkEdits(dict, edits);
    const ForwardOptions o = editedForward(dict, edits, std::int64_t(tokens.size()), std::make_shared<at::Tensor>());
    return torchGuard("steering", [&] {
        ForwardInput in;
        in.tokens = at::tensor(tokens, at::kLong).unsqueeze(0);
        const at::Tensor l = model.forward(in, o).logits[0].to(at::kFloat).contiguous();
        return std::vector<float>(l.data_ptr<float>(), l.data_ptr<float>() + l.numel());
    });
}

SteeringResult steer(const TransformerModel &model, const SparseDictionary &dict, const std::vector<std::int64_t> &prompt,
                     const std::vector<FeatureEdit> &edits, int topK, int newTokens, const CancelToken *cancel)
{
    checkCompatibility(dict, model);
    checkEdits(dict, edits);
    require(!prompt.empty(), "steering", "empty prompt");
    require(std::int64_t(prompt.size()) + newTokens <= model.config().nCtx, "steering",
            "prompt plus continuation exceed the model's context of " + std::to_string(model.config().nCtx));
    const std::int64_t L = std::int64_t(prompt.size());
    const ForwardOptions plain = editedForward(dict, {}, L, nullptr);
    const ForwardOptions edited = editedForward(dict, edits, L, std::make_shared<at::Tensor>());
    SteeringResult r;
    torchGuard("steering", [&] {
        auto top = [&](const at::Tensor &logits) {
            const at::Tensor p = at::softmax(logits, 0);
            const auto t = at::topk(p, std::min<std::int64_t>(topK, p.size(0)));
            std::vector<SteeringResult::Candidate> out;
            for (std::int64_t i = 0; i < std::get<0>(t).size(0); ++i)
                out.push_back({std::get<1>(t)[i].item<std::int64_t>(), std::get<0>(t)[i].item<double>()});
            return out;
        };
        r.before = top(lastLogits(model, prompt, plain));
        r.after = top(lastLogits(model, prompt, edited));
        auto greedy = [&](const ForwardOptions &o, std::vector<std::int64_t> &out) {
            std::vector<std::int64_t> seq = prompt;
            for (int i = 0; i < newTokens; ++i) {
                if (cancel)
                    cancel->throwIfCancelled();
                const std::int64_t next = lastLogits(model, seq, o).argmax().item<std::int64_t>();
                seq.push_back(next);
                out.push_back(next);
            }
        };
        greedy(plain, r.continuationBefore);
        greedy(edited, r.continuationAfter);
    });
    return r;
}

} // namespace gb
