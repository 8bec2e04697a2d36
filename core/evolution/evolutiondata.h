// SPDX-License-Identifier: MIT
#pragma once

#include "evolution/snapshotsteps.h"

#include <cstdint>
#include <string>
#include <vector>

namespace gb {

class CancelToken;
class DecoderSource;
class Progress;

/// What one streaming pass over a crosscoder's decoder gathers: all the evolution analysis needs,
/// in O(S x F) memory (12.6 MB for 98,304 features x 32 snapshots) whatever the decoder size.
/// Derived statistics (EvolutionSummary, ModelDiffSummary) are recomputed from it instantly, e.g.
/// when the user moves the emergence level.
struct EvolutionData {
    std::vector<std::string> headNames; ///< hook points, e.g. "step0" ... "step143000"
    SnapshotSteps steps;
    std::int64_t heads = 0;    ///< S
    std::int64_t features = 0; ///< F
    std::int64_t dModel = 0;
    std::vector<float> norms;       ///< [S][F] row-major: ||W_D[s, f, :]||
    std::vector<float> stepCosines; ///< [S-1][F]: cos(W_D[s, f], W_D[s+1, f]); NaN for a zero row

    float norm(std::int64_t s, std::int64_t f) const { return norms[static_cast<std::size_t>(s * features + f)]; }
    float stepCosine(std::int64_t t, std::int64_t f) const
    {
        return stepCosines[static_cast<std::size_t>(t * features + f)];
    }
    /// Checks sizes against heads/features (data read back from a workspace); BadInput if not.
    void validate() const;
};

/// Streams the decoder in blocks of `blockFeatures` features (0: about 64 MiB of float32 per
/// block), computing decoder norms and consecutive-direction cosines. Reports features done
/// within the caller's current progress stage; checks `cancel` between blocks. Parallelism is
/// libtorch's intra-op threads only.
EvolutionData collectEvolutionData(const DecoderSource &source, Progress &progress, const CancelToken &cancel,
                                   std::int64_t blockFeatures = 0);

/// Cosine similarity of one feature's decoder directions between every pair of heads, [S][S]
/// row-major (NaN where a row is zero). Reads only that feature's rows.
std::vector<float> featureDirectionSimilarity(const DecoderSource &source, std::int64_t feature);

} // namespace gb
