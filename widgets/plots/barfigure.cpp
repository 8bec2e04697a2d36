// SPDX-License-Identifier: MIT
#include "barfigure.h"

#include "colormap.h"
#include "figuredata.h"
#include "plotframe.h"

#include "common/error.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace gb::plots {

namespace {
constexpr double GroupWidth = 0.8; // of a category slot

double at(const std::vector<double> &v, std::size_t i)
{
    return i < v.size() && std::isfinite(v[i]) ? v[i] : 0.0;
}
} // namespace

void BarFigure::addSeries(BarSeries s)
{
    const auto n = std::size_t(m_categories.size());
    const auto check = [&](const std::vector<double> &v, const char *what, bool optional) {
        if ((!optional || !v.empty()) && v.size() != n)
            throw Error::badInput("bar series \"" + s.name.toStdString() + "\": " + what + " has " + std::to_string(v.size())
                                  + " values for " + std::to_string(n) + " categories");
    };
    check(s.values, "values", false);
    check(s.errLo, "err_lo", true);
    check(s.errHi, "err_hi", true);
    m_series.push_back(std::move(s));
}

QSizeF BarFigure::naturalSize() const
{
    const double n = double(m_categories.size()) * std::max<double>(1, double(m_series.size()));
    return m_horizontal ? QSizeF(360, std::clamp(60.0 + 14.0 * n, 180.0, 520.0))
                        : QSizeF(std::clamp(100.0 + 18.0 * n, 260.0, 520.0), 240);
}

QColor BarFigure::barColor(std::size_t series, std::size_t bar) const
{
    if (m_series.size() == 1 && bar < m_barColors.size() && m_barColors[bar].isValid())
        return m_barColors[bar];
    const QColor &c = m_series[series].color;
    return c.isValid() ? c : categoricalColor(int(series));
}

void BarFigure::render(QPainter *painter, const QRectF &rect) const
{
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    fillBackground(painter, style(), rect);
    const double pt = pointScale(painter);
    double lo = 0.0, hi = 0.0; // bars start at zero, so zero is always in range
    for (const BarSeries &s : m_series)
        for (std::size_t i = 0; i < s.values.size(); ++i) {
            lo = std::min(lo, at(s.values, i) - at(s.errLo, i));
            hi = std::max(hi, at(s.values, i) + at(s.errHi, i));
        }
    AxisSpec cat, val;
    cat.title = m_categoryTitle;
    cat.ticks = TickMode::Category;
    cat.categories = m_categories;
    cat.reversed = m_horizontal; // first category on top
    val.title = m_valueTitle;
    val.grid = true;
    const Scale vs = fitScale(val, lo, hi, 1.0, 0.05), cs = fitScale(cat, 0, 0, 1);
    const PlotFrame frame = m_horizontal ? PlotFrame(Axis(AxisEdge::Bottom, val, vs), Axis(AxisEdge::Left, cat, cs), m_title)
                                         : PlotFrame(Axis(AxisEdge::Bottom, cat, cs), Axis(AxisEdge::Left, val, vs), m_title);
    std::vector<LegendEntry> entries;
    if (m_series.size() > 1 && m_legend != LegendPosition::None)
        for (std::size_t s = 0; s < m_series.size(); ++s)
            if (!m_series[s].name.isEmpty())
                entries.push_back({m_series[s].name, barColor(s, 0), LegendEntry::Symbol::Patch});
    const Legend legend(entries);
    PlotFrame::StripWidth strip;
    if (m_legend == LegendPosition::Outside && !legend.isEmpty()) {
        const double width = legend.size(painter, style()).width() + 6 * pt;
        strip = [width](double) { return width; };
    }
    const PlotFrame::Layout L = frame.layout(painter, style(), rect, strip);
    frame.paintGrid(painter, style(), L);
    const Scale &V = m_horizontal ? L.xs : L.ys;
    const Scale &C = m_horizontal ? L.ys : L.xs;
    const auto point = [&](double c, double v) { return m_horizontal ? QPointF(V.map(v), C.map(c)) : QPointF(C.map(c), V.map(v)); };

    const double k = double(std::max<std::size_t>(1, m_series.size()));
    const double w = GroupWidth / k;
    std::vector<QPointF> inked; // points along every bar: the legend goes where it covers fewest
    for (std::size_t s = 0; s < m_series.size(); ++s)
        for (std::size_t i = 0; i < m_series[s].values.size(); ++i) {
            const double c0 = double(i) - GroupWidth / 2 + w * double(s), v = at(m_series[s].values, i);
            painter->setPen(Qt::NoPen);
            painter->setBrush(barColor(s, i));
            painter->drawRect(QRectF(point(c0, 0.0), point(c0 + w, v)).normalized());
            for (const double f : {0.25, 0.5, 0.75, 1.0})
                inked.push_back(point(c0 + w / 2, f * v));
            if (m_series[s].errLo.empty() && m_series[s].errHi.empty())
                continue;
            const double e0 = v - at(m_series[s].errLo, i), e1 = v + at(m_series[s].errHi, i);
            const double cap = w * 0.15, cm = c0 + w / 2;
            painter->setPen(QPen(style().foreground, 0.8 * pt));
            painter->drawLine(point(cm, e0), point(cm, e1));
            painter->drawLine(point(cm - cap, e0), point(cm + cap, e0));
            painter->drawLine(point(cm - cap, e1), point(cm + cap, e1));
        }
    if (lo < 0.0) {
        painter->setPen(QPen(style().foreground, 0.6 * pt));
        painter->drawLine(point(-0.5, 0.0), point(double(m_categories.size()) - 0.5, 0.0));
    }
    frame.paintAxes(painter, style(), L);

    if (m_legend == LegendPosition::Outside && !legend.isEmpty())
        legend.paint(painter, style(), QPointF(L.strip.left() + 6 * pt, L.plot.top()));
    else if (!legend.isEmpty())
        legend.paint(painter, style(), Legend::place(m_legend, L.plot, legend.size(painter, style()), 4 * pt, inked).topLeft());
    painter->restore();
}

