// SPDX-License-Identifier: MIT
#include "curvebundlefigure.h"
#include "scale.h"

#include "colorbar.h"
#include "figuredata.h"
#include "legend.h"
#include "plotframe.h"

#include "common/error.h"

#include <QPainter>

#include <algorithm>
#include <cmath>
#include <limits>

namespace gb::plots {

namespace {

/// Device polyline pieces of one curve, split where a point cannot be shown.
template<typename Y>
std::vector<QPolygonF> pieces(const std::vector<double> &x, const Y *y, const Scale &xs, const Scale &ys)
{
    std::vector<QPolygonF> out(1);
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double px = xs.map(x[i]), py = ys.map(double(y[i]));
        if (std::isfinite(px) && std::isfinite(py))
            out.back() << QPointF(px, py);
        else if (!out.back().isEmpty())
            out.emplace_back();
    }
    return out;
}

void paintOverlay(QPainter *p, const BundleOverlay &o, const std::vector<double> &x, const Scale &xs, const Scale &ys,
                  const QColor &fg, double pt)
{
    // A light halo keeps the overlay legible over dense, dark curves; the band's edges are dashed
    // lines rather than a fill, which would grey out the curves underneath.
    const auto stroke = [&](const std::vector<double> &y, double width, Qt::PenStyle dash) {
        if (y.size() != x.size())
            return;
        QPen halo(QColor(255, 255, 255, 190), (width + 1.8) * pt);
        halo.setJoinStyle(Qt::RoundJoin);
        QPen pen(fg, width * pt, dash);
        pen.setJoinStyle(Qt::RoundJoin);
        p->setBrush(Qt::NoBrush);
        for (const QPen &pn : {halo, pen}) {
            p->setPen(pn);
            for (const QPolygonF &poly : pieces(x, y.data(), xs, ys))
                p->drawPolyline(poly);
        }
    };
    stroke(o.lo, 0.9, Qt::DashLine);
    stroke(o.hi, 0.9, Qt::DashLine);
    stroke(o.y, 1.8, Qt::SolidLine);
}

} // namespace

CurveBundleFigure::CurveBundleFigure(std::vector<double> x, std::vector<float> curves, std::vector<double> values)
    : m_xs(std::move(x))
    , m_curves(std::move(curves))
    , m_values(std::move(values))
{
    if (m_curves.size() != m_xs.size() * m_values.size())
        throw Error::badInput("curve bundle: " + std::to_string(m_curves.size()) + " curve values for " +
                              std::to_string(m_values.size()) + " curves of " + std::to_string(m_xs.size()) + " points");
}

ColorScale CurveBundleFigure::colorScale() const
{
    if (m_range)
        return ColorScale::fit(m_range->first, m_range->second, false);
    DataRange e;
    for (double v : m_values)
        e.add(v);
    return e.lo <= e.hi ? ColorScale::fit(e.lo, e.hi, false) : ColorScale::fit(0.0, 1.0, false);
}

double CurveBundleFigure::lineWidth() const
{
    return m_width > 0 ? m_width : m_values.size() > 200 ? 0.5 : 0.9;
}

double CurveBundleFigure::lineAlpha() const
{
    return m_alpha > 0 ? m_alpha : std::clamp(4.0 / std::sqrt(double(std::max<std::size_t>(m_values.size(), 1))), 0.06, 0.9);
}

PlotFrame CurveBundleFigure::frame() const
{
    DataRange ex, ey;
    for (double v : m_xs)
        ex.add(v);
    for (float v : m_curves)
        ey.add(v);
    for (const BundleOverlay &o : m_overlays)
        for (const auto *v : {&o.y, &o.lo, &o.hi})
            for (double e : *v)
                ey.add(e);
    return PlotFrame(Axis(AxisEdge::Bottom, m_x, fitScale(m_x, ex.lo, ex.hi, ex.minPositive, 0.02)),
                     Axis(AxisEdge::Left, m_y, fitScale(m_y, ey.lo, ey.hi, ey.minPositive, 0.04)), m_title);
}

