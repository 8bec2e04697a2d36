// SPDX-License-Identifier: MIT
#include "figuredata.h"

#include "common/error.h"

#include <cmath>
#include <limits>

namespace gb::plots::data {

Json doubles(const std::vector<double> &v)
{
    return Json::arrayOf(v);
}

std::vector<double> toDoubles(const Json *j, const std::string &what)
{
    std::vector<double> out;
    if (!j || j->isNull())
        return out;
    const auto &a = j->toArray(what);
    out.reserve(a.size());
    for (const Json &e : a)
        out.push_back(e.isNull() ? std::numeric_limits<double>::quiet_NaN() : e.toDouble(what + " element"));
    return out;
}

Json strings(const QStringList &v)
{
    Json a = Json::array();
    for (const QString &s : v)
        a.push(s.toStdString());
    return a;
}

QStringList toStrings(const Json *j, const std::string &what)
{
    QStringList out;
    if (!j || j->isNull())
        return out;
    for (const Json &e : j->toArray(what))
        out << QString::fromStdString(e.toString(what + " element"));
    return out;
}

Json color(const QColor &c)
{
    return c.name(c.alpha() < 255 ? QColor::HexArgb : QColor::HexRgb).toStdString();
}

QColor toColor(const Json *j, const QColor &fallback)
{
    if (!j || !j->isString())
        return fallback;
    const QColor c = QColor::fromString(QString::fromStdString(j->toString()));
    return c.isValid() ? c : fallback;
}

Json str(const QString &s)
{
    return s.toStdString();
}

QString toStr(const Json &object, std::string_view key, const QString &fallback)
{
    const Json *j = object.find(key);
    return j && j->isString() ? QString::fromStdString(j->toString()) : fallback;
}

double toNum(const Json &object, std::string_view key, double fallback)
{
    const Json *j = object.find(key);
    return j && j->isNumber() ? j->toDouble() : fallback;
}

bool toFlag(const Json &object, std::string_view key, bool fallback)
{
    const Json *j = object.find(key);
    return j && j->isBool() ? j->toBool() : fallback;
}

namespace {
const char *const TickModes[] = {"auto", "integer", "category"};
}

Json axis(const AxisSpec &spec)
{
    Json j = Json::object();
    j.set("title", str(spec.title)).set("log", spec.log).set("ticks", TickModes[int(spec.ticks)]);
    if (!spec.categories.isEmpty())
        j.set("categories", strings(spec.categories));
    if (spec.min)
        j.set("min", *spec.min);
    if (spec.max)
        j.set("max", *spec.max);
    j.set("grid", spec.grid).set("reversed", spec.reversed);
    if (spec.labelAngle)
        j.set("label_angle", *spec.labelAngle);
    return j;
}

AxisSpec toAxis(const Json *j)
{
    AxisSpec spec;
    if (!j || !j->isObject())
        return spec;
    spec.title = toStr(*j, "title");
    spec.log = toFlag(*j, "log", false);
    const QString mode = toStr(*j, "ticks", QStringLiteral("auto"));
    for (int i = 0; i < 3; ++i)
        if (mode == QLatin1String(TickModes[i]))
            spec.ticks = TickMode(i);
    spec.categories = toStrings(j->find("categories"), "axis categories");
    if (const Json *v = j->find("min"); v && v->isNumber())
        spec.min = v->toDouble();
    if (const Json *v = j->find("max"); v && v->isNumber())
        spec.max = v->toDouble();
    spec.grid = toFlag(*j, "grid", false);
    spec.reversed = toFlag(*j, "reversed", false);
    if (const Json *v = j->find("label_angle"); v && v->isNumber())
        spec.labelAngle = v->toDouble();
    return spec;
}

const Json &checkKind(const Json &figure, const QString &kind)
{
    if (!figure.isObject())
        throw Error::badInput("figure JSON must be an object");
    const QString got = toStr(figure, "kind");
    if (got != kind)
        throw Error::badInput("figure JSON has kind \"" + got.toStdString() + "\", expected \"" + kind.toStdString() + "\"");
    return figure;
}

QByteArray dump(const Json &j)
{
    return QByteArray::fromStdString(j.dump());
}

QString csvField(const QString &s)
{
    if (!s.contains(QLatin1Char(',')) && !s.contains(QLatin1Char('"')) && !s.contains(QLatin1Char('\n'))
        && !s.contains(QLatin1Char('\r')))
        return s;
    QString q = s;
    q.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + q + QLatin1Char('"');
}

QString csvNumber(double v)
{
    return std::isnan(v) ? QString() : QString::fromStdString(formatNumber(v));
}

QString csvRow(const QStringList &fields)
{
    QStringList escaped;
    for (const QString &f : fields)
        escaped << csvField(f);
    return escaped.join(QLatin1Char(',')) + QLatin1Char('\n');
}

} // namespace gb::plots::data
