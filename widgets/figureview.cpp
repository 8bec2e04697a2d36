// SPDX-License-Identifier: MIT
#include "figureview.h"

#include <QBuffer>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QGuiApplication>
#include <QMenu>
#include <QMimeData>
#include <QPainter>
#include <QSvgGenerator>

#include <cmath>

namespace gb {

FigureView::FigureView(QWidget *parent)
    : QWidget(parent)
{
    setContextMenuPolicy(Qt::DefaultContextMenu);
}

void FigureView::setFigure(std::shared_ptr<plots::Figure> figure)
{
    m_figure = std::move(figure);
    updateGeometry();
    update();
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
    // The view's size in points, rendered at print resolution.
    const double dpi = 300.0;
    const QSizeF pt = QSizeF(size()) * (72.0 / logicalDpiX());
    QImage img(QSize(int(std::lround(pt.width() * dpi / 72)), int(std::lround(pt.height() * dpi / 72))),
               QImage::Format_ARGB32_Premultiplied);
    img.fill(Qt::transparent);
    img.setDotsPerMeterX(int(std::lround(dpi / 0.0254)));
    img.setDotsPerMeterY(int(std::lround(dpi / 0.0254)));
    {
        QPainter p(&img);
        m_figure->render(&p, QRectF(QPointF(0, 0), QSizeF(img.size())));
    }
    QByteArray svg;
    {
        QBuffer buffer(&svg);
        QSvgGenerator gen;
        gen.setOutputDevice(&buffer);
        gen.setResolution(72);
        gen.setSize(pt.toSize());
        gen.setViewBox(QRectF(QPointF(0, 0), pt));
        QPainter p(&gen);
        m_figure->render(&p, QRectF(QPointF(0, 0), pt));
    }
    auto *mime = new QMimeData;
    mime->setImageData(img);
    mime->setData(QStringLiteral("image/svg+xml"), svg);
    QGuiApplication::clipboard()->setMimeData(mime);
}

void FigureView::copyData() const
{
    if (m_figure)
        QGuiApplication::clipboard()->setText(m_figure->dataCsv());
}

void FigureView::contextMenuEvent(QContextMenuEvent *event)
{
    if (!m_figure)
        return;
    QMenu menu(this);
    menu.addAction(tr("Copy as image"), this, &FigureView::copyImage);
    menu.addAction(tr("Copy data (CSV)"), this, &FigureView::copyData);
    menu.addSeparator();
    menu.addAction(tr("Export..."), this, &FigureView::exportRequested);
    menu.exec(event->globalPos());
}

} // namespace gb
