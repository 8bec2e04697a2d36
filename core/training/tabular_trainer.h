// SPDX-License-Identifier: MIT
#pragma once

#include "io/json.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gb {

class CancelToken;
class Progress;

struct MlpOptions {
    std::vector<int> hidden = {64, 64};
    int epochs = 200;
    int batchSize = 64;
    double learningRate = 3e-3;
    double weightDecay = 1e-4;
    double validationFraction = 0.2;
    std::uint64_t seed = 1;
};

/// What a tabular training run measured.
struct MlpReport {
    bool classification = false;
    int classes = 0;
    int trainRows = 0;
    int validationRows = 0;
    std::vector<double> trainLoss;      ///< per epoch (MSE on standardised y, or cross-entropy)
    double validationLoss = 0.0;
    double validationScore = 0.0;       ///< R^2 (regression) or accuracy (classification)
    double baselineScore = 0.0;         ///< R^2 0 / majority-class accuracy on the same rows
    double exportMaxAbsDiff = 0.0;      ///< saved TorchScript vs trained network, all rows
    double seconds = 0.0;
    Json toJson() const;
};

/// Trains an MLP (ReLU hidden layers, AdamW) on x [N, D] float32 and y [N] (values, or class
/// indices 0..classes-1 when classes > 0), then saves a TorchScript module to `modelPath` that
/// takes float32 [N, D] raw features and returns [N] (regression, in y's units) or [N, classes]
/// logits. Input standardisation is stored in the module. The saved module is loaded back and
/// checked against the trained network on every row (internal error if they differ).
MlpReport trainTabularMlp(const at::Tensor &x, const at::Tensor &y, int classes, const MlpOptions &options,
                          const std::string &modelPath, Progress &progress, const CancelToken &cancel);

} // namespace gb
