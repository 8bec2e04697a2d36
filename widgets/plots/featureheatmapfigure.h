// SPDX-License-Identifier: MIT
#pragma once

#include "colormap.h"
#include "figure.h"

#include <QImage>
#include <QStringList>

#include <memory>
#include <mutex>
#include <vector>

namespace gb {
class Json;
}

namespace gb::plots {

/// What the prompt view paints: tokens (rows) x active features (columns, in display order).
struct FeatureMatrix {
    QStringList tokens;            ///< display text of each row's token
    std::vector<qint64> features;  ///< feature id of each column
    std::vector<float> values;     ///< [rows, cols] row-major
    float maxValue = 0.0f;
    /// Top of the colour range: the 99th percentile of the non-zero values, so a few outliers
    /// do not wash out every other cell (hover shows exact values; larger ones are darkest).
    float colorMax = 0.0f;

    int rows() const { return int(tokens.size()); }
    int cols() const { return int(features.size()); }
    float value(int row, int col) const { return values[std::size_t(row) * features.size() + std::size_t(col)]; }
    /// Sets maxValue and colorMax from the values.
    void updateMax();
};

/// A window of a FeatureMatrix as a figure: cells of `cellSize` points from (row0, col0) on, as
/// many as fit, token labels left, feature ids on top, a colour bar right. Zero is the neutral
/// colour and activations run along the positive half of the style's diverging map (one scale
/// over the whole matrix, so scrolling does not change colours). Only the visible cells are turned into an image,
/// cached until the window or the size changes: painting cost follows the window, not the
/// matrix (1,024 x 24,576 scrolls like 10 x 10).
class FeatureHeatmapFigure : public Figure {
public:
    static constexpr const char *Kind = "feature_heatmap";

    explicit FeatureHeatmapFigure(std::shared_ptr<const FeatureMatrix> matrix);

    QString kind() const override { return QString::fromLatin1(Kind); }
    void render(QPainter *painter, const QRectF &rect) const override;
    QSizeF naturalSize() const override;
    /// What the rows shown at `widthPt` need (cells may grow to fill the width).
    double heightForWidth(double widthPt) const override;
    QString dataCsv() const override;
    QByteArray dataJson() const override;
    bool embedsRaster() const override { return true; }

    /// Rebuilds the figure from dataJson() (title, window origin and cell size included).
    static std::unique_ptr<Figure> fromJson(const Json &json);
    static std::unique_ptr<Figure> example();

    void setTitle(const QString &t) { m_title = t; }
    void setOrigin(int row0, int col0);
    void setCellSize(double points) { m_cell = points; }
    double cellSize() const { return m_cell; }
    int row0() const { return m_row0; }
    int col0() const { return m_col0; }
    const FeatureMatrix &matrix() const { return *m_m; }

    /// Where things go for `rect` on `device`.
    struct Layout {
        QRectF cells;        ///< the cell area
        double cellPx = 1.0; ///< cell edge in device units
        int rows = 0, cols = 0; ///< cells that fit
        QRectF labels;       ///< token labels left of the cells
        QRectF header;       ///< feature ids above the cells
        QRectF bar;          ///< colour bar strip
    };
    Layout layout(QPaintDevice *device, const QRectF &rect) const;
    /// What lies under a point: a cell (row and col), a token label (row only), a feature id
    /// (col only), or nothing (both -1). Rows and columns are matrix indices.
    struct Hit {
        int row = -1, col = -1;
    };
    Hit hitTest(QPaintDevice *device, const QRectF &rect, const QPointF &point) const;
    ColorScale colorScale() const;
    ColorMap colorMap() const;

private:
    QImage windowImage(int rows, int cols) const;
    double labelColumnWidth(QPaintDevice *device) const;
    void paintLabels(QPainter *painter, const Layout &L) const;

    std::shared_ptr<const FeatureMatrix> m_m;
    QString m_title;
    int m_row0 = 0, m_col0 = 0;
    double m_cell = 9.0;
    mutable std::mutex m_cacheMutex;
    mutable QImage m_cache;
    mutable QString m_cacheKey;
    mutable double m_labelWidth = 0;
    mutable QString m_labelKey;
};

} // namespace gb::plots
