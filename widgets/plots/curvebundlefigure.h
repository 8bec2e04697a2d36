// SPDX-License-Identifier: MIT
#pragma once

#include "axis.h"
#include "colormap.h"
#include "figure.h"
#include "plotframe.h"

#include <memory>
#include <optional>
#include <vector>

namespace gb {
class Json;
}

namespace gb::plots {

/// A highlighted curve drawn over the bundle in the foreground colour (a median), with optional
/// dashed lower/upper curves (its quartiles). Empty lo/hi: none.
struct BundleOverlay {
    QString name;
    std::vector<double> y, lo, hi;
};

/// Many curves over one shared x, each coloured by its own value through the style's sequential
/// colour map, with a colour bar: the "crossing" picture of feature evolution (normalised decoder
/// norm against training step, one curve per feature coloured by its Peak Snapshot Index), or
/// any family of curves indexed by a scalar. Curves are drawn in the order given, thin and
/// translucent (opacity falls with the count) so that thousands stay readable; overlays and
/// their legend go on top.
class CurveBundleFigure : public Figure {
public:
    static constexpr const char *Kind = "curve_bundle";

    /// `curves` is row-major [values.size()][x.size()] (NaN breaks a curve); BadInput otherwise.
    CurveBundleFigure(std::vector<double> x, std::vector<float> curves, std::vector<double> values);

    QString kind() const override { return QString::fromLatin1(Kind); }
    void render(QPainter *painter, const QRectF &rect) const override;
    QSizeF naturalSize() const override { return QSizeF(420, 260); }
    QString dataCsv() const override;
    QByteArray dataJson() const override;

    static std::unique_ptr<Figure> fromJson(const Json &json);
    static std::unique_ptr<Figure> example();

    void setTitle(const QString &t) { m_title = t; }
    AxisSpec &xAxis() { return m_x; }
    AxisSpec &yAxis() { return m_y; }
    void setColorBarTitle(const QString &t) { m_barTitle = t; }
    /// Fixed colour range (else the values' range).
    void setValueRange(double lo, double hi) { m_range = std::make_pair(lo, hi); }
    /// Line width in points and opacity of the bundle's curves (default: from the count).
    void setLineStyle(double widthPt, double alpha)
    {
        m_width = widthPt;
        m_alpha = alpha;
    }
    void addOverlay(BundleOverlay o) { m_overlays.push_back(std::move(o)); }

    std::size_t curveCount() const { return m_values.size(); }
    /// Where render() puts the data area and its scales for `rect` on this painter's device
    /// (views map clicks to curves with it).
    PlotFrame::Layout plotLayout(QPainter *painter, const QRectF &rect) const;
    std::size_t pointCount() const { return m_xs.size(); }
    ColorScale colorScale() const;
    double lineWidth() const;
    double lineAlpha() const;

private:
    PlotFrame frame() const;
    std::vector<double> m_xs;
    std::vector<float> m_curves;
    std::vector<double> m_values;
    std::vector<BundleOverlay> m_overlays;
    QString m_title, m_barTitle;
    AxisSpec m_x, m_y;
    std::optional<std::pair<double, double>> m_range;
    double m_width = 0.0, m_alpha = 0.0; ///< 0: automatic
};

} // namespace gb::plots
