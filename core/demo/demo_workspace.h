// SPDX-License-Identifier: MIT
#pragma once

#include "demo/demo_builder.h"
#include "demo/demo_scan.h"
#include "io/json.h"

namespace gb {
class CancelToken;
class Progress;
} // namespace gb

namespace gb::demo {

/// Writes demo.gbx afresh: every demo file registered as an artifact (hashed, with what the
/// loaders say about it), the training runs with their parameters and curves, the evolution
/// analysis of the crosscoder (so the evolution view opens at once), and notes naming the
/// dictionary features that match a planted phenomenon. The tabular runs are recorded Friedman
/// #1 last: a freshly opened workspace shows its latest artifacts of each kind.
/// `results` holds "language_model", "sae", "crosscoder", "tabular" and "report" as buildDemo made them.
DemoArtifacts writeDemoWorkspace(const DemoPaths &paths, const DemoConfig &config, const Json &results, Progress &progress,
                                 const CancelToken &cancel);

/// The demo run: the configuration, its inputs and the report (the build's last record).
void recordDemoRun(const DemoPaths &paths, const DemoConfig &config, const DemoArtifacts &artifacts, const Json &report);

} // namespace gb::demo
