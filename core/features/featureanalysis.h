// SPDX-License-Identifier: MIT
#pragma once

#include "dictionaries/reconstruction.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace gb {

class CancelToken;
class ScanData;
class SparseDictionary;
class TransformerModel;

/// A prompt's feature activations: every feature that fires somewhere, as plain data the views
/// paint (no tensors). Columns are the active features in ascending id order.
struct PromptFeatures {
    std::vector<std::int64_t> tokens;   ///< token ids, T
    std::vector<std::int64_t> features; ///< active feature ids, C
    std::vector<float> values;          ///< [T, C] row-major
    std::vector<float> maxValue;        ///< per column: largest activation over the prompt
    std::vector<float> meanValue;       ///< per column: mean over all T positions
    std::vector<int> count;             ///< per column: positions where it fires
    ReconstructionMetrics metrics;      ///< empty when the prompt has fewer than 2 tokens
    std::int64_t dSae = 0;

    std::int64_t rows() const { return std::int64_t(tokens.size()); }
    std::int64_t cols() const { return std::int64_t(features.size()); }
    float value(std::int64_t row, std::int64_t col) const { return values[std::size_t(row * cols() + col)]; }
    /// Column of a feature id, -1 when it does not fire on this prompt.
    std::int64_t columnOf(std::int64_t feature) const;
    /// The strongest features at one position, (feature, value), descending.
    std::vector<std::pair<std::int64_t, float>> strongestAt(std::int64_t row, std::size_t k) const;
};

/// Runs the prompt to the dictionary's hook (inference mode), encodes it and measures the
/// reconstruction. BadInput when the dictionary does not fit the model.
PromptFeatures analysePrompt(const TransformerModel &model, const SparseDictionary &dict,
                             const std::vector<std::int64_t> &tokens, std::int64_t bosToken);

/// Column order for the prompt view: by largest activation, by mean, by firing count
/// (descending, ties by feature id) or by id.
enum class FeatureOrder { Max, Mean, Count, Id };
std::vector<std::int64_t> orderColumns(const PromptFeatures &p, FeatureOrder order);

/// A feature's direct effect on the next-token logits: its decoder direction d (the output hook
/// must be in the residual stream) through the final LayerNorm's linear part and the
/// unembedding, ((d - mean(d)) * gamma_final) W_U. This is the usual approximation: the
/// LayerNorm's division by the residual's norm depends on the token and is left out, so the
/// values rank tokens by the direction's push, in logit units per unit of normalised residual.
struct LogitEffects {
    std::vector<std::pair<std::int64_t, float>> positive; ///< (token, effect), largest first
    std::vector<std::pair<std::int64_t, float>> negative; ///< most negative first
};
LogitEffects logitEffects(const TransformerModel &model, const SparseDictionary &dict, std::int64_t feature, int k);

/// Nearest features by cosine similarity of decoder directions (normalised once, reused).
class DecoderNeighbours {
public:
    explicit DecoderNeighbours(const SparseDictionary &dict);
    /// The k most similar other features, (feature, cosine), descending.
    std::vector<std::pair<std::int64_t, float>> nearest(std::int64_t feature, int k) const;

private:
    at::Tensor m_unit; ///< [d_sae, d_out]
};

/// One scanned window with a feature's activation at every position (the dashboard highlights).
struct WindowActivations {
    std::uint32_t window = 0;
    std::uint16_t position = 0; ///< where the example's value is
    float value = 0;
    std::vector<std::int64_t> tokens;
    std::vector<float> activations; ///< the feature at each position
};

/// Re-runs the model on the given scanned windows (batched) and reads `feature` everywhere.
std::vector<WindowActivations> windowActivations(const TransformerModel &model, const SparseDictionary &dict,
                                                 const ScanData &scan, std::int64_t feature,
                                                 const std::vector<std::pair<std::uint32_t, std::uint16_t>> &examples,
                                                 const CancelToken *cancel = nullptr);

/// Which features fire most where `pattern` (token ids) occurs in the scanned corpus: the model
/// is re-run on up to `maxWindows` windows containing it and the features are read at the
/// pattern's last token. Features ranked by mean activation over the occurrences.
struct PatternFeatures {
    std::int64_t occurrences = 0;  ///< in the windows that were run
    std::int64_t windowsWithPattern = 0;
    struct Entry {
        std::int64_t feature = 0;
        double meanActivation = 0;
        double fireRate = 0; ///< share of occurrences where it fires
    };
    std::vector<Entry> features;
};
PatternFeatures featuresForPattern(const TransformerModel &model, const SparseDictionary &dict, const ScanData &scan,
                                   const std::vector<std::int64_t> &pattern, int maxWindows, int topK,
                                   const CancelToken *cancel = nullptr);

} // namespace gb
