// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <vector>

namespace gb {

struct EvolutionData;

/// Choices of the evolution analysis (defaults follow spec-facts 1.4 where it speaks).
struct EvolutionOptions {
    /// A feature has emerged at the first snapshot whose normalised decoder norm (norm divided by
    /// the feature's maximum over snapshots) reaches this level; lifetime counts the snapshots at
    /// or above it.
    double level = 0.5;
    /// A transition s -> s+1 enters the population's direction change only for features whose
    /// normalised norm is at least this at both ends: a decoder pushed to ~0 by the sparsity
    /// penalty has a meaningless direction (spec-facts 1.4), and would add noise near 1.
    double directionLevel = 0.1;
    /// Features whose largest decoder norm is at most this are dead: no peak, never emerge.
    double deadNorm = 0.0;
};

/// The per-feature life stories and the population picture (arXiv 2509.17196, spec-facts 1.4/1.5).
/// Indices are head (snapshot) indices; steps come from EvolutionData::steps. -1 means "none".
struct EvolutionSummary {
    EvolutionOptions options;
    std::vector<float> maxNorm;                ///< [F]
    std::vector<std::int32_t> peakIndex;       ///< [F] Peak Snapshot Index: argmax_s norm (first on ties)
    std::vector<std::int64_t> peakStep;        ///< [F]
    std::vector<std::int32_t> emergenceIndex;  ///< [F] first s with normalised norm >= level
    std::vector<std::int64_t> emergenceStep;   ///< [F]
    std::vector<float> lifetime;               ///< [F] fraction of snapshots with normalised norm >= level
    std::int64_t deadCount = 0;      ///< features with no peak (includes the non-finite ones)
    std::int64_t nonFiniteCount = 0; ///< features with a NaN/Inf decoder norm (a corrupt decoder)
    std::vector<std::int64_t> psiCounts;       ///< [S] live features per Peak Snapshot Index

    /// Median and quartiles over live features of the normalised norm at each snapshot [S].
    std::vector<float> medianCurve, lowerQuartileCurve, upperQuartileCurve;
    /// Over features counted at transition t (see directionLevel): median and mean of
    /// 1 - cos(d_t, d_{t+1}) [S-1], and how many features counted. NaN where none did.
    std::vector<float> medianChange, meanChange;
    std::vector<std::int64_t> changeCounts;
    /// The turning point: the transition t (snapshot t -> t+1) with the largest median change;
    /// -1 when there is no transition with data.
    std::int32_t turningIndex = -1;

    bool isDead(std::int64_t f) const { return peakIndex[static_cast<std::size_t>(f)] < 0; }
};

EvolutionSummary summariseEvolution(const EvolutionData &data, const EvolutionOptions &options = {});

/// Feature f's decoder norms divided by its maximum, [S] (zeros for a dead feature).
std::vector<float> normalisedCurve(const EvolutionData &data, const EvolutionSummary &summary, std::int64_t f);

/// The q-quantile (0..1) of `values` by linear interpolation between order statistics (numpy's
/// default); NaN for an empty set. Reorders `values`.
double quantile(std::vector<float> &values, double q);

} // namespace gb
