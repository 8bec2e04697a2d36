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
    return runTabularJob(ctx, "ale", [&ctx](const TabularInputs &in) {
        tabular::AleOptions o;
        o.features = selectedFeatures(ctx, in.data);
        o.bins = ctx.intValue(QStringLiteral("bins"), 20);
        if (ctx.isSet(QStringLiteral("edges")))
            o.edges = tabular::edgeConventionFromString(ctx.value(QStringLiteral("edges")).toStdString());
        const ResampleOptions resample = resampleOptions(ctx);
        o.bootstrap = resample.bootstrap;
        o.confidence = resample.confidence;
        o.seed = resample.seed;
        TabularJob job;
        job.stage = o.features.size() == 2 ? "second-order ALE" : "accumulated local effects";
        job.params = Json::object();
        job.params.set("bins", o.bins).set("edge_convention", tabular::toString(o.edges));
        job.compute = [&in, o](Progress &progress) {
            Json result = tabular::aleJson(tabular::accumulatedLocalEffects(*in.model, in.data, o, progress, CancelToken()), in.data);
            result.set("bins", o.bins).set("edge_convention", tabular::toString(o.edges));
            return result;
        };
        return job;
    });
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
