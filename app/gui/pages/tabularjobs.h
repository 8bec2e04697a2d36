// SPDX-License-Identifier: MIT
// The Tabular page's jobs: plain functions run on the compute worker (no widgets, no torch in
// this header).
#pragma once

#include "io/csv.h"
#include "models/torchscript_model.h"
#include "tabular/ale.h"
#include "tabular/pdp.h"
#include "tabular/ranking.h"

#include <QStringList>

#include <memory>
#include <optional>

namespace gb {

class CancelToken;
class Progress;

/// The CSV's column names and the roles its sidecar (`<csv>.json`) gives them, read without
/// loading the rows.
struct CsvPreview {
    QStringList columns;
    ColumnRoles roles;
};
CsvPreview previewCsv(const QString &path);

struct TabularInputs {
    std::shared_ptr<const TabularData> data;
    std::shared_ptr<const TabularModel> model;
};
TabularInputs loadTabularInputs(const QString &modelPath, const QString &dataPath, const ColumnRoles &roles,
                                const TabularResponse &response);

/// What the effect plot shows.
struct EffectRequest {
    enum class Method { Pdp, Ale, Both };
    std::vector<int> features;     ///< 1 or 2
    Method method = Method::Pdp;
    int gridResolution = 100;
    int aleBins = 20;
    int iceCurves = 200;           ///< ICE curves kept (seeded sample; 0 = none)
    bool centered = false;
    int bootstrap = 0;
    std::uint64_t seed = 0;

    bool wantsPdp() const { return method != Method::Ale; }
    bool wantsAle() const { return method != Method::Pdp; }
};

struct EffectResult {
    EffectRequest request;
    std::optional<tabular::PdpResult> pdp;
    std::optional<tabular::AleResult> ale;
    double meanPrediction = 0.0; ///< puts centred ALE on the PDP's scale
};

EffectResult computeEffects(const TabularInputs &in, const EffectRequest &request, Progress &progress,
                            const CancelToken &cancel);

std::vector<tabular::FeatureRank> rankInputs(const TabularInputs &in, tabular::RankOptions::Method method,
                                             Progress &progress, const CancelToken &cancel);

} // namespace gb
