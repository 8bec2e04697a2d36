// SPDX-License-Identifier: MIT
#include "io/csv.h"

#include "common/error.h"
#include "io/json.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

namespace gb {

namespace {

std::string joinNames(const std::vector<std::string> &names)
{
    std::string s;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i == 8) {
            s += ", ... (" + std::to_string(names.size()) + " in all)";
            break;
        }
        s += (i ? ", " : "") + names[i];
    }
    return s;
}

bool contains(const std::vector<std::string> &v, const std::string &s)
{
    return std::find(v.begin(), v.end(), s) != v.end();
}

std::vector<std::string> stringList(const Json &j, const std::string &what)
{
    std::vector<std::string> out;
    for (const Json &e : j.toArray(what))
        out.push_back(e.toString(what + " entry"));
    return out;
}

std::string trim(const std::string &s)
{
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos)
        return {};
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::string readText(const std::string &path)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw Error::badInput(path + ": no such file");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error::badInput(path + ": cannot open file");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace

ColumnRoles ColumnRoles::fromSidecar(const std::string &path)
{
    const Json j = Json::parseFile(path);
    if (!j.isObject())
        throw Error::badInput(path + ": expected a JSON object with target, categorical, ignore, levels");
    ColumnRoles r;
    for (const auto &[key, value] : j.toObject()) {
        const std::string what = path + ": \"" + key + "\"";
        if (key == "target")
            r.target = value.isNull() ? std::string() : value.toString(what);
        else if (key == "categorical")
            r.categorical = stringList(value, what);
        else if (key == "ignore")
            r.ignored = stringList(value, what);
        else if (key == "levels") {
            for (const auto &[column, labels] : value.toObject(what))
                r.levels[column] = stringList(labels, what + "." + column);
        } else if (key == "delimiter") {
            const std::string &d = value.toString(what);
            if (d.size() != 1 || d == "\"" || d == "\n")
                throw Error::badInput(what + " must be one character such as \",\", \";\" or \"\\t\"");
            r.delimiter = d[0];
        } else
            throw Error::badInput(path + ": unknown key \"" + key
                                  + "\" (expected target, categorical, ignore, levels, delimiter)");
    }
    return r;
}

void ColumnRoles::merge(const ColumnRoles &other)
{
    if (!other.target.empty())
        target = other.target;
    for (const auto &c : other.categorical)
        if (!contains(categorical, c))
            categorical.push_back(c);
    for (const auto &c : other.ignored)
        if (!contains(ignored, c))
            ignored.push_back(c);
    for (const auto &[k, v] : other.levels)
        levels[k] = v;
    if (other.delimiter != ',')
        delimiter = other.delimiter;
}

std::vector<double> TabularData::column(std::int64_t col) const
{
    std::vector<double> out(static_cast<std::size_t>(rows));
    for (std::int64_t r = 0; r < rows; ++r)
        out[std::size_t(r)] = at(r, col);
    return out;
}

int TabularData::featureIndex(const std::string &name) const
{
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == name)
            return int(i);
    if (!targetName.empty() && name == targetName)
        throw Error::badInput(source + ": '" + name + "' is the target column, not a model input");
    if (contains(ignoredNames, name))
        throw Error::badInput(source + ": '" + name + "' is an ignored column, not a model input");
    throw Error::badInput(source + ": no feature column '" + name + "' (features: " + joinNames(names) + ")");
}

std::string TabularData::levelText(std::int64_t col, double code) const
{
    const auto &labels = levelLabels[std::size_t(col)];
    const double rounded = std::round(code);
    if (!labels.empty() && rounded == code && rounded >= 0 && rounded < double(labels.size()))
        return labels[std::size_t(rounded)];
    std::ostringstream s;
    s << code;
    return s.str();
}

std::string TabularData::cellText(std::int64_t row, std::int64_t col) const
{
    return levelText(col, at(row, col));
}