PlotFrame::Layout CurveBundleFigure::plotLayout(QPainter *painter, const QRectF &rect) const
{
    const ColorBar bar(ColorMap::byName(style().sequentialMap), colorScale(), m_barTitle);
    return frame().layout(painter, style(), rect, [&](double h) { return bar.width(painter, style(), h); });
}

void CurveBundleFigure::render(QPainter *painter, const QRectF &rect) const
{
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    fillBackground(painter, style(), rect);
    const double pt = pointScale(painter);
    const PlotFrame frame = this->frame();
    const ColorMap map = ColorMap::byName(style().sequentialMap);
    const ColorScale scale = colorScale();
    const ColorBar bar(map, scale, m_barTitle);
    const PlotFrame::Layout L = plotLayout(painter, rect);
    frame.paintGrid(painter, style(), L);

    painter->save();
    painter->setClipRect(L.plot.adjusted(-2 * pt, -2 * pt, 2 * pt, 2 * pt));
    QPen pen(Qt::black, lineWidth() * pt);
    pen.setJoinStyle(Qt::RoundJoin);
    painter->setBrush(Qt::NoBrush);
    const std::size_t n = m_xs.size();
    for (std::size_t c = 0; c < m_values.size(); ++c) {
        QColor col = map.color(scale.normalize(m_values[c]));
        col.setAlphaF(float(lineAlpha()));
        pen.setColor(col);
        painter->setPen(pen);
        for (const QPolygonF &poly : pieces(m_xs, m_curves.data() + c * n, L.xs, L.ys))
            painter->drawPolyline(poly);
    }
    for (const BundleOverlay &o : m_overlays)
        paintOverlay(painter, o, m_xs, L.xs, L.ys, style().foreground, pt);
    painter->restore();
    bar.paint(painter, style(), L.strip);
    frame.paintAxes(painter, style(), L);

    std::vector<LegendEntry> entries;
    for (const BundleOverlay &o : m_overlays)
        if (!o.name.isEmpty())
            entries.push_back({o.name, style().foreground, LegendEntry::Symbol::Line, Qt::SolidLine,
                               MarkerShape::Circle, 1.8, 1.0});
    const Legend legend(entries);
    if (!legend.isEmpty()) {
        const QSizeF size = legend.size(painter, style());
        legend.paint(painter, style(), Legend::place(LegendPosition::TopLeft, L.plot, size, 4 * pt).topLeft());
    }
    painter->restore();
}

QString CurveBundleFigure::dataCsv() const
{
    using namespace data;
    QString csv = csvRow({QStringLiteral("curve"), QStringLiteral("value"), QStringLiteral("x"), QStringLiteral("y")});
    const std::size_t n = m_xs.size();
    for (std::size_t c = 0; c < m_values.size(); ++c)
        for (std::size_t i = 0; i < n; ++i)
            csv += csvRow({QString::number(c), csvNumber(m_values[c]), csvNumber(m_xs[i]),
                           csvNumber(double(m_curves[c * n + i]))});
    for (const BundleOverlay &o : m_overlays)
        for (std::size_t i = 0; i < std::min(n, o.y.size()); ++i)
            csv += csvRow({o.name, QString(), csvNumber(m_xs[i]), csvNumber(o.y[i])});
    return csv;
}

QByteArray CurveBundleFigure::dataJson() const
{
    using namespace data;
    const std::size_t n = m_xs.size();
    Json curves = Json::array();
    for (std::size_t c = 0; c < m_values.size(); ++c)
        curves.push(doubles(std::vector<double>(m_curves.begin() + std::ptrdiff_t(c * n),
                                                m_curves.begin() + std::ptrdiff_t((c + 1) * n))));
    Json overlays = Json::array();
    for (const BundleOverlay &o : m_overlays)
        overlays.push(Json::object().set("name", str(o.name)).set("y", doubles(o.y)).set("lo", doubles(o.lo)).set(
            "hi", doubles(o.hi)));
    Json j = Json::object();
    j.set("kind", Kind)
        .set("version", 1)
        .set("title", str(m_title))
        .set("x_axis", axis(m_x))
        .set("y_axis", axis(m_y))
        .set("color_bar_title", str(m_barTitle))
        .set("x", doubles(m_xs))
        .set("values", doubles(m_values))
        .set("curves", std::move(curves))
        .set("overlays", std::move(overlays))
        .set("line_width", m_width)
        .set("alpha", m_alpha);
    if (m_range)
        j.set("value_range", Json::array().push(m_range->first).push(m_range->second));
    return dump(j);
}

