// SPDX-License-Identifier: MIT
#include "evolutionfigures.h"

#include "evolutionresult.h"

#include "evolution/sampling.h"
#include "plots/barfigure.h"
#include "plots/colormap.h"
#include "plots/curvebundlefigure.h"
#include "plots/heatmapfigure.h"
#include "plots/histogramfigure.h"
#include "plots/xyfigure.h"

#include <QLocale>
#include <QObject>

#include <cmath>

namespace gb {

using namespace plots;

QString stepLabel(std::int64_t step)
{
    const auto compact = [](double v, char unit) {
        QString s = QString::number(v, 'g', v < 10 ? 2 : 3);
        s.append(QLatin1Char(unit));
        return s;
    };
    if (step >= 1000000)
        return compact(double(step) / 1e6, 'M');
    if (step >= 1000)
        return compact(double(step) / 1e3, 'k');
    return QString::number(step);
}

QString headLabel(const EvolutionResult &r, std::int64_t s)
{
    return r.hasSteps() ? stepLabel(r.data->steps.steps[std::size_t(s)])
                        : QString::fromStdString(r.data->headNames[std::size_t(s)]);
}

namespace {

std::vector<double> xs(const EvolutionResult &r)
{
    std::vector<double> x;
    for (std::int64_t s = 0; s < r.data->heads; ++s)
        x.push_back(r.x(s));
    return x;
}

/// The training-step axis: log with step 0 in the zero slot, or head indices.
AxisSpec stepAxis(const EvolutionResult &r)
{
    AxisSpec a;
    if (r.hasSteps()) {
        a.title = QObject::tr("training step (log scale)");
        a.log = true;
    } else {
        a.title = QObject::tr("snapshot");
        a.ticks = TickMode::Integer;
    }
    return a;
}

std::vector<double> toDoubles(const std::vector<float> &v)
{
    return std::vector<double>(v.begin(), v.end());
}

QString count(std::int64_t n)
{
    return QLocale().toString(qlonglong(n));
}

} // namespace

std::shared_ptr<Figure> populationFigure(const EvolutionResult &r, std::int64_t maxCurves, std::vector<std::int64_t> *shown)
{
    const EvolutionData &d = *r.data;
    const EvolutionSummary &s = r.summary;
    const std::vector<std::int64_t> picked = stratifiedSample(s.peakIndex, maxCurves);
    if (shown)
        *shown = picked;
    std::vector<float> curves;
    std::vector<double> values;
    curves.reserve(picked.size() * std::size_t(d.heads));
    for (const std::int64_t f : picked) {
        const std::vector<float> c = normalisedCurve(d, s, f);
        curves.insert(curves.end(), c.begin(), c.end());
        values.push_back(s.peakIndex[std::size_t(f)]);
    }
    auto fig = std::make_shared<CurveBundleFigure>(xs(r), std::move(curves), std::move(values));
    const std::int64_t live = d.features - s.deadCount;
    fig->setTitle(std::int64_t(picked.size()) < live
                      ? QObject::tr("%1 of %2 live features, sampled by peak").arg(count(qint64(picked.size())), count(live))
                      : QObject::tr("All %1 live features").arg(count(live)));
    fig->xAxis() = stepAxis(r);
    fig->yAxis().title = QObject::tr("normalised decoder norm");
    fig->yAxis().min = 0.0;
    fig->yAxis().max = 1.0;
    fig->setColorBarTitle(QObject::tr("Peak Snapshot Index"));
    fig->setValueRange(0, double(d.heads - 1));
    fig->addOverlay({QObject::tr("median; dashed: quartiles"), toDoubles(s.medianCurve), toDoubles(s.lowerQuartileCurve),
                     toDoubles(s.upperQuartileCurve)});
    return fig;
}

std::shared_ptr<Figure> psiHistogramFigure(const EvolutionResult &r)
{
    const std::int64_t S = r.data->heads;
    auto fig = std::make_shared<BarFigure>();
    QStringList categories;
    std::vector<double> counts;
    std::vector<QColor> colors;
    const ColorMap map = ColorMap::byName(fig->style().sequentialMap);
    for (std::int64_t h = 0; h < S; ++h) {
        categories << headLabel(r, h);
        counts.push_back(double(r.summary.psiCounts[std::size_t(h)]));
        colors.push_back(map.color(S > 1 ? double(h) / double(S - 1) : 0.0));
    }
    fig->setCategories(categories);
    fig->addSeries({QObject::tr("features"), counts, {}, {}, QColor()});
    fig->setBarColors(colors);
    fig->setLegend(LegendPosition::None);
    fig->setTitle(QObject::tr("Peak Snapshot Index"));
    fig->setCategoryTitle(r.hasSteps() ? QObject::tr("training step of the peak") : QObject::tr("snapshot of the peak"));
    fig->setValueTitle(QObject::tr("features"));
    return fig;
}

std::shared_ptr<Figure> turningPointFigure(const EvolutionResult &r)
{
    const EvolutionSummary &s = r.summary;
    auto fig = std::make_shared<XYFigure>();
    std::vector<double> x;
    for (std::int64_t t = 1; t < r.data->heads; ++t)
        x.push_back(r.x(t)); // a transition is drawn where it arrives
    fig->xAxis() = stepAxis(r);
    fig->xAxis().title = r.hasSteps() ? QObject::tr("training step reached (log scale)")
                                      : QObject::tr("snapshot (change since the previous one)");
    // Short enough for the page's half-height plot; the title and legend say what changes.
    fig->yAxis().title = QObject::tr("1 \u2212 cos(d\u209b, d\u209b\u208a\u2081)");
    fig->yAxis().min = 0.0;
    fig->addSeries({QObject::tr("median direction change"), x, toDoubles(s.medianChange), categoricalColor(0),
                    XYSeries::Style::LineMarkers, 1.6, 1.0, Qt::SolidLine, MarkerShape::Circle, 3.0, true});
    fig->addSeries({QObject::tr("mean"), x, toDoubles(s.meanChange), categoricalColor(1), XYSeries::Style::Line, 1.0,
                    0.9, Qt::DashLine, MarkerShape::Circle, 3.0, true});
    if (s.turningIndex >= 0) {
        const std::int64_t t = s.turningIndex;
        fig->addRefLine({Qt::Vertical, r.x(t + 1), QColor(0x66, 0x66, 0x66), Qt::DotLine, QString()});
        fig->setTitle(QObject::tr("Turning point: %1 \u2192 %2").arg(headLabel(r, t), headLabel(r, t + 1)));
    } else {
        fig->setTitle(QObject::tr("Direction change between snapshots"));
    }
    fig->setLegend(LegendPosition::Auto);
    return fig;
}

std::shared_ptr<Figure> featureCurvesFigure(const EvolutionResult &r, const QList<qint64> &features, bool normalised)
{
    auto fig = std::make_shared<XYFigure>();
    fig->xAxis() = stepAxis(r);
    fig->yAxis().title = normalised ? QObject::tr("normalised decoder norm") : QObject::tr("decoder norm");
    fig->yAxis().min = 0.0;
    const std::vector<double> x = xs(r);
    int i = 0;
    for (const qint64 f : features) {
        std::vector<double> y;
        for (std::int64_t h = 0; h < r.data->heads; ++h)
            y.push_back(r.data->norm(h, f));
        const float peak = r.summary.maxNorm[std::size_t(f)];
        if (normalised && peak > 0)
            for (double &v : y)
                v /= peak;
        const QColor c = categoricalColor(i++);
        fig->addSeries({QObject::tr("feature %1").arg(f), x, y, c, XYSeries::Style::LineMarkers, 1.4, 1.0,
                        Qt::SolidLine, MarkerShape::Circle, 2.6, true});
        if (const int p = r.summary.peakIndex[std::size_t(f)]; p >= 0)
            fig->addSeries({QString(), {x[std::size_t(p)]}, {y[std::size_t(p)]}, c, XYSeries::Style::Scatter, 1.0, 1.0,
                            Qt::SolidLine, MarkerShape::Diamond, 8.0, false});
    }
    if (normalised)
        fig->addRefLine({Qt::Horizontal, r.summary.options.level, QColor(0x88, 0x88, 0x88), Qt::DashLine,
                         QObject::tr("emergence level")});
    fig->setTitle(features.size() == 1 ? QObject::tr("Feature %1 through training (\u25C6 peak)").arg(features.front())
                                       : QObject::tr("Selected features through training (\u25C6 peak)"));
    fig->setLegend(features.size() > 1 ? LegendPosition::Auto : LegendPosition::None);
    return fig;
}

std::shared_ptr<Figure> similarityFigure(const EvolutionResult &r, qint64 feature, std::vector<float> sim)
{
    const int S = int(r.data->heads);
    auto fig = std::make_shared<HeatmapFigure>(S, S, std::move(sim));
    QStringList labels;
    for (int h = 0; h < S; ++h)
        labels << headLabel(r, h);
    fig->setRowLabels(labels);
    fig->setColumnLabels(labels);
    fig->setDiverging(true);
    fig->setRange(-1.0, 1.0);
    fig->setTitle(QObject::tr("Feature %1: decoder direction similarity").arg(feature));
    fig->setXTitle(r.hasSteps() ? QObject::tr("training step") : QObject::tr("head"));
    fig->setYTitle(r.hasSteps() ? QObject::tr("training step") : QObject::tr("head"));
    fig->setColorBarTitle(QObject::tr("cosine"));
    return fig;
}

std::shared_ptr<Figure> relativeNormFigure(const EvolutionResult &r)
{
    const ModelDiffSummary &m = *r.modelDiff;
    Histogram h;
    for (int b = 0; b <= m.options.bins; ++b)
        h.edges.push_back(double(b) / m.options.bins);
    for (const std::int64_t c : m.relativeNormHistogram)
        h.counts.push_back(double(c));
    auto fig = std::make_shared<HistogramFigure>(std::move(h));
    const QString a = QString::fromStdString(r.data->headNames[0]), b = QString::fromStdString(r.data->headNames[1]);
    fig->setTitle(QObject::tr("Relative decoder norm (%1 shared)").arg(count(m.shared)));
    fig->setXTitle(QObject::tr("\u2016d_%1\u2016 / (\u2016d_%2\u2016 + \u2016d_%1\u2016)").arg(b, a));
    fig->setYTitle(QObject::tr("features"));
    fig->setLogCounts(true);
    fig->addMarker(m.options.exclusive, QObject::tr("%1 %2-only").arg(count(m.aOnly), a));
    fig->addMarker(1.0 - m.options.exclusive, QObject::tr("%1 %2-only").arg(count(m.bOnly), b));
    return fig;
}

std::shared_ptr<Figure> sharedCosineFigure(const EvolutionResult &r)
{
    const ModelDiffSummary &m = *r.modelDiff;
    Histogram h;
    for (int b = 0; b <= m.options.bins; ++b)
        h.edges.push_back(-1.0 + 2.0 * b / m.options.bins);
    for (const std::int64_t c : m.sharedCosineHistogram)
        h.counts.push_back(double(c));
    auto fig = std::make_shared<HistogramFigure>(std::move(h));
    fig->setTitle(QObject::tr("Shared features (%1 \u2264 r \u2264 %2): decoder cosine")
                      .arg(m.options.sharedLow)
                      .arg(m.options.sharedHigh));
    fig->setXTitle(QObject::tr("cos(d_%1, d_%2)")
                       .arg(QString::fromStdString(r.data->headNames[0]), QString::fromStdString(r.data->headNames[1])));
    fig->setYTitle(QObject::tr("features"));
    return fig;
}

} // namespace gb
