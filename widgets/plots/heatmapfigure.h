// SPDX-License-Identifier: MIT
#pragma once

#include "colormap.h"
#include "figure.h"

#include <QImage>

#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace gb {
class Json;
}

namespace gb::plots {

/// A rows x columns grid of values painted through a colour map, with row/column labels and a
/// colour bar. The cells are one QImage (fast for thousands x thousands); axes, labels and the
/// colour bar stay vector, so SVG/PDF hold one embedded image plus real text.
///
/// Sequential data use the style's sequential map over [min, max]; with setDiverging(true) the
/// style's diverging map is centred at zero over [-m, m], m = max |value|. NaN cells are grey.
class HeatmapFigure : public Figure {
public:
    static constexpr const char *Kind = "heatmap";

    /// `values` is row-major, rows * cols long (BadInput otherwise).
    HeatmapFigure(int rows, int cols, std::vector<float> values);

    QString kind() const override { return QString::fromLatin1(Kind); }
    void render(QPainter *painter, const QRectF &rect) const override;
    QSizeF naturalSize() const override;
    QString dataCsv() const override;
    QByteArray dataJson() const override;
    bool embedsRaster() const override { return true; }

    static std::unique_ptr<Figure> fromJson(const Json &json);
    static std::unique_ptr<Figure> example();

    void setTitle(const QString &t) { m_title = t; }
    void setRowLabels(const QStringList &l) { m_rowLabels = l; }
    void setColumnLabels(const QStringList &l) { m_colLabels = l; }
    void setXTitle(const QString &t) { m_xTitle = t; }
    void setYTitle(const QString &t) { m_yTitle = t; }
    void setColorBarTitle(const QString &t) { m_barTitle = t; }
    void setDiverging(bool d) { m_diverging = d; }
    /// Fixed colour range (else the data's; symmetric when diverging).
    void setRange(double lo, double hi) { m_range = std::make_pair(lo, hi); }
    /// Numeric axes instead of per-cell labels: the columns evenly cover [x0, x1] left to right
    /// and the rows [y0, y1] bottom to top (row 0 is the top, at y1); ticks fall on round values.
    /// For surfaces sampled on a regular grid (partial dependence, densities).
    void setExtent(double x0, double x1, double y0, double y1) { m_extent = {x0, x1, y0, y1}; }

    int rows() const { return m_rows; }
    int cols() const { return m_cols; }
    float value(int r, int c) const { return m_values[std::size_t(r) * std::size_t(m_cols) + std::size_t(c)]; }
    ColorScale colorScale() const;
    ColorMap colorMap() const;
    /// The cells as an image, each cell an integer block of pixels (blocks > 1 px for small
    /// grids so that viewers which smooth upscaled images keep cell edges crisp).
    QImage cellImage() const;
    /// cellImage() averaged down (box filter) to fit `maxPixels` when it is bigger.
    QImage cellImage(const QSize &maxPixels) const;

private:
    QStringList labelsOr(const QStringList &labels, int n) const;

    int m_rows = 0, m_cols = 0;
    std::vector<float> m_values;
    QString m_title, m_xTitle, m_yTitle, m_barTitle;
    QStringList m_rowLabels, m_colLabels;
    bool m_diverging = false;
    std::optional<std::pair<double, double>> m_range;
    struct Extent {
        double x0, x1, y0, y1;
    };
    std::optional<Extent> m_extent;

    mutable std::mutex m_cacheMutex;
    mutable QImage m_cache;
    mutable QString m_cacheKey;
    mutable QImage m_reduced; ///< m_cache reduced to m_reducedKey's size
    mutable QString m_reducedKey;
};

} // namespace gb::plots
