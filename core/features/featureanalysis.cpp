// SPDX-License-Identifier: MIT
#include "features/featureanalysis.h"

#include "common/error.h"
#include "common/torch_guard.h"
#include "dictionaries/compatibility.h"
#include "dictionaries/sparsedictionary.h"
#include "features/scandata.h"
#include "jobs/cancel.h"
#include "models/hookpoints.h"
#include "models/transformermodel.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <numeric>

namespace gb {

namespace {

constexpr int WindowsPerForward = 16;

/// Runs windows (padded to the longest) to the dictionary's hook; returns its input [B, T, ...].
at::Tensor hookInput(const TransformerModel &model, const SparseDictionary &dict,
                     const std::vector<std::vector<std::int64_t>> &windows)
{
    std::int64_t T = 0;
    for (const auto &w : windows)
        T = std::max<std::int64_t>(T, std::int64_t(w.size()));
    at::Tensor tokens = at::zeros({std::int64_t(windows.size()), T}, at::kLong);
    at::Tensor mask = at::zeros_like(tokens);
    auto *tok = tokens.data_ptr<std::int64_t>();
    auto *msk = mask.data_ptr<std::int64_t>();
    for (std::size_t b = 0; b < windows.size(); ++b)
        for (std::size_t p = 0; p < windows[b].size(); ++p) {
            tok[std::int64_t(b) * T + std::int64_t(p)] = windows[b][p];
            msk[std::int64_t(b) * T + std::int64_t(p)] = 1;
        }
    ForwardInput in;
    in.tokens = tokens;
    in.attentionMask = mask;
    ForwardOptions o;
    o.capture = {dict.hookIn()};
    o.logits = false;
    o.inference = true;
    return readFromHook(dict, model.forward(in, o).hook(dict.hookIn()));
}

std::vector<float> toFloats(const at::Tensor &t)
{
    const at::Tensor c = t.to(at::kFloat).contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

bool writesResidual(HookKind k)
{
    return k == HookKind::Embed || k == HookKind::PosEmbed || k == HookKind::ResidPre || k == HookKind::ResidMid
           || k == HookKind::ResidPost || k == HookKind::AttnOut || k == HookKind::MlpOut;
}

at::Tensor finalLayerNormGain(const TransformerModel &model)
{
    const auto endsWith = [](const std::string &name, const std::string &suffix) {
        return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    for (const auto &param : model.namedParameters())
        if (endsWith(param.first, "ln_f.weight") || endsWith(param.first, "final_layer_norm.weight"))
            return param.second;
    throw Error::internal("the model has no final LayerNorm gain");
}

} // namespace

std::int64_t PromptFeatures::columnOf(std::int64_t feature) const
{
    const auto it = std::lower_bound(features.begin(), features.end(), feature);
    return it != features.end() && *it == feature ? std::int64_t(it - features.begin()) : -1;
}

std::vector<std::pair<std::int64_t, float>> PromptFeatures::strongestAt(std::int64_t row, std::size_t k) const
{
    std::vector<std::pair<std::int64_t, float>> out;
    for (std::int64_t c = 0; c < cols(); ++c)
        if (value(row, c) > 0)
            out.emplace_back(features[std::size_t(c)], value(row, c));
    std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
    if (out.size() > k)
        out.resize(k);
    return out;
}

PromptFeatures analysePrompt(const TransformerModel &model, const SparseDictionary &dict,
                             const std::vector<std::int64_t> &tokens, std::int64_t bosToken)
{
    checkCompatibility(dict, model);
    require(!tokens.empty(), "prompt", "no tokens");
    PromptFeatures p;
    p.tokens = tokens;
    p.dSae = dict.dSae();
    torchGuard("prompt features", [&] {
        c10::InferenceMode guard;
        const at::Tensor x = hookInput(model, dict, {tokens})[0];
        const at::Tensor f = dict.encode(x).reshape({std::int64_t(tokens.size()), dict.dSae()});
        const at::Tensor active = (f > 0).any(0).nonzero().flatten();
        const at::Tensor cols = f.index_select(1, active).contiguous();
        const at::Tensor ids = active.contiguous();
        p.features.assign(ids.data_ptr<std::int64_t>(), ids.data_ptr<std::int64_t>() + ids.numel());
        p.values = toFloats(cols);
        p.maxValue = toFloats(std::get<0>(cols.max(0)));
        p.meanValue = toFloats(cols.mean(0));
        const at::Tensor counts = (cols > 0).sum(0).to(at::kInt).contiguous();
        p.count.assign(counts.data_ptr<int>(), counts.data_ptr<int>() + counts.numel());
    });
    if (tokens.size() >= 2)
        p.metrics = measureReconstruction(model, dict, at::tensor(tokens, at::kLong), bosToken);
    return p;
}

std::vector<std::int64_t> orderColumns(const PromptFeatures &p, FeatureOrder order)
{
    std::vector<std::int64_t> idx(std::size_t(p.cols()));
    std::iota(idx.begin(), idx.end(), 0);
    auto key = [&](std::int64_t c) -> double {
        switch (order) {
        case FeatureOrder::Max:
            return p.maxValue[std::size_t(c)];
        case FeatureOrder::Mean:
            return p.meanValue[std::size_t(c)];
        case FeatureOrder::Count:
            return p.count[std::size_t(c)];
        case FeatureOrder::Id:
            break;
        }
        return -double(p.features[std::size_t(c)]);
    };
    std::stable_sort(idx.begin(), idx.end(), [&](std::int64_t a, std::int64_t b) { return key(a) > key(b); });
    return idx;
}

LogitEffects logitEffects(const TransformerModel &model, const SparseDictionary &dict, std::int64_t feature, int k)
{
    require(feature >= 0 && feature < dict.dSae(), "logit effects", "feature " + std::to_string(feature) + " out of range");
    require(dict.kind() != DictionaryKind::Crosscoder, "logit effects", "pick one head of a crosscoder first");
    const HookTable &hooks = model.hooks();
    const int at = hooks.require(dict.hookOut());
    require(writesResidual(hooks.kind(at)) && dict.info().hookHeadIndex < 0, "logit effects",
            dict.hookOut() + " is not in the residual stream, so a feature's direction has no direct path to the logits");
    return torchGuard("logit effects", [&] {
        c10::InferenceMode guard;
        const at::Tensor d = dict.decoderDirections()[feature].to(at::kFloat);
        const at::Tensor effect = at::matmul((d - d.mean()) * finalLayerNormGain(model), model.unembeddingMatrix());
        const int n = std::min<int>(k, int(effect.size(0)));
        LogitEffects out;
        const auto top = at::topk(effect, n);
        const auto bottom = at::topk(effect, n, -1, /*largest=*/false);
        for (int i = 0; i < n; ++i) {
            out.positive.emplace_back(std::get<1>(top)[i].item<std::int64_t>(), std::get<0>(top)[i].item<float>());
            out.negative.emplace_back(std::get<1>(bottom)[i].item<std::int64_t>(), std::get<0>(bottom)[i].item<float>());
        }
        return out;
    });
}

DecoderNeighbours::DecoderNeighbours(const SparseDictionary &dict)
{
    require(dict.kind() != DictionaryKind::Crosscoder, "neighbours", "pick one head of a crosscoder first");
    m_unit = torchGuard("neighbours", [&] {
        const at::Tensor d = dict.decoderDirections().to(at::kFloat);
        return (d / d.norm(2, {1}, true).clamp_min(1e-12)).contiguous();
    });
}

std::vector<std::pair<std::int64_t, float>> DecoderNeighbours::nearest(std::int64_t feature, int k) const
{
    require(feature >= 0 && feature < m_unit.size(0), "neighbours", "feature " + std::to_string(feature) + " out of range");
    return torchGuard("neighbours", [&] {
        c10::InferenceMode guard;
        at::Tensor cos = at::mv(m_unit, m_unit[feature]);
        cos[feature] = -2.0f; // not its own neighbour
        const int n = std::min<int>(k, int(cos.size(0)) - 1);
        const auto top = at::topk(cos, n);
        std::vector<std::pair<std::int64_t, float>> out;
        for (int i = 0; i < n; ++i)
            out.emplace_back(std::get<1>(top)[i].item<std::int64_t>(), std::get<0>(top)[i].item<float>());
        return out;
    });
}

std::vector<WindowActivations> windowActivations(const TransformerModel &model, const SparseDictionary &dict,
                                                 const ScanData &scan, std::int64_t feature,
                                                 const std::vector<std::pair<std::uint32_t, std::uint16_t>> &examples,
                                                 const CancelToken *cancel)
{
    checkCompatibility(dict, model);
    std::vector<WindowActivations> out;
    for (std::size_t begin = 0; begin < examples.size(); begin += WindowsPerForward) {
        if (cancel)
            cancel->throwIfCancelled();
        const std::size_t end = std::min(examples.size(), begin + WindowsPerForward);
        std::vector<std::vector<std::int64_t>> windows;
        for (std::size_t i = begin; i < end; ++i) {
            const auto &w = scan.window(examples[i].first);
            require(!w.empty(), "feature examples", "window " + std::to_string(examples[i].first) + " is not in the scan");
            windows.emplace_back(w.begin(), w.end());
        }
        const at::Tensor acts = torchGuard("feature examples", [&] {
            c10::InferenceMode guard;
            return dict.encodeSubset(hookInput(model, dict, windows), {feature}).squeeze(-1).contiguous();
        });
        for (std::size_t i = begin; i < end; ++i) {
            WindowActivations a;
            a.window = examples[i].first;
            a.position = examples[i].second;
            a.tokens = windows[i - begin];
            const std::vector<float> row = toFloats(acts[std::int64_t(i - begin)]);
            a.activations.assign(row.begin(), row.begin() + std::ptrdiff_t(a.tokens.size()));
            a.value = a.position < a.activations.size() ? a.activations[a.position] : 0.0f;
            out.push_back(std::move(a));
        }
    }
    return out;
}

PatternFeatures featuresForPattern(const TransformerModel &model, const SparseDictionary &dict, const ScanData &scan,
                                   const std::vector<std::int64_t> &pattern, int maxWindows, int topK,
                                   const CancelToken *cancel)
{
    checkCompatibility(dict, model);
    require(!pattern.empty(), "search", "nothing to search for");
    PatternFeatures result;
    // Windows holding the pattern, and the positions of its last token in each.
    std::vector<std::pair<std::int64_t, std::vector<std::int64_t>>> hits;
    for (std::int64_t w = 0; w < scan.windows(); ++w) {
        const auto &tokens = scan.window(w);
        std::vector<std::int64_t> ends;
        for (std::size_t p = pattern.size() - 1; p < tokens.size(); ++p)
            if (std::equal(pattern.begin(), pattern.end(), tokens.begin() + std::ptrdiff_t(p + 1 - pattern.size())))
                ends.push_back(std::int64_t(p));
        if (!ends.empty()) {
            ++result.windowsWithPattern;
            if (int(hits.size()) < maxWindows)
                hits.emplace_back(w, std::move(ends));
        }
    }
    if (hits.empty())
        return result;
    at::Tensor sum = at::zeros({dict.dSae()}, at::kDouble), fired = at::zeros({dict.dSae()}, at::kDouble);
    for (std::size_t begin = 0; begin < hits.size(); begin += WindowsPerForward) {
        if (cancel)
            cancel->throwIfCancelled();
        const std::size_t end = std::min(hits.size(), begin + WindowsPerForward);
        std::vector<std::vector<std::int64_t>> windows;
        for (std::size_t i = begin; i < end; ++i)
            windows.emplace_back(scan.window(hits[i].first).begin(), scan.window(hits[i].first).end());
        torchGuard("search", [&] {
            c10::InferenceMode guard;
            const at::Tensor f = dict.encode(hookInput(model, dict, windows));
            for (std::size_t i = begin; i < end; ++i)
                for (const std::int64_t p : hits[i].second) {
                    const at::Tensor v = f[std::int64_t(i - begin)][p].to(at::kDouble);
                    sum += v;
                    fired += (v > 0).to(at::kDouble);
                    ++result.occurrences;
                }
        });
    }
    const at::Tensor mean = sum / double(result.occurrences);
    const auto top = at::topk(mean, std::min<std::int64_t>(topK, dict.dSae()));
    for (std::int64_t i = 0; i < std::get<0>(top).size(0); ++i) {
        const std::int64_t f = std::get<1>(top)[i].item<std::int64_t>();
        if (mean[f].item<double>() <= 0)
            break;
        result.features.push_back({f, mean[f].item<double>(), fired[f].item<double>() / double(result.occurrences)});
    }
    return result;
}

} // namespace gb
