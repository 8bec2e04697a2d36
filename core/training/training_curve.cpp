// SPDX-License-Identifier: MIT
#include "training/training_curve.h"

#include "common/error.h"

#include <cmath>

namespace gb {

TrainingCurve::TrainingCurve(std::vector<std::string> names)
    : m_names(std::move(names)), m_values(m_names.size())
{
}

void TrainingCurve::add(std::int64_t step, std::initializer_list<double> values)
{
    if (values.size() != m_names.size())
        throw Error::internal("training curve: " + std::to_string(values.size()) + " values for "
                              + std::to_string(m_names.size()) + " series");
    m_steps.push_back(step);
    std::size_t i = 0;
    for (double v : values)
        m_values[i++].push_back(v);
}

const std::vector<double> &TrainingCurve::series(const std::string &name) const
{
    for (std::size_t i = 0; i < m_names.size(); ++i)
        if (m_names[i] == name)
            return m_values[i];
    throw Error::internal("training curve has no series \"" + name + "\"");
}

double TrainingCurve::last(const std::string &name) const
{
    const auto &s = series(name);
    return s.empty() ? std::nan("") : s.back();
}

Json TrainingCurve::toJson() const
{
    Json j = Json::object();
    j.set("step", Json::arrayOf(m_steps));
    for (std::size_t i = 0; i < m_names.size(); ++i)
        j.set(m_names[i], Json::arrayOf(m_values[i]));
    return j;
}

TrainingCurve TrainingCurve::fromJson(const Json &json, const std::vector<std::string> &names, std::int64_t beforeStep,
                                      const std::string &source)
{
    TrainingCurve c(names);
    const Json *steps = json.find("step");
    require(steps != nullptr, source, "training curve without \"step\"");
    const auto &stepArray = steps->toArray("step");
    std::vector<const Json::Array *> columns;
    for (const auto &n : names) {
        const Json *col = json.find(n);
        require(col != nullptr && col->toArray(n).size() == stepArray.size(), source,
                "training curve series \"" + n + "\" is missing or has another length than \"step\"");
        columns.push_back(&col->toArray(n));
    }
    for (std::size_t p = 0; p < stepArray.size(); ++p) {
        const std::int64_t step = stepArray[p].toInt("step");
        if (step >= beforeStep)
            break;
        c.m_steps.push_back(step);
        for (std::size_t i = 0; i < names.size(); ++i) {
            const Json &v = (*columns[i])[p];
            c.m_values[i].push_back(v.isNull() ? std::nan("") : v.toDouble(names[i]));
        }
    }
    return c;
}

} // namespace gb
