// SPDX-License-Identifier: MIT
#include "ticks.h"

#include <algorithm>
#include <cmath>

namespace gb::plots {

namespace {

constexpr double Eps = 1e-9;
const QChar Minus(0x2212);

// Decimals needed to write multiples of `step` exactly.
int decimalsFor(double step)
{
    for (int d = 0; d < 12; ++d) {
        const double scaled = step * std::pow(10.0, d);
        if (std::fabs(scaled - std::round(scaled)) < 1e-6 * std::max(1.0, scaled))
            return d;
    }
    return 12;
}

QString withMinus(QString s)
{
    if (s.startsWith(QLatin1Char('-')))
        s[0] = Minus;
    return s;
}

QString stripZeros(QString s)
{
    if (!s.contains(QLatin1Char('.')))
        return s;
    while (s.endsWith(QLatin1Char('0')))
        s.chop(1);
    if (s.endsWith(QLatin1Char('.')))
        s.chop(1);
    return s;
}

QString scientific(double v, double step)
{
    const int e = int(std::floor(std::log10(std::fabs(v)) + Eps));
    const double scale = std::pow(10.0, e);
    const double mantissa = v / scale;
    const QString m = stripZeros(QString::number(mantissa, 'f', std::min(decimalsFor(step / scale), 6)));
    if (m == QLatin1String("1"))
        return powerOfTen(e);
    if (m == QLatin1String("-1"))
        return QString(Minus) + powerOfTen(e);
    return withMinus(m) + QChar(0x00D7) + powerOfTen(e);
}

std::vector<Tick> stepTicks(double lo, double hi, double step)
{
    std::vector<Tick> ticks;
    if (!(step > 0) || !std::isfinite(lo) || !std::isfinite(hi))
        return ticks;
    const double first = std::ceil(lo / step - Eps);
    for (double k = first; k * step <= hi + Eps * std::max(1.0, std::fabs(hi)); k += 1.0) {
        double v = k * step;
        if (std::fabs(v) < step * Eps)
            v = 0.0; // avoid "-0" and 1e-17 labels
        ticks.push_back({v, formatTick(v, step, std::max(std::fabs(lo), std::fabs(hi))), true});
        if (ticks.size() > 1000)
            break;
    }
    return ticks;
}

// Decades from 0.01 to 10000 read best as plain numbers; an axis reaching beyond uses 10ⁿ
// for every label, so one axis never mixes the two styles.
bool plainDecades(int d0, int d1)
{
    return d0 >= -2 && d1 <= 4;
}

QString logLabel(double v, int exponent, int mantissa, bool plain)
{
    if (plain)
        return formatTick(v, std::pow(10.0, std::min(exponent, 0)));
    return mantissa == 1 ? powerOfTen(exponent) : QString::number(mantissa) + QChar(0x00D7) + powerOfTen(exponent);
}

} // namespace

double niceStep(double span, int maxIntervals, bool integer)
{
    if (!(span > 0) || !std::isfinite(span))
        return integer ? 1.0 : 0.0;
    maxIntervals = std::max(1, maxIntervals);
    const double raw = span / maxIntervals;
    const double decade = std::pow(10.0, std::floor(std::log10(raw)));
    static const double withQuarter[] = {1.0, 2.0, 2.5, 5.0, 10.0};
    static const double plain[] = {1.0, 2.0, 5.0, 10.0};
    double step = 10.0 * decade;
    if (integer) {
        for (double m : plain)
            if (m * decade >= raw * (1 - Eps)) {
                step = m * decade;
                break;
            }
        return std::max(1.0, std::round(step));
    }
    for (double m : withQuarter)
        if (m * decade >= raw * (1 - Eps)) {
            step = m * decade;
            break;
        }
    return step;
}

std::vector<Tick> linearTicks(double lo, double hi, int maxCount)
{
    if (hi < lo)
        std::swap(lo, hi);
    if (!(hi > lo)) {
        const double step = lo == 0.0 ? 1.0 : std::pow(10.0, std::floor(std::log10(std::fabs(lo))));
        return {{lo, formatTick(lo, step), true}};
    }
    return stepTicks(lo, hi, niceStep(hi - lo, maxCount));
}

std::vector<Tick> integerTicks(double lo, double hi, int maxCount)
{
    if (hi < lo)
        std::swap(lo, hi);
    return stepTicks(std::ceil(lo - Eps), std::floor(hi + Eps), niceStep(hi - lo, maxCount, true));
}

std::vector<Tick> logTicks(double lo, double hi, int maxCount, bool zero)
{
    std::vector<Tick> ticks;
    if (zero)
        ticks.push_back({0.0, QStringLiteral("0"), true});
    if (!(lo > 0) || !(hi > lo))
        return ticks;
    maxCount = std::max(2, maxCount);
    const int d0 = int(std::floor(std::log10(lo) + Eps));
    const int d1 = int(std::ceil(std::log10(hi) - Eps));
    const auto inside = [&](double v) { return v >= lo * (1 - Eps) && v <= hi * (1 + Eps); };
    int decadesInside = 0, first = d1, last = d0;
    for (int d = d0; d <= d1; ++d)
        if (inside(std::pow(10.0, d))) {
            ++decadesInside;
            first = std::min(first, d);
            last = std::max(last, d);
        }
    const bool plain = decadesInside == 0 ? plainDecades(d0, d1) : plainDecades(first, last);
    if (decadesInside < 2) {
        // Less than a decade: 1-2-5 marks, or plain linear ticks when even those are too few.
        std::vector<Tick> marks;
        for (int d = d0; d <= d1; ++d)
            for (int m : {1, 2, 5}) {
                const double v = m * std::pow(10.0, d);
                if (inside(v))
                    marks.push_back({v, logLabel(v, d, m, plain), true});
            }
        if (marks.size() < 2 || int(marks.size()) > maxCount)
            marks = linearTicks(lo, hi, std::min(maxCount, 4));
        ticks.insert(ticks.end(), marks.begin(), marks.end());
        return ticks;
    }
    const int every = std::max(1, int(std::ceil(double(decadesInside) / maxCount)));
    for (int d = d0; d <= d1; ++d) {
        const double base = std::pow(10.0, d);
        if (inside(base) && ((d % every) + every) % every == 0)
            ticks.push_back({base, logLabel(base, d, 1, plain), true});
        else if (inside(base))
            ticks.push_back({base, QString(), false});
        if (every == 1)
            for (int m = 2; m <= 9; ++m)
                if (inside(m * base))
                    ticks.push_back({m * base, QString(), false});
    }
    return ticks;
}

std::vector<Tick> categoryTicks(const QStringList &categories, int maxCount)
{
    std::vector<Tick> ticks;
    const int n = int(categories.size());
    const int every = std::max(1, int(std::ceil(double(n) / std::max(1, maxCount))));
    for (int i = 0; i < n; i += every)
        ticks.push_back({double(i), categories[i], true});
    return ticks;
}

std::pair<double, double> niceBounds(double lo, double hi, int maxCount)
{
    if (hi < lo)
        std::swap(lo, hi);
    const double step = niceStep(hi - lo, maxCount);
    if (!(step > 0))
        return {lo, hi};
    return {std::floor(lo / step + Eps) * step, std::ceil(hi / step - Eps) * step};
}

QString formatTick(double v, double step, double axisMagnitude)
{
    if (!std::isfinite(v))
        return QString::number(v);
    if (v == 0.0)
        v = 0.0; // drop the sign of -0
    const double magnitude = std::max({std::fabs(v), std::fabs(step), std::fabs(axisMagnitude)});
    if (magnitude >= 1e5 || magnitude < 1e-3)
        return v == 0.0 ? QStringLiteral("0") : scientific(v, step);
    return withMinus(QString::number(v, 'f', decimalsFor(step)));
}

QString powerOfTen(int exponent)
{
    static const char16_t digits[] = {0x2070, 0x00B9, 0x00B2, 0x00B3, 0x2074, 0x2075, 0x2076, 0x2077, 0x2078, 0x2079};
    QString s = QStringLiteral("10");
    if (exponent < 0)
        s += QChar(0x207B);
    for (const QChar c : QString::number(std::abs(exponent)))
        s += QChar(digits[c.digitValue()]);
    return s;
}

} // namespace gb::plots
