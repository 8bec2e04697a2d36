// SPDX-License-Identifier: MIT
// From computed effects to the figures the Tabular page shows.
#pragma once

#include "plots/effectplot.h"
#include "tabularjobs.h"

#include <memory>
#include <vector>

namespace gb {

/// The y-axis name of what the model's response is ("prediction", "P(class 2)", ...).
QString responseTitle(const TabularModel &model);
/// True when the result is drawn as curves (one continuous feature), else as a heatmap or bars.
bool showsCurves(const EffectResult &r, const TabularData &data);
/// Curves for a 1-D continuous result: ICE, PDP and band; ALE on the PDP's scale (shifted by the
/// mean prediction, or anchored like the PDP when centred).
plots::EffectCurves effectCurves(const EffectResult &r, const TabularData &data, const QString &response);
/// Two features: one heatmap per estimator computed (PDP, then second-order ALE). A categorical
/// feature: one bar chart holding both.
std::vector<std::shared_ptr<plots::Figure>> effectFigures(const EffectResult &r, const TabularData &data,
                                                          const QString &response);

} // namespace gb
