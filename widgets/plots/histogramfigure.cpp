// SPDX-License-Identifier: MIT
#include "histogramfigure.h"

#include "axis.h"
#include "figuredata.h"
#include "plotframe.h"
#include "text.h"

#include "common/error.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace gb::plots {

Histogram histogram(const std::vector<double> &values, int bins, std::optional<std::pair<double, double>> range)
{
    bins = std::max(1, bins);
    double lo = INFINITY, hi = -INFINITY;
    if (range) {
        lo = range->first;
        hi = range->second;
    } else {
        for (double v : values)
            if (std::isfinite(v)) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
    }
    if (!(hi >= lo))
        lo = 0.0, hi = 1.0;
    if (hi == lo)
        lo -= 0.5, hi += 0.5; // numpy's convention for a single value
    Histogram h;
    h.counts.assign(std::size_t(bins), 0.0);
    for (int i = 0; i <= bins; ++i)
        h.edges.push_back(lo + (hi - lo) * i / bins);
    for (double v : values) {
        if (!(v >= lo && v <= hi))
            continue;
        const int k = std::min(bins - 1, int((v - lo) / (hi - lo) * bins));
        h.counts[std::size_t(k)] += 1.0;
    }
    return h;
}

int autoBinCount(const std::vector<double> &values)
{
    std::vector<double> v;
    for (double e : values)
        if (std::isfinite(e))
            v.push_back(e);
    if (v.size() < 2)
        return 10;
    std::sort(v.begin(), v.end());
    // Quartiles by linear interpolation (numpy's default percentile method).
    const auto quantile = [&](double q) {
        const double pos = q * double(v.size() - 1);
        const auto i = std::size_t(pos);
        return i + 1 < v.size() ? v[i] + (pos - double(i)) * (v[i + 1] - v[i]) : v[i];
    };
    const double width = 2.0 * (quantile(0.75) - quantile(0.25)) / std::cbrt(double(v.size()));
    if (!(width > 0))
        return 10;
    return std::clamp(int(std::ceil((v.back() - v.front()) / width)), 5, 200);
}

HistogramFigure::HistogramFigure(Histogram h)
    : m_h(std::move(h))
{
    if (m_h.counts.empty() || m_h.edges.size() != m_h.counts.size() + 1)
        throw Error::badInput("histogram needs one more edge than counts, got " + std::to_string(m_h.edges.size())
                              + " edges and " + std::to_string(m_h.counts.size()) + " counts");
    for (std::size_t i = 1; i < m_h.edges.size(); ++i)
        if (!(m_h.edges[i] > m_h.edges[i - 1]))
            throw Error::badInput("histogram edges must increase (edge " + std::to_string(i) + ")");
}

