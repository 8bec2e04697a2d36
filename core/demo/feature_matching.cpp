// SPDX-License-Identifier: MIT
#include "demo/feature_matching.h"

#include "common/error.h"

#include <ATen/ATen.h>

#include <functional>

namespace gb::demo {

namespace {

at::Tensor label(const std::vector<TokenTag> &tags, const std::function<bool(const TokenTag &)> &pred)
{
    std::vector<std::uint8_t> v(tags.size());
    for (std::size_t i = 0; i < tags.size(); ++i)
        v[i] = tags[i].kind >= 0 && pred(tags[i]);
    return at::tensor(v, at::kByte).to(at::kBool);
}

} // namespace

std::vector<Phenomenon> plantedPhenomena(const std::vector<TokenTag> &tags, int topics)
{
    std::vector<Phenomenon> p = {
        {"repeat", "second occurrence of a copied span (induction)", label(tags, [](const TokenTag &t) { return t.spanRole == 2; })},
        {"first_occurrence", "first occurrence of a span that repeats later", label(tags, [](const TokenTag &t) { return t.spanRole == 1; })},
        {"in_brackets", "inside ( ) or [ ]", label(tags, [](const TokenTag &t) { return t.depth >= 1; })},
        {"nested_brackets", "inside two or more brackets", label(tags, [](const TokenTag &t) { return t.depth >= 2; })},
        {"expects_round", "innermost open bracket is (", label(tags, [](const TokenTag &t) { return t.innermost == '('; })},
        {"expects_square", "innermost open bracket is [", label(tags, [](const TokenTag &t) { return t.innermost == '['; })},
        {"in_quote", "inside a quotation", label(tags, [](const TokenTag &t) { return t.inQuote; })},
    };
    for (int t = 0; t < topics; ++t)
        p.push_back({"topic_" + std::to_string(t), "in a segment of topic " + std::to_string(t),
                     label(tags, [t](const TokenTag &tag) { return tag.topic == t; })});
    return p;
}

Json FeatureMatch::toJson() const
{
    return Json::object()
        .set("phenomenon", phenomenon)
        .set("feature", feature)
        .set("precision", precision)
        .set("recall", recall)
        .set("f1", f1)
        .set("firings", firings)
        .set("support", support);
}

std::vector<std::vector<FeatureMatch>> bestMatches(const at::Tensor &activations, const std::vector<Phenomenon> &phenomena,
                                                   int topN)
{
    require(activations.dim() == 2, "feature matching", "activations must be [T, F]");
    const auto active = activations.gt(0).to(at::kFloat);
    const auto firings = active.sum(0).to(at::kDouble); // [F]
    std::vector<std::vector<FeatureMatch>> out;
    for (const Phenomenon &p : phenomena) {
        require(p.labels.size(0) == activations.size(0), "feature matching", p.name + ": label count differs from tokens");
        const auto y = p.labels.to(at::kFloat);
        const double support = y.sum().item<double>();
        const auto tp = active.t().matmul(y).to(at::kDouble); // [F]
        const auto precision = tp / firings.clamp_min(1.0), recall = tp / std::max(1.0, support);
        const auto f1 = (2 * precision * recall / (precision + recall).clamp_min(1e-12));
        const auto order = f1.argsort(0, true);
        std::vector<FeatureMatch> best;
        for (std::int64_t i = 0; i < std::min<std::int64_t>(topN, order.size(0)); ++i) {
            const std::int64_t f = order[i].item<std::int64_t>();
            best.push_back({p.name, f, precision[f].item<double>(), recall[f].item<double>(), f1[f].item<double>(),
                            std::int64_t(firings[f].item<double>()), std::int64_t(support)});
        }
        out.push_back(std::move(best));
    }
    return out;
}

TokenPurity tokenPurity(const at::Tensor &activations, const at::Tensor &tokenIds, std::int64_t vocabSize)
{
    require(activations.dim() == 2 && tokenIds.dim() == 1 && tokenIds.size(0) == activations.size(0), "token purity",
            "activations [T, F] and token ids [T] must agree");
    const auto active = activations.gt(0).to(at::kFloat);                       // [T, F]
    const auto counts = at::zeros({vocabSize, activations.size(1)}).index_add_(0, tokenIds.to(at::kLong), active).t(); // [F, V]
    const auto [top, arg] = counts.max(1);
    const auto total = counts.sum(1);
    TokenPurity p;
    for (std::int64_t f = 0; f < counts.size(0); ++f) {
        const double n = total[f].item<double>();
        p.firings.push_back(std::int64_t(n));
        p.purity.push_back(n > 0 ? top[f].item<double>() / n : 0.0);
        p.topToken.push_back(arg[f].item<std::int64_t>());
    }
    return p;
}

} // namespace gb::demo