std::unique_ptr<Figure> CurveBundleFigure::fromJson(const Json &json)
{
    using namespace data;
    checkKind(json, QString::fromLatin1(Kind));
    std::vector<double> x = toDoubles(json.find("x"), "x");
    std::vector<double> values = toDoubles(json.find("values"), "values");
    std::vector<float> curves;
    if (const Json *a = json.find("curves"))
        for (const Json &c : a->toArray("curves")) {
            const std::vector<double> y = toDoubles(&c, "curve");
            if (y.size() != x.size())
                throw Error::badInput("curve bundle: a curve has " + std::to_string(y.size()) + " points, x has " +
                                      std::to_string(x.size()));
            curves.insert(curves.end(), y.begin(), y.end());
        }
    auto f = std::make_unique<CurveBundleFigure>(std::move(x), std::move(curves), std::move(values));
    f->m_title = toStr(json, "title");
    f->m_x = toAxis(json.find("x_axis"));
    f->m_y = toAxis(json.find("y_axis"));
    f->m_barTitle = toStr(json, "color_bar_title");
    f->m_width = toNum(json, "line_width", 0.0);
    f->m_alpha = toNum(json, "alpha", 0.0);
    if (const Json *r = json.find("value_range")) {
        const std::vector<double> v = toDoubles(r, "value_range");
        if (v.size() == 2)
            f->setValueRange(v[0], v[1]);
    }
    if (const Json *a = json.find("overlays"))
        for (const Json &o : a->toArray("overlays"))
            f->addOverlay({toStr(o, "name"), toDoubles(o.find("y"), "overlay y"), toDoubles(o.find("lo"), "overlay lo"),
                           toDoubles(o.find("hi"), "overlay hi")});
    return f;
}

std::unique_ptr<Figure> CurveBundleFigure::example()
{
    // 120 features over the 32 Pythia snapshots, each a bump peaking at its own snapshot.
    const std::vector<double> steps{0,     2,     4,     8,     16,    32,     64,     128,    256,    512,   1000,
                                    2000,  3000,  4000,  5000,  6000,  7000,   8000,   9000,   10000,  14000, 20000,
                                    27000, 34000, 47000, 60000, 74000, 87000, 100000, 114000, 127000, 143000};
    const int m = 120, n = int(steps.size());
    std::vector<float> curves;
    std::vector<double> values, median(std::size_t(n), 0.0);
    for (int c = 0; c < m; ++c) {
        const double peak = std::fmod(c * 7.31, double(n - 1));
        values.push_back(std::round(peak));
        for (int i = 0; i < n; ++i)
            curves.push_back(float(std::exp(-std::pow((i - peak) / (2.0 + c % 5), 2.0))));
    }
    for (int i = 0; i < n; ++i) {
        std::vector<float> col;
        for (int c = 0; c < m; ++c)
            col.push_back(curves[std::size_t(c * n + i)]);
        std::nth_element(col.begin(), col.begin() + m / 2, col.end());
        median[std::size_t(i)] = col[std::size_t(m / 2)];
    }
    auto f = std::make_unique<CurveBundleFigure>(steps, std::move(curves), std::move(values));
    f->setTitle(QStringLiteral("Feature evolution"));
    f->xAxis().title = QStringLiteral("training step");
    f->xAxis().log = true;
    f->yAxis().title = QStringLiteral("normalised decoder norm");
    f->setColorBarTitle(QStringLiteral("Peak Snapshot Index"));
    f->addOverlay({QStringLiteral("median"), median, {}, {}});
    return f;
}

} // namespace gb::plots