QString BarFigure::dataCsv() const
{
    using namespace data;
    QString csv = csvRow({QStringLiteral("series"), QStringLiteral("category"), QStringLiteral("value"),
                          QStringLiteral("err_lo"), QStringLiteral("err_hi")});
    for (const BarSeries &s : m_series)
        for (std::size_t i = 0; i < s.values.size(); ++i)
            csv += csvRow({s.name, m_categories[int(i)], csvNumber(s.values[i]),
                           s.errLo.empty() ? QString() : csvNumber(s.errLo[i]),
                           s.errHi.empty() ? QString() : csvNumber(s.errHi[i])});
    return csv;
}

QByteArray BarFigure::dataJson() const
{
    using namespace data;
    Json series = Json::array();
    for (const BarSeries &s : m_series) {
        Json j = Json::object();
        j.set("name", str(s.name)).set("values", doubles(s.values)).set("err_lo", doubles(s.errLo)).set("err_hi", doubles(s.errHi));
        if (s.color.isValid())
            j.set("color", color(s.color));
        series.push(std::move(j));
    }
    Json colors = Json::array();
    for (const QColor &c : m_barColors)
        colors.push(color(c));
    Json j = Json::object();
    j.set("kind", Kind).set("version", 1).set("title", str(m_title)).set("categories", strings(m_categories))
        .set("horizontal", m_horizontal).set("value_title", str(m_valueTitle)).set("category_title", str(m_categoryTitle))
        .set("legend", str(legendPositionName(m_legend))).set("bar_colors", std::move(colors)).set("series", std::move(series));
    return dump(j);
}

std::unique_ptr<Figure> BarFigure::fromJson(const Json &json)
{
    using namespace data;
    checkKind(json, QString::fromLatin1(Kind));
    auto f = std::make_unique<BarFigure>();
    f->m_title = toStr(json, "title");
    f->m_categories = toStrings(json.find("categories"), "categories");
    f->m_horizontal = toFlag(json, "horizontal", false);
    f->m_valueTitle = toStr(json, "value_title");
    f->m_categoryTitle = toStr(json, "category_title");
    f->m_legend = legendPositionFromName(toStr(json, "legend"));
    if (const Json *a = json.find("bar_colors"); a && a->isArray())
        for (const Json &c : a->toArray())
            f->m_barColors.push_back(toColor(&c, QColor()));
    if (const Json *a = json.find("series"))
        for (const Json &j : a->toArray("series"))
            f->addSeries({toStr(j, "name"), toDoubles(j.find("values"), "bar values"), toDoubles(j.find("err_lo"), "err_lo"),
                          toDoubles(j.find("err_hi"), "err_hi"), toColor(j.find("color"), QColor())});
    return f;
}

std::unique_ptr<Figure> BarFigure::example()
{
    // Deletion-curve AUC of attribution methods on two models, mean ± standard error.
    auto f = std::make_unique<BarFigure>();
    f->setTitle(QStringLiteral("Faithfulness of attribution methods"));
    f->setCategories({QStringLiteral("Saliency"), QStringLiteral("Grad × input"), QStringLiteral("Integrated gradients"),
                      QStringLiteral("Occlusion"), QStringLiteral("KernelSHAP")});
    f->setValueTitle(QStringLiteral("deletion AUC (lower is better)"));
    f->addSeries({QStringLiteral("GPT-2 small"), {0.41, 0.36, 0.29, 0.31, 0.27}, {0.02, 0.02, 0.015, 0.02, 0.03},
                  {0.02, 0.02, 0.015, 0.02, 0.03}, QColor()});
    f->addSeries({QStringLiteral("Pythia-70m"), {0.45, 0.39, 0.33, 0.30, 0.29}, {0.025, 0.02, 0.02, 0.015, 0.03},
                  {0.025, 0.02, 0.02, 0.015, 0.03}, QColor()});
    return f;
}

} // namespace gb::plots
