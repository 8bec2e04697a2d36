// SPDX-License-Identifier: MIT
#pragma once

#include "barfigure.h"
#include "heatmapfigure.h"
#include "xyfigure.h"

#include <memory>
#include <vector>

namespace gb::plots {

/// A 1-D effect plot as the tabular view shows it: thin translucent ICE lines, the PDP in bold
/// with its bootstrap band, ALE on the same axis on request, a rug of the feature's values.
/// Everything is already on the y scale to draw (centring and ALE's offset are the caller's).
struct EffectCurves {
    QString title;
    QString feature;                      ///< x axis title
    QString response;                     ///< y axis title
    std::vector<double> grid;
    std::vector<double> pdp;              ///< empty: no PDP line
    std::vector<double> bandLo, bandHi;   ///< PDP band, empty for none
    double confidence = 0.95;
    std::vector<std::vector<double>> ice; ///< curves drawn, over `grid`
    std::int64_t iceOf = 0;               ///< rows the curves were sampled from (legend)
    int highlighted = -1;                 ///< ICE curve drawn emphasised (hover)
    std::vector<double> aleX, ale;        ///< empty: no ALE line
    std::vector<double> aleLo, aleHi;
    std::vector<double> rug;
    bool centered = false;                ///< adds the y = 0 reference line
};

/// Colours the effect figures use (PDP, ICE, ALE, highlight), chosen to stay apart for
/// colour-vision deficiencies and in greyscale print.
QColor pdpColor();
QColor iceColor();
QColor aleColor();
QColor highlightColor();

std::unique_ptr<XYFigure> makeEffectFigure(const EffectCurves &c);

/// A 2-D effect (PDP surface or second-order ALE) as a heatmap: feature 1 across, feature 2 up.
/// `values` is [x.size()][y.size()] row-major, as core/tabular returns it.
struct EffectSurface {
    QString title, feature1, feature2, valueTitle;
    std::vector<double> x, y;
    std::vector<double> values;
    bool diverging = false; ///< centred quantities (ALE): zero is the neutral colour
};
std::unique_ptr<HeatmapFigure> makeEffectHeatmap(const EffectSurface &s);

/// Effects of a categorical feature as bars per level with interval whiskers.
struct LevelEffects {
    QString title, feature, valueTitle;
    QStringList levels;
    struct Series {
        QString name;
        std::vector<double> values, lo, hi; ///< lo/hi empty: no whiskers
        QColor color;
    };
    std::vector<Series> series;
};
std::unique_ptr<BarFigure> makeLevelEffects(const LevelEffects &e);

} // namespace gb::plots
