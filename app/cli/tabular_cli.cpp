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

Json tabularParams(Context &ctx, const TabularInputs &in)
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
    return p;
}

Progress progressFor(Context &ctx)
{
    auto printer = ctx.progressPrinter();
    return Progress([printer](const ProgressUpdate &u) { printer(u.stage, u.fraction); });
}

void recordTabularRun(Context &ctx, const std::string &kind, const Json &params, const TabularInputs &in, Json &result)
{
    if (const std::int64_t id = ctx.recordRun(kind, params, in.artifacts, {{"result", result.dump()}}))
        result.set("run_id", id);
}

} // namespace gb::cli
