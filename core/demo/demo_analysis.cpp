// SPDX-License-Identifier: MIT
#include "demo/demo_analysis.h"

#include "common/error.h"
#include "common/torch_guard.h"
#include "demo/feature_matching.h"
#include "dictionaries/crosscoder.h"
#include "dictionaries/crosscoderdictionary.h"
#include "dictionaries/dictionaryloader.h"
#include "evolution/evolutiondata.h"
#include "evolution/evolutionsummary.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "models/transformermodel.h"
#include "training/activations.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <functional>


namespace gb::demo {

namespace {

at::Tensor mask(const AnalysisWindows &w, std::int64_t from, const std::function<bool(const TokenTag &)> &pred)
{
    const std::int64_t rows = w.ids.size(0), cols = w.ids.size(1);
    std::vector<std::uint8_t> v(static_cast<std::size_t>(rows * (cols - from)));
    for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t c = from; c < cols; ++c)
            v[std::size_t(r * (cols - from) + c - from)] = pred(w.tags[std::size_t(r * cols + c)]);
    return at::tensor(v, at::kByte).to(at::kBool).reshape({rows, cols - from});
}

/// A copied token the model can predict by looking back: not the first token of a span (nothing
/// announces a repeat until its first token has been read).
bool predictableSpanToken(const TokenTag &t, int role)
{
    return t.spanRole == role && !(t.spanPos == 0 && t.wordStart);
}

double meanOver(const at::Tensor &values, const at::Tensor &m)
{
    const auto n = m.sum().item<double>();
    return n > 0 ? values.masked_select(m).to(at::kDouble).sum().item<double>() / n : std::nan("");
}

at::Tensor windowsLogits(const TransformerModel &model, const at::Tensor &ids)
{
    std::vector<at::Tensor> parts;
    for (std::int64_t b = 0; b < ids.size(0); b += 32)
        parts.push_back(model.logits(ids.slice(0, b, b + 32)));
    return at::cat(parts, 0);
}

Json matchesJson(const std::vector<Phenomenon> &phenomena, const std::vector<std::vector<FeatureMatch>> &matches)
{
    Json out = Json::array();
    for (std::size_t i = 0; i < phenomena.size(); ++i) {
        Json best = Json::array();
        for (const auto &m : matches[i])
            best.push(m.toJson());
        out.push(Json::object()
                     .set("name", phenomena[i].name)
                     .set("description", phenomena[i].description)
                     .set("support", phenomena[i].labels.sum().item<std::int64_t>())
                     .set("best", std::move(best)));
    }
    return out;
}

std::vector<std::int64_t> tokenFeatures(const TokenPurity &p)
{
    std::vector<std::int64_t> out;
    for (std::size_t f = 0; f < p.purity.size(); ++f)
        if (p.purity[f] >= 0.9 && p.firings[f] >= 20)
            out.push_back(std::int64_t(f));
    return out;
}

double explainedVariance(const at::Tensor &x, const at::Tensor &xHat)
{
    return 1.0 - (xHat - x).pow(2).sum().item<double>() / (x - x.mean(0)).pow(2).sum().item<double>();
}

} // namespace

AnalysisWindows makeAnalysisWindows(const AnnotatedTokens &tokens, int context, std::int64_t windows, int topics,
                                    std::int64_t roundCloser, std::int64_t squareCloser)
{
    AnalysisWindows w;
    w.ids = tokenWindows(tokens.idsTensor(), context, windows);
    w.tags.assign(tokens.tags.begin(), tokens.tags.begin() + w.ids.numel());
    w.topics = topics;
    w.roundCloser = roundCloser;
    w.squareCloser = squareCloser;
    return w;
}

