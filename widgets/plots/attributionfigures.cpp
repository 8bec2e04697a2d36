// SPDX-License-Identifier: MIT
#include "attributionfigures.h"

#include "colormap.h"

#include <algorithm>
#include <cmath>

namespace gb::plots {

namespace {

QString number(double v, int digits = 3)
{
    return std::isfinite(v) ? QString::number(v, 'g', digits).replace(QLatin1Char('-'), QChar(0x2212)) : QStringLiteral("\u2013");
}

/// "Δ 3.1e−3 (0.4 %) · 50 steps", "R² 0.91", "exact", then "ρ 0.82 vs IG" and the time.
QString detailOf(const AttributionOutcome &o, std::size_t i)
{
    const MethodResult &r = o.results[i];
    QStringList parts;
    switch (r.method) {
    case AttributionMethod::IntegratedGradients: {
        const double span = std::fabs(r.fX - r.fBaseline);
        QString d = QStringLiteral("\u0394 %1").arg(number(r.delta, 2));
        if (span > 0)
            d += QStringLiteral(" (%1 %)").arg(number(100.0 * std::fabs(r.delta) / span, 2));
        parts << d << QStringLiteral("%1 steps").arg(r.steps);
        break;
    }
    case AttributionMethod::Lime: parts << QStringLiteral("R\u00B2 %1").arg(number(r.r2, 2)); break;
    case AttributionMethod::KernelShap: parts << (r.exact ? QStringLiteral("exact") : QStringLiteral("%1 coalitions").arg(r.steps)); break;
    case AttributionMethod::Occlusion: parts << QStringLiteral("%1 windows").arg(r.steps); break;
    case AttributionMethod::GradientXInput: parts << QStringLiteral("\u0394 %1 vs f(0)").arg(number(r.delta, 2)); break;
    case AttributionMethod::Saliency: break;
    }
    for (const MethodAgreement &a : o.agreement)
        if (a.a == 0 && std::size_t(a.b) == i)
            parts << QStringLiteral("\u03C1 %1 vs %2").arg(number(a.spearman, 2),
                                                            QString::fromStdString(displayName(o.results[0].method)));
    return parts.join(QStringLiteral(" \u00B7 "));
}

} // namespace

QString targetTitle(const QString &kind, const QString &token, const QString &foil)
{
    if (kind == QLatin1String("logit"))
        return QStringLiteral("logit of \u201C%1\u201D").arg(token);
    if (kind == QLatin1String("prob"))
        return QStringLiteral("p(\u201C%1\u201D)").arg(token);
    if (kind == QLatin1String("feature"))
        return QStringLiteral("activation of %1").arg(token);
    if (kind == QLatin1String("logit_diff"))
        return QStringLiteral("logit \u201C%1\u201D \u2212 logit \u201C%2\u201D").arg(token, foil);
    return QStringLiteral("log p(\u201C%1\u201D)").arg(token);
}

QStringList tokenLabels(const std::vector<std::string> &texts, const std::vector<std::int64_t> &ids)
{
    QStringList out;
    for (std::size_t i = 0; i < ids.size(); ++i)
        out << (i < texts.size() ? QString::fromStdString(texts[i]) : QStringLiteral("#%1").arg(ids[i]));
    return out;
}

std::unique_ptr<TokenStripFigure> attributionStrip(const QStringList &tokens, const AttributionOutcome &outcome,
                                                   const QString &targetLabel, const QString &title, const QString &unit)
{
    std::vector<TokenStripRow> rows;
    bool saliency = false;
    for (std::size_t i = 0; i < outcome.results.size(); ++i) {
        const MethodResult &r = outcome.results[i];
        saliency = saliency || r.method == AttributionMethod::Saliency;
        rows.push_back(TokenStripRow{QString::fromStdString(displayName(r.method)), detailOf(outcome, i), r.scores});
    }
    auto f = std::make_unique<TokenStripFigure>(tokens, std::move(rows));
    f->setTitle(title);
    f->setTargetLabel(targetLabel);
    const bool perRow = saliency && outcome.results.size() > 1;
    f->setScaleMode(perRow ? TokenStripFigure::ScaleMode::PerRow : TokenStripFigure::ScaleMode::Shared);
    f->setColorBarTitle(perRow ? QStringLiteral("score / largest |score| of its method") : unit);
    return f;
}

std::unique_ptr<HeatmapFigure> generationMatrix(const QStringList &tokens, const GenerationAttribution &g,
                                                const QString &title, const QString &unit)
{
    const int rows = std::max(1, g.generated());
    const int cols = std::max(1, int(g.ids.size()) - 1);
    std::vector<float> values;
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c)
            values.push_back(r < g.generated() ? float(g.value(r, c)) : NAN);
    auto f = std::make_unique<HeatmapFigure>(rows, cols, std::move(values));
    f->setTitle(title);
    f->setColumnLabels(tokens.mid(0, cols));
    f->setRowLabels(tokens.mid(g.promptLength, rows));
    f->setXTitle(QStringLiteral("source token"));
    f->setYTitle(QStringLiteral("generated token"));
    f->setColorBarTitle(unit);
    f->setDiverging(true);
    return f;
}

std::unique_ptr<XYFigure> faithfulnessPlot(const AttributionOutcome &outcome, const QString &targetName)
{
    auto f = std::make_unique<XYFigure>();
    f->setTitle(QStringLiteral("Deletion and insertion"));
    f->xAxis().title = QStringLiteral("fraction of tokens removed (deletion) / added (insertion)");
    f->xAxis().min = 0.0;
    f->xAxis().max = 1.0;
    f->yAxis().title = targetName;
    f->yAxis().grid = true;
    for (std::size_t i = 0; i < outcome.faithfulness.size() && i < outcome.results.size(); ++i) {
        const QString name = QString::fromStdString(displayName(outcome.results[i].method));
        const Faithfulness &c = outcome.faithfulness[i];
        const QColor color = categoricalColor(int(i));
        XYSeries del{QStringLiteral("%1 deletion (AUC %2)").arg(name, number(c.deletion.auc)), c.deletion.fractions,
                     c.deletion.values, color};
        XYSeries ins{QStringLiteral("%1 insertion (AUC %2)").arg(name, number(c.insertion.auc)), c.insertion.fractions,
                     c.insertion.values, color};
        ins.dash = Qt::DashLine;
        f->addSeries(std::move(del));
        f->addSeries(std::move(ins));
    }
    f->setLegend(LegendPosition::Outside);
    return f;
}

} // namespace gb::plots
