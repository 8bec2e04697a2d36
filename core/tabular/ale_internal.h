// SPDX-License-Identifier: MIT
// Core-internal: shared by the ALE estimators' .cpp files.
#pragma once

#include "tabular/ale.h"

namespace gb::tabular {

/// First-order ALE as local effects on K steps plus, per row, the group (bin or level) whose
/// count weights the centring.
struct FirstOrderProblem {
    std::vector<LocalEffect> effects;
    std::vector<int> rowGroup;
    int steps = 0;
    int groups = 0;
    bool intervalWeights = true;
};

/// Mean delta per step, each row weighted by `rowWeights` (bootstrap draw counts) when given;
/// NaN for a step without rows.
std::vector<double> stepMeans(const std::vector<LocalEffect> &effects, int steps,
                              const std::vector<std::int32_t> *rowWeights);
/// Fills r.bandLower / r.bandUpper from o.bootstrap resamples of the rows.
void bootstrapFirstOrder(const FirstOrderProblem &p, const AleOptions &o, AleResult &r, const CancelToken &cancel);

AleResult secondOrderAle(const Predictor &model, const TabularData &data, const AleOptions &o, Progress &progress,
                         const CancelToken &cancel);
AleResult categoricalAle(const Predictor &model, const TabularData &data, const AleOptions &o, Progress &progress,
                         const CancelToken &cancel);

} // namespace gb::tabular
