// SPDX-License-Identifier: MIT
#include "featureheatmap.h"

#include "exportdialog.h"
#include "plots/colorbar.h"
#include "plots/figuredata.h"
#include "plots/plotframe.h"
#include "plots/text.h"
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
#include <cmath>

namespace gb {

namespace {

// In points.
constexpr double Pad = 4.0;
constexpr double Gap = 4.0;
constexpr int MaxLabelChars = 14;

QString rowLabel(const FeatureMatrix &m, int row)
{
    QString t = plots::tokenText(m.tokens[row]).text;
    if (t.size() > MaxLabelChars)
        t = t.left(MaxLabelChars - 1) + QChar(0x2026);
    return t;
}

} // namespace

void FeatureMatrix::updateMax()
{
    std::vector<float> active;
    for (const float v : values)
        if (v > 0)
            active.push_back(v);
    maxValue = active.empty() ? 0.0f : *std::max_element(active.begin(), active.end());
    if (active.empty()) {
        colorMax = 0.0f;
        return;
    }
    const auto at = active.begin() + std::ptrdiff_t(0.99 * double(active.size() - 1));
    std::nth_element(active.begin(), at, active.end());
    colorMax = *at;
}

FeatureHeatmapFigure::FeatureHeatmapFigure(std::shared_ptr<const FeatureMatrix> matrix)
    : m_m(std::move(matrix))
{
}

void FeatureHeatmapFigure::setOrigin(int row0, int col0)
{
    m_row0 = std::clamp(row0, 0, std::max(0, m_m->rows() - 1));
    m_col0 = std::clamp(col0, 0, std::max(0, m_m->cols() - 1));
}

plots::ColorScale FeatureHeatmapFigure::colorScale() const
{
    return plots::ColorScale::fit(0.0, std::max(1e-6f, m_m->colorMax), false);
}

plots::ColorMap FeatureHeatmapFigure::colorMap() const
{
    return plots::ColorMap::byName(style().divergingMap).positiveHalf();
}

QSizeF FeatureHeatmapFigure::naturalSize() const
{
    return QSizeF(std::min(640.0, 120 + m_cell * m_m->cols()), std::min(420.0, 60 + m_cell * m_m->rows()));
}

FeatureHeatmapFigure::Layout FeatureHeatmapFigure::layout(QPaintDevice *device, const QRectF &rect) const
{
    plots::Measurer measure(device);
    const double s = plots::pointScale(&measure.painter);
    const plots::TextMetrics label(font(0.9), device);
    Layout L;
    double top = rect.top() + Pad * s;
    if (!m_title.isEmpty())
        top += plots::TextMetrics(font(1.1, true), device).height() + Gap * s;
    const double labelWidth = labelColumnWidth(device);
    const qint64 largestId = m_m->features.empty() ? 0 : *std::max_element(m_m->features.begin(), m_m->features.end());
    const double headerHeight = label.width(QString::number(largestId)) + Gap * s;
    const plots::ColorBar bar(colorMap(), colorScale(), QStringLiteral("activation"));
    const double barWidth = bar.width(&measure.painter, style(), rect.height() / 2);

    const double left = rect.left() + Pad * s + labelWidth + Gap * s;
    const QRectF avail(left, top + headerHeight, rect.right() - Pad * s - barWidth - left, rect.bottom() - Pad * s - top - headerHeight);
    L.cellPx = std::max(1.0, m_cell * s);
    L.rows = std::clamp(int(avail.height() / L.cellPx), 0, std::max(0, m_m->rows() - m_row0));
    L.cols = std::clamp(int(avail.width() / L.cellPx), 0, std::max(0, m_m->cols() - m_col0));
    L.cells = QRectF(avail.topLeft(), QSizeF(L.cols * L.cellPx, L.rows * L.cellPx));
    L.labels = QRectF(rect.left() + Pad * s, L.cells.top(), labelWidth, L.cells.height());
    L.header = QRectF(L.cells.left(), top, L.cells.width(), headerHeight);
    L.bar = QRectF(L.cells.right(), L.cells.top(), barWidth, std::max(L.cells.height(), 80 * s));
    return L;
}

double FeatureHeatmapFigure::labelColumnWidth(QPaintDevice *device) const
{
    // Measured once per resolution and font: a layout happens on every paint and hover.
    const QString key = QStringLiteral("%1/%2/%3").arg(device->logicalDpiY()).arg(style().fontFamily).arg(style().fontPointSize);
    std::lock_guard<std::mutex> lock(m_cacheMutex);
    if (key != m_labelKey) {
        const plots::TextMetrics label(font(0.9), device);
        m_labelWidth = 0;
        for (int r = 0; r < m_m->rows(); ++r)
            m_labelWidth = std::max(m_labelWidth, label.width(rowLabel(*m_m, r)));
        m_labelKey = key;
    }
    return m_labelWidth;
}

QImage FeatureHeatmapFigure::windowImage(int rows, int cols) const
{
    const QString key = QStringLiteral("%1/%2/%3/%4/%5").arg(m_row0).arg(m_col0).arg(rows).arg(cols).arg(style().divergingMap);
    std::lock_guard<std::mutex> lock(m_cacheMutex);
    if (key == m_cacheKey)
        return m_cache;
    const plots::ColorMap map = colorMap();
    const plots::ColorScale scale = colorScale();
    // Sparse activations: most cells are zero, so their colour is computed once.
    const QRgb zero = map.rgb(scale.normalize(0.0));
    QImage img(std::max(1, cols), std::max(1, rows), QImage::Format_RGB32);
    for (int r = 0; r < rows; ++r) {
        auto *line = reinterpret_cast<QRgb *>(img.scanLine(r));
        const float *values = m_m->values.data() + std::size_t(m_row0 + r) * std::size_t(m_m->cols()) + std::size_t(m_col0);
        for (int c = 0; c < cols; ++c)
            line[c] = values[c] > 0 ? map.rgb(scale.normalize(values[c])) : zero;
    }
    m_cache = img;
    m_cacheKey = key;
    return img;
}

void FeatureHeatmapFigure::paintLabels(QPainter *painter, const Layout &L) const
{
    const double s = plots::pointScale(painter);
    painter->setFont(font(0.9));
    painter->setPen(style().foreground);
    const double lineHeight = plots::TextMetrics(font(0.9), painter->device()).height();
    const int rowStep = std::max(1, int(std::ceil(lineHeight / L.cellPx)));
    for (int r = 0; r < L.rows; r += rowStep)
        plots::drawText(painter, QPointF(L.labels.right(), L.cells.top() + (r + 0.5) * L.cellPx), rowLabel(*m_m, m_row0 + r),
                        Qt::AlignRight | Qt::AlignVCenter);
    const int colStep = std::max(1, int(std::ceil(lineHeight / L.cellPx)));
    for (int c = 0; c < L.cols; c += colStep)
        plots::drawText(painter, QPointF(L.cells.left() + (c + 0.5) * L.cellPx, L.header.bottom() - Gap * s * 0.5),
                        QString::number(m_m->features[std::size_t(m_col0 + c)]), Qt::AlignLeft | Qt::AlignVCenter, -90.0);
}

void FeatureHeatmapFigure::render(QPainter *painter, const QRectF &rect) const
{
    painter->save();
    plots::fillBackground(painter, style(), rect);
    const double s = plots::pointScale(painter);
    if (!m_title.isEmpty()) {
        painter->setFont(font(1.1, true));
        painter->setPen(style().foreground);
        plots::drawText(painter, QPointF(rect.left() + Pad * s, rect.top() + Pad * s), m_title, Qt::AlignLeft | Qt::AlignTop);
    }
    const Layout L = layout(painter->device(), rect);
    if (L.rows > 0 && L.cols > 0) {
        painter->setRenderHint(QPainter::SmoothPixmapTransform, false);
        painter->drawImage(L.cells, windowImage(L.rows, L.cols));
        if (L.cellPx >= 6 * s) { // cell edges once cells are big enough to tell apart
            painter->setPen(QPen(QColor(0, 0, 0, 14), 0.5 * s));
            for (int r = 1; r < L.rows; ++r)
                painter->drawLine(QLineF(L.cells.left(), L.cells.top() + r * L.cellPx, L.cells.right(), L.cells.top() + r * L.cellPx));
            for (int c = 1; c < L.cols; ++c)
                painter->drawLine(QLineF(L.cells.left() + c * L.cellPx, L.cells.top(), L.cells.left() + c * L.cellPx, L.cells.bottom()));
        }
        painter->setPen(QPen(style().foreground, 0.8 * s));
        painter->setBrush(Qt::NoBrush);
        painter->drawRect(L.cells);
        paintLabels(painter, L);
    }
    plots::ColorBar(colorMap(), colorScale(), QStringLiteral("activation"))
        .paint(painter, style(), L.bar);
    painter->restore();
}

FeatureHeatmapFigure::Hit FeatureHeatmapFigure::hitTest(QPaintDevice *device, const QRectF &rect, const QPointF &point) const
{
    const Layout L = layout(device, rect);
    Hit h;
    const double dy = point.y() - L.cells.top(), dx = point.x() - L.cells.left();
    const bool inRows = dy >= 0 && dy < L.cells.height(), inCols = dx >= 0 && dx < L.cells.width();
    if (inRows && (inCols || (point.x() >= L.labels.left() && point.x() < L.cells.left())))
        h.row = m_row0 + int(dy / L.cellPx);
    if (inCols && (inRows || (point.y() >= L.header.top() && point.y() < L.cells.top())))
        h.col = m_col0 + int(dx / L.cellPx);
    return h;
}

QString FeatureHeatmapFigure::dataCsv() const
{
    QString csv = plots::data::csvRow({QStringLiteral("position"), QStringLiteral("token"), QStringLiteral("feature"), QStringLiteral("activation")});
    for (int r = 0; r < m_m->rows(); ++r)
        for (int c = 0; c < m_m->cols(); ++c)
            if (m_m->value(r, c) > 0)
                csv += plots::data::csvRow({QString::number(r), m_m->tokens[r], QString::number(m_m->features[std::size_t(c)]),
                                            plots::data::csvNumber(m_m->value(r, c))});
    return csv;
}

QByteArray FeatureHeatmapFigure::dataJson() const
{
    Json cells = Json::array();
    for (int r = 0; r < m_m->rows(); ++r)
        for (int c = 0; c < m_m->cols(); ++c)
            if (m_m->value(r, c) > 0)
                cells.push(Json::array().push(r).push(m_m->features[std::size_t(c)]).push(double(m_m->value(r, c))));
    Json features = Json::array();
    for (const qint64 f : m_m->features)
        features.push(f);
    Json j = Json::object();
    j.set("kind", kind().toStdString())
        .set("title", plots::data::str(m_title))
        .set("tokens", plots::data::strings(m_m->tokens))
        .set("features", features)
        .set("cells", cells)
        .set("origin", Json::array().push(m_row0).push(m_col0));
    return plots::data::dump(j);
}

// ---- FeatureHeatmapView -----------------------------------------------------------------------

FeatureHeatmapView::FeatureHeatmapView(QWidget *parent)
    : QAbstractScrollArea(parent)
{
    setMouseTracking(true);
    viewport()->setMouseTracking(true);
    setMatrix(std::make_shared<FeatureMatrix>(), QString());
}

void FeatureHeatmapView::setMatrix(std::shared_ptr<const FeatureMatrix> matrix, const QString &title)
{
    const double cell = m_figure ? m_figure->cellSize() : 9.0;
    m_figure = std::make_shared<FeatureHeatmapFigure>(std::move(matrix));
    m_figure->setTitle(title);
    m_figure->setCellSize(cell);
    verticalScrollBar()->setValue(0);
    horizontalScrollBar()->setValue(0);
    updateScrollBars();
    viewport()->update();
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
    const FeatureMatrix &m = m_figure->matrix();
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
    const FeatureMatrix &m = m_figure->matrix();
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
