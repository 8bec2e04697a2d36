// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gb::tabular {

/// scipy.stats.mstats.mquantiles of already sorted values (plotting positions alphap, betap; the
/// defaults 0.4, 0.4 are what scikit-learn's partial dependence uses). spec-facts 10.2.
double mquantile(const std::vector<double> &sorted, double p, double alphap = 0.4, double betap = 0.4);

/// Sorted distinct values.
std::vector<double> uniqueValues(std::vector<double> values);

/// How PDP/ICE grid values are chosen for one feature.
struct GridOptions {
    enum class Kind {
        Percentile, ///< scikit-learn: `resolution` equally spaced values between two percentiles
        Quantile,   ///< `resolution` quantiles between the two percentiles (dense where the data is)
        Custom      ///< exactly `values`
    };
    Kind kind = Kind::Percentile;
    double lower = 0.05;
    double upper = 0.95;
    int resolution = 100;
    std::vector<double> values;
};

/// The grid of one feature, as scikit-learn's partial_dependence builds it for Percentile: the
/// distinct values when the feature is categorical or has fewer than `resolution` of them,
/// otherwise linspace(mquantile(lower), mquantile(upper), resolution). Invalid options (resolution
/// <= 1, percentiles outside [0, 1] or not increasing, percentiles too close) are BadInput errors
/// naming `feature`.
std::vector<double> featureGrid(const std::vector<double> &column, bool categorical, const GridOptions &options,
                                const std::string &feature);

/// Bin edges of first-order ALE. spec-facts 10.3.
enum class EdgeConvention {
    ALEPlot, ///< R type-1 quantiles (inverse ECDF) at k/K, as in the authors' ALEPlot package
    PyALE    ///< PyALE's quantile_ied, which indexes with n - 1 and so differs for some k
};
const char *toString(EdgeConvention c);
EdgeConvention edgeConventionFromString(const std::string &name);

/// z_0 = min, z_k = Q(k / bins) for k = 1..bins, duplicates removed (so fewer than bins + 1 edges
/// for discrete features). At least 2 distinct values are needed (BadInput naming `feature`).
std::vector<double> aleEdges(const std::vector<double> &column, int bins, EdgeConvention convention,
                             const std::string &feature);

/// For each value, the bin k (0-based) with value in (edges[k], edges[k+1]]; the first bin also
/// holds edges[0]. Values outside [edges.front(), edges.back()] are clamped to the end bins.
std::vector<int> binIndices(const std::vector<double> &values, const std::vector<double> &edges);

} // namespace gb::tabular
