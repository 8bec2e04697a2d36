// SPDX-License-Identifier: MIT
#pragma once

#include "evolution/evolutiondata.h"
#include "evolution/evolutionsummary.h"
#include "evolution/modeldiff.h"

#include <QString>

#include <memory>
#include <optional>

namespace gb {

/// What the evolution page shows: the gathered data (shared, never copied: 12.6 MB for the
/// paper's 98,304 features) and the statistics derived from it for the current options. The
/// table and every figure read one immutable instance; new options make a new instance.
struct EvolutionResult {
    QString crosscoderPath;
    QString format; ///< "openmoss_crosscoder" or "two_model_crosscoder"
    std::int64_t runId = 0;
    std::shared_ptr<const EvolutionData> data;
    EvolutionSummary summary;
    std::optional<ModelDiffSummary> modelDiff; ///< two-head crosscoders only

    bool hasSteps() const { return data->steps.fromNames; }
    /// x position of head s on the step axis (the step, or the head index).
    double x(std::int64_t s) const { return double(data->steps.steps[std::size_t(s)]); }
};

/// "0", "512", "1k", "14k", "143k", "1.5M": compact step labels for axes and tables.
QString stepLabel(std::int64_t step);
/// A head's label: its step when heads are training snapshots, else its name.
QString headLabel(const EvolutionResult &r, std::int64_t s);

} // namespace gb
