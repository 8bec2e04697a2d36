// SPDX-License-Identifier: MIT
#include "axis.h"

#include "figure.h"
#include "text.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace gb::plots {

namespace {

constexpr double TickLength = 3.5;   // points
constexpr double MinorLength = 2.0;  // points
constexpr double LabelPad = 2.0;     // points between tick and label
constexpr double TitlePad = 3.0;     // points between labels and title
constexpr double SpineWidth = 0.8;   // points
constexpr double MaxCategoryEm = 12; // longer category labels are elided
constexpr double TickFontScale = 0.9;

bool finite(double v)
{
    return std::isfinite(v);
}

Scale fitLinear(const AxisSpec &spec, double lo, double hi, double pad)
{
    if (!finite(lo) || !finite(hi))
        lo = 0.0, hi = 1.0;
    if (lo == hi) {
        const double d = lo == 0.0 ? 0.5 : std::fabs(lo) * 0.1;
        lo -= d;
        hi += d;
    }
    const double span = hi - lo;
    double a = lo - (lo == 0.0 ? 0.0 : pad * span);
    double b = hi + (hi == 0.0 ? 0.0 : pad * span);
    if (lo > 0.0 && a < 0.0)
        a = 0.0; // padding never invents negative values for positive data
    if (hi < 0.0 && b > 0.0)
        b = 0.0;
    return Scale::linear(spec.min.value_or(a), spec.max.value_or(b));
}

Scale fitLog(const AxisSpec &spec, double dataMin, double dataMax, double minPositive, double pad)
{
    const bool fixedLo = spec.min && *spec.min > 0;
    double lo = fixedLo ? *spec.min : minPositive;
    double hi = spec.max.value_or(dataMax);
    if (!(lo > 0) || !finite(lo))
        lo = 1.0;
    if (!(hi > lo) || !finite(hi))
        hi = lo * 10.0;
    const double decades = std::log10(hi / lo);
    if (!fixedLo)
        lo /= std::pow(10.0, pad * decades);
    if (!spec.max)
        hi *= std::pow(10.0, pad * decades);
    const bool zero = !fixedLo && finite(dataMin) && dataMin <= 0.0 && !(spec.min && *spec.min > 0);
    return Scale::log(lo, hi, zero);
}

// Whether horizontal, centred labels at their tick positions come closer than `gap`.
bool labelsOverlap(const std::vector<Tick> &ticks, const Scale &sc, const TextMetrics &tm, double gap)
{
    std::vector<std::pair<double, double>> spans;
    for (const Tick &t : ticks)
        if (!t.label.isEmpty()) {
            const double p = sc.map(t.value), w = tm.width(t.label);
            spans.emplace_back(p - w / 2, p + w / 2);
        }
    std::sort(spans.begin(), spans.end());
    for (std::size_t i = 1; i < spans.size(); ++i)
        if (spans[i].first < spans[i - 1].second + gap)
            return true;
    return false;
}

} // namespace

Scale fitScale(const AxisSpec &spec, double dataMin, double dataMax, double minPositive, double pad)
{
    if (spec.ticks == TickMode::Category)
        return Scale::linear(-0.5, std::max<double>(int(spec.categories.size()), 1) - 0.5);
    if (spec.log)
        return fitLog(spec, dataMin, dataMax, minPositive, pad);
    return fitLinear(spec, dataMin, dataMax, pad);
}

Axis::Axis(AxisEdge edge, const AxisSpec &spec, const Scale &domain)
    : m_edge(edge)
    , m_spec(spec)
    , m_domain(domain)
{
}

Scale Axis::scale(const QRectF &plot) const
{
    Scale s = m_domain;
    if (horizontal())
        return m_spec.reversed ? s.setRange(plot.right(), plot.left()) : s.setRange(plot.left(), plot.right());
    return m_spec.reversed ? s.setRange(plot.top(), plot.bottom()) : s.setRange(plot.bottom(), plot.top());
}

std::vector<Tick> Axis::makeTicks(int maxCount) const
{
    switch (m_spec.ticks) {
    case TickMode::Category:
        return categoryTicks(m_spec.categories, maxCount);
    case TickMode::Integer:
        if (!m_spec.log)
            return integerTicks(m_domain.lo(), m_domain.hi(), maxCount);
        break;
    case TickMode::Auto:
        break;
    }
    if (m_domain.type() == Scale::Type::Log)
        return logTicks(m_domain.lo(), m_domain.hi(), maxCount, m_domain.hasZeroSlot());
    return linearTicks(m_domain.lo(), m_domain.hi(), maxCount);
}

