// SPDX-License-Identifier: MIT
#pragma once

#include "evolution/evolutionsummary.h"

#include <QString>

#include <memory>
#include <vector>

namespace gb {

class CancelToken;
class DecoderSource;
class Progress;
struct EvolutionResult;

// The evolution page's jobs: plain functions run on the JobRunner's worker.

struct EvolutionAnalysis {
    std::shared_ptr<DecoderSource> source;
    std::shared_ptr<EvolutionResult> result;
};

/// Opens the crosscoder folder and streams its decoder; then summarises with `options`.
EvolutionAnalysis analyseCrosscoder(const QString &path, const EvolutionOptions &options, Progress &progress,
                                    const CancelToken &cancel);
/// The same data summarised with other options (fast: no crosscoder reads).
std::shared_ptr<EvolutionResult> resummarise(const EvolutionResult &base, const EvolutionOptions &options);
/// One feature's S x S direction similarity, opening `path` first when `source` is null.
std::vector<float> featureSimilarity(std::shared_ptr<DecoderSource> &source, const QString &path, qint64 feature);

} // namespace gb
