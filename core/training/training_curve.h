// SPDX-License-Identifier: MIT
#pragma once

#include "io/json.h"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace gb {

/// Per-step metrics of a training run (the data behind its loss curve): one step number and one
/// value per named series at each point.
class TrainingCurve {
public:
    TrainingCurve() = default;
    explicit TrainingCurve(std::vector<std::string> names);

    /// Appends a point; `values` in the order of names().
    void add(std::int64_t step, std::initializer_list<double> values);
    std::size_t size() const { return m_steps.size(); }
    bool empty() const { return m_steps.empty(); }
    const std::vector<std::int64_t> &steps() const { return m_steps; }
    const std::vector<std::string> &names() const { return m_names; }
    /// A series by name; an unknown name is an internal error.
    const std::vector<double> &series(const std::string &name) const;
    /// The last value of a series (NaN when empty).
    double last(const std::string &name) const;

    /// {"step": [...], "<name>": [...], ...}
    Json toJson() const;
    /// Reads toJson()'s output, keeping the points before `beforeStep` (a resumed run redoes the
    /// others). BadInput for ragged or missing series.
    static TrainingCurve fromJson(const Json &json, const std::vector<std::string> &names, std::int64_t beforeStep,
                                  const std::string &source);

private:
    std::vector<std::string> m_names;
    std::vector<std::int64_t> m_steps;
    std::vector<std::vector<double>> m_values;
};

} // namespace gb
