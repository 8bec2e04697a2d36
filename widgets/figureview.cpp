// SPDX-License-Identifier: MIT
#include "figureview.h"

#include "plots/figureexporter.h"

#include <QClipboard>
#include <QContextMenuEvent>
#include <QGuiApplication>
#include <QMenu>
#include <QMimeData>
#include <QPainter>

#include <cmath>

namespace gb {

FigureView::FigureView(QWidget *parent)
    : QWidget(parent)
{
}

void FigureView::setFigure(std::shared_ptr<plots::Figure> figure)
{
    m_figure = std::move(figure);
    updateGeometry();
    update();
}

void FigureView::setBatchSource(const QString &label, BatchSource source)
{
    m_batchLabel = label;
    m_batchSource = std::move(source);
}

QSize FigureView::sizeHint() const
{
    if (!m_figure)
        return {480, 320};
    const QSizeF pt = m_figure->naturalSize();
    const double px = logicalDpiX() / 72.0;
    return QSize(int(std::ceil(pt.width() * px)), int(std::ceil(pt.height() * px)));
}

void FigureView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    if (!m_figure) {
        p.fillRect(rect(), palette().base());
        return;
    }
    m_figure->render(&p, QRectF(rect()));
}

void FigureView::copyImage() const
{
    if (!m_figure)
        return;
    plots::ExportOptions o;
    o.preset = QStringLiteral("custom");
    o.customSize = QSizeF(size()) * (72.0 / logicalDpiX()); // what is on screen, in points
    o.dpi = 300;
    o.provenance = m_provenance;
    auto *mime = new QMimeData;
    mime->setImageData(plots::FigureExporter::toImage(*m_figure, o));
    mime->setData(QStringLiteral("image/svg+xml"), plots::FigureExporter::toSvg(*m_figure, o));
    QGuiApplication::clipboard()->setMimeData(mime);
}

void FigureView::copyData() const
{
    if (m_figure)
        QGuiApplication::clipboard()->setText(m_figure->dataCsv());
}

void FigureView::openExportDialog()
{
    if (!m_figure)
        return;
    ExportDialog dialog({{m_figure, m_exportName}}, m_provenance, false, this);
    dialog.exec();
}

void FigureView::openBatchExportDialog()
{
    if (!m_batchSource)
        return;
    std::vector<NamedFigure> figures = m_batchSource();
    if (figures.empty())
        return;
    ExportDialog dialog(std::move(figures), m_provenance, true, this);
    dialog.exec();
}

void FigureView::contextMenuEvent(QContextMenuEvent *event)
{
    if (!m_figure)
        return;
    QMenu menu(this);
    if (m_menuExtension) {
        m_menuExtension(menu, event->pos());
        if (!menu.isEmpty())
            menu.addSeparator();
    }
    menu.addAction(tr("Copy as Image"), this, &FigureView::copyImage);
    menu.addAction(tr("Copy Data (CSV)"), this, &FigureView::copyData);
    menu.addSeparator();
    menu.addAction(tr("Export\u2026"), this, &FigureView::openExportDialog);
    if (m_batchSource)
        menu.addAction(tr("Export All %1\u2026").arg(m_batchLabel), this, &FigureView::openBatchExportDialog);
    menu.exec(event->globalPos());
}

} // namespace gb
