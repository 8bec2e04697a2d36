// SPDX-License-Identifier: MIT
#pragma once

#include "exportdialog.h"
#include "plots/figure.h"

#include <QWidget>

class QMenu;

#include <functional>
#include <memory>

namespace gb {

/// Shows any gb::plots::Figure, scaled to the widget, and offers its exports in the context
/// menu: copy as image, copy data, export (ExportDialog), and "export all" when the page has
/// set a batch source (e.g. the dashboards of every feature in a list). The figure is a
/// precomputed model: setFigure() swaps it and repaints; painting does layout only.
class FigureView : public QWidget {
    Q_OBJECT
public:
    /// Builds the figures of a batch when the user asks for it.
    using BatchSource = std::function<std::vector<NamedFigure>()>;

    explicit FigureView(QWidget *parent = nullptr);

    void setFigure(std::shared_ptr<plots::Figure> figure);
    std::shared_ptr<plots::Figure> figure() const { return m_figure; }
    /// Stamped into exported files' metadata.
    void setProvenance(const plots::Provenance &provenance) { m_provenance = provenance; }
    const plots::Provenance &provenance() const { return m_provenance; }
    /// Base file name suggested by the export dialog.
    void setExportName(const QString &name) { m_exportName = name; }
    /// Adds "Export all <label>..." to the context menu.
    void setBatchSource(const QString &label, BatchSource source);
    /// Fills the top of the context menu with the page's own actions for a click at `at`
    /// (widget coordinates), e.g. "open this feature elsewhere".
    using MenuExtension = std::function<void(QMenu &menu, const QPointF &at)>;
    void setMenuExtension(MenuExtension extension) { m_menuExtension = std::move(extension); }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override { return {160, 120}; }

    /// Puts the figure on the clipboard as PNG (300 dpi at the view's size in points) and as
    /// SVG, so vector-aware programs paste it as vector; provenance is in both.
    void copyImage() const;
    /// Puts the plotted data (CSV) on the clipboard.
    void copyData() const;
    /// Opens the export dialog for this figure (or for the batch) and runs it.
    void openExportDialog();
    void openBatchExportDialog();

protected:
    void paintEvent(QPaintEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    std::shared_ptr<plots::Figure> m_figure;
    plots::Provenance m_provenance;
    QString m_exportName = QStringLiteral("figure");
    QString m_batchLabel;
    BatchSource m_batchSource;
    MenuExtension m_menuExtension;
};

} // namespace gb
