// SPDX-License-Identifier: MIT
#include "cli.h"
#include "tabular_cli.h"

#include "common/error.h"
#include "jobs/cancel.h"
#include "tabular/pdp.h"
#include "tabular/resultjson.h"

#include <QCommandLineParser>

namespace gb::cli {

namespace {

std::vector<double> numberList(const QString &text, const std::string &option)
{
    std::vector<double> out;
    for (const QString &s : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        out.push_back(s.trimmed().toDouble(&ok));
        if (!ok)
            throw Error::badInput("--" + option + ": \"" + s.toStdString() + "\" is not a number");
    }
    return out;
}

tabular::GridOptions gridOptions(Context &ctx)
{
    tabular::GridOptions g;
    g.resolution = ctx.intValue(QStringLiteral("grid-resolution"), 100);
    if (ctx.isSet(QStringLiteral("percentiles"))) {
        const auto p = numberList(ctx.value(QStringLiteral("percentiles")), "percentiles");
        if (p.size() != 2)
            throw Error::badInput("--percentiles takes two numbers LO,HI, e.g. 0.05,0.95");
        g.lower = p[0];
        g.upper = p[1];
    }
    const QString kind = ctx.value(QStringLiteral("grid"));
    if (kind == QLatin1String("quantile"))
        g.kind = tabular::GridOptions::Kind::Quantile;
    else if (!kind.isEmpty() && kind != QLatin1String("percentile"))
        throw Error::badInput("--grid must be percentile or quantile");
    return g;
}

tabular::PdpOptions pdpOptions(Context &ctx, const TabularData &data)
{
    tabular::PdpOptions o;
    o.features = selectedFeatures(ctx, data);
    const tabular::GridOptions g = gridOptions(ctx);
    o.grids = {g, g};
    o.grids.resize(o.features.size());
    const QString values[2] = {QStringLiteral("grid-values"), QStringLiteral("grid-values2")};
    for (std::size_t k = 0; k < o.features.size(); ++k)
        if (ctx.isSet(values[k])) {
            o.grids[k].kind = tabular::GridOptions::Kind::Custom;
            o.grids[k].values = numberList(ctx.value(values[k]), values[k].toStdString());
        }
    const QString kind = ctx.isSet(QStringLiteral("kind")) ? ctx.value(QStringLiteral("kind")) : QStringLiteral("both");
    if (kind != QLatin1String("average") && kind != QLatin1String("individual") && kind != QLatin1String("both"))
        throw Error::badInput("--kind must be average, individual or both");
    o.individual = kind != QLatin1String("average");
    o.iceSample = ctx.intValue(QStringLiteral("ice-sample"), 0);
    const ResampleOptions resample = resampleOptions(ctx);
    o.seed = resample.seed;
    o.centered = ctx.isSet(QStringLiteral("centered")) || ctx.isSet(QStringLiteral("anchor"));
    if (ctx.isSet(QStringLiteral("anchor")))
        o.anchor = ctx.doubleValue(QStringLiteral("anchor"), 0.0);
    o.bootstrap = resample.bootstrap;
    o.confidence = resample.confidence;
    if (ctx.isSet(QStringLiteral("evaluation")))
        o.evaluation = tabular::evaluationFromString(ctx.value(QStringLiteral("evaluation")).toStdString());
    return o;
}

int runPdp(Context &ctx)
{
    return runTabularJob(ctx, "pdp", [&ctx](const TabularInputs &in) {
        const tabular::PdpOptions o = pdpOptions(ctx, in.data);
        TabularJob job;
        job.stage = o.features.size() == 2 ? "2-D partial dependence" : "partial dependence";
        job.params = Json::object();
        job.params.set("grid_resolution", o.grids[0].resolution)
            .set("percentiles", Json::arrayOf(std::vector<double>{o.grids[0].lower, o.grids[0].upper}))
            .set("centered", o.centered)
            .set("ice_sample", o.iceSample)
            .set("evaluation", tabular::toString(o.evaluation));
        job.compute = [&in, o](Progress &progress) {
            return tabular::pdpJson(tabular::partialDependence(*in.model, in.data, o, progress, CancelToken()), in.data);
        };
        return job;
    });
}

Command pdpCommand()
{
    return Command{
        QStringLiteral("pdp"), 60,
        QStringLiteral("Partial dependence and ICE curves of a tabular TorchScript model (1-D or 2-D)."),
        [](QCommandLineParser &p) {
            addTabularOptions(p);
            p.addOption({QStringLiteral("grid-resolution"), QStringLiteral("Grid points per feature (default 100)."), QStringLiteral("N")});
            p.addOption({QStringLiteral("percentiles"), QStringLiteral("Grid range as percentiles LO,HI (default 0.05,0.95)."), QStringLiteral("LO,HI")});
            p.addOption({QStringLiteral("grid"), QStringLiteral("percentile (evenly spaced, as scikit-learn; default) or quantile."), QStringLiteral("KIND")});
            p.addOption({QStringLiteral("grid-values"), QStringLiteral("Custom grid values for --feature."), QStringLiteral("V,...")});
            p.addOption({QStringLiteral("grid-values2"), QStringLiteral("Custom grid values for --feature2."), QStringLiteral("V,...")});
            p.addOption({QStringLiteral("kind"), QStringLiteral("average, individual or both (default)."), QStringLiteral("KIND")});
            p.addOption({QStringLiteral("centered"), QStringLiteral("Centre curves at the first grid value (or --anchor).")});
            p.addOption({QStringLiteral("anchor"), QStringLiteral("Centre curves at this feature value."), QStringLiteral("X")});
            p.addOption({QStringLiteral("ice-sample"), QStringLiteral("Keep ICE curves of N seeded random rows (default: all)."), QStringLiteral("N")});
            p.addOption({QStringLiteral("evaluation"),
                         QStringLiteral("auto (default: walk a ReLU network's linear regions exactly when the model is one) "
                                        "or brute (one forward per grid point and row, any model)."),
                         QStringLiteral("MODE")});
        },
        runPdp};
}

[[maybe_unused]] const bool registered = registerCommand(pdpCommand());

} // namespace

} // namespace gb::cli
