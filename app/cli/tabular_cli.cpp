// SPDX-License-Identifier: MIT
#include "tabular_cli.h"

#include "common/error.h"

#include <QCommandLineParser>

namespace gb::cli {

namespace {

std::vector<std::string> nameList(const QString &value)
{
    std::vector<std::string> out;
    for (const QString &s : value.split(QLatin1Char(','), Qt::SkipEmptyParts))
        out.push_back(s.trimmed().toStdString());
    return out;
}

TabularResponse responseFrom(Context &ctx)
{
    TabularResponse r;
    if (ctx.isSet(QStringLiteral("response")))
        r.kind = responseKindFromString(ctx.value(QStringLiteral("response")).toStdString());
    r.outputColumn = ctx.intValue(QStringLiteral("class"), -1);
    return r;
}

} // namespace

void addTabularOptions(QCommandLineParser &p)
{
    const auto opt = [&](const char *name, const char *help, const char *value = nullptr) {
        if (value)
            p.addOption({QString::fromLatin1(name), QString::fromUtf8(help), QString::fromLatin1(value)});
        else
            p.addOption({QString::fromLatin1(name), QString::fromUtf8(help)});
    };
    opt("model", "TorchScript model taking float32 [N, D] in the CSV's feature order.", "FILE");
    opt("data", "CSV with a header row.", "FILE");
    opt("sidecar", "Column roles JSON (default: DATA.json when it exists).", "FILE");
    opt("target-column", "Column to drop as the target.", "NAME");
    opt("categorical", "Comma-separated categorical columns (numeric codes).", "NAMES");
    opt("ignore", "Comma-separated columns the model does not take.", "NAMES");
    opt("class", "Output column to explain for models with several outputs (0-based).", "K");
    opt("response", "raw (default), probability (softmax over the outputs) or sigmoid (single logit).", "KIND");
    opt("feature", "Feature to explain.", "NAME");
    opt("feature2", "Second feature (2-D plot).", "NAME");
    opt("bootstrap", "Bootstrap resamples for a confidence band (default 0: none).", "B");
    opt("confidence", "Confidence level of the band (default 0.95).", "C");
    opt("seed", "Seed for ICE sampling and bootstrap (default 0).", "S");
}

TabularInputs loadTabularInputs(Context &ctx)
{
    TabularInputs in;
    const std::string dataPath = ctx.required(QStringLiteral("data")).toStdString();
    const std::string modelPath = ctx.required(QStringLiteral("model")).toStdString();
    ColumnRoles extra;
    extra.target = ctx.value(QStringLiteral("target-column")).toStdString();
    extra.categorical = nameList(ctx.value(QStringLiteral("categorical")));
    extra.ignored = nameList(ctx.value(QStringLiteral("ignore")));
    in.data = loadTabularData(dataPath, ctx.value(QStringLiteral("sidecar")).toStdString(), extra);
    in.model = TabularModel::load(modelPath, in.data.cols(), responseFrom(ctx));
    if (const std::int64_t id = ctx.registerInput(modelPath, "tabular_model"))
        in.artifacts.emplace_back(id, "model");
    if (const std::int64_t id = ctx.registerInput(dataPath, "dataset"))
        in.artifacts.emplace_back(id, "data");
    return in;
}

std::vector<int> selectedFeatures(Context &ctx, const TabularData &data)
{
    std::vector<int> features{data.featureIndex(ctx.required(QStringLiteral("feature")).toStdString())};
    if (ctx.isSet(QStringLiteral("feature2")))
        features.push_back(data.featureIndex(ctx.value(QStringLiteral("feature2")).toStdString()));
    return features;
}

ResampleOptions resampleOptions(Context &ctx)
{
    ResampleOptions r;
    r.bootstrap = ctx.intValue(QStringLiteral("bootstrap"), 0);
    r.confidence = ctx.doubleValue(QStringLiteral("confidence"), 0.95);
    r.seed = std::uint64_t(ctx.intValue(QStringLiteral("seed"), 0));
    return r;
}

namespace {

Json runParams(Context &ctx, const TabularInputs &in, const Json &own)
{
    Json p = Json::object();
    p.set("model", in.model->path())
        .set("data", in.data.source)
        .set("feature", ctx.value(QStringLiteral("feature")).toStdString())
        .set("response", toString(in.model->response().kind))
        .set("output_column", in.model->response().outputColumn)
        .set("target", in.data.targetName)
        .set("rows", in.data.rows);
    if (ctx.isSet(QStringLiteral("feature2")))
        p.set("feature2", ctx.value(QStringLiteral("feature2")).toStdString());
    for (const auto &[key, value] : own.toObject())
        p.set(key, value);
    const ResampleOptions r = resampleOptions(ctx);
    p.set("bootstrap", r.bootstrap).set("seed", std::int64_t(r.seed));
    if (r.bootstrap > 0)
        p.set("confidence", r.confidence);
    return p;
}

} // namespace

int runTabularJob(Context &ctx, const std::string &kind, const std::function<TabularJob(const TabularInputs &)> &plan)
{
    Stopwatch watch;
    const TabularInputs in = loadTabularInputs(ctx);
    const TabularJob job = plan(in);
    const double loadSeconds = watch.lap();
    auto printer = ctx.progressPrinter();
    Progress progress([printer](const ProgressUpdate &u) { printer(u.stage, u.fraction); });
    progress.beginStage(job.stage, 0.0, 1.0, "evaluations");
    Json result = job.compute(progress);
    progress.flush();
    const double computeSeconds = watch.lap();

    result.set("rows", in.data.rows).set("response", in.model->describe());
    if (const ResampleOptions r = resampleOptions(ctx); r.bootstrap > 0)
        result.set("confidence", r.confidence);
    if (const std::int64_t id = ctx.recordRun(kind, runParams(ctx, in, job.params), in.artifacts, {{"result", result.dump()}}))
        result.set("run_id", id);
    ctx.writeJson(result, loadSeconds, computeSeconds);
    return 0;
}

} // namespace gb::cli
