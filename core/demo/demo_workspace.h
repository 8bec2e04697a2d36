// SPDX-License-Identifier: MIT
#pragma once

#include "demo/demo_builder.h"
#include "io/json.h"

namespace gb {
class CancelToken;
class Progress;
} // namespace gb

namespace gb::demo {

/// Writes demo.gbx afresh: every demo file registered as an artifact (hashed, with what the
/// loaders say about it), the training runs with their parameters and curves, the evolution
/// analysis of the crosscoder (so the evolution view opens at once), the demo run with the
/// report, and notes naming the dictionary features that match a planted phenomenon.
/// `results` holds "language_model", "sae", "crosscoder", "tabular" and "report" as buildDemo made them.
void writeDemoWorkspace(const DemoPaths &paths, const DemoConfig &config, const Json &results, Progress &progress,
                        const CancelToken &cancel);

} // namespace gb::demo