AxisLayout Axis::layout(QPainter *painter, const FigureStyle &style, const QRectF &plot) const
{
    const double pt = pointScale(painter);
    const TextMetrics tm(style.font(TickFontScale), painter->device());
    const double em = style.fontPointSize * TickFontScale * pt;
    const double length = horizontal() ? plot.width() : plot.height();
    const Scale sc = scale(plot);
    const bool category = m_spec.ticks == TickMode::Category;
    AxisLayout out;

    if (category) {
        const double maxW = MaxCategoryEm * em;
        QStringList labels;
        for (const QString &c : m_spec.categories)
            labels << tm.elide(c, maxW);
        const double cell = length / std::max<double>(1, int(labels.size()));
        const double widest = tm.maxWidth(labels);
        double angle = m_spec.labelAngle.value_or(0.0);
        if (horizontal() && !m_spec.labelAngle && widest + 0.5 * em > cell)
            angle = -45.0;
        const double across = (horizontal() && angle == 0.0) ? widest + 0.5 * em : tm.height() * (angle == 0.0 ? 1.1 : 1.45);
        const int maxCount = std::max(1, int(std::floor(length / std::max(1e-9, across))));
        out.ticks = categoryTicks(labels, maxCount);
        out.labelAngle = angle;
    } else {
        int maxCount = std::clamp(int(length / ((horizontal() ? 4.5 : 2.6) * em)), 2, 10);
        out.ticks = makeTicks(maxCount);
        while (horizontal() && maxCount > 2 && labelsOverlap(out.ticks, sc, tm, 0.6 * em))
            out.ticks = makeTicks(--maxCount);
    }

    // Space taken beyond the plot rectangle by labels and title.
    const double tickSpace = (TickLength + LabelPad) * pt;
    const double titleSpace = m_spec.title.isEmpty() ? 0.0 : TitlePad * pt + TextMetrics(style.font(), painter->device()).height();
    const double extent = labelExtent(out, painter, style);
    const double own = tickSpace + extent + titleSpace;
    double before = 0.0, after = 0.0; // overhang past the start/end of the axis along its direction
    const double r0 = horizontal() ? plot.left() : plot.top();
    const double r1 = horizontal() ? plot.right() : plot.bottom();
    for (const Tick &t : out.ticks) {
        if (t.label.isEmpty())
            continue;
        const double p = sc.map(t.value);
        double lo = p - tm.height() / 2, hi = p + tm.height() / 2;
        if (horizontal()) {
            const double w = tm.width(t.label);
            const double a = out.labelAngle * M_PI / 180.0;
            lo = out.labelAngle == 0.0 ? p - w / 2 : p - w * std::cos(a) - tm.height() / 2 * std::fabs(std::sin(a));
            hi = out.labelAngle == 0.0 ? p + w / 2 : p + tm.height() / 2;
        }
        before = std::max(before, r0 - lo);
        after = std::max(after, hi - r1);
    }
    switch (m_edge) {
    case AxisEdge::Bottom: out.margins = QMarginsF(before, 0, after, own); break;
    case AxisEdge::Top: out.margins = QMarginsF(before, own, after, 0); break;
    case AxisEdge::Left: out.margins = QMarginsF(own, before, 0, after); break;
    case AxisEdge::Right: out.margins = QMarginsF(0, before, own, after); break;
    }
    return out;
}

double Axis::labelExtent(const AxisLayout &layout, QPainter *painter, const FigureStyle &style) const
{
    const TextMetrics tm(style.font(TickFontScale), painter->device());
    double extent = 0.0;
    for (const Tick &t : layout.ticks) {
        if (t.label.isEmpty())
            continue;
        if (horizontal() && layout.labelAngle != 0.0) {
            // Rotated labels hang from their tick by the right end, centred on the line.
            const double a = std::fabs(layout.labelAngle) * M_PI / 180.0;
            extent = std::max(extent, tm.width(t.label) * std::sin(a) + tm.height() / 2 * std::cos(a));
        } else if (horizontal())
            extent = std::max(extent, tm.height());
        else
            extent = std::max(extent, tm.width(t.label));
    }
    return extent;
}

