// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace gb {

/// Reads RFC 4180 CSV records one at a time: fields separated by `delimiter`, optionally quoted
/// with '"' (a doubled quote inside a quoted field is one quote; quoted fields may span lines),
/// records ended by LF or CRLF. A UTF-8 byte order mark is skipped. Malformed quoting is a BadInput
/// error "<source>:<line>: ...".
class CsvReader {
public:
    CsvReader(std::string_view text, std::string source, char delimiter = ',');

    /// Reads the next record into `fields` (reusing its storage); false at the end. Blank lines are
    /// skipped.
    bool next(std::vector<std::string> &fields);
    /// 1-based line on which the record returned last started.
    std::int64_t line() const { return m_recordLine; }
    const std::string &source() const { return m_source; }

private:
    std::string_view m_text;
    std::string m_source;
    char m_delimiter;
    std::size_t m_pos = 0;
    std::int64_t m_line = 1;
    std::int64_t m_recordLine = 0;
};

/// Parses a number the same way in every locale: optional sign, digits, '.', exponent; surrounding
/// spaces allowed. Returns false for anything else, and for infinities and NaN.
bool parseNumber(std::string_view text, double &value);
/// Cells that mean "no value" in common exports: "", NA, N/A, NaN, null, None, "?" (any case).
bool isMissingToken(std::string_view text);

/// What each column of a tabular data set is for. Read from a sidecar JSON next to the CSV
/// (`data.csv.json`):
///     {"target": "y", "categorical": ["sex"], "ignore": ["id"],
///      "levels": {"region": ["north", "south"]}, "delimiter": ","}
/// `levels` maps a categorical column's text labels to the codes 0, 1, ... the model was trained
/// on; categorical columns without it must hold numeric codes.
struct ColumnRoles {
    std::string target;
    std::vector<std::string> categorical;
    std::vector<std::string> ignored;
    std::map<std::string, std::vector<std::string>> levels;
    char delimiter = ',';

    /// Strict: unknown keys and wrong types are BadInput errors naming the file.
    static ColumnRoles fromSidecar(const std::string &path);
    /// Adds `other`'s roles (a non-empty target replaces ours).
    void merge(const ColumnRoles &other);
};

/// A data set ready for a tabular model: the feature columns in the CSV's order (the model's input
/// order) as float32, with the dropped target kept as text for display.
struct TabularData {
    std::string source;
    std::vector<std::string> names;                     ///< feature columns, model input order
    std::vector<bool> categorical;                      ///< per feature
    std::vector<std::vector<std::string>> levelLabels;  ///< per feature: labels of codes 0..k-1, or empty
    std::int64_t rows = 0;
    std::vector<float> values;                          ///< [rows, names.size()] row-major
    std::vector<std::int64_t> lines;                    ///< CSV line of each row
    std::string targetName;
    std::vector<std::string> target;                    ///< per row, empty when there is no target

    std::int64_t cols() const { return std::int64_t(names.size()); }
    float at(std::int64_t row, std::int64_t col) const { return values[std::size_t(row * cols() + col)]; }
    std::vector<double> column(std::int64_t col) const;
    /// Index of a feature by name; BadInput listing the feature names when absent (and saying so
    /// when the name is the target or an ignored column).
    int featureIndex(const std::string &name) const;
    /// Text of a cell as the user knows it: the level label for labelled categorical columns.
    std::string cellText(std::int64_t row, std::int64_t col) const;
    /// Level label of a categorical code (the number itself when unlabelled).
    std::string levelText(std::int64_t col, double code) const;

    std::vector<std::string> ignoredNames; ///< columns dropped as ignored (for messages)
};

/// Reads a CSV with a header into TabularData. Every problem is a BadInput error with the file and
/// line: empty file, no data rows, duplicate or empty column names, ragged rows, missing values,
/// non-numeric cells in numeric columns, unknown categorical labels, role names that are not columns.
TabularData loadTabularCsv(const std::string &path, const ColumnRoles &roles);
TabularData parseTabularCsv(std::string_view text, const std::string &source, const ColumnRoles &roles);

/// Loads `csvPath` with roles from `sidecarPath` (or `<csvPath>.json` when `sidecarPath` is empty
/// and that file exists) merged with `extra` (command-line or dialog choices).
TabularData loadTabularData(const std::string &csvPath, const std::string &sidecarPath, const ColumnRoles &extra);

} // namespace gb
