// SPDX-License-Identifier: MIT
#pragma once

#include "figureview.h"
#include "plots/effectplot.h"

#include <optional>

namespace gb {

/// The 1-D effect plot (PDP, ICE, band, ALE, rug) with ICE picking: hovering a curve draws it
/// emphasised and reports which one, so the page can show that row's feature values.
class EffectPlotView : public FigureView {
    Q_OBJECT
public:
    explicit EffectPlotView(QWidget *parent = nullptr);

    void setCurves(plots::EffectCurves curves);
    const plots::EffectCurves &curves() const { return m_curves; }
    /// The ICE curve under `pos` (widget coordinates), within a few pixels, or -1.
    int curveAt(const QPointF &pos) const;
    int hoveredCurve() const { return m_curves.highlighted; }
    /// Where grid point `index` of ICE curve `curve` was last painted (widget coordinates).
    std::optional<QPointF> curvePoint(int curve, int index) const;
    void setHoveredCurve(int curve);

Q_SIGNALS:
    void curveHovered(int curve);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    plots::EffectCurves m_curves;
    std::optional<plots::PlotFrame::Layout> m_layout; ///< of the last paint, for picking
};

} // namespace gb
