// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

#include <vector>

namespace gb::plots {

/// One axis tick: where it sits (data value, or category index) and what it says. Minor ticks
/// carry no label.
struct Tick {
    double value = 0.0;
    QString label;
    bool major = true;
};

/// Step from the 1-2-2.5-5 x 10^k family (1-2-5 with `integer`) that splits `span` into at most
/// `maxIntervals` intervals.
double niceStep(double span, int maxIntervals, bool integer = false);

/// Ticks at multiples of a nice step inside [lo, hi] (at most maxCount + 1 of them).
std::vector<Tick> linearTicks(double lo, double hi, int maxCount);
/// Like linearTicks, but every tick is an integer (steps, epochs, counts).
std::vector<Tick> integerTicks(double lo, double hi, int maxCount);
/// Ticks for a log axis over [lo, hi] (lo > 0): decades (thinned to maxCount, with minor
/// ticks 2..9 when every decade is labelled), or 1-2-5 ticks when the range spans less than a
/// decade. With `zero`, a tick labelled "0" is added for the zero slot of the scale.
std::vector<Tick> logTicks(double lo, double hi, int maxCount, bool zero = false);
/// A tick per category at its index; with more than maxCount categories, every k-th only.
std::vector<Tick> categoryTicks(const QStringList &categories, int maxCount);

/// `lo` and `hi` moved outwards to the nearest multiples of the nice step for maxCount ticks.
std::pair<double, double> niceBounds(double lo, double hi, int maxCount);

/// A tick label for `v` on an axis whose ticks are `step` apart: as many decimals as the step
/// needs, a true minus sign, and "m×10ⁿ" when the axis magnitude (largest |value| on it,
/// at least |v|) is 10⁵ or more, or below 10⁻³.
QString formatTick(double v, double step, double axisMagnitude = 0.0);
/// "10ⁿ" with Unicode superscript digits.
QString powerOfTen(int exponent);

} // namespace gb::plots
