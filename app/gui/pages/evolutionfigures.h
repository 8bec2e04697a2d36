// SPDX-License-Identifier: MIT
#pragma once

#include <QList>

#include <cstdint>
#include <memory>
#include <vector>

namespace gb {

namespace plots {
class Figure;
}
struct EvolutionResult;

// Figures of the evolution page, built from an EvolutionResult (pure: no widgets, no I/O), so
// tests and exports get exactly what the page shows.

/// The "crossing" picture: normalised decoder-norm curves of up to `maxCurves` features
/// (stratified by Peak Snapshot Index) against training step, coloured by PSI, with the
/// population's median and interquartile band on top.
std::shared_ptr<plots::Figure> populationFigure(const EvolutionResult &r, std::int64_t maxCurves,
                                               std::vector<std::int64_t> *shown = nullptr);
/// How many live features peak at each snapshot; bars coloured like the population picture.
std::shared_ptr<plots::Figure> psiHistogramFigure(const EvolutionResult &r);
/// Median and mean direction change 1 - cos(d_s, d_s+1) per transition, the turning point marked.
std::shared_ptr<plots::Figure> turningPointFigure(const EvolutionResult &r);
/// Decoder-norm curves of chosen features (normalised or raw), each peak marked with a star.
std::shared_ptr<plots::Figure> featureCurvesFigure(const EvolutionResult &r, const QList<qint64> &features,
                                                   bool normalised);
/// One feature's S x S decoder-direction cosine similarity (row-major `sim`).
std::shared_ptr<plots::Figure> similarityFigure(const EvolutionResult &r, qint64 feature, std::vector<float> sim);
/// Two-model crosscoders: histogram of relative decoder norms with the class thresholds.
std::shared_ptr<plots::Figure> relativeNormFigure(const EvolutionResult &r);
/// Two-model crosscoders: cosine between the two decoder directions of shared features.
std::shared_ptr<plots::Figure> sharedCosineFigure(const EvolutionResult &r);

} // namespace gb