Json behaviourOverTraining(const std::vector<std::pair<std::int64_t, std::string>> &checkpoints,
                           const AnalysisWindows &w, Progress &progress, const CancelToken &cancel)
{
    const auto repeat = mask(w, 1, [](const TokenTag &t) { return predictableSpanToken(t, 2); });
    const auto first = mask(w, 1, [](const TokenTag &t) { return predictableSpanToken(t, 1); });
    const auto close = mask(w, 1, [](const TokenTag &t) { return t.kind == int(WordKind::Close); });
    const auto topic = mask(w, 1, [](const TokenTag &t) { return t.kind == int(WordKind::Topic) && t.wordStart; });
    const auto common = mask(w, 1, [](const TokenTag &t) { return t.kind == int(WordKind::Common) && t.wordStart; });
    const auto targets = w.ids.slice(1, 1);
    Json out = Json::array();
    for (std::size_t i = 0; i < checkpoints.size(); ++i) {
        cancel.throwIfCancelled();
        const auto model = TransformerModel::load(checkpoints[i].second);
        torchGuard("behaviour at step " + std::to_string(checkpoints[i].first), [&] {
            at::InferenceMode guard;
            const auto logits = windowsLogits(*model, w.ids).slice(1, 0, -1);
            const auto nll = -logits.log_softmax(-1).gather(-1, targets.unsqueeze(-1)).squeeze(-1);
            // Which closer: the logit of the right one above the other's, where a closer comes.
            const auto rightRound = targets.eq(w.roundCloser);
            const auto roundWins = logits.select(-1, w.roundCloser).gt(logits.select(-1, w.squareCloser));
            const auto correct = roundWins.eq(rightRound).to(at::kFloat);
            const double lossFirst = meanOver(nll, first), lossRepeat = meanOver(nll, repeat);
            out.push(Json::object()
                         .set("step", checkpoints[i].first)
                         .set("loss", nll.mean().item<double>())
                         .set("loss_repeat", lossRepeat)
                         .set("loss_first_occurrence", lossFirst)
                         .set("induction_gap", lossFirst - lossRepeat)
                         .set("loss_close_bracket", meanOver(nll, close))
                         .set("close_bracket_type_accuracy", meanOver(correct, close))
                         .set("loss_topic_word", meanOver(nll, topic))
                         .set("loss_common_word", meanOver(nll, common)));
        });
        progress.update(std::int64_t(i + 1), std::int64_t(checkpoints.size()));
    }
    return out;
}

Json saeFindings(const std::string &modelDir, const std::string &hook, const std::string &saeDir,
                 const AnalysisWindows &w, std::int64_t vocabSize, Progress &progress, const CancelToken &cancel)
{
    const auto model = TransformerModel::load(modelDir);
    const auto x = collectActivations(*model, w.ids, hook, 32, progress, cancel);
    const auto sae = loadDictionary(saeDir); // as the feature explorer reads it
    return torchGuard("SAE findings", [&] {
        at::InferenceMode guard;
        const auto out = sae->forward(x);
        const at::Tensor &f = out.features;
        const auto phenomena = plantedPhenomena(w.tags, w.topics);
        const auto matches = bestMatches(f, phenomena, 3);
        const TokenPurity purity = tokenPurity(f, w.ids.reshape(-1), vocabSize);
        const auto active = f.gt(0);
        return Json::object()
            .set("tokens", x.size(0))
            .set("explained_variance", explainedVariance(x, out.reconstruction))
            .set("l0", active.sum(1).to(at::kDouble).mean().item<double>())
            .set("live_features", active.any(0).sum().item<std::int64_t>())
            .set("token_features", std::int64_t(tokenFeatures(purity).size()))
            .set("phenomena", matchesJson(phenomena, matches));
    });
}

