// SPDX-License-Identifier: MIT
#pragma once

#include "axis.h"
#include "io/json.h"

#include <QByteArray>
#include <QColor>
#include <QString>
#include <QStringList>

#include <string>
#include <vector>

/// Helpers shared by figure models for their JSON (dataJson / fromJson) and CSV (dataCsv).
/// Reading is strict where data are concerned (a wrong type is a BadInput error naming the
/// field) and lenient for presentation fields, which fall back to defaults when absent.
namespace gb::plots::data {

Json doubles(const std::vector<double> &v);          ///< NaN/inf are written as null
std::vector<double> toDoubles(const Json *j, const std::string &what); ///< null -> NaN; absent -> {}
Json strings(const QStringList &v);
QStringList toStrings(const Json *j, const std::string &what);
Json color(const QColor &c);                         ///< "#rrggbb", or "#aarrggbb" when translucent
QColor toColor(const Json *j, const QColor &fallback);
Json str(const QString &s);
QString toStr(const Json &object, std::string_view key, const QString &fallback = {});
double toNum(const Json &object, std::string_view key, double fallback);
bool toFlag(const Json &object, std::string_view key, bool fallback);

Json axis(const AxisSpec &spec);
AxisSpec toAxis(const Json *j);

/// The object of a figure's JSON after checking its "kind" (BadInput when it differs).
const Json &checkKind(const Json &figure, const QString &kind);
QByteArray dump(const Json &j);

/// One CSV field: quoted when it holds a comma, quote or line break.
QString csvField(const QString &s);
/// Shortest text that reads back as the same double; "" for NaN (an empty CSV cell).
QString csvNumber(double v);
/// Joins fields into one CSV line (with "\n").
QString csvRow(const QStringList &fields);

} // namespace gb::plots::data
