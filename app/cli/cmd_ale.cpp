// SPDX-License-Identifier: MIT
#include "cli.h"
#include "tabular_cli.h"

#include "jobs/cancel.h"
#include "tabular/ale.h"
#include "tabular/resultjson.h"

#include <QCommandLineParser>

namespace gb::cli {

namespace {

int runAle(Context &ctx)
{
    Stopwatch watch;
    const TabularInputs in = loadTabularInputs(ctx);
    tabular::AleOptions o;
    o.features = selectedFeatures(ctx, in.data);
    o.bins = ctx.intValue(QStringLiteral("bins"), 20);
    if (ctx.isSet(QStringLiteral("edges")))
        o.edges = tabular::edgeConventionFromString(ctx.value(QStringLiteral("edges")).toStdString());
    o.bootstrap = ctx.intValue(QStringLiteral("bootstrap"), 0);
    o.confidence = ctx.doubleValue(QStringLiteral("confidence"), 0.95);
    o.seed = std::uint64_t(ctx.intValue(QStringLiteral("seed"), 0));
    const double loadSeconds = watch.lap();
    Progress progress = progressFor(ctx);
    progress.beginStage(o.features.size() == 2 ? "second-order ALE" : "accumulated local effects", 0.0, 1.0, "evaluations");
    const tabular::AleResult r = tabular::accumulatedLocalEffects(*in.model, in.data, o, progress, CancelToken());
    progress.flush();
    const double computeSeconds = watch.lap();

    Json result = tabular::aleJson(r, in.data);
    result.set("bins", o.bins).set("edge_convention", tabular::toString(o.edges)).set("rows", in.data.rows)
        .set("response", in.model->describe());
    Json params = tabularParams(ctx, in);
    params.set("bins", o.bins).set("edge_convention", tabular::toString(o.edges)).set("bootstrap", o.bootstrap)
        .set("seed", std::int64_t(o.seed));
    if (o.bootstrap > 0) {
        params.set("confidence", o.confidence);
        result.set("confidence", o.confidence);
    }
    recordTabularRun(ctx, "ale", params, in, result);
    ctx.writeJson(result, loadSeconds, computeSeconds);
    return 0;
}

Command aleCommand()
{
    return Command{
        QStringLiteral("ale"), 61,
        QStringLiteral("Accumulated local effects of a tabular TorchScript model (first or second order, categorical)."),
        [](QCommandLineParser &p) {
            addTabularOptions(p);
            p.addOption({QStringLiteral("bins"), QStringLiteral("Quantile intervals per feature (default 20)."), QStringLiteral("N")});
            p.addOption({QStringLiteral("edges"), QStringLiteral("Bin edge convention: aleplot (R type-1 quantiles, default) or pyale."),
                         QStringLiteral("CONVENTION")});
        },
        runAle};
}

[[maybe_unused]] const bool registered = registerCommand(aleCommand());

} // namespace

} // namespace gb::cli
