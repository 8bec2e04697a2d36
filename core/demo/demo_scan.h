// SPDX-License-Identifier: MIT
#pragma once

#include "demo/demo_builder.h"
#include "io/json.h"

#include <cstdint>
#include <string>

namespace gb {
class CancelToken;
class Progress;
} // namespace gb

namespace gb::demo {

/// The workspace artifacts the demo's scans read.
struct DemoArtifacts {
    std::int64_t model = 0;      ///< the final checkpoint
    std::int64_t sae = 0;
    std::int64_t crosscoder = 0;
    std::int64_t scanCorpus = 0;
    std::int64_t trainCorpus = 0;
};

/// Corpus scans of the held-out documents into demo.gbx with the final checkpoint, so that the
/// feature dashboards open filled: the crosscoder's last head (the trained model's snapshot),
/// then the SAE, the same scan runs `glassbox-cli scan` and the Features page's Scans tab make
/// (same identity, so the page finds them finished). The SAE's scan is the workspace's latest,
/// which is what a freshly opened workspace shows. Returns the scans' summaries.
Json scanDemoCorpus(const DemoPaths &paths, const DemoConfig &config, const DemoArtifacts &artifacts,
                    const std::string &finalModelDir, Progress &progress, const CancelToken &cancel);

} // namespace gb::demo
