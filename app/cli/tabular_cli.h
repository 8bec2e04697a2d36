// SPDX-License-Identifier: MIT
#pragma once

#include "cli.h"
#include "io/csv.h"
#include "jobs/progress.h"
#include "models/torchscript_model.h"

#include <functional>
#include <memory>

class QCommandLineParser;

namespace gb::cli {

/// What `pdp` and `ale` share: the model + CSV options and their loading.
struct TabularInputs {
    TabularData data;
    std::shared_ptr<TabularModel> model;
    std::vector<std::pair<std::int64_t, std::string>> artifacts; ///< (workspace id, role)
};

/// --model, --data, --sidecar, --target-column, --categorical, --ignore, --class, --response,
/// --feature, --feature2, --seed, --bootstrap, --confidence.
void addTabularOptions(QCommandLineParser &p);
/// Loads the CSV (sidecar roles merged with the command line) and the model, checked against
/// each other; registers both in the workspace when one is given.
TabularInputs loadTabularInputs(Context &ctx);
/// --feature (and --feature2) as column indices.
std::vector<int> selectedFeatures(Context &ctx, const TabularData &data);

/// --bootstrap, --confidence and --seed, read the same way by every tabular command.
struct ResampleOptions {
    int bootstrap = 0;
    double confidence = 0.95;
    std::uint64_t seed = 0;
};
ResampleOptions resampleOptions(Context &ctx);

/// One command's computation, planned from its loaded inputs.
struct TabularJob {
    std::string stage;                       ///< progress stage shown on stderr
    Json params;                             ///< the command's own run parameters
    std::function<Json(Progress &)> compute; ///< the result JSON
};
/// What `pdp` and `ale` do around their estimator: load the inputs, plan (option errors count
/// as loading), compute with progress on stderr, record the run with the shared parameters
/// (inputs, response, resampling) and write the JSON with its timing.
int runTabularJob(Context &ctx, const std::string &kind, const std::function<TabularJob(const TabularInputs &)> &plan);

} // namespace gb::cli
