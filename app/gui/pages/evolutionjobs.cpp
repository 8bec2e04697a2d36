// SPDX-License-Identifier: MIT
#include "evolutionjobs.h"

#include "evolutionresult.h"

#include "dictionaries/crosscoderfolder.h"
#include "dictionaries/decodersource.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"

namespace gb {

std::shared_ptr<EvolutionResult> resummarise(const EvolutionResult &base, const EvolutionOptions &options)
{
    auto r = std::make_shared<EvolutionResult>();
    r->crosscoderPath = base.crosscoderPath;
    r->format = base.format;
    r->runId = base.runId;
    r->data = base.data;
    r->summary = summariseEvolution(*r->data, options);
    if (r->data->heads == 2)
        r->modelDiff = summariseModelDiff(*r->data);
    return r;
}

EvolutionAnalysis analyseCrosscoder(const QString &path, const EvolutionOptions &options, Progress &progress,
                                    const CancelToken &cancel)
{
    progress.beginStage("opening crosscoder", 0.0, 0.01);
    const OpenedCrosscoder cc = openCrosscoderFolder(path.toStdString());
    progress.beginStage("decoder norms and directions", 0.01, 0.97, "features");
    EvolutionResult base;
    base.crosscoderPath = path;
    base.format = QString::fromStdString(cc.format);
    base.data = std::make_shared<const EvolutionData>(collectEvolutionData(*cc.source, progress, cancel));
    progress.beginStage("summarising", 0.97, 1.0);
    return {cc.source, resummarise(base, options)};
}

std::vector<float> featureSimilarity(std::shared_ptr<DecoderSource> &source, const QString &path, qint64 feature)
{
    if (!source)
        source = openCrosscoderFolder(path.toStdString()).source;
    return featureDirectionSimilarity(*source, feature);
}

} // namespace gb
