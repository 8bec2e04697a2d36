// SPDX-License-Identifier: MIT
#pragma once

#include "plots/featureheatmapfigure.h"

#include <QAbstractScrollArea>

#include <memory>

namespace gb {

/// The interactive, virtualised prompt heatmap: scroll bars over the matrix, Ctrl+wheel zoom,
/// hover tooltips (token, feature, value), clicks on a cell or feature id and on a token label.
class FeatureHeatmapView : public QAbstractScrollArea {
    Q_OBJECT
public:
    explicit FeatureHeatmapView(QWidget *parent = nullptr);

    void setMatrix(std::shared_ptr<const plots::FeatureMatrix> matrix, const QString &title);
    std::shared_ptr<plots::FeatureHeatmapFigure> figure() const { return m_figure; }
    /// Scrolls so that a matrix cell is visible.
    void ensureVisible(int row, int col);
    void setCellSize(double points);
    /// Cells as large as fill the view (9 to 22 pt): a short prompt with few features is read
    /// at a glance, a long one keeps small cells and scrolls.
    void fitCells();
    /// Stamped into exported files.
    void setProvenance(const plots::Provenance &p) { m_provenance = p; }

Q_SIGNALS:
    void featureClicked(qint64 feature);
    void tokenClicked(int row);
    /// Hover moved to a cell (-1, -1 when it left the cells).
    void hovered(int row, int col);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    void updateScrollBars();

    std::shared_ptr<plots::FeatureHeatmapFigure> m_figure;
    plots::Provenance m_provenance;
};

} // namespace gb
