// SPDX-License-Identifier: MIT
#pragma once

#include "attribution/languagetarget.h"
#include "attribution/methods.h"
#include "attribution/results.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace gb {

class CancelToken;
class Json;
class Progress;
class TransformerModel;

/// One prompt, one target, one or more methods: the attribution job of the page and the CLI.
struct AttributionRequest {
    std::shared_ptr<const TransformerModel> model;
    std::vector<std::int64_t> ids;
    std::vector<AttributionMethod> methods{AttributionMethod::IntegratedGradients};
    LmTargetSpec target;
    LmInput input = LmInput::TokenEmbeddings;
    LmBaseline baseline;
    MethodOptions options;
    bool faithfulness = false; ///< deletion / insertion curves per method
    int faithfulnessPoints = 40;
    std::int64_t memoryBudgetBytes = std::int64_t(1) << 30;
};

/// Runs every method in turn (a progress stage each) and the faithfulness curves, and
/// compares the methods' rankings. Cancellable between step batches.
AttributionOutcome runAttribution(const AttributionRequest &request, Progress &progress, const CancelToken &cancel);

/// Generate, then attribute every generated token to all tokens before it.
struct GenerationAttributionRequest {
    std::shared_ptr<const TransformerModel> model;
    std::vector<std::int64_t> prompt;
    int newTokens = 8;
    /// The generated tokens; empty = generate greedily (argmax) with the model.
    std::vector<std::int64_t> continuation;
    AttributionMethod method = AttributionMethod::IntegratedGradients;
    LmTargetSpec::Kind kind = LmTargetSpec::Kind::LogProbability;
    LmInput input = LmInput::TokenEmbeddings;
    LmBaseline baseline;
    MethodOptions options;
    std::int64_t memoryBudgetBytes = std::int64_t(1) << 30;
};

GenerationAttribution runGenerationAttribution(const GenerationAttributionRequest &request, Progress &progress,
                                               const CancelToken &cancel);

/// The request's parameters (what the workspace stores with a run).
Json toJson(const AttributionRequest &request);
Json toJson(const GenerationAttributionRequest &request);
/// The method options that matter for `method` (IG steps and quadrature, occlusion window...).
Json optionsJson(AttributionMethod method, const MethodOptions &options);

} // namespace gb
