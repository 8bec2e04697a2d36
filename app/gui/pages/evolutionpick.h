// SPDX-License-Identifier: MIT
#pragma once

#include <QPointF>
#include <QtGlobal>

#include <vector>

namespace gb {

class FigureView;
struct EvolutionResult;

/// Curves of an evolution figure, for mapping a click to the feature drawn there.
struct PlottedCurves {
    std::vector<qint64> features;
    std::vector<std::vector<double>> y; ///< per feature, one value per snapshot (figure units)
};

/// The feature whose curve passes nearest to `at` (view coordinates) in `view`'s population
/// (CurveBundleFigure) or curves (XYFigure) figure, if within `reach` points; -1 otherwise.
qint64 curveNear(const FigureView &view, const EvolutionResult &r, const PlottedCurves &curves, QPointF at, double reach = 6.0);

} // namespace gb
