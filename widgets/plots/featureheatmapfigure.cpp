// SPDX-License-Identifier: MIT
#include "featureheatmapfigure.h"

#include "colorbar.h"
#include "figuredata.h"
#include "plotframe.h"
#include "text.h"
#include "tokenstripfigure.h"

#include "common/error.h"

#include <QPainter>

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace gb::plots {


namespace {

// In points.
constexpr double Pad = 4.0;
constexpr double Gap = 4.0;
constexpr int MaxLabelChars = 14;

QString rowLabel(const FeatureMatrix &m, int row)
{
    QString t = tokenText(m.tokens[row]).text;
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

ColorScale FeatureHeatmapFigure::colorScale() const
{
    return ColorScale::fit(0.0, std::max(1e-6f, m_m->colorMax), false);
}

ColorMap FeatureHeatmapFigure::colorMap() const
{
    return ColorMap::byName(style().divergingMap).positiveHalf();
}

QSizeF FeatureHeatmapFigure::naturalSize() const
{
    const double width = std::min(640.0, 120 + m_cell * m_m->cols());
    return QSizeF(width, std::min(420.0, heightForWidth(width)));
}

double FeatureHeatmapFigure::heightForWidth(double widthPt) const
{
    // Laid out at 72 dpi in a tall rectangle: as tall as the rows that are shown need, but a
    // long prompt does not make a page-high figure (it shows a window, as on screen).
    QImage reference(1, 1, QImage::Format_ARGB32_Premultiplied);
    reference.setDotsPerMeterX(int(std::lround(72 / 0.0254)));
    reference.setDotsPerMeterY(int(std::lround(72 / 0.0254)));
    const Layout L = layout(&reference, QRectF(0, 0, widthPt, 4 * widthPt));
    const double needed = std::max(L.cells.bottom(), L.bar.bottom()) + Pad + TextMetrics(font(0.9), &reference).height() / 2;
    return std::ceil(std::min(needed, std::max(0.75 * widthPt, 120.0)));
}

FeatureHeatmapFigure::Layout FeatureHeatmapFigure::layout(QPaintDevice *device, const QRectF &rect) const
{
    Measurer measure(device);
    const double s = pointScale(&measure.painter);
    const TextMetrics label(font(0.9), device);
    Layout L;
    double top = rect.top() + Pad * s;
    if (!m_title.isEmpty())
        top += TextMetrics(font(1.1, true), device).height() + Gap * s;
    const double labelWidth = labelColumnWidth(device);
    const qint64 largestId = m_m->features.empty() ? 0 : *std::max_element(m_m->features.begin(), m_m->features.end());
    const double headerHeight = label.width(QString::number(largestId)) + Gap * s;
    const ColorBar bar(colorMap(), colorScale(), QStringLiteral("activation"));
    const double barWidth = bar.width(&measure.painter, style(), rect.height() / 2);

    const double left = rect.left() + Pad * s + labelWidth + Gap * s;
    // Room below for half a label: the colour bar's lowest tick label is centred on its end.
    const double bottom = rect.bottom() - Pad * s - label.height() / 2;
    const QRectF avail(left, top + headerHeight, rect.right() - Pad * s - barWidth - left, bottom - top - headerHeight);
    const int rowsLeft = std::max(0, m_m->rows() - m_row0), colsLeft = std::max(0, m_m->cols() - m_col0);
    L.cellPx = std::max(1.0, m_cell * s);
    // When the rest of the matrix fits, cells grow to fill the figure (up to 4x), so an export
    // at a larger size is a larger heatmap rather than the same one in a corner.
    if (rowsLeft > 0 && colsLeft > 0 && rowsLeft * L.cellPx <= avail.height() && colsLeft * L.cellPx <= avail.width())
        L.cellPx = std::min({avail.height() / rowsLeft, avail.width() / colsLeft, 4 * L.cellPx});
    L.rows = std::clamp(int(avail.height() / L.cellPx), 0, rowsLeft);
    L.cols = std::clamp(int(avail.width() / L.cellPx), 0, colsLeft);
    L.cells = QRectF(avail.topLeft(), QSizeF(L.cols * L.cellPx, L.rows * L.cellPx));
    L.labels = QRectF(rect.left() + Pad * s, L.cells.top(), labelWidth, L.cells.height());
    L.header = QRectF(L.cells.left(), top, L.cells.width(), headerHeight);
    const double barHeight = std::clamp(80 * s, L.cells.height(), std::max(L.cells.height(), bottom - L.cells.top()));
    L.bar = QRectF(L.cells.right(), L.cells.top(), barWidth, barHeight);
    return L;
}

double FeatureHeatmapFigure::labelColumnWidth(QPaintDevice *device) const
{
    // Measured once per resolution and font: a layout happens on every paint and hover.
    const QString key = QStringLiteral("%1/%2/%3").arg(device->logicalDpiY()).arg(style().fontFamily).arg(style().fontPointSize);
    std::lock_guard<std::mutex> lock(m_cacheMutex);
    if (key != m_labelKey) {
        const TextMetrics label(font(0.9), device);
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
    const ColorMap map = colorMap();
    const ColorScale scale = colorScale();
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
    const double s = pointScale(painter);
    painter->setFont(font(0.9));
    painter->setPen(style().foreground);
    const double lineHeight = TextMetrics(font(0.9), painter->device()).height();
    const int rowStep = std::max(1, int(std::ceil(lineHeight / L.cellPx)));
    for (int r = 0; r < L.rows; r += rowStep)
        drawText(painter, QPointF(L.labels.right(), L.cells.top() + (r + 0.5) * L.cellPx), rowLabel(*m_m, m_row0 + r),
                        Qt::AlignRight | Qt::AlignVCenter);
    const int colStep = std::max(1, int(std::ceil(lineHeight / L.cellPx)));
    for (int c = 0; c < L.cols; c += colStep)
        drawText(painter, QPointF(L.cells.left() + (c + 0.5) * L.cellPx, L.header.bottom() - Gap * s * 0.5),
                        QString::number(m_m->features[std::size_t(m_col0 + c)]), Qt::AlignLeft | Qt::AlignVCenter, -90.0);
}

void FeatureHeatmapFigure::render(QPainter *painter, const QRectF &rect) const
{
    painter->save();
    fillBackground(painter, style(), rect);
    const double s = pointScale(painter);
    if (!m_title.isEmpty()) {
        painter->setFont(font(1.1, true));
        painter->setPen(style().foreground);
        drawText(painter, QPointF(rect.left() + Pad * s, rect.top() + Pad * s),
                 TextMetrics(font(1.1, true), painter->device()).elide(m_title, rect.width() - 2 * Pad * s), Qt::AlignLeft | Qt::AlignTop);
    }
    const Layout L = layout(painter->device(), rect);
    if (L.rows > 0 && L.cols > 0) {
        painter->setRenderHint(QPainter::SmoothPixmapTransform, false);
        painter->setRenderHint(QPainter::LosslessImageRendering); // else QPdfWriter stores cells as JPEG
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
    ColorBar(colorMap(), colorScale(), QStringLiteral("activation"))
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
    using data::csvRow;
    QString csv = csvRow({QStringLiteral("position"), QStringLiteral("token"), QStringLiteral("feature"), QStringLiteral("activation")});
    for (int r = 0; r < m_m->rows(); ++r)
        for (int c = 0; c < m_m->cols(); ++c)
            if (m_m->value(r, c) > 0)
                csv += csvRow({QString::number(r), m_m->tokens[r], QString::number(m_m->features[std::size_t(c)]),
                               data::csvNumber(m_m->value(r, c))});
    return csv;
}

QByteArray FeatureHeatmapFigure::dataJson() const
{
    using namespace data;
    // Sparse: only the active cells, as [position, feature id, activation].
    Json cells = Json::array();
    for (int r = 0; r < m_m->rows(); ++r)
        for (int c = 0; c < m_m->cols(); ++c)
            if (m_m->value(r, c) > 0)
                cells.push(Json::array().push(r).push(m_m->features[std::size_t(c)]).push(double(m_m->value(r, c))));
    Json features = Json::array();
    for (const qint64 f : m_m->features)
        features.push(f);
    Json j = Json::object();
    j.set("kind", Kind)
        .set("title", str(m_title))
        .set("tokens", strings(m_m->tokens))
        .set("features", features)
        .set("cells", cells)
        .set("origin", Json::array().push(m_row0).push(m_col0))
        .set("cell_size", m_cell);
    return dump(j);
}

std::unique_ptr<Figure> FeatureHeatmapFigure::fromJson(const Json &json)
{
    using namespace data;
    checkKind(json, QString::fromLatin1(Kind));
    auto m = std::make_shared<FeatureMatrix>();
    m->tokens = toStrings(json.find("tokens"), "tokens");
    std::unordered_map<qint64, std::size_t> column;
    if (const Json *f = json.find("features"); f && !f->isNull())
        for (const Json &id : f->toArray("features")) {
            if (!column.emplace(id.toInt("feature id"), m->features.size()).second)
                throw Error::badInput("feature " + std::to_string(id.toInt()) + " is listed twice");
            m->features.push_back(id.toInt());
        }
    m->values.assign(std::size_t(m->rows()) * m->features.size(), 0.0f);
    if (const Json *cells = json.find("cells"); cells && !cells->isNull())
        for (const Json &cell : cells->toArray("cells")) {
            const auto &a = cell.toArray("cell");
            if (a.size() != 3)
                throw Error::badInput("a cell is [position, feature, activation], got " + std::to_string(a.size()) + " values");
            const std::int64_t row = a[0].toInt("cell position");
            const auto col = column.find(a[1].toInt("cell feature"));
            if (row < 0 || row >= m->rows())
                throw Error::badInput("cell position " + std::to_string(row) + " is outside the " + std::to_string(m->rows()) + " tokens");
            if (col == column.end())
                throw Error::badInput("cell feature " + std::to_string(a[1].toInt()) + " is not in \"features\"");
            const double v = a[2].toDouble("cell activation");
            if (!std::isfinite(v))
                throw Error::badInput("cell activation must be a finite number");
            m->values[std::size_t(row) * m->features.size() + col->second] = float(v);
        }
    m->updateMax();
    auto fig = std::make_unique<FeatureHeatmapFigure>(std::move(m));
    fig->setTitle(toStr(json, "title"));
    fig->setCellSize(std::clamp(toNum(json, "cell_size", 9.0), 1.0, 100.0));
    if (const Json *o = json.find("origin"); o && o->isArray() && o->size() == 2)
        fig->setOrigin(int(o->toArray()[0].toInt("origin")), int(o->toArray()[1].toInt("origin")));
    return fig;
}

std::unique_ptr<Figure> FeatureHeatmapFigure::example()
{
    // A sparse dictionary on a short prompt: each feature fires on a few tokens, a couple on
    // many (the BOS-like position-0 feature, a "mid-sentence" feature).
    const QStringList tokens = {QStringLiteral("<|endoftext|>"), QStringLiteral("The"), QStringLiteral(" Eiff"),
                                QStringLiteral("el"), QStringLiteral(" Tower"), QStringLiteral(" is"),
                                QStringLiteral(" in"), QStringLiteral(" Paris"), QStringLiteral(".")};
    auto m = std::make_shared<FeatureMatrix>();
    m->tokens = tokens;
    m->features = {17, 3071, 812, 24013, 455, 9120, 1337, 20480, 6, 15002, 7788, 4242};
    const int cols = int(m->features.size());
    m->values.assign(std::size_t(tokens.size()) * std::size_t(cols), 0.0f);
    for (int r = 0; r < tokens.size(); ++r)
        for (int c = 0; c < cols; ++c) {
            const double v = 6.0 * std::sin(1.3 * r + 2.1 * c) * std::exp(-0.15 * c);
            if (v > 1.2 || (c == 0 && r == 0) || (c == 1 && r > 0))
                m->values[std::size_t(r * cols + c)] = float(std::fabs(v) + (r == 0 && c == 0 ? 40.0 : 0.5));
        }
    m->updateMax();
    auto fig = std::make_unique<FeatureHeatmapFigure>(std::move(m));
    fig->setTitle(QStringLiteral("9 tokens \u00D7 12 active features at blocks.6.hook_resid_post"));
    fig->setCellSize(12.0);
    return fig;
}

} // namespace gb::plots
