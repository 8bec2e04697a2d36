// SPDX-License-Identifier: MIT
#pragma once

#include "io/json.h"
#include "models/modelconfig.h"
#include "training/training_curve.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gb {

class CancelToken;
class Progress;

struct LmTrainOptions {
    std::int64_t steps = 1000;
    int batchSize = 16;
    int contextLength = 128;
    double learningRate = 3e-3;   ///< peak, after warm-up
    double minLrRatio = 0.1;      ///< cosine decay ends at learningRate * minLrRatio
    std::int64_t warmupSteps = 50;
    double weightDecay = 0.01;    ///< AdamW, on matrices and embeddings only
    double beta1 = 0.9, beta2 = 0.95, epsilon = 1e-8;
    double gradClip = 1.0;        ///< global gradient norm (0 = off)
    std::uint64_t seed = 1;       ///< initialisation and batch order
    int checkpoints = 32;         ///< Pythia-like schedule (pythiaCheckpointSteps)
    double evalFraction = 0.05;   ///< tail of the token stream held out for the eval loss
    int evalWindows = 32;
    std::string tokenizerJson;    ///< copied into every checkpoint folder when set
    bool resume = true;           ///< continue from the last save in the output folder
    /// Tests: stop as if cancelled when this step is reached (-1: never). Not part of toJson().
    std::int64_t stopAt = -1;

    Json toJson() const;
};

struct CheckpointRecord {
    std::int64_t step = 0;
    std::string path;
    double evalLoss = 0.0;
};

struct LmTrainResult {
    TrainingCurve curve;                       ///< "loss", "lr" per step, from step 0 (resumed runs too)
    std::vector<CheckpointRecord> checkpoints; ///< all saves of the run so far, in step order
    std::int64_t startStep = 0;                ///< > 0 when resumed
    double seconds = 0.0;
    double tokensPerSecond = 0.0;
    Json toJson() const;
};

/// A GPT-NeoX (Pythia-architecture) config: d_mlp = 4 d, rotary_pct 0.25, parallel residual,
/// exact GELU, untied unembedding, EOS/BOS id 0, as Pythia's config.json (spec-facts 6.1).
ModelConfig pythiaConfig(int layers, int dModel, int heads, int vocabSize, int contextLength);

/// Trains a causal language model of `config`'s architecture from a random initialisation on a
/// token stream (documents separated by the EOS id), with AdamW, linear warm-up and cosine decay,
/// global-norm clipping, saving Hugging Face folders `<outDir>/step<N>/` (config.json,
/// model.safetensors, tokenizer.json) on a Pythia-like schedule. Batches depend only on the seed
/// and the step, so a resumed run sees the same data as an uninterrupted one. The optimiser state
/// of the last save is kept in `<outDir>/trainer_state/`; with `resume`, a later call continues
/// from it (options must match). `<outDir>/training_log.json` holds the losses and evaluations.
///
/// Progress values: "step", "loss" (this step's training loss), "lr"; and "eval_loss" at saves.
LmTrainResult trainLanguageModel(const ModelConfig &config, const at::Tensor &tokens, const LmTrainOptions &options,
                                 const std::string &outDir, Progress &progress, const CancelToken &cancel);

} // namespace gb
