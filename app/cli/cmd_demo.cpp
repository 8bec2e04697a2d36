// SPDX-License-Identifier: MIT
// glassbox-cli demo: builds the demo workspace from nothing (issue 8).
#include "cli.h"

#include "common/error.h"
#include "demo/demo_builder.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"

namespace gb::cli {

namespace {

/// The few numbers a user wants to see after the build; the rest is in report.json.
Json summaryOf(const Json &report)
{
    const Json *lm = report.find("language_model");
    const Json *sae = report.find("sae");
    return Json::object()
        .set("final_eval_loss", lm ? *lm->find("final_eval_loss") : Json())
        .set("sae_explained_variance", sae ? *sae->find("final")->find("explained_variance") : Json())
        .set("sae_l0", sae ? *sae->find("final")->find("l0") : Json())
        .set("total_s", *report.find("timings")->find("total_s"));
}

int runDemo(Context &ctx)
{
    Stopwatch watch;
    const std::string out = ctx.required(QStringLiteral("out")).toStdString();
    const demo::DemoConfig config = demo::DemoConfig::named(ctx.isSet(QStringLiteral("small")) ? "small" : "standard");
    const demo::DemoPaths paths(out);
    if (!ctx.isSet(QStringLiteral("force")) && demo::isDemoBuilt(paths)) {
        ctx.writeJson(Json::object()
                          .set("status", "exists")
                          .set("workspace", paths.workspace)
                          .set("report", paths.report)
                          .set("hint", "pass --force to build it again"),
                      watch.lap(), 0.0, false);
        return 0;
    }
    const auto printer = ctx.progressPrinter();
    Progress progress([&](const ProgressUpdate &u) { printer(u.stage, u.fraction); });
    const Json report = demo::buildDemo(config, out, progress, CancelToken());
    const double computeSeconds = watch.lap();
    ctx.writeJson(Json::object()
                      .set("status", "built")
                      .set("config", config.name)
                      .set("workspace", paths.workspace)
                      .set("report", paths.report)
                      .set("summary", summaryOf(report)),
                  0.0, computeSeconds, false);
    return 0;
}

Command demoCommand()
{
    return Command{QStringLiteral("demo"), 5,
                   QStringLiteral("Build the demo workspace from nothing: corpus, tokenizer, model with checkpoints, "
                                  "SAE, crosscoder, tabular models (--out DIR; DIR/demo.gbx)."),
                   [](QCommandLineParser &p) {
                       p.addOption({QStringLiteral("small"), QStringLiteral("A reduced, faster configuration (tests).")});
                       p.addOption({QStringLiteral("force"), QStringLiteral("Build again even if DIR/demo.gbx exists.")});
                   },
                   runDemo};
}

[[maybe_unused]] const bool registered = registerCommand(demoCommand());

} // namespace

} // namespace gb::cli
