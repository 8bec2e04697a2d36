// SPDX-License-Identifier: MIT
#include "effectplot.h"

#include <algorithm>
#include <cmath>

namespace gb::plots {

QColor pdpColor()
{
    return QColor(0x1b, 0x3a, 0x6b);
}

QColor iceColor()
{
    return QColor(0x5b, 0x7f, 0xa8);
}

QColor aleColor()
{
    return QColor(0xd9, 0x5f, 0x02);
}

QColor highlightColor()
{
    return QColor(0xc2, 0x18, 0x5b);
}

namespace {

// Hundreds of overlapping lines: fainter the more there are, so the density reads as shade.
double iceAlpha(std::size_t curves)
{
    return std::clamp(6.0 / std::sqrt(double(std::max<std::size_t>(curves, 1))), 0.08, 0.5);
}

} // namespace

std::unique_ptr<XYFigure> makeEffectFigure(const EffectCurves &c)
{
    auto f = std::make_unique<XYFigure>();
    f->setTitle(c.title);
    f->xAxis().title = c.feature;
    f->yAxis().title = c.centered ? c.response + QStringLiteral(" (centred)") : c.response;
    f->setLegend(LegendPosition::Auto);
    const double alpha = iceAlpha(c.ice.size());
    for (std::size_t k = 0; k < c.ice.size(); ++k) {
        XYSeries s;
        s.x = c.grid;
        s.y = c.ice[k];
        s.color = iceColor();
        s.width = 0.6;
        s.alpha = alpha;
        s.inLegend = k == 0;
        if (k == 0)
            s.name = c.iceOf > std::int64_t(c.ice.size())
                         ? QStringLiteral("ICE (%1 of %2 rows)").arg(c.ice.size()).arg(c.iceOf)
                         : QStringLiteral("ICE (%1 rows)").arg(c.ice.size());
        f->addSeries(std::move(s));
    }
    const QString band = QStringLiteral("%1% bootstrap band").arg(std::lround(c.confidence * 100));
    if (!c.bandLo.empty())
        f->addBand(XYBand{band, c.grid, c.bandLo, c.bandHi, pdpColor(), 0.22});
    if (!c.aleLo.empty())
        f->addBand(XYBand{band + QStringLiteral(" (ALE)"), c.aleX, c.aleLo, c.aleHi, aleColor(), 0.18});
    if (c.centered)
        f->addRefLine(RefLine{Qt::Horizontal, 0.0, QColor(0x88, 0x88, 0x88), Qt::DashLine, QString()});
    if (!c.pdp.empty()) {
        XYSeries s;
        s.name = QStringLiteral("PDP");
        s.x = c.grid;
        s.y = c.pdp;
        s.color = pdpColor();
        s.width = 2.2;
        f->addSeries(std::move(s));
    }
    if (!c.ale.empty()) {
        XYSeries s;
        s.name = QStringLiteral("ALE");
        s.x = c.aleX;
        s.y = c.ale;
        s.color = aleColor();
        s.width = 1.8;
        s.dash = Qt::DashLine;
        f->addSeries(std::move(s));
    }
    if (c.highlighted >= 0 && std::size_t(c.highlighted) < c.ice.size()) {
        XYSeries s;
        s.x = c.grid;
        s.y = c.ice[std::size_t(c.highlighted)];
        s.color = highlightColor();
        s.width = 1.6;
        s.inLegend = false;
        f->addSeries(std::move(s));
    }
    f->setRug(c.rug);
    return f;
}

namespace {

bool evenlySpaced(const std::vector<double> &v)
{
    if (v.size() < 2)
        return false;
    const double step = (v.back() - v.front()) / double(v.size() - 1);
    for (std::size_t i = 1; i < v.size(); ++i)
        if (std::fabs(v[i] - v[i - 1] - step) > 1e-6 * std::fabs(v.back() - v.front()))
            return false;
    return true;
}

// Index i with v[i] <= t <= v[i + 1] and the fraction of the way, for sorted v.
std::pair<std::size_t, double> bracket(const std::vector<double> &v, double t)
{
    const std::size_t i = std::min<std::size_t>(std::size_t(std::max<std::ptrdiff_t>(
                                                    0, std::upper_bound(v.begin(), v.end(), t) - v.begin() - 1)),
                                                v.size() - 2);
    return {i, std::clamp((t - v[i]) / (v[i + 1] - v[i]), 0.0, 1.0)};
}

} // namespace

std::unique_ptr<HeatmapFigure> makeEffectHeatmap(const EffectSurface &s)
{
    const std::size_t nx = s.x.size(), ny = s.y.size();
    const auto at = [&](std::size_t i, std::size_t j) { return s.values[i * ny + j]; };
    // Cells must sit at their true coordinates. An even grid maps to cells directly (each
    // value at its cell's centre); uneven ones (distinct values, quantile edges) are sampled
    // bilinearly onto an even grid over the same range.
    const bool direct = nx < 2 || ny < 2 || (evenlySpaced(s.x) && evenlySpaced(s.y));
    const int cols = direct ? int(nx) : 160, rows = direct ? int(ny) : 160;
    std::vector<float> values(std::size_t(rows) * std::size_t(cols));
    for (int r = 0; r < rows; ++r) {
        const std::size_t j = std::size_t(rows - 1 - r); // row 0 is the top: the largest y
        for (int c = 0; c < cols; ++c) {
            double v;
            if (direct) {
                v = at(std::size_t(c), j);
            } else {
                const double tx = s.x.front() + (c + 0.5) / cols * (s.x.back() - s.x.front());
                const double ty = s.y.front() + (double(j) + 0.5) / rows * (s.y.back() - s.y.front());
                const auto [i0, fx] = bracket(s.x, tx);
                const auto [j0, fy] = bracket(s.y, ty);
                v = (1 - fx) * (1 - fy) * at(i0, j0) + fx * (1 - fy) * at(i0 + 1, j0) + (1 - fx) * fy * at(i0, j0 + 1)
                    + fx * fy * at(i0 + 1, j0 + 1);
            }
            values[std::size_t(r) * std::size_t(cols) + std::size_t(c)] = float(v);
        }
    }
    auto f = std::make_unique<HeatmapFigure>(rows, cols, std::move(values));
    // Half a cell beyond the outer grid values, so that each value sits at its cell's centre.
    const auto halfCell = [direct](const std::vector<double> &v) {
        return !direct ? 0.0 : v.size() < 2 ? 0.5 : (v.back() - v.front()) / double(2 * (v.size() - 1));
    };
    const double hx = halfCell(s.x), hy = halfCell(s.y);
    const double x0 = s.x.front() - hx, x1 = s.x.back() + hx, y0 = s.y.front() - hy, y1 = s.y.back() + hy;
    f->setExtent(x0, x1, y0, y1);
    // The CSV names each cell by its centre.
    QStringList colLabels, rowLabels;
    for (int c = 0; c < cols; ++c)
        colLabels << QString::number(x0 + (c + 0.5) / cols * (x1 - x0), 'g', 8);
    for (int r = 0; r < rows; ++r)
        rowLabels << QString::number(y1 - (r + 0.5) / rows * (y1 - y0), 'g', 8);
    f->setColumnLabels(colLabels);
    f->setRowLabels(rowLabels);
    f->setTitle(s.title);
    f->setXTitle(s.feature1);
    f->setYTitle(s.feature2);
    f->setColorBarTitle(s.valueTitle);
    f->setDiverging(s.diverging);
    return f;
}

std::unique_ptr<BarFigure> makeLevelEffects(const LevelEffects &e)
{
    auto f = std::make_unique<BarFigure>();
    f->setTitle(e.title);
    f->setCategories(e.levels);
    f->setCategoryTitle(e.feature);
    f->setValueTitle(e.valueTitle);
    for (const auto &s : e.series) {
        BarSeries b;
        b.name = s.name;
        b.values = s.values;
        b.color = s.color;
        if (!s.lo.empty()) {
            for (std::size_t k = 0; k < s.values.size(); ++k) {
                b.errLo.push_back(s.values[k] - s.lo[k]);
                b.errHi.push_back(s.hi[k] - s.values[k]);
            }
        }
        f->addSeries(std::move(b));
    }
    f->setLegend(e.series.size() > 1 ? LegendPosition::Auto : LegendPosition::None);
    return f;
}

} // namespace gb::plots
