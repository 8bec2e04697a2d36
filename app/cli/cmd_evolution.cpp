// SPDX-License-Identifier: MIT
// glassbox-cli evolution: a crosscoder's features through training (issue 9's CLI contract).
#include "cli.h"

#include "common/error.h"
#include "dictionaries/crosscoderfolder.h"
#include "dictionaries/decodersource.h"
#include "evolution/checkpointseries.h"
#include "evolution/evolutiondata.h"
#include "evolution/evolutionjson.h"
#include "evolution/evolutionstore.h"
#include "evolution/evolutionsummary.h"
#include "evolution/modeldiff.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "store/workspace.h"

namespace gb::cli {

namespace {

Json checkpointsJson(const std::string &dir, const std::vector<std::string> &hookPoints)
{
    const SeriesMatch m = matchCheckpointSeries(scanCheckpointSeries(dir), hookPoints);
    Json j = Json::object();
    j.set("folder", dir)
        .set("complete", m.complete())
        .set("paths", Json::arrayOf(m.paths))
        .set("missing", Json::arrayOf(m.missing))
        .set("extra", Json::arrayOf(m.extra))
        .set("no_config", Json::arrayOf(m.noConfig))
        .set("description", m.describe());
    return j;
}

std::int64_t recordEvolution(Context &ctx, const std::string &dir, const Json &params, const EvolutionData &data)
{
    Workspace *ws = ctx.workspace();
    if (!ws)
        return 0;
    const std::int64_t input = ctx.registerInput(dir, "dictionary");
    const std::int64_t run = ws->beginRun("evolution", params.dump(), {{input, "crosscoder"}});
    storeEvolutionData(*ws, run, data);
    ws->finishRun(run);
    return run;
}

int runEvolution(Context &ctx)
{
    Stopwatch watch;
    const std::string dir = ctx.required(QStringLiteral("crosscoder")).toStdString();
    EvolutionOptions options;
    options.level = ctx.doubleValue(QStringLiteral("level"), options.level);
    options.directionLevel = ctx.doubleValue(QStringLiteral("direction-level"), options.directionLevel);
    require(options.level > 0 && options.level <= 1, "--level", "must be in (0, 1]");
    require(options.directionLevel >= 0 && options.directionLevel <= 1, "--direction-level", "must be in [0, 1]");
    const int block = ctx.intValue(QStringLiteral("block"), 0);
    require(block >= 0, "--block", "must be a positive number of features (0: automatic)");
    const OpenedCrosscoder cc = openCrosscoderFolder(dir);
    const double loadSeconds = watch.lap();

    const auto printer = ctx.progressPrinter();
    Progress progress([&](const ProgressUpdate &u) { printer(u.stage, u.fraction); });
    progress.beginStage("decoder norms and directions", 0.0, 1.0, "features");
    const EvolutionData data = collectEvolutionData(*cc.source, progress, CancelToken(), block);
    const EvolutionSummary summary = summariseEvolution(data, options);
    Json out = evolutionJson(data, summary);
    out.set("crosscoder", Json::object().set("path", dir).set("format", cc.format));
    if (data.heads == 2) {
        ModelDiffOptions md;
        md.bins = ctx.intValue(QStringLiteral("bins"), md.bins);
        out.set("model_diff", modelDiffJson(summariseModelDiff(data, md)));
    }
    if (ctx.isSet(QStringLiteral("checkpoints")))
        out.set("checkpoints", checkpointsJson(ctx.value(QStringLiteral("checkpoints")).toStdString(), data.headNames));
    const double computeSeconds = watch.lap();

    const Json params = Json::object()
                            .set("crosscoder", dir)
                            .set("level", options.level)
                            .set("direction_level", options.directionLevel);
    if (const std::int64_t run = recordEvolution(ctx, dir, params, data))
        out.set("run_id", run);
    ctx.writeJson(std::move(out), loadSeconds, computeSeconds);
    return 0;
}

Command evolutionCommand()
{
    return Command{
        QStringLiteral("evolution"), 60,
        QStringLiteral("Follow a crosscoder's features through training: decoder norms per snapshot, Peak "
                       "Snapshot Index, emergence, lifetime, turning point (or relative norms for two models)."),
        [](QCommandLineParser &p) {
            p.addOption({QStringLiteral("crosscoder"),
                         QStringLiteral("OpenMOSS crosscoder folder (config.json + sae_weights.safetensors) or "
                                        "model-diffing crosscoder folder (cfg.json + cc_weights.safetensors)."),
                         QStringLiteral("DIR")});
            p.addOption({QStringLiteral("level"),
                         QStringLiteral("Normalised decoder norm at which a feature has emerged (default 0.5)."),
                         QStringLiteral("X")});
            p.addOption({QStringLiteral("direction-level"),
                         QStringLiteral("Normalised norm a feature needs at both ends of a transition to count in "
                                        "the turning point (default 0.1)."),
                         QStringLiteral("X")});
            p.addOption({QStringLiteral("checkpoints"),
                         QStringLiteral("Folder of step<N>/ model folders to match against the snapshots."),
                         QStringLiteral("DIR")});
            p.addOption({QStringLiteral("block"),
                         QStringLiteral("Features read per block (default: about 64 MiB per block)."),
                         QStringLiteral("N")});
            p.addOption({QStringLiteral("bins"),
                         QStringLiteral("Histogram bins for two-model relative norms (default 50)."),
                         QStringLiteral("N")});
        },
        runEvolution};
}

[[maybe_unused]] const bool registered = registerCommand(evolutionCommand());

} // namespace

} // namespace gb::cli
