// SPDX-License-Identifier: MIT
#include "cli.h"

#include "common/error.h"
#include "io/inspect.h"
#include "system/compute.h"

namespace gb::cli {

namespace {

Json systemJson()
{
    const ComputeInfo info = computeInfo();
    Json j = Json::object();
    j.set("torch_version", info.torchVersion)
        .set("blas", info.blasKind)
        .set("blas_library", info.blasLibrary)
        .set("blas_is_reference", info.blasIsReference)
        .set("threads", info.threads)
        .set("cores", info.cores);
    if (!info.warning.empty())
        j.set("warning", info.warning);
    return j;
}

int runInfo(Context &ctx)
{
    Stopwatch watch;
    Json out = Json::object();
    if (ctx.isSet(QStringLiteral("system"))) {
        out.set("system", systemJson());
        if (ctx.isSet(QStringLiteral("measure")))
            out.set("sgemm_gflops_512x768x3072", measureSgemmGflops(512, 768, 3072));
        const ComputeInfo info = computeInfo();
        if (!info.warning.empty())
            std::fprintf(stderr, "glassbox-cli: warning: %s\n", info.warning.c_str());
    }
    const QStringList paths = ctx.args().positionalArguments();
    if (paths.isEmpty() && !ctx.isSet(QStringLiteral("system")))
        throw Error::badInput("info needs a PATH or --system");
    if (!paths.isEmpty()) {
        const PathKind k = inspectPath(paths.front().toStdString());
        out.set("path", paths.front().toStdString())
            .set("kind", k.kind)
            .set("format", k.format)
            .set("description", k.description)
            .set("summary", k.summary);
    }
    ctx.writeJson(out, watch.lap(), 0.0);
    return 0;
}

Command infoCommand()
{
    return Command{QStringLiteral("info"), 10, QStringLiteral("Say what a path is (model, dictionary, data set, workspace), or describe the compute set-up."),
                   [](QCommandLineParser &p) {
                       p.addPositionalArgument(QStringLiteral("PATH"), QStringLiteral("File or folder to inspect."));
                       p.addOption({QStringLiteral("system"), QStringLiteral("Report BLAS, threads and libtorch version.")});
                       p.addOption({QStringLiteral("measure"), QStringLiteral("With --system: measure sgemm GFLOP/s.")});
                   },
                   runInfo};
}

[[maybe_unused]] const bool registered = registerCommand(infoCommand());

} // namespace

} // namespace gb::cli
