// SPDX-License-Identifier: MIT
#pragma once

#include "plots/figure.h"

#include <QWidget>

#include <memory>

namespace gb {

/// Shows any gb::plots::Figure, scaled to the widget, and offers its exports in the context
/// menu (copy as image, copy data, export...). The figure is a precomputed model: setFigure()
/// swaps it and repaints; painting does layout only.
class FigureView : public QWidget {
    Q_OBJECT
public:
    explicit FigureView(QWidget *parent = nullptr);

    void setFigure(std::shared_ptr<plots::Figure> figure);
    std::shared_ptr<plots::Figure> figure() const { return m_figure; }
    /// Stamped into exported files' metadata.
    void setProvenance(const plots::Provenance &provenance) { m_provenance = provenance; }
    const plots::Provenance &provenance() const { return m_provenance; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override { return {160, 120}; }

    /// Puts the figure on the clipboard as a PNG image (300 dpi at the view's size in points)
    /// and as SVG, so vector-aware programs paste it as vector.
    void copyImage() const;
    /// Puts the plotted data (CSV) on the clipboard.
    void copyData() const;

Q_SIGNALS:
    /// The user chose "Export..." (the page opens the export dialog, see ExportDialog).
    void exportRequested();

protected:
    void paintEvent(QPaintEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    std::shared_ptr<plots::Figure> m_figure;
    plots::Provenance m_provenance;
};

} // namespace gb
