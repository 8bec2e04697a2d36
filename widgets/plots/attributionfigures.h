// SPDX-License-Identifier: MIT
#pragma once

#include "heatmapfigure.h"
#include "tokenstripfigure.h"
#include "xyfigure.h"

#include "attribution/results.h"

#include <QStringList>

#include <memory>

namespace gb::plots {

/// The figures of prompt attribution, built from plain results (shared by the page and the CLI).

/// One strip row per method, labelled with the method and its quality numbers (IG's delta and
/// steps, LIME's R², KernelSHAP exactness, rank agreement with the first method). Methods in
/// the target's units share one colour scale; with saliency (unitless gradients) among them,
/// each row is scaled to its own maximum.
std::unique_ptr<TokenStripFigure> attributionStrip(const QStringList &tokens, const AttributionOutcome &outcome,
                                                   const QString &targetLabel, const QString &title,
                                                   const QString &unit);

/// Generated tokens (rows) x source tokens (columns), on one diverging scale centred at zero;
/// cells a generated token cannot see are empty.
std::unique_ptr<HeatmapFigure> generationMatrix(const QStringList &tokens, const GenerationAttribution &g,
                                                const QString &title, const QString &unit);

/// Deletion (solid) and insertion (dashed) curves of every method, with their areas in the legend.
std::unique_ptr<XYFigure> faithfulnessPlot(const AttributionOutcome &outcome, const QString &targetName);

/// How a target reads in titles, `kind` as the CLI names it: "log p(“ Paris”)", "p(…)",
/// "logit of “…”", "logit “ Paris” − logit “ London”" (logit_diff, with `foil`), "activation of
/// <token>" (feature: `token` names the feature).
QString targetTitle(const QString &kind, const QString &token, const QString &foil = {});

/// Token labels for figures: the display strings, or "#id" when there are none.
QStringList tokenLabels(const std::vector<std::string> &texts, const std::vector<std::int64_t> &ids);

} // namespace gb::plots
