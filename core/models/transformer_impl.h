// SPDX-License-Identifier: MIT
// Core-internal: the state behind TransformerModel, shared by its .cpp files.
#pragma once

#include "models/hookpoints.h"
#include "models/transformermodel.h"

#include <ATen/core/Tensor.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace gb {

/// One block's tensors, bound from the parameter map (HF layout: Conv1D [in, out] for GPT-2,
/// Linear [out, in] for GPT-NeoX). Biases may be undefined.
struct LayerWeights {
    at::Tensor ln1Weight, ln1Bias, ln2Weight, ln2Bias;
    at::Tensor qkvWeight, qkvBias, outWeight, outBias;
    at::Tensor mlpInWeight, mlpInBias, mlpOutWeight, mlpOutBias;
};

struct TransformerState {
    ModelConfig config;
    std::string path;
    ProcessingOptions processing;
    std::vector<std::string> ignored;
    std::unique_ptr<HookTable> hooks;
    /// Every parameter by HF name; processed models may add an untied unembedding
    /// ("lm_head.weight" / "embed_out.weight") and its bias.
    std::map<std::string, at::Tensor> params;
    /// true while some parameters are read-only views of a file mapping.
    bool fileBacked = false;

    // Bound views of `params` (refreshed by bind()).
    std::vector<LayerWeights> layers;
    at::Tensor embed, posEmbed, lnFinalWeight, lnFinalBias;
    at::Tensor unembedWeight; ///< [vocab, d]
    at::Tensor unembedBias;   ///< [vocab] or undefined
    at::Tensor rotaryCos, rotarySin; ///< [nCtx, rotaryDim], float32 as HF computes them

    /// Refreshes the bound views and the rotary tables from `params`.
    void bind();
    /// Names of the untied unembedding and its bias that weight processing introduces.
    std::string untiedUnembedName() const;
    std::string unembedBiasName() const;
};

/// TransformerLens weight processing (spec-facts 8.4), replacing the affected entries of
/// `impl.params` with owned, processed tensors. Reports per layer, checks `cancel` between
/// layers. Calls bind().
void processWeights(TransformerState &impl, const ProcessingOptions &options, Progress &progress,
                    const CancelToken *cancel);

} // namespace gb
