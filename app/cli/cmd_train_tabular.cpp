// SPDX-License-Identifier: MIT
// glassbox-cli train-tabular: an MLP regressor or classifier on a CSV, exported as TorchScript.
#include "cli.h"
#include "train_cli.h"

#include "common/error.h"
#include "io/csv.h"
#include "jobs/cancel.h"
#include "training/tabular_trainer.h"

#include <ATen/ATen.h>

#include <QStringList>

#include <map>

namespace gb::cli {

namespace {

/// Targets as numbers: the values for regression; for classification, class indices by sorted
/// label (numeric labels in numeric order), with the labels returned in index order.
at::Tensor targetTensor(const TabularData &data, bool classification, std::vector<std::string> &classes)
{
    require(!data.targetName.empty(), data.source, "no target column: give --target-column or a sidecar with \"target\"");
    std::vector<float> y;
    if (!classification) {
        for (std::size_t r = 0; r < data.target.size(); ++r) {
            double v = 0;
            require(parseNumber(data.target[r], v), data.source + ":" + std::to_string(data.lines[r]),
                    "target \"" + data.target[r] + "\" is not a number (regression)");
            y.push_back(float(v));
        }
        return at::tensor(y);
    }
    std::map<double, std::string> numeric;
    std::map<std::string, int> text;
    bool allNumeric = true;
    for (const auto &t : data.target) {
        double v = 0;
        allNumeric = allNumeric && parseNumber(t, v);
        if (allNumeric)
            numeric.emplace(v, t);
        text.emplace(t, 0);
    }
    std::map<std::string, int> index;
    if (allNumeric)
        for (const auto &[v, t] : numeric)
            index.emplace(t, int(index.size()));
    else
        for (const auto &[t, unused] : text)
            index.emplace(t, int(index.size()));
    classes.assign(index.size(), {});
    for (const auto &[t, i] : index)
        classes[std::size_t(i)] = t;
    for (const auto &t : data.target)
        y.push_back(float(index.at(t)));
    return at::tensor(y);
}

int runTrainTabular(Context &ctx)
{
    Stopwatch watch;
    const std::string csv = ctx.required(QStringLiteral("data")).toStdString();
    const std::string out = ctx.required(QStringLiteral("out")).toStdString();
    ColumnRoles roles;
    if (ctx.isSet(QStringLiteral("target-column")))
        roles.target = ctx.value(QStringLiteral("target-column")).toStdString();
    const TabularData data = loadTabularData(csv, ctx.value(QStringLiteral("sidecar")).toStdString(), roles);
    const QString task = ctx.isSet(QStringLiteral("task")) ? ctx.value(QStringLiteral("task")) : QStringLiteral("regression");
    require(task == QLatin1String("regression") || task == QLatin1String("classification"), "--task",
            "must be regression or classification");
    std::vector<std::string> classes;
    const at::Tensor y = targetTensor(data, task == QLatin1String("classification"), classes);
    const at::Tensor x = at::tensor(data.values).reshape({data.rows, data.cols()});
    MlpOptions o;
    if (ctx.isSet(QStringLiteral("hidden"))) {
        o.hidden.clear();
        for (const QString &h : ctx.value(QStringLiteral("hidden")).split(QLatin1Char(','))) {
            bool ok = false;
            o.hidden.push_back(h.toInt(&ok));
            require(ok && o.hidden.back() > 0, "--hidden", "must be positive widths separated by commas, e.g. 64,64");
        }
    }
    o.epochs = ctx.intValue(QStringLiteral("epochs"), o.epochs);
    o.batchSize = ctx.intValue(QStringLiteral("batch"), o.batchSize);
    o.learningRate = ctx.doubleValue(QStringLiteral("lr"), o.learningRate);
    o.seed = std::uint64_t(ctx.intValue(QStringLiteral("seed"), 1));
    const double loadSeconds = watch.lap();
    Progress progress = trainerProgress(ctx);
    const MlpReport r = trainTabularMlp(x, y, int(classes.size()), o, out, progress, CancelToken());
    const double computeSeconds = watch.lap();
    Json result = r.toJson();
    result.set("model", out).set("features", Json::arrayOf(data.names));
    if (!classes.empty())
        result.set("class_labels", Json::arrayOf(classes));
    if (ctx.workspace()) {
        const std::int64_t d = ctx.registerInput(csv, "dataset");
        const std::int64_t m = ctx.registerInput(out, "tabular_model");
        const Json params = Json::object().set("task", task.toStdString()).set("hidden", Json::arrayOf(o.hidden)).set("epochs", o.epochs).set("seed", std::int64_t(o.seed));
        result.set("run_id", ctx.recordRun("train-tabular", params, {{d, "dataset"}, {m, "output"}}, {{"summary", result.dump()}}));
    }
    ctx.writeJson(result, loadSeconds, computeSeconds, false);
    return 0;
}

Command trainTabularCommand()
{
    return Command{QStringLiteral("train-tabular"), 83,
                   QStringLiteral("Train an MLP regressor or classifier on a CSV and export it as TorchScript (--out model.pt)."),
                   [](QCommandLineParser &p) {
                       p.addOption({QStringLiteral("data"), QStringLiteral("CSV with a header."), QStringLiteral("FILE")});
                       p.addOption({QStringLiteral("sidecar"), QStringLiteral("Column roles JSON (default: <data>.json if present)."), QStringLiteral("FILE")});
                       p.addOption({QStringLiteral("target-column"), QStringLiteral("Target column."), QStringLiteral("NAME")});
                       p.addOption({QStringLiteral("task"), QStringLiteral("regression (default) or classification."), QStringLiteral("T")});
                       p.addOption({QStringLiteral("hidden"), QStringLiteral("Hidden widths (64,64)."), QStringLiteral("LIST")});
                       p.addOption({QStringLiteral("epochs"), QStringLiteral("Epochs (200)."), QStringLiteral("N")});
                       p.addOption({QStringLiteral("batch"), QStringLiteral("Rows per step (64)."), QStringLiteral("N")});
                       p.addOption({QStringLiteral("lr"), QStringLiteral("Learning rate (3e-3)."), QStringLiteral("X")});
                       p.addOption({QStringLiteral("seed"), QStringLiteral("Seed (1)."), QStringLiteral("N")});
                   },
                   runTrainTabular};
}

[[maybe_unused]] const bool registered = registerCommand(trainTabularCommand());

} // namespace

} // namespace gb::cli
