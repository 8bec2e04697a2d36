// SPDX-License-Identifier: MIT
#include "xyfigure.h"
#include "scale.h"

#include "colormap.h"
#include "figuredata.h"
#include "plotframe.h"

#include "common/error.h"

#include <QPaintEngine>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <limits>

namespace gb::plots {

namespace {

const char *const StyleNames[] = {"line", "scatter", "line+markers"};

QString dashName(Qt::PenStyle s)
{
    switch (s) {
    case Qt::DashLine: return QStringLiteral("dash");
    case Qt::DotLine: return QStringLiteral("dot");
    case Qt::DashDotLine: return QStringLiteral("dashdot");
    default: return QStringLiteral("solid");
    }
}

Qt::PenStyle dashFromName(const QString &n)
{
    if (n == QLatin1String("dash"))
        return Qt::DashLine;
    if (n == QLatin1String("dot"))
        return Qt::DotLine;
    if (n == QLatin1String("dashdot"))
        return Qt::DashDotLine;
    return Qt::SolidLine;
}

QColor withAlpha(QColor c, double alpha)
{
    c.setAlphaF(float(c.alphaF() * alpha));
    return c;
}

// Device points of (x, y), split where a value cannot be shown (NaN, <= 0 on a log axis).
std::vector<QPolygonF> segments(const std::vector<double> &x, const std::vector<double> &y, const Scale &xs, const Scale &ys)
{
    std::vector<QPolygonF> out(1);
    const std::size_t n = std::min(x.size(), y.size());
    for (std::size_t i = 0; i < n; ++i) {
        const double px = xs.map(x[i]), py = ys.map(y[i]);
        if (std::isfinite(px) && std::isfinite(py))
            out.back() << QPointF(px, py);
        else if (!out.back().isEmpty())
            out.emplace_back();
    }
    return out;
}

void paintBand(QPainter *p, const XYBand &b, const QColor &color, const Scale &xs, const Scale &ys)
{
    const auto upper = segments(b.x, b.hi, xs, ys);
    const auto lower = segments(b.x, b.lo, xs, ys);
    p->setPen(Qt::NoPen);
    p->setBrush(withAlpha(color, b.alpha));
    for (std::size_t k = 0; k < std::min(upper.size(), lower.size()); ++k) {
        QPolygonF poly = upper[k];
        for (auto it = lower[k].crbegin(); it != lower[k].crend(); ++it)
            poly << *it;
        if (poly.size() >= 3)
            p->drawPolygon(poly);
    }
}

void paintSeries(QPainter *p, const XYSeries &s, const QColor &color, const Scale &xs, const Scale &ys, double pt)
{
    const QColor c = withAlpha(color, s.alpha);
    const auto parts = segments(s.x, s.y, xs, ys);
    if (s.style != XYSeries::Style::Scatter) {
        // Translucent lines (hundreds of ICE curves) are drawn with an opaque pen under painter
        // opacity: QPdfWriter strokes opaque pens natively but turns translucent ones into filled
        // outlines (several times larger and slower). QSvgGenerator ignores painter opacity, so
        // SVG keeps the translucent pen. Bevel joins: round ones cost the raster stroker a lot
        // and are invisible on smooth curves.
        const bool svg = p->paintEngine() && p->paintEngine()->type() == QPaintEngine::SVG;
        QPen pen(svg ? c : color, s.width * pt, s.dash);
        pen.setCapStyle(Qt::FlatCap);
        pen.setJoinStyle(Qt::BevelJoin);
        p->save();
        if (!svg)
            p->setOpacity(std::clamp(s.alpha, 0.0, 1.0) * color.alphaF());
        p->setPen(pen);
        p->setBrush(Qt::NoBrush);
        for (const QPolygonF &poly : parts)
            p->drawPolyline(poly);
        p->restore();
    }
    if (s.style != XYSeries::Style::Line) {
        p->setPen(Qt::NoPen);
        p->setBrush(c);
        for (const QPolygonF &poly : parts)
            for (const QPointF &q : poly)
                drawMarker(p, q, s.marker, s.markerSize, c);
    }
}

} // namespace

struct XYFigure::Ranges {
    DataRange x, y;
};

XYFigure::Ranges XYFigure::ranges() const
{
    Ranges r;
    for (const XYSeries &s : m_series) {
        r.x.add(s.x);
        r.y.add(s.y);
    }
    for (const XYBand &b : m_bands) {
        r.x.add(b.x);
        r.y.add(b.lo);
        r.y.add(b.hi);
    }
    for (const RefLine &l : m_lines)
        (l.orientation == Qt::Horizontal ? r.y : r.x).add(l.value);
    r.x.add(m_rug);
    return r;
}

QColor XYFigure::seriesColor(std::size_t i) const
{
    const QColor &c = m_series[i].color;
    return c.isValid() ? c : categoricalColor(int(i));
}

std::vector<LegendEntry> XYFigure::legendEntries() const
{
    std::vector<LegendEntry> entries;
    for (std::size_t i = 0; i < m_series.size(); ++i) {
        const XYSeries &s = m_series[i];
        if (!s.inLegend || s.name.isEmpty())
            continue;
        const auto symbol = s.style == XYSeries::Style::Line     ? LegendEntry::Symbol::Line
                            : s.style == XYSeries::Style::Scatter ? LegendEntry::Symbol::Marker
                                                                  : LegendEntry::Symbol::LineMarker;
        entries.push_back({s.name, seriesColor(i), symbol, s.dash, s.marker, s.width, std::max(s.alpha, 0.6)});
    }
    for (std::size_t i = 0; i < m_bands.size(); ++i) {
        const XYBand &b = m_bands[i];
        if (b.inLegend && !b.name.isEmpty())
            entries.push_back({b.name, b.color.isValid() ? b.color : categoricalColor(int(i)), LegendEntry::Symbol::Patch,
                               Qt::SolidLine, MarkerShape::Circle, 1.0, b.alpha});
    }
    return entries;
}

PlotFrame XYFigure::frame() const
{
    const Ranges r = ranges();
    return PlotFrame(Axis(AxisEdge::Bottom, m_x, fitScale(m_x, r.x.lo, r.x.hi, r.x.minPositive, 0.02)),
                     Axis(AxisEdge::Left, m_y, fitScale(m_y, r.y.lo, r.y.hi, r.y.minPositive, 0.05)), m_title);
}

PlotFrame::Layout XYFigure::plotLayout(QPainter *painter, const QRectF &rect) const
{
    const double pt = pointScale(painter);
    const Legend legend(m_legend == LegendPosition::None ? std::vector<LegendEntry>() : legendEntries());
    PlotFrame::StripWidth strip;
    if (m_legend == LegendPosition::Outside && !legend.isEmpty()) {
        const double width = legend.size(painter, style()).width() + 6 * pt;
        strip = [width](double) { return width; };
    }
    return frame().layout(painter, style(), rect, strip);
}

void XYFigure::render(QPainter *painter, const QRectF &rect) const
{
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    fillBackground(painter, style(), rect);
    const double pt = pointScale(painter);
    const PlotFrame frame = this->frame();
    const Legend legend(m_legend == LegendPosition::None ? std::vector<LegendEntry>() : legendEntries());
    const QSizeF legendSize = legend.size(painter, style());
    const PlotFrame::Layout L = plotLayout(painter, rect);
    frame.paintGrid(painter, style(), L);

    painter->save();
    painter->setClipRect(L.plot.adjusted(-2 * pt, -2 * pt, 2 * pt, 2 * pt));
    for (std::size_t i = 0; i < m_bands.size(); ++i)
        paintBand(painter, m_bands[i], m_bands[i].color.isValid() ? m_bands[i].color : categoricalColor(int(i)), L.xs, L.ys);
    for (const RefLine &l : m_lines) {
        painter->setPen(QPen(l.color, 0.8 * pt, l.dash));
        const double v = (l.orientation == Qt::Horizontal ? L.ys : L.xs).map(l.value);
        if (!std::isfinite(v))
            continue;
        if (l.orientation == Qt::Horizontal)
            painter->drawLine(QPointF(L.plot.left(), v), QPointF(L.plot.right(), v));
        else
            painter->drawLine(QPointF(v, L.plot.top()), QPointF(v, L.plot.bottom()));
    }
    for (std::size_t i = 0; i < m_series.size(); ++i)
        paintSeries(painter, m_series[i], seriesColor(i), L.xs, L.ys, pt);
    if (!m_rug.empty()) {
        painter->setPen(QPen(withAlpha(style().foreground, 0.45), 0.5 * pt));
        for (double v : m_rug) {
            const double x = L.xs.map(v);
            if (std::isfinite(x))
                painter->drawLine(QPointF(x, L.plot.bottom()), QPointF(x, L.plot.bottom() - 4 * pt));
        }
    }
    painter->restore();
    frame.paintAxes(painter, style(), L);

    if (!legend.isEmpty()) {
        QPointF topLeft;
        if (m_legend == LegendPosition::Outside) {
            topLeft = QPointF(L.strip.left() + 6 * pt, L.plot.top());
        } else {
            std::vector<QPointF> points;
            for (const XYSeries &s : m_series)
                for (const QPolygonF &poly : segments(s.x, s.y, L.xs, L.ys))
                    points.insert(points.end(), poly.begin(), poly.end());
            topLeft = Legend::place(m_legend, L.plot, legendSize, 4 * pt, points).topLeft();
        }
        legend.paint(painter, style(), topLeft);
    }
    painter->restore();
}

QString XYFigure::dataCsv() const
{
    using namespace data;
    QString csv = csvRow({QStringLiteral("kind"), QStringLiteral("name"), QStringLiteral("x"), QStringLiteral("y"),
                          QStringLiteral("lo"), QStringLiteral("hi")});
    const QString empty;
    for (const XYSeries &s : m_series)
        for (std::size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i)
            csv += csvRow({QStringLiteral("series"), s.name, csvNumber(s.x[i]), csvNumber(s.y[i]), empty, empty});
    for (const XYBand &b : m_bands)
        for (std::size_t i = 0; i < std::min({b.x.size(), b.lo.size(), b.hi.size()}); ++i)
            csv += csvRow({QStringLiteral("band"), b.name, csvNumber(b.x[i]), empty, csvNumber(b.lo[i]), csvNumber(b.hi[i])});
    for (double v : m_rug)
        csv += csvRow({QStringLiteral("rug"), empty, csvNumber(v), empty, empty, empty});
    return csv;
}

QByteArray XYFigure::dataJson() const
{
    using namespace data;
    Json series = Json::array();
    for (const XYSeries &s : m_series) {
        Json j = Json::object();
        j.set("name", str(s.name)).set("x", doubles(s.x)).set("y", doubles(s.y));
        if (s.color.isValid())
            j.set("color", color(s.color));
        j.set("style", StyleNames[int(s.style)]).set("width", s.width).set("alpha", s.alpha)
            .set("dash", str(dashName(s.dash))).set("marker", str(markerName(s.marker)))
            .set("marker_size", s.markerSize).set("legend", s.inLegend);
        series.push(std::move(j));
    }
    Json bands = Json::array();
    for (const XYBand &b : m_bands) {
        Json j = Json::object();
        j.set("name", str(b.name)).set("x", doubles(b.x)).set("lo", doubles(b.lo)).set("hi", doubles(b.hi));
        if (b.color.isValid())
            j.set("color", color(b.color));
        j.set("alpha", b.alpha).set("legend", b.inLegend);
        bands.push(std::move(j));
    }
    Json lines = Json::array();
    for (const RefLine &l : m_lines)
        lines.push(Json::object()
                       .set("orientation", l.orientation == Qt::Horizontal ? "h" : "v")
                       .set("value", l.value)
                       .set("color", color(l.color))
                       .set("dash", str(dashName(l.dash)))
                       .set("label", str(l.label)));
    Json j = Json::object();
    j.set("kind", Kind).set("version", 1).set("title", str(m_title)).set("x_axis", axis(m_x)).set("y_axis", axis(m_y))
        .set("legend", str(legendPositionName(m_legend))).set("series", std::move(series)).set("bands", std::move(bands))
        .set("lines", std::move(lines)).set("rug", doubles(m_rug));
    return dump(j);
}

std::unique_ptr<Figure> XYFigure::fromJson(const Json &json)
{
    using namespace data;
    checkKind(json, QString::fromLatin1(Kind));
    auto f = std::make_unique<XYFigure>();
    f->m_title = toStr(json, "title");
    f->m_x = toAxis(json.find("x_axis"));
    f->m_y = toAxis(json.find("y_axis"));
    f->m_legend = legendPositionFromName(toStr(json, "legend"));
    if (const Json *a = json.find("series"))
        for (const Json &j : a->toArray("series")) {
            XYSeries s;
            s.name = toStr(j, "name");
            s.x = toDoubles(j.find("x"), "series x");
            s.y = toDoubles(j.find("y"), "series y");
            if (s.x.size() != s.y.size())
                throw Error::badInput("series \"" + s.name.toStdString() + "\": x has " + std::to_string(s.x.size())
                                      + " values but y has " + std::to_string(s.y.size()));
            s.color = toColor(j.find("color"), QColor());
            const QString style = toStr(j, "style", QStringLiteral("line"));
            for (int k = 0; k < 3; ++k)
                if (style == QLatin1String(StyleNames[k]))
                    s.style = XYSeries::Style(k);
            s.width = toNum(j, "width", s.width);
            s.alpha = toNum(j, "alpha", s.alpha);
            s.dash = dashFromName(toStr(j, "dash"));
            s.marker = markerFromName(toStr(j, "marker"));
            s.markerSize = toNum(j, "marker_size", s.markerSize);
            s.inLegend = toFlag(j, "legend", true);
            f->m_series.push_back(std::move(s));
        }
    if (const Json *a = json.find("bands"))
        for (const Json &j : a->toArray("bands")) {
            XYBand b;
            b.name = toStr(j, "name");
            b.x = toDoubles(j.find("x"), "band x");
            b.lo = toDoubles(j.find("lo"), "band lo");
            b.hi = toDoubles(j.find("hi"), "band hi");
            if (b.lo.size() != b.x.size() || b.hi.size() != b.x.size())
                throw Error::badInput("band \"" + b.name.toStdString() + "\": x, lo and hi differ in length");
            b.color = toColor(j.find("color"), QColor());
            b.alpha = toNum(j, "alpha", b.alpha);
            b.inLegend = toFlag(j, "legend", true);
            f->m_bands.push_back(std::move(b));
        }
    if (const Json *a = json.find("lines"))
        for (const Json &j : a->toArray("lines")) {
            RefLine l;
            l.orientation = toStr(j, "orientation") == QLatin1String("v") ? Qt::Vertical : Qt::Horizontal;
            l.value = toNum(j, "value", 0.0);
            l.color = toColor(j.find("color"), l.color);
            l.dash = dashFromName(toStr(j, "dash"));
            l.label = toStr(j, "label");
            f->m_lines.push_back(std::move(l));
        }
    f->m_rug = toDoubles(json.find("rug"), "rug");
    return f;
}

std::unique_ptr<Figure> XYFigure::example()
{
    // A partial-dependence plot: 30 faint ICE curves, their mean, a band and the data rug.
    auto f = std::make_unique<XYFigure>();
    f->setTitle(QStringLiteral("Partial dependence of risk on age"));
    f->xAxis().title = QStringLiteral("age (years)");
    f->yAxis().title = QStringLiteral("predicted risk");
    const int n = 40, curves = 30;
    std::vector<double> x(n), mean(n, 0.0), lo(n), hi(n);
    for (int i = 0; i < n; ++i)
        x[std::size_t(i)] = 20.0 + 60.0 * i / (n - 1);
    for (int c = 0; c < curves; ++c) {
        XYSeries s;
        s.x = x;
        s.color = QColor(0x0072B2);
        s.alpha = 0.18;
        s.width = 0.6;
        s.inLegend = false;
        // Each individual: its own baseline, effect size and age of onset (quasi-random draws).
        const double u1 = std::fmod(0.5 + c * 0.6180339887, 1.0), u2 = std::fmod(0.3 + c * 0.7548776662, 1.0),
                     u3 = std::fmod(0.1 + c * 0.5698402910, 1.0);
        for (int i = 0; i < n; ++i) {
            const double t = (x[std::size_t(i)] - 20.0) / 60.0;
            s.y.push_back(0.05 + 0.25 * u1 + (0.15 + 0.4 * u2) / (1.0 + std::exp(-9.0 * (t - 0.3 - 0.35 * u3))));
            mean[std::size_t(i)] += s.y.back() / curves;
        }
        if (c == 0)
            s.name = QStringLiteral("ICE");
        s.inLegend = c == 0;
        f->addSeries(std::move(s));
    }
    for (int i = 0; i < n; ++i) {
        lo[std::size_t(i)] = mean[std::size_t(i)] - 0.04;
        hi[std::size_t(i)] = mean[std::size_t(i)] + 0.04;
    }
    f->addBand({QStringLiteral("95% bootstrap band"), x, lo, hi, QColor(0xD55E00), 0.25, true});
    f->addSeries({QStringLiteral("PDP"), x, mean, QColor(0xD55E00), XYSeries::Style::Line, 2.0, 1.0, Qt::SolidLine,
                  MarkerShape::Circle, 3.5, true});
    std::vector<double> rug;
    for (int i = 0; i < 60; ++i)
        rug.push_back(20.0 + 60.0 * std::fmod(i * 0.618034, 1.0) * std::fmod(i * 0.41421, 1.0) + 5.0 * (i % 3));
    f->setRug(std::move(rug));
    f->addRefLine({Qt::Horizontal, 0.1, QColor(0x66, 0x66, 0x66), Qt::DashLine, QString()});
    return f;
}

} // namespace gb::plots