void HistogramFigure::render(QPainter *painter, const QRectF &rect) const
{
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    fillBackground(painter, style(), rect);
    const double pt = pointScale(painter);
    double maxCount = 0.0, minPositive = INFINITY;
    for (double c : m_h.counts) {
        maxCount = std::max(maxCount, c);
        if (c > 0)
            minPositive = std::min(minPositive, c);
    }
    AxisSpec x, y;
    x.title = m_xTitle;
    y.title = m_yTitle;
    y.log = m_logY;
    y.grid = true;
    // Counts: zero is part of the axis (the zero slot on a log axis).
    const Scale xs = fitScale(x, m_h.edges.front(), m_h.edges.back(), 1.0, 0.0);
    const Scale ys = fitScale(y, 0.0, maxCount, m_logY ? std::min(1.0, minPositive) : 1.0, 0.05);
    const PlotFrame frame(Axis(AxisEdge::Bottom, x, xs), Axis(AxisEdge::Left, y, ys), m_title);
    const PlotFrame::Layout L = frame.layout(painter, style(), rect);
    frame.paintGrid(painter, style(), L);

    QColor fill = m_color;
    fill.setAlphaF(0.85f);
    painter->setPen(QPen(m_color.darker(130), 0.4 * pt));
    painter->setBrush(fill);
    const double base = L.ys.map(0.0);
    for (std::size_t i = 0; i < m_h.counts.size(); ++i) {
        const double top = L.ys.map(m_h.counts[i]);
        if (m_h.counts[i] > 0 && std::isfinite(top))
            painter->drawRect(QRectF(QPointF(L.xs.map(m_h.edges[i]), top), QPointF(L.xs.map(m_h.edges[i + 1]), base)));
    }
    painter->setFont(style().font(0.9));
    for (const Marker &m : m_markers) {
        const double px = L.xs.map(m.x);
        painter->setPen(QPen(style().foreground, 0.8 * pt, Qt::DashLine));
        painter->drawLine(QPointF(px, L.plot.top()), QPointF(px, L.plot.bottom()));
        painter->setPen(style().foreground);
        // Labels in the right half sit left of their line so they stay inside the plot.
        const bool right = px > L.plot.center().x();
        drawText(painter, QPointF(px + (right ? -2 : 2) * pt, L.plot.top()), m.label,
                 (right ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignTop);
    }
    frame.paintAxes(painter, style(), L);
    painter->restore();
}

QString HistogramFigure::dataCsv() const
{
    using namespace data;
    QString csv = csvRow({QStringLiteral("bin_start"), QStringLiteral("bin_end"), QStringLiteral("count")});
    for (std::size_t i = 0; i < m_h.counts.size(); ++i)
        csv += csvRow({csvNumber(m_h.edges[i]), csvNumber(m_h.edges[i + 1]), csvNumber(m_h.counts[i])});
    return csv;
}

QByteArray HistogramFigure::dataJson() const
{
    using namespace data;
    Json markers = Json::array();
    for (const Marker &m : m_markers)
        markers.push(Json::object().set("x", m.x).set("label", str(m.label)));
    Json j = Json::object();
    j.set("kind", Kind).set("version", 1).set("title", str(m_title)).set("x_title", str(m_xTitle))
        .set("y_title", str(m_yTitle)).set("log_counts", m_logY).set("color", color(m_color))
        .set("edges", doubles(m_h.edges)).set("counts", doubles(m_h.counts)).set("markers", std::move(markers));
    return dump(j);
}

std::unique_ptr<Figure> HistogramFigure::fromJson(const Json &json)
{
    using namespace data;
    checkKind(json, QString::fromLatin1(Kind));
    auto f = std::make_unique<HistogramFigure>(
        Histogram{toDoubles(json.find("edges"), "histogram edges"), toDoubles(json.find("counts"), "histogram counts")});
    f->m_title = toStr(json, "title");
    f->m_xTitle = toStr(json, "x_title");
    f->m_yTitle = toStr(json, "y_title", f->m_yTitle);
    f->m_logY = toFlag(json, "log_counts", false);
    f->m_color = toColor(json.find("color"), f->m_color);
    if (const Json *a = json.find("markers"); a && a->isArray())
        for (const Json &m : a->toArray())
            f->addMarker(toNum(m, "x", 0.0), toStr(m, "label"));
    return f;
}

std::unique_ptr<Figure> HistogramFigure::example()
{
    // Activation density of one SAE feature: a spike of small values, a long tail (log counts).
    std::vector<double> v;
    for (int i = 0; i < 4000; ++i) {
        const double u = std::fmod(i * 0.6180339887, 1.0);
        v.push_back(-std::log(1.0 - 0.999 * u) * (i % 5 == 0 ? 4.0 : 0.8));
    }
    auto f = std::make_unique<HistogramFigure>(histogram(v, 40));
    f->setTitle(QStringLiteral("Activations of feature 4121"));
    f->setXTitle(QStringLiteral("activation"));
    f->setYTitle(QStringLiteral("tokens"));
    f->setLogCounts(true);
    double mean = 0.0;
    for (double e : v)
        mean += e / double(v.size());
    f->addMarker(mean, QStringLiteral("mean"));
    return f;
}

} // namespace gb::plots
