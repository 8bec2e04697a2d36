// SPDX-License-Identifier: MIT
#include "figureregistry.h"

#include "barfigure.h"
#include "curvebundlefigure.h"
#include "featuredashboardfigure.h"
#include "featureheatmapfigure.h"
#include "heatmapfigure.h"
#include "histogramfigure.h"
#include "steeringfigure.h"
#include "tokenstripfigure.h"
#include "xyfigure.h"

#include "common/error.h"
#include "io/json.h"

namespace gb::plots {

const std::vector<FigureKind> &figureKinds()
{
    // One line per figure type (kind, rebuild from JSON, example).
    static const std::vector<FigureKind> kinds = {
        {XYFigure::Kind, &XYFigure::fromJson, &XYFigure::example},
        {HeatmapFigure::Kind, &HeatmapFigure::fromJson, &HeatmapFigure::example},
        {BarFigure::Kind, &BarFigure::fromJson, &BarFigure::example},
        {HistogramFigure::Kind, &HistogramFigure::fromJson, &HistogramFigure::example},
        {TokenStripFigure::Kind, &TokenStripFigure::fromJson, &TokenStripFigure::example},
        {CurveBundleFigure::Kind, &CurveBundleFigure::fromJson, &CurveBundleFigure::example},
        {FeatureHeatmapFigure::Kind, &FeatureHeatmapFigure::fromJson, &FeatureHeatmapFigure::example},
        {FeatureDashboardFigure::Kind, &FeatureDashboardFigure::fromJson, &FeatureDashboardFigure::example},
        {SteeringFigure::Kind, &SteeringFigure::fromJson, &SteeringFigure::example},
    };
    return kinds;
}

const FigureKind *findFigureKind(const QString &kind)
{
    for (const FigureKind &k : figureKinds())
        if (kind == QLatin1String(k.kind))
            return &k;
    return nullptr;
}

std::unique_ptr<Figure> figureFromJson(const QByteArray &json, const std::string &source)
{
    try {
        const Json j = Json::parse(std::string_view(json.constData(), std::size_t(json.size())), source);
        const Json *kind = j.isObject() ? j.find("kind") : nullptr;
        if (!kind || !kind->isString())
            throw Error::badInput("no \"kind\" naming the figure type");
        const FigureKind *k = findFigureKind(QString::fromStdString(kind->toString()));
        if (!k) {
            std::string known;
            for (const FigureKind &e : figureKinds())
                known += (known.empty() ? "" : ", ") + std::string(e.kind);
            throw Error::badInput("unknown figure kind \"" + kind->toString() + "\" (known: " + known + ")");
        }
        return k->fromJson(j);
    } catch (const Error &e) {
        if (e.kind() != Error::Kind::BadInput || std::string(e.what()).rfind(source, 0) == 0)
            throw;
        throw e.withContext(source);
    }
}

} // namespace gb::plots
