// SPDX-License-Identifier: MIT
#pragma once

#include "cli.h"
#include "io/csv.h"
#include "jobs/progress.h"
#include "models/torchscript_model.h"

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
/// Parameters every tabular run records.
Json tabularParams(Context &ctx, const TabularInputs &in);
/// A Progress that prints on stderr through the context.
Progress progressFor(Context &ctx);
/// Records the run (if --workspace) with `result` and adds "run_id" to it.
void recordTabularRun(Context &ctx, const std::string &kind, const Json &params, const TabularInputs &in, Json &result);

} // namespace gb::cli
