// SPDX-License-Identifier: MIT
#include "tabularjobs.h"

#include "common/error.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"

#include <QFile>
#include <QFileInfo>

namespace gb {

CsvPreview previewCsv(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw Error::badInput(path.toStdString() + ": cannot open file");
    // The header is in the first megabyte of any sane CSV.
    const QByteArray head = f.read(1 << 20);
    CsvPreview p;
    const QString sidecar = path + QStringLiteral(".json");
    if (QFileInfo::exists(sidecar))
        p.roles = ColumnRoles::fromSidecar(sidecar.toStdString());
    CsvReader reader(std::string_view(head.constData(), std::size_t(head.size())), path.toStdString(), p.roles.delimiter);
    std::vector<std::string> header;
    if (!reader.next(header))
        throw Error::badInput(path.toStdString() + ": empty file (expected a header line with column names)");
    for (const auto &h : header)
        p.columns << QString::fromStdString(h).trimmed();
    return p;
}

TabularInputs loadTabularInputs(const QString &modelPath, const QString &dataPath, const ColumnRoles &roles,
                                const TabularResponse &response)
{
    TabularInputs in;
    auto data = std::make_shared<TabularData>(loadTabularCsv(dataPath.toStdString(), roles));
    in.model = TabularModel::load(modelPath.toStdString(), data->cols(), response);
    in.data = std::move(data);
    return in;
}

EffectResult computeEffects(const TabularInputs &in, const EffectRequest &request, Progress &progress,
                            const CancelToken &cancel)
{
    const TabularData &data = *in.data;
    const bool twoD = request.features.size() == 2;
    bool anyCategorical = false;
    for (int f : request.features)
        anyCategorical = anyCategorical || data.categorical[std::size_t(f)];
    if (twoD && anyCategorical && request.method == EffectRequest::Method::Ale)
        throw Error::badInput("second-order ALE needs two continuous features; choose PDP for a categorical pair");
    const bool ale = request.wantsAle() && !(twoD && anyCategorical);

    EffectResult r;
    r.request = request;
    const int bootstrap = twoD ? 0 : request.bootstrap;
    if (request.wantsPdp()) {
        progress.beginStage(twoD ? "2-D partial dependence" : "partial dependence", 0.0, ale ? 0.6 : 0.95, "evaluations");
        tabular::PdpOptions o;
        o.features = request.features;
        tabular::GridOptions g;
        g.resolution = request.gridResolution;
        o.grids = {g};
        o.individual = !twoD && request.iceCurves > 0;
        o.iceSample = request.iceCurves;
        o.seed = request.seed;
        o.centered = request.centered;
        o.bootstrap = bootstrap;
        r.pdp = tabular::partialDependence(*in.model, data, o, progress, cancel);
    }
    if (ale) {
        progress.beginStage(twoD ? "second-order ALE" : "accumulated local effects", request.wantsPdp() ? 0.6 : 0.0, 0.95,
                            "evaluations");
        tabular::AleOptions o;
        o.features = request.features;
        o.bins = request.aleBins;
        o.bootstrap = bootstrap;
        o.seed = request.seed;
        r.ale = tabular::accumulatedLocalEffects(*in.model, data, o, progress, cancel);
    }
    progress.beginStage("mean prediction", 0.95, 1.0, "rows");
    std::vector<float> predictions(static_cast<std::size_t>(data.rows));
    in.model->predict(data.values.data(), data.rows, predictions.data());
    double sum = 0.0;
    for (float p : predictions)
        sum += p;
    r.meanPrediction = sum / double(data.rows);
    progress.flush();
    return r;
}

std::vector<tabular::FeatureRank> rankInputs(const TabularInputs &in, tabular::RankOptions::Method method,
                                             Progress &progress, const CancelToken &cancel)
{
    tabular::RankOptions o;
    o.method = method;
    return tabular::rankFeatures(*in.model, *in.data, o, progress, cancel);
}

} // namespace gb
