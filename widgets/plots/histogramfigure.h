// SPDX-License-Identifier: MIT
#pragma once

#include "figure.h"

#include <memory>
#include <optional>
#include <vector>

namespace gb {
class Json;
}

namespace gb::plots {

/// Bin edges and counts (edges.size() == counts.size() + 1).
struct Histogram {
    std::vector<double> edges;
    std::vector<double> counts;
};

/// Counts `values` in `bins` equal bins over [lo, hi] (the data's finite range when unset).
/// Like numpy.histogram: bins are half-open [a, b) except the last, which includes hi; values
/// outside the range and NaN are not counted.
Histogram histogram(const std::vector<double> &values, int bins, std::optional<std::pair<double, double>> range = {});
/// Freedman-Diaconis bin count (2 IQR n^(-1/3) wide), clamped to [5, 200]; 10 when the
/// interquartile range is zero.
int autoBinCount(const std::vector<double> &values);

/// Bars over bin edges: activation densities, attribution score distributions. Optional log
/// count axis (empty bins sit in its zero slot) and vertical markers (mean, threshold).
class HistogramFigure : public Figure {
public:
    static constexpr const char *Kind = "histogram";

    /// BadInput unless edges.size() == counts.size() + 1 >= 2 and edges increase.
    explicit HistogramFigure(Histogram h);

    QString kind() const override { return QString::fromLatin1(Kind); }
    void render(QPainter *painter, const QRectF &rect) const override;
    QString dataCsv() const override;
    QByteArray dataJson() const override;

    static std::unique_ptr<Figure> fromJson(const Json &json);
    static std::unique_ptr<Figure> example();

    void setTitle(const QString &t) { m_title = t; }
    void setXTitle(const QString &t) { m_xTitle = t; }
    void setYTitle(const QString &t) { m_yTitle = t; }
    void setLogCounts(bool log) { m_logY = log; }
    void setColor(const QColor &c) { m_color = c; }
    void addMarker(double x, const QString &label) { m_markers.push_back({x, label}); }

private:
    struct Marker {
        double x;
        QString label;
    };

    Histogram m_h;
    QString m_title, m_xTitle, m_yTitle = QStringLiteral("count");
    bool m_logY = false;
    QColor m_color = QColor(0x0072B2);
    std::vector<Marker> m_markers;
};

} // namespace gb::plots