namespace {

/// Features "firing" at any snapshot, with magnitude z (spec-facts 1.3), and the reconstruction
/// quality per snapshot, for activations [N, S, d] in raw units.
struct CrosscoderEncoding {
    at::Tensor active;              ///< [N, F] z where any snapshot's gate is open, else 0
    std::vector<double> explained;  ///< per snapshot
};

CrosscoderEncoding encodeCrosscoder(const CrosscoderDictionary &cc, const at::Tensor &x)
{
    const auto f = cc.encode(x); // [N, S, F]: z where head s's gate is open, else 0
    const auto xHat = cc.decode(f, x);
    CrosscoderEncoding e;
    e.active = std::get<0>(f.max(1)); // an open gate means z > 0, so the maximum over heads is z
    for (std::int64_t i = 0; i < x.size(1); ++i)
        e.explained.push_back(explainedVariance(x.select(1, i), xHat.select(1, i)));
    return e;
}

Json emergenceOf(const std::vector<std::int64_t> &features, const EvolutionSummary &summary)
{
    std::vector<float> emerge, peak;
    Json list = Json::array();
    for (std::int64_t f : features) {
        if (summary.isDead(f))
            continue;
        emerge.push_back(float(summary.emergenceStep[std::size_t(f)]));
        peak.push_back(float(summary.peakStep[std::size_t(f)]));
        list.push(Json::object()
                      .set("feature", f)
                      .set("emergence_step", summary.emergenceStep[std::size_t(f)])
                      .set("peak_step", summary.peakStep[std::size_t(f)]));
    }
    Json j = Json::object().set("features", std::int64_t(emerge.size()));
    if (!emerge.empty())
        j.set("median_emergence_step", quantile(emerge, 0.5)).set("median_peak_step", quantile(peak, 0.5));
    return j.set("list", std::move(list));
}

} // namespace

Json crosscoderFindings(const std::vector<std::string> &modelDirs, const std::string &hook,
                        const std::string &crosscoderDir, const AnalysisWindows &w, std::int64_t vocabSize,
                        Progress &progress, const CancelToken &cancel)
{
    std::vector<at::Tensor> snapshots;
    for (std::size_t i = 0; i < modelDirs.size(); ++i) {
        const auto model = TransformerModel::load(modelDirs[i]);
        snapshots.push_back(collectActivations(*model, w.ids, hook, 32, Progress::null(), cancel));
        progress.update(std::int64_t(i + 1), std::int64_t(modelDirs.size()) + 1);
    }
    const auto cc = Crosscoder::open(crosscoderDir);
    const EvolutionData data = collectEvolutionData(*cc, Progress::null(), cancel);
    const EvolutionSummary summary = summariseEvolution(data);
    return torchGuard("crosscoder findings", [&] {
        at::InferenceMode guard;
        const CrosscoderEncoding e = encodeCrosscoder(*CrosscoderDictionary::fromOpenMoss(cc), at::stack(snapshots, 1));
        const auto phenomena = plantedPhenomena(w.tags, w.topics);
        const auto matches = bestMatches(e.active, phenomena, 5);
        const TokenPurity purity = tokenPurity(e.active, w.ids.reshape(-1), vocabSize);
        Json emergence = Json::object();
        std::vector<std::int64_t> all;
        for (std::int64_t f = 0; f < std::int64_t(summary.maxNorm.size()); ++f)
            all.push_back(f);
        emergence.set("all_live", emergenceOf(all, summary).set("list", Json::array()));
        emergence.set("token_features", emergenceOf(tokenFeatures(purity), summary));
        for (std::size_t i = 0; i < phenomena.size(); ++i) {
            std::vector<std::int64_t> matched;
            for (const auto &m : matches[i])
                if (m.f1 >= 0.3)
                    matched.push_back(m.feature);
            emergence.set(phenomena[i].name, emergenceOf(matched, summary));
        }
        progress.update(1, 1);
        return Json::object()
            .set("tokens", e.active.size(0))
            .set("explained_variance", Json::arrayOf(e.explained))
            .set("l0", e.active.gt(0).sum(1).to(at::kDouble).mean().item<double>())
            .set("token_features", std::int64_t(tokenFeatures(purity).size()))
            .set("dead_features", summary.deadCount)
            .set("turning_point_step", summary.turningIndex >= 0 ? Json(data.steps.steps[std::size_t(summary.turningIndex + 1)]) : Json())
            .set("phenomena", matchesJson(phenomena, matches))
            .set("emergence", std::move(emergence));
    });
}

} // namespace gb::demo