namespace {

struct ColumnPlan {
    enum class Role { Feature, Target, Ignored };
    Role role = Role::Feature;
    bool categorical = false;
    const std::vector<std::string> *labels = nullptr;
};

std::vector<std::string> readHeader(CsvReader &reader)
{
    std::vector<std::string> header;
    if (!reader.next(header))
        throw Error::badInput(reader.source() + ": empty file (expected a header line with column names)");
    for (auto &h : header)
        h = trim(h);
    for (std::size_t i = 0; i < header.size(); ++i) {
        if (header[i].empty())
            throw Error::badInput(reader.source() + ":" + std::to_string(reader.line()) + ": column "
                                  + std::to_string(i + 1) + " has no name");
        for (std::size_t k = 0; k < i; ++k)
            if (header[k] == header[i])
                throw Error::badInput(reader.source() + ":" + std::to_string(reader.line()) + ": duplicate column name '"
                                      + header[i] + "' (columns " + std::to_string(k + 1) + " and "
                                      + std::to_string(i + 1) + ")");
    }
    return header;
}

std::vector<ColumnPlan> planColumns(const std::vector<std::string> &header, const ColumnRoles &roles,
                                    const std::string &source)
{
    const auto requireColumn = [&](const std::string &name, const std::string &role) {
        if (!contains(header, name))
            throw Error::badInput(source + ": " + role + " column '" + name + "' is not in the header (columns: "
                                  + joinNames(header) + ")");
    };
    if (!roles.target.empty())
        requireColumn(roles.target, "target");
    for (const auto &c : roles.categorical)
        requireColumn(c, "categorical");
    for (const auto &c : roles.ignored)
        requireColumn(c, "ignored");
    for (const auto &[c, labels] : roles.levels) {
        requireColumn(c, "labelled categorical");
        if (labels.empty())
            throw Error::badInput(source + ": levels of '" + c + "' are empty");
    }
    std::vector<ColumnPlan> plan(header.size());
    for (std::size_t i = 0; i < header.size(); ++i) {
        const std::string &name = header[i];
        if (name == roles.target)
            plan[i].role = ColumnPlan::Role::Target;
        else if (contains(roles.ignored, name))
            plan[i].role = ColumnPlan::Role::Ignored;
        const auto lv = roles.levels.find(name);
        plan[i].categorical = contains(roles.categorical, name) || lv != roles.levels.end();
        if (lv != roles.levels.end())
            plan[i].labels = &lv->second;
    }
    return plan;
}

float featureValue(const std::string &cell, const ColumnPlan &plan, const std::string &column, const std::string &where)
{
    if (isMissingToken(cell))
        throw Error::badInput(where + ": missing value in column '" + column
                              + "' (Glassbox does not impute: fill or drop incomplete rows)");
    if (plan.labels) {
        const std::string t = trim(cell);
        const auto it = std::find(plan.labels->begin(), plan.labels->end(), t);
        if (it == plan.labels->end())
            throw Error::badInput(where + ": \"" + t + "\" is not a level of column '" + column + "' (levels: "
                                  + joinNames(*plan.labels) + ")");
        return float(it - plan.labels->begin());
    }
    double v = 0;
    if (!parseNumber(cell, v))
        throw Error::badInput(where + ": column '" + column + "' is numeric but holds \"" + trim(cell) + "\""
                              + (plan.categorical ? " (give this categorical column's labels as \"levels\" in the sidecar)"
                                                  : " (mark the column as target, ignored, or categorical with levels)"));
    if (std::fabs(v) > double(std::numeric_limits<float>::max()))
        throw Error::badInput(where + ": " + trim(cell) + " in column '" + column + "' is outside the float32 range");
    return float(v);
}

} // namespace

TabularData parseTabularCsv(std::string_view text, const std::string &source, const ColumnRoles &roles)
{
    CsvReader reader(text, source, roles.delimiter);
    const std::vector<std::string> header = readHeader(reader);
    const std::vector<ColumnPlan> plan = planColumns(header, roles, source);

    TabularData d;
    d.source = source;
    std::vector<std::size_t> featureColumns;
    for (std::size_t i = 0; i < header.size(); ++i) {
        if (plan[i].role == ColumnPlan::Role::Feature) {
            featureColumns.push_back(i);
            d.names.push_back(header[i]);
            d.categorical.push_back(plan[i].categorical);
            d.levelLabels.push_back(plan[i].labels ? *plan[i].labels : std::vector<std::string>{});
        } else if (plan[i].role == ColumnPlan::Role::Ignored)
            d.ignoredNames.push_back(header[i]);
    }
    if (featureColumns.empty())
        throw Error::badInput(source + ": no feature columns left after removing the target and ignored columns");
    const auto targetIt = std::find(header.begin(), header.end(), roles.target);
    const std::size_t targetColumn = roles.target.empty() ? header.size() : std::size_t(targetIt - header.begin());
    d.targetName = roles.target;

    std::vector<std::string> fields;
    while (reader.next(fields)) {
        const std::string where = source + ":" + std::to_string(reader.line());
        if (fields.size() != header.size())
            throw Error::badInput(where + ": " + std::to_string(fields.size()) + " field" + (fields.size() == 1 ? "" : "s")
                                  + ", but the header has " + std::to_string(header.size()) + " columns");
        for (const std::size_t c : featureColumns)
            d.values.push_back(featureValue(fields[c], plan[c], header[c], where));
        if (targetColumn < header.size())
            d.target.push_back(trim(fields[targetColumn]));
        d.lines.push_back(reader.line());
        ++d.rows;
    }
    if (d.rows == 0)
        throw Error::badInput(source + ": no data rows after the header");
    return d;
}

TabularData loadTabularCsv(const std::string &path, const ColumnRoles &roles)
{
    return parseTabularCsv(readText(path), path, roles);
}

TabularData loadTabularData(const std::string &csvPath, const std::string &sidecarPath, const ColumnRoles &extra)
{
    ColumnRoles roles;
    std::string sidecar = sidecarPath;
    std::error_code ec;
    if (sidecar.empty() && std::filesystem::exists(csvPath + ".json", ec))
        sidecar = csvPath + ".json";
    if (!sidecar.empty())
        roles = ColumnRoles::fromSidecar(sidecar);
    roles.merge(extra);
    return loadTabularCsv(csvPath, roles);
}

} // namespace gb
