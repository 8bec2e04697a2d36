// SPDX-License-Identifier: MIT
#pragma once

#include "figureview.h"
#include "plots/featuredashboardfigure.h"

#include <memory>

namespace gb {

/// Shows a plots::FeatureDashboardFigure (a FigureView: copy and export in the context menu): hover
/// over a token for its activation, click a neighbour to open it.
class FeatureDashboardView : public FigureView {
    Q_OBJECT
public:
    explicit FeatureDashboardView(QWidget *parent = nullptr);
    void setDashboard(std::shared_ptr<plots::FeatureDashboardFigure> figure);
    std::shared_ptr<plots::FeatureDashboardFigure> dashboard() const { return m_dashboard; }

Q_SIGNALS:
    void featureClicked(qint64 feature);

protected:
    void mouseMoveEvent(QMouseEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;

private:
    std::shared_ptr<plots::FeatureDashboardFigure> m_dashboard;
};

} // namespace gb
