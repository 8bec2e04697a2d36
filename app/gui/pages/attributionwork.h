// SPDX-License-Identifier: MIT
#pragma once

#include "attributioncontrols.h"

#include "attribution/results.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gb {

class BpeTokenizer;
class SparseDictionary;
class CancelToken;
class Progress;
class TransformerModel;

/// The attribution page's computations as plain functions (the page runs them as jobs); kept
/// apart from the widgets so that no torch header reaches app/ headers.

/// A language model folder as the page uses it: weights, and the tokenizer when it has one
/// (without one, prompts are typed as token ids).
struct LoadedLm {
    QString path;
    std::shared_ptr<const TransformerModel> model;
    std::shared_ptr<const BpeTokenizer> tokenizer;
    std::int64_t vocabSize = 0;
    std::vector<std::pair<QString, std::int64_t>> baselineTokens; ///< BOS / pad / unk / space present in the vocabulary
};
/// The tokenizer and baseline tokens of `dir`, around its model (from the app's ModelCache).
LoadedLm loadLm(const QString &dir, std::shared_ptr<const TransformerModel> model);

/// A prompt as ids and display texts: the text through the tokenizer, or comma/space-separated
/// ids when the model has no tokenizer. Errors are BadInput.
struct PromptTokens {
    std::vector<std::int64_t> ids;
    QStringList texts;
};
PromptTokens tokenizePrompt(const LoadedLm &lm, const QString &text);

/// A token's display text ("#id" without a tokenizer).
QString tokenDisplay(const LoadedLm &lm, std::int64_t id);
/// What the user typed as a token: an id ("#12" or "12"), or text that is exactly one token.
/// BadInput otherwise, naming `what` ("target", "foil").
std::int64_t parseTokenChoice(const LoadedLm &lm, const QString &text, const char *what);

/// The most likely next tokens at `position` (-1 = last) with their probabilities.
std::vector<std::pair<std::int64_t, double>> nextTokens(const LoadedLm &lm, const std::vector<std::int64_t> &ids,
                                                        std::int64_t position, int k);

/// One attribution of the page: a prompt, a target token (and foil), the controls' settings.
struct PageAttributionInput {
    LoadedLm lm;
    PromptTokens prompt;
    AttributionSettings settings;
    std::int64_t target = -1;
    std::int64_t foil = -1; ///< -1: none
    std::shared_ptr<const SparseDictionary> dictionary; ///< settings.kind "feature": its feature `feature`
    std::int64_t feature = -1;
    std::int64_t memoryBudgetBytes = std::int64_t(1) << 30; ///< per batch of IG steps / perturbed prompts
};

struct PageAttribution {
    AttributionOutcome outcome;
    std::string paramsJson; ///< the request's parameters, as a workspace run stores them
};
PageAttribution runPageAttribution(const PageAttributionInput &in, Progress &progress, const CancelToken &cancel);

/// A dictionary folder (SAE or transcoder) for feature targets; its hook must be one the model has.
std::shared_ptr<const SparseDictionary> loadFeatureDictionary(const QString &dir, const LoadedLm &lm);

/// The outcome with every method's scores summed into words (agreement recomputed over words);
/// `words` receives the words' texts.
AttributionOutcome byWords(const AttributionOutcome &outcome, const QStringList &tokenTexts, QStringList &words);

/// Generates `newTokens` greedily and attributes each to the tokens before it, with the first
/// chosen method and the controls' target kind (log-probability when a foil is set).
struct PageGeneration {
    GenerationAttribution matrix;
    QStringList texts; ///< prompt then generated tokens
    std::string paramsJson;
};
PageGeneration runPageGeneration(const PageAttributionInput &in, int newTokens, Progress &progress,
                                 const CancelToken &cancel);

} // namespace gb
