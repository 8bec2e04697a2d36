// SPDX-License-Identifier: MIT
#include "tabularfigures.h"

#include <algorithm>
#include <map>
#include <utility>

namespace gb {

namespace {

QString name(const TabularData &data, int feature)
{
    return QString::fromStdString(data.names[std::size_t(feature)]);
}

// Piecewise-linear value of (x, y) at v, constant beyond the ends.
double interpolate(const std::vector<double> &x, const std::vector<double> &y, double v)
{
    if (v <= x.front())
        return y.front();
    if (v >= x.back())
        return y.back();
    const std::size_t i = std::size_t(std::upper_bound(x.begin(), x.end(), v) - x.begin());
    const double t = (v - x[i - 1]) / (x[i] - x[i - 1]);
    return y[i - 1] + t * (y[i] - y[i - 1]);
}

std::vector<double> shifted(const std::vector<double> &v, double by)
{
    std::vector<double> out(v);
    for (double &e : out)
        e += by;
    return out;
}

// Values of the feature for the rug: every row up to 2000, else an even thinning.
std::vector<double> rugValues(const TabularData &data, int feature)
{
    const std::int64_t step = std::max<std::int64_t>(1, data.rows / 2000);
    std::vector<double> rug;
    for (std::int64_t r = 0; r < data.rows; r += step)
        rug.push_back(data.at(r, feature));
    return rug;
}

} // namespace

QString responseTitle(const TabularModel &model)
{
    const TabularResponse &r = model.response();
    const int column = std::max(0, r.outputColumn);
    switch (r.kind) {
    case TabularResponse::Kind::Probability: return QStringLiteral("P(class %1)").arg(column);
    case TabularResponse::Kind::Sigmoid: return QStringLiteral("sigmoid(output %1)").arg(column);
    case TabularResponse::Kind::Raw: break;
    }
    return model.outputColumns() > 1 ? QStringLiteral("output %1").arg(column) : QStringLiteral("prediction");
}

bool showsCurves(const EffectResult &r, const TabularData &data)
{
    return r.request.features.size() == 1 && !data.categorical[std::size_t(r.request.features[0])];
}

plots::EffectCurves effectCurves(const EffectResult &r, const TabularData &data, const QString &response)
{
    const int f = r.request.features[0];
    plots::EffectCurves c;
    c.feature = name(data, f);
    c.response = response;
    c.centered = r.request.centered;
    c.rug = rugValues(data, f);
    c.iceOf = data.rows;
    if (r.pdp) {
        const tabular::PdpResult &p = *r.pdp;
        c.title = QStringLiteral("Partial dependence on %1").arg(c.feature);
        c.grid = p.grid[0];
        c.pdp = p.average;
        c.bandLo = p.bandLower;
        c.bandHi = p.bandUpper;
        const std::size_t G = c.grid.size();
        for (std::size_t k = 0; k < p.iceRows.size(); ++k)
            c.ice.emplace_back(p.individual.begin() + std::ptrdiff_t(k * G), p.individual.begin() + std::ptrdiff_t((k + 1) * G));
    }
    if (r.ale) {
        const tabular::AleResult &a = *r.ale;
        c.aleX = a.edges[0];
        double offset = 0.0;
        if (r.pdp && c.centered)
            offset = -interpolate(a.edges[0], a.ale, r.pdp->anchor);
        else if (r.pdp)
            offset = r.meanPrediction;
        c.ale = shifted(a.ale, offset);
        // One band is readable; two overlapping ones are not: the PDP's wins when both exist.
        if (!a.bandLower.empty() && c.bandLo.empty()) {
            c.aleLo = shifted(a.bandLower, offset);
            c.aleHi = shifted(a.bandUpper, offset);
        }
        if (!r.pdp) {
            c.title = QStringLiteral("Accumulated local effects of %1").arg(c.feature);
            c.response = QStringLiteral("ALE of ") + response;
            c.centered = false;
        } else {
            c.title = QStringLiteral("PDP, ICE and ALE of %1").arg(c.feature);
        }
    }
    return c;
}

namespace {

using EffectSurfaceNames = std::pair<QString, QString>;

std::shared_ptr<plots::Figure> pdpSurface(const tabular::PdpResult &pdp, const EffectSurfaceNames &n, bool centered,
                                          const QString &response)
{
    plots::EffectSurface s;
    s.feature1 = n.first;
    s.feature2 = n.second;
    s.title = QStringLiteral("Partial dependence on %1 and %2").arg(s.feature1, s.feature2);
    s.x = pdp.grid[0];
    s.y = pdp.grid[1];
    s.values = pdp.average;
    s.valueTitle = centered ? response + QStringLiteral(" (centred)") : response;
    s.diverging = centered;
    return plots::makeEffectHeatmap(s);
}

std::shared_ptr<plots::Figure> aleSurface(const tabular::AleResult &ale, const EffectSurfaceNames &n)
{
    plots::EffectSurface s;
    s.feature1 = n.first;
    s.feature2 = n.second;
    s.title = QStringLiteral("Second-order ALE of %1 and %2").arg(s.feature1, s.feature2);
    s.x = ale.edges[0];
    s.y = ale.edges[1];
    s.values = ale.ale;
    s.valueTitle = QStringLiteral("interaction effect");
    s.diverging = true;
    return plots::makeEffectHeatmap(s);
}

std::shared_ptr<plots::Figure> levels(const EffectResult &r, const TabularData &data, const QString &response)
{
    const int f = r.request.features[0];
    plots::LevelEffects e;
    e.feature = name(data, f);
    e.title = QStringLiteral("Effect of %1 by level").arg(e.feature);
    e.valueTitle = QStringLiteral("effect on ") + response + QStringLiteral(" (centred)");
    // Bars follow ALE's similarity order when there is one, else the codes' order.
    const std::vector<double> codes = r.ale ? r.ale->edges[0] : r.pdp->grid[0];
    for (double code : codes)
        e.levels << QString::fromStdString(data.levelText(f, code));
    if (r.pdp) {
        std::map<double, std::size_t> at;
        for (std::size_t k = 0; k < r.pdp->grid[0].size(); ++k)
            at[r.pdp->grid[0][k]] = k;
        std::map<double, double> count;
        for (std::int64_t row = 0; row < data.rows; ++row)
            count[data.at(row, f)] += 1.0;
        // Centred like ALE (frequency-weighted mean zero) so both read on one axis.
        double mean = 0.0;
        for (std::size_t k = 0; k < r.pdp->grid[0].size(); ++k)
            mean += r.pdp->average[k] * count[r.pdp->grid[0][k]] / double(data.rows);
        plots::LevelEffects::Series s{QStringLiteral("PDP"), {}, {}, {}, plots::pdpColor()};
        for (double code : codes) {
            const std::size_t k = at[code];
            s.values.push_back(r.pdp->average[k] - mean);
            if (!r.pdp->bandLower.empty()) {
                s.lo.push_back(r.pdp->bandLower[k] - mean);
                s.hi.push_back(r.pdp->bandUpper[k] - mean);
            }
        }
        e.series.push_back(std::move(s));
    }
    if (r.ale)
        e.series.push_back({QStringLiteral("ALE"), r.ale->ale, r.ale->bandLower, r.ale->bandUpper, plots::aleColor()});
    return plots::makeLevelEffects(e);
}

} // namespace

std::vector<std::shared_ptr<plots::Figure>> effectFigures(const EffectResult &r, const TabularData &data,
                                                          const QString &response)
{
    if (r.request.features.size() != 2)
        return {levels(r, data, response)};
    const EffectSurfaceNames names{name(data, r.request.features[0]), name(data, r.request.features[1])};
    std::vector<std::shared_ptr<plots::Figure>> out;
    if (r.pdp)
        out.push_back(pdpSurface(*r.pdp, names, r.request.centered, response));
    if (r.ale)
        out.push_back(aleSurface(*r.ale, names));
    return out;
}

} // namespace gb
