// SPDX-License-Identifier: MIT
#pragma once

#include "attribution/target.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace gb {

class TransformerModel;
struct ModelConfig;

/// What a language-model attribution explains, at one predicting position.
struct LmTargetSpec {
    enum class Kind { Logit, Probability, LogProbability, LogitDifference, Feature };
    Kind kind = Kind::LogProbability;
    std::int64_t token = -1;    ///< the explained next token
    std::int64_t foil = -1;     ///< LogitDifference: logit(token) - logit(foil)
    std::int64_t position = -1; ///< the position whose next-token distribution is explained; -1 = last
    /// Feature: a hook name (e.g. "blocks.6.hook_resid_post") and the feature's activation from
    /// that hook's value at `position`, [B, d_hook] -> [B], differentiable.
    std::string featureHook;
    std::function<at::Tensor(const at::Tensor &)> featureActivation;
    std::string featureLabel; ///< e.g. "feature 1234 of gpt2-small-res-jb layer 6"
};

std::string toString(LmTargetSpec::Kind k);
/// "logit", "prob", "logprob", "logit_diff", "feature"; unknown names are BadInput.
LmTargetSpec::Kind parseTargetKind(const std::string &name);

/// Which differentiable input the path runs over (spec-facts 8.1): the token embeddings
/// (hook_embed; learned position embeddings are added unscaled on top), or the whole first
/// residual input blocks.0.hook_resid_pre (positions included).
enum class LmInput { TokenEmbeddings, ResidPre };
std::string toString(LmInput i);
LmInput parseLmInput(const std::string &name); ///< "token_embeddings" | "resid_pre"

/// The reference input: all zeros, or every token replaced by one token (pad, unk, space...)
/// with the same positions.
struct LmBaseline {
    std::int64_t token = -1; ///< -1 = zero
    bool isZero() const { return token < 0; }
};
std::string toString(const LmBaseline &b);      ///< "zero" | "token:ID"
LmBaseline parseLmBaseline(const std::string &s); ///< "zero" | "token:ID"; else BadInput

/// An attribution problem on a transformer, in the model-agnostic terms of target.h.
struct LmProblem {
    at::Tensor input;        ///< [T, d] float32: the prompt's token embeddings or resid_pre
    at::Tensor baseline;     ///< [T, d]
    GradientTarget gradient; ///< F over [B, T, d]
    MaskTarget masks;        ///< F with masked tokens' rows replaced by the baseline's
    std::int64_t position = 0; ///< resolved predicting position
};

/// Builds the problem. Tokens after `position` cannot influence it (causal attention) and are
/// not run: their attributions are exactly 0. Only the explained position is unembedded, and a
/// feature target stops the forward at its hook. Bad ids, positions or tokens are BadInput.
LmProblem makeLmProblem(std::shared_ptr<const TransformerModel> model, const std::vector<std::int64_t> &ids,
                        const LmTargetSpec &target, LmInput input, const LmBaseline &baseline,
                        std::int64_t memoryBudgetBytes);

/// Estimated bytes one sample of `tokens` tokens keeps alive for a forward + input-gradient
/// backward through `layers` layers (activations autograd saves, attention patterns included).
std::int64_t lmBytesPerSample(const ModelConfig &config, std::int64_t tokens, int layers);

/// The `k` most likely next tokens at `position` (-1 = last) with their probabilities: what a
/// target picker offers.
std::vector<std::pair<std::int64_t, double>> topNextTokens(const TransformerModel &model,
                                                           const std::vector<std::int64_t> &ids,
                                                           std::int64_t position, int k);

} // namespace gb