void Axis::paintGrid(QPainter *painter, const FigureStyle &style, const QRectF &plot, const AxisLayout &layout) const
{
    if (!m_spec.grid)
        return;
    const Scale sc = scale(plot);
    QColor c = style.foreground;
    c.setAlphaF(0.12);
    painter->save();
    painter->setPen(QPen(c, 0.5 * pointScale(painter)));
    for (const Tick &t : layout.ticks) {
        const double p = sc.map(t.value);
        if (!t.major || !std::isfinite(p))
            continue;
        if (horizontal())
            painter->drawLine(QPointF(p, plot.top()), QPointF(p, plot.bottom()));
        else
            painter->drawLine(QPointF(plot.left(), p), QPointF(plot.right(), p));
    }
    painter->restore();
}

void Axis::paint(QPainter *painter, const FigureStyle &style, const QRectF &plot, const AxisLayout &layout) const
{
    const double pt = pointScale(painter);
    const Scale sc = scale(plot);
    // Unit vector pointing away from the plot, and the spine's fixed coordinate.
    const double out = (m_edge == AxisEdge::Bottom || m_edge == AxisEdge::Right) ? 1.0 : -1.0;
    const double base = m_edge == AxisEdge::Bottom ? plot.bottom() : m_edge == AxisEdge::Top ? plot.top()
                      : m_edge == AxisEdge::Left ? plot.left() : plot.right();
    const auto at = [&](double along, double across) {
        return horizontal() ? QPointF(along, base + out * across) : QPointF(base + out * across, along);
    };
    painter->save();
    QPen pen(style.foreground, SpineWidth * pt);
    pen.setCapStyle(Qt::FlatCap);
    painter->setPen(pen);
    const double a0 = horizontal() ? plot.left() : plot.top();
    const double a1 = horizontal() ? plot.right() : plot.bottom();
    if (sc.hasZeroSlot()) {
        // Break the spine between the zero slot and the first decade.
        const double mid = 0.5 * (sc.map(0.0) + sc.logStart()), gap = 1.5 * pt;
        const double lo = std::min(mid - gap, mid + gap), hi = std::max(mid - gap, mid + gap);
        painter->drawLine(at(a0, 0), at(lo, 0));
        painter->drawLine(at(hi, 0), at(a1, 0));
        for (double m : {lo, hi})
            painter->drawLine(at(m - 1.5 * pt, -2.5 * pt), at(m + 1.5 * pt, 2.5 * pt));
    } else {
        painter->drawLine(at(a0, 0), at(a1, 0));
    }
    for (const Tick &t : layout.ticks) {
        const double p = sc.map(t.value);
        if (std::isfinite(p) && p >= a0 - 0.5 && p <= a1 + 0.5)
            painter->drawLine(at(p, 0), at(p, (t.major ? TickLength : MinorLength) * pt));
    }

    painter->setFont(style.font(TickFontScale));
    painter->setPen(style.foreground);
    const double labelAt = (TickLength + LabelPad) * pt;
    Qt::Alignment align;
    switch (m_edge) {
    case AxisEdge::Bottom: align = layout.labelAngle == 0.0 ? (Qt::AlignHCenter | Qt::AlignTop) : (Qt::AlignRight | Qt::AlignVCenter); break;
    case AxisEdge::Top: align = layout.labelAngle == 0.0 ? (Qt::AlignHCenter | Qt::AlignBottom) : (Qt::AlignLeft | Qt::AlignVCenter); break;
    case AxisEdge::Left: align = Qt::AlignRight | Qt::AlignVCenter; break;
    case AxisEdge::Right: align = Qt::AlignLeft | Qt::AlignVCenter; break;
    }
    for (const Tick &t : layout.ticks) {
        const double p = sc.map(t.value);
        if (!t.label.isEmpty() && std::isfinite(p))
            drawText(painter, at(p, labelAt), t.label, align, layout.labelAngle);
    }

    if (!m_spec.title.isEmpty()) {
        painter->setFont(style.font());
        const double across = labelAt + labelExtent(layout, painter, style) + TitlePad * pt;
        const QPointF anchor = at(0.5 * (a0 + a1), across);
        // Vertical titles read bottom to top on either side; a title longer than its axis is
        // elided rather than drawn past the figure's edge.
        const QString title = TextMetrics(style.font(), painter->device()).elide(m_spec.title, std::fabs(a1 - a0));
        drawText(painter, anchor, title, Qt::AlignHCenter | (out > 0 ? Qt::AlignTop : Qt::AlignBottom),
                 horizontal() ? 0.0 : -90.0);
    }
    painter->restore();
}

} // namespace gb::plots
