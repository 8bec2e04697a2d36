// SPDX-License-Identifier: MIT
#pragma once

#include "colormap.h"
#include "figure.h"

#include <QStringList>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace gb {
class Json;
}

namespace gb::plots {

/// One example window of a feature: its tokens, the feature's activation on each, and the
/// position the example is about.
struct FeatureExampleRow {
    QStringList tokens;
    std::vector<float> activations;
    int focus = 0;
    float value = 0;
    QString caption; ///< e.g. "#1" or "window 812"
};

/// Everything a feature dashboard shows, precomputed.
struct FeatureDashboardData {
    qint64 feature = -1;
    QString label;    ///< the user's label (workspace note)
    QString subtitle; ///< dictionary, hook, scan
    std::uint64_t count = 0, tokens = 0; ///< firings / counted tokens in the scan
    double maxValue = 0, meanActive = 0;
    std::vector<FeatureExampleRow> top;
    std::vector<std::vector<FeatureExampleRow>> bands; ///< by activation quantile, lowest first
    std::vector<double> histEdges;  ///< log10(activation) bin edges
    std::vector<double> histCounts;
    struct Effect {
        QString token;
        double value = 0;
    };
    std::vector<Effect> positive, negative;
    QString effectsNote; ///< why there are no logit effects, when there are none
    struct Neighbour {
        qint64 feature = 0;
        double cosine = 0;
        QString label;
    };
    std::vector<Neighbour> neighbours;
    QString note; ///< e.g. "no scan yet: run one to see examples"

    double density() const { return tokens ? double(count) / double(tokens) : 0.0; }
};

/// A feature's dashboard as one figure: header with density and activation summary; top
/// activating examples and examples across activation quantiles, each token shaded by the
/// feature's activation (one shared scale, colour bar below, the example's token outlined);
/// the activation histogram; the top positive and negative logit effects; the nearest features
/// by decoder cosine. Sub-plots reuse the plot kit's histogram and bar figures.
class FeatureDashboardFigure : public Figure {
public:
    static constexpr const char *Kind = "feature_dashboard";

    explicit FeatureDashboardFigure(FeatureDashboardData data);

    QString kind() const override { return QString::fromLatin1(Kind); }
    void render(QPainter *painter, const QRectF &rect) const override;
    QSizeF naturalSize() const override { return QSizeF(760, 520); }
    /// Narrow widths (a single paper column) stack the sections and need a portrait figure.
    double heightForWidth(double widthPt) const override;
    QString dataCsv() const override;
    QByteArray dataJson() const override;

    static std::unique_ptr<Figure> fromJson(const Json &json);
    static std::unique_ptr<Figure> example();

    const FeatureDashboardData &data() const { return m_d; }

    /// A token box of an example (band -1 = top examples) or a neighbour entry, where painted.
    struct Box {
        int band = -1, example = -1, token = -1;
        qint64 neighbour = -1;
        QRectF rect;
    };
    struct Layout {
        QRectF header, examples, histogram, effects, neighbours, bar;
        std::vector<Box> boxes;
    };
    Layout layout(QPainter *painter, const QRectF &rect) const;
    /// The box under `point` for the figure rendered into `rect` on `device` (null if none).
    std::optional<Box> hitTest(QPaintDevice *device, const QRectF &rect, const QPointF &point) const;
    /// Hover text of a box.
    QString describe(const Box &box) const;

private:
    ColorScale colorScale() const;
    double exampleRows(QPainter *painter, const QRectF &area, Layout &L, bool paint) const;
    void paintRight(QPainter *painter, const Layout &L) const;

    FeatureDashboardData m_d;
};

} // namespace gb::plots
