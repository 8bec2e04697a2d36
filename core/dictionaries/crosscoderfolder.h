// SPDX-License-Identifier: MIT
#pragma once

#include <memory>
#include <string>

namespace gb {

class DecoderSource;

/// A crosscoder folder of either supported kind, opened for analysis.
struct OpenedCrosscoder {
    std::shared_ptr<DecoderSource> source;
    /// "openmoss_crosscoder" (Crosscoder) or "two_model_crosscoder" (TwoModelCrosscoder).
    std::string format;
};

/// Opens `folder` as an OpenMOSS crosscoder (config.json with sae_type "crosscoder") or a
/// model-diffing crosscoder (cfg.json + cc_weights); BadInput saying what was expected otherwise.
OpenedCrosscoder openCrosscoderFolder(const std::string &folder);

} // namespace gb
