// SPDX-License-Identifier: MIT
#include "featureheatmap.h"

#include "exportdialog.h"
#include "plots/tokenstripfigure.h"

#include <QClipboard>
#include <QContextMenuEvent>
#include <QGuiApplication>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>

namespace gb {

FeatureHeatmapView::FeatureHeatmapView(QWidget *parent)
    : QAbstractScrollArea(parent)
{
    setMouseTracking(true);
    viewport()->setMouseTracking(true);
    setMatrix(std::make_shared<plots::FeatureMatrix>(), QString());
}

void FeatureHeatmapView::setMatrix(std::shared_ptr<const plots::FeatureMatrix> matrix, const QString &title)
{
    const double cell = m_figure ? m_figure->cellSize() : 9.0;
    m_figure = std::make_shared<plots::FeatureHeatmapFigure>(std::move(matrix));
    m_figure->setTitle(title);
    m_figure->setCellSize(cell);
    verticalScrollBar()->setValue(0);
    horizontalScrollBar()->setValue(0);
    updateScrollBars();
    viewport()->update();
}

void FeatureHeatmapView::fitCells()
{
    const plots::FeatureMatrix &m = m_figure->matrix();
    const QSize room = viewport()->size() - QSize(200, 90);
    const double fit = std::min(room.width() / std::max(1.0, double(m.cols())), room.height() / std::max(1.0, double(m.rows())));
    setCellSize(std::clamp(fit, 9.0, 22.0));
}

void FeatureHeatmapView::setCellSize(double points)
{
    m_figure->setCellSize(std::clamp(points, 2.0, 40.0));
    updateScrollBars();
    viewport()->update();
}

void FeatureHeatmapView::updateScrollBars()
{
    // The figure lays out from its origin; visible counts at the top-left origin are the page.
    const int row0 = m_figure->row0(), col0 = m_figure->col0();
    m_figure->setOrigin(0, 0);
    const auto L = m_figure->layout(viewport(), QRectF(viewport()->rect()));
    m_figure->setOrigin(row0, col0);
    const plots::FeatureMatrix &m = m_figure->matrix();
    verticalScrollBar()->setRange(0, std::max(0, m.rows() - L.rows));
    verticalScrollBar()->setPageStep(std::max(1, L.rows));
    horizontalScrollBar()->setRange(0, std::max(0, m.cols() - L.cols));
    horizontalScrollBar()->setPageStep(std::max(1, L.cols));
    m_figure->setOrigin(verticalScrollBar()->value(), horizontalScrollBar()->value());
}

void FeatureHeatmapView::ensureVisible(int row, int col)
{
    const auto L = m_figure->layout(viewport(), QRectF(viewport()->rect()));
    if (row >= 0 && (row < m_figure->row0() || row >= m_figure->row0() + L.rows))
        verticalScrollBar()->setValue(row - L.rows / 2);
    if (col >= 0 && (col < m_figure->col0() || col >= m_figure->col0() + L.cols))
        horizontalScrollBar()->setValue(col - L.cols / 2);
}

void FeatureHeatmapView::paintEvent(QPaintEvent *)
{
    QPainter p(viewport());
    m_figure->render(&p, QRectF(viewport()->rect()));
}

void FeatureHeatmapView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBars();
}

void FeatureHeatmapView::scrollContentsBy(int, int)
{
    m_figure->setOrigin(verticalScrollBar()->value(), horizontalScrollBar()->value());
    viewport()->update();
}

void FeatureHeatmapView::mouseMoveEvent(QMouseEvent *event)
{
    const auto h = m_figure->hitTest(viewport(), QRectF(viewport()->rect()), event->position());
    Q_EMIT hovered(h.row, h.col);
    const plots::FeatureMatrix &m = m_figure->matrix();
    QString tip;
    if (h.row >= 0 && h.col >= 0)
        tip = tr("token %1 (position %2)\nfeature %3: %4")
                  .arg(plots::tokenText(m.tokens[h.row]).text)
                  .arg(h.row)
                  .arg(m.features[std::size_t(h.col)])
                  .arg(double(m.value(h.row, h.col)), 0, 'g', 4);
    else if (h.row >= 0)
        tip = tr("token %1 (position %2): click for its strongest features").arg(plots::tokenText(m.tokens[h.row]).text).arg(h.row);
    else if (h.col >= 0)
        tip = tr("feature %1: click for its dashboard").arg(m.features[std::size_t(h.col)]);
    if (tip.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(event->globalPosition().toPoint(), tip, viewport());
}

void FeatureHeatmapView::mousePressEvent(QMouseEvent *event)
{
    const auto h = m_figure->hitTest(viewport(), QRectF(viewport()->rect()), event->position());
    if (h.col >= 0)
        Q_EMIT featureClicked(m_figure->matrix().features[std::size_t(h.col)]);
    else if (h.row >= 0)
        Q_EMIT tokenClicked(h.row);
}

void FeatureHeatmapView::wheelEvent(QWheelEvent *event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        setCellSize(m_figure->cellSize() * (event->angleDelta().y() > 0 ? 1.25 : 0.8));
        event->accept();
        return;
    }
    QAbstractScrollArea::wheelEvent(event);
}

void FeatureHeatmapView::contextMenuEvent(QContextMenuEvent *event)
{
    QMenu menu(this);
    menu.addAction(tr("Export Figure\u2026"), this, [this] {
        ExportDialog dialog({{m_figure, QStringLiteral("prompt-features")}}, m_provenance, false, this);
        dialog.exec();
    });
    menu.addAction(tr("Copy Data (CSV)"), this, [this] { QGuiApplication::clipboard()->setText(m_figure->dataCsv()); });
    menu.exec(event->globalPos());
}

void FeatureHeatmapView::leaveEvent(QEvent *event)
{
    Q_EMIT hovered(-1, -1);
    QAbstractScrollArea::leaveEvent(event);
}

} // namespace gb
