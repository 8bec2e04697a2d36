// SPDX-License-Identifier: MIT
#pragma once

#include "io/json.h"

#include <cstdint>
#include <string>
#include <vector>

namespace gb::demo {

/// A small table with a known generating function, for the tabular explanation demos.
struct TabularDataset {
    std::string name;
    std::string description;                ///< how it was generated (goes in the sidecar)
    std::vector<std::string> features;      ///< model input columns, in order
    std::vector<std::string> categorical;   ///< features holding integer-coded levels
    std::string target = "y";
    bool classification = false;
    std::vector<std::string> classes;       ///< class names by label index (classification)
    std::vector<float> x;                   ///< row-major [rows, features]
    std::vector<float> y;                   ///< regression value or class index
    int rows() const { return features.empty() ? 0 : int(x.size() / features.size()); }
    int columns() const { return int(features.size()); }

    /// Writes the CSV (header, features then target, shortest round-trip numbers).
    void writeCsv(const std::string &path) const;
    /// The sidecar the tabular loader reads next to the CSV (`<csv>.json`, io/csv.h ColumnRoles):
    /// {"target", "categorical"}.
    Json sidecar() const;
    /// What the data is, for reports: {"name", "task", "features", "classes", "description"}.
    Json about() const;
};

/// Friedman's #1 function (Friedman 1991): ten U(0,1) inputs x1..x10 of which five matter,
/// y = 10 sin(pi x1 x2) + 20 (x3 - 0.5)^2 + 10 x4 + 5 x5 + noise * N(0, 1).
TabularDataset friedman1(int rows, double noise, std::uint64_t seed);
/// The noise-free Friedman #1 function of one row (x has at least five entries).
double friedman1Function(const float *x);

/// Three classes from a known softmax model with a main effect, an interaction, a non-linear
/// effect, a categorical feature and two pure-noise features (see classificationLogits).
TabularDataset classificationSet(int rows, std::uint64_t seed);
/// The true class logits [3] of one row of classificationSet (columns in its order).
std::vector<double> classificationLogits(const float *x);

} // namespace gb::demo
