// SPDX-License-Identifier: MIT
#include "heatmapfigure.h"

#include "axis.h"
#include "colorbar.h"
#include "figuredata.h"
#include "plotframe.h"

#include "common/error.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace gb::plots {

namespace {
constexpr int TargetPixels = 1024; // cells of small grids become blocks about this wide in total
constexpr int MaxPixels = 4096;
constexpr double MaxDpi = 600.0;

int blockSize(int n)
{
    return std::clamp(TargetPixels / std::max(1, n), 1, std::max(1, MaxPixels / std::max(1, n)));
}
} // namespace

HeatmapFigure::HeatmapFigure(int rows, int cols, std::vector<float> values)
    : m_rows(rows)
    , m_cols(cols)
    , m_values(std::move(values))
{
    if (rows <= 0 || cols <= 0)
        throw Error::badInput("heatmap needs at least one row and one column, got " + std::to_string(rows) + " x "
                              + std::to_string(cols));
    if (m_values.size() != std::size_t(rows) * std::size_t(cols))
        throw Error::badInput("heatmap of " + std::to_string(rows) + " x " + std::to_string(cols) + " needs "
                              + std::to_string(std::size_t(rows) * std::size_t(cols)) + " values, got "
                              + std::to_string(m_values.size()));
}

QSizeF HeatmapFigure::naturalSize() const
{
    return {std::clamp(140.0 + 14.0 * m_cols, 260.0, 520.0), std::clamp(70.0 + 14.0 * m_rows, 180.0, 520.0)};
}

ColorScale HeatmapFigure::colorScale() const
{
    if (m_range)
        return ColorScale::fit(m_range->first, m_range->second, m_diverging);
    float lo = INFINITY, hi = -INFINITY;
    for (float v : m_values)
        if (std::isfinite(v)) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    if (!(hi >= lo))
        lo = hi = 0.0f;
    return ColorScale::fit(lo, hi, m_diverging);
}

ColorMap HeatmapFigure::colorMap() const
{
    return ColorMap::byName(m_diverging ? style().divergingMap : style().sequentialMap);
}

QImage HeatmapFigure::cellImage() const
{
    const ColorMap map = colorMap();
    const ColorScale scale = colorScale();
    const QString key = map.name() + QString::number(scale.lower()) + QLatin1Char('/') + QString::number(scale.upper());
    const std::lock_guard<std::mutex> lock(m_cacheMutex);
    if (key == m_cacheKey && !m_cache.isNull())
        return m_cache;
    const int bw = blockSize(m_cols), bh = blockSize(m_rows);
    QImage img(m_cols * bw, m_rows * bh, QImage::Format_RGB32);
    for (int r = 0; r < m_rows; ++r) {
        auto *line = reinterpret_cast<QRgb *>(img.scanLine(r * bh));
        const float *row = m_values.data() + std::size_t(r) * std::size_t(m_cols);
        for (int c = 0; c < m_cols; ++c)
            std::fill_n(line + c * bw, bw, map.rgb(scale.normalize(row[c])));
        for (int k = 1; k < bh; ++k)
            std::copy_n(img.constScanLine(r * bh), img.bytesPerLine(), img.scanLine(r * bh + k));
    }
    m_cache = img;
    m_cacheKey = key;
    return img;
}

QImage HeatmapFigure::cellImage(const QSize &maxPixels) const
{
    const QImage full = cellImage();
    if (full.width() <= maxPixels.width() && full.height() <= maxPixels.height())
        return full;
    // Each axis on its own: a 10 x 4000 grid keeps its 10 crisp rows.
    const QSize size = full.size().boundedTo(maxPixels).expandedTo(QSize(1, 1));
    const std::lock_guard<std::mutex> lock(m_cacheMutex);
    const QString key = m_cacheKey + QStringLiteral("@%1x%2").arg(size.width()).arg(size.height());
    if (key != m_reducedKey) {
        m_reduced = full.scaled(size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
        m_reducedKey = key;
    }
    return m_reduced;
}

QStringList HeatmapFigure::labelsOr(const QStringList &labels, int n) const
{
    if (labels.size() == n)
        return labels;
    QStringList out;
    for (int i = 0; i < n; ++i)
        out << QString::number(i);
    return out;
}

void HeatmapFigure::render(QPainter *painter, const QRectF &rect) const
{
    painter->save();
    fillBackground(painter, style(), rect);
    // Labelled axes show the labels; unlabelled ones show round indices (0, 100, 200...).
    AxisSpec x, y;
    x.title = m_xTitle;
    y.title = m_yTitle;
    y.reversed = true;
    x.ticks = m_colLabels.size() == m_cols ? TickMode::Category : TickMode::Integer;
    y.ticks = m_rowLabels.size() == m_rows ? TickMode::Category : TickMode::Integer;
    x.categories = labelsOr(m_colLabels, m_cols);
    y.categories = labelsOr(m_rowLabels, m_rows);
    Scale xs = Scale::linear(-0.5, m_cols - 0.5), ys = Scale::linear(-0.5, m_rows - 0.5);
    if (m_extent) {
        x.ticks = y.ticks = TickMode::Auto;
        y.reversed = false;
        xs = Scale::linear(m_extent->x0, m_extent->x1);
        ys = Scale::linear(m_extent->y0, m_extent->y1);
    }
    const PlotFrame frame(Axis(AxisEdge::Bottom, x, xs), Axis(AxisEdge::Left, y, ys), m_title);
    const ColorBar bar(colorMap(), colorScale(), m_barTitle);
    const PlotFrame::Layout L = frame.layout(painter, style(), rect, [&](double h) { return bar.width(painter, style(), h); });

    // No page shows more than MaxDpi: bigger grids are averaged down before they are drawn or
    // embedded (a 4000 x 4000 grid would put 16 M pixels into the SVG/PDF for nothing).
    const QSizeF plotPt = L.plot.size() / pointScale(painter);
    const QImage img = cellImage((plotPt * (MaxDpi / 72.0)).toSize());
    const double devicePixels = L.plot.width() * painter->device()->devicePixelRatioF();
    painter->setRenderHint(QPainter::SmoothPixmapTransform, devicePixels < img.width());
    painter->setRenderHint(QPainter::LosslessImageRendering); // else QPdfWriter stores cells as JPEG
    painter->drawImage(L.plot, img);
    painter->setRenderHint(QPainter::Antialiasing);
    bar.paint(painter, style(), L.strip);
    frame.paintAxes(painter, style(), L);
    painter->restore();
}

QString HeatmapFigure::dataCsv() const
{
    using namespace data;
    QStringList header{QStringLiteral("row")};
    header << labelsOr(m_colLabels, m_cols);
    QString csv = csvRow(header);
    const QStringList rows = labelsOr(m_rowLabels, m_rows);
    for (int r = 0; r < m_rows; ++r) {
        QStringList fields{rows[r]};
        for (int c = 0; c < m_cols; ++c)
            fields << csvNumber(double(value(r, c)));
        csv += csvRow(fields);
    }
    return csv;
}

QByteArray HeatmapFigure::dataJson() const
{
    using namespace data;
    Json values = Json::array();
    for (float v : m_values)
        values.push(std::isfinite(v) ? Json(double(v)) : Json());
    Json j = Json::object();
    j.set("kind", Kind).set("version", 1).set("title", str(m_title)).set("rows", m_rows).set("cols", m_cols)
        .set("row_labels", strings(m_rowLabels)).set("col_labels", strings(m_colLabels))
        .set("x_title", str(m_xTitle)).set("y_title", str(m_yTitle)).set("colorbar_title", str(m_barTitle))
        .set("diverging", m_diverging);
    if (m_range)
        j.set("range", Json::array().push(m_range->first).push(m_range->second));
    if (m_extent)
        j.set("extent", Json::array().push(m_extent->x0).push(m_extent->x1).push(m_extent->y0).push(m_extent->y1));
    j.set("values", std::move(values));
    return dump(j);
}

std::unique_ptr<Figure> HeatmapFigure::fromJson(const Json &json)
{
    using namespace data;
    checkKind(json, QString::fromLatin1(Kind));
    const Json *rows = json.find("rows"), *cols = json.find("cols");
    if (!rows || !cols)
        throw Error::badInput("heatmap JSON needs \"rows\" and \"cols\"");
    const std::vector<double> v = toDoubles(json.find("values"), "heatmap values");
    auto f = std::make_unique<HeatmapFigure>(int(rows->toInt("rows")), int(cols->toInt("cols")),
                                             std::vector<float>(v.begin(), v.end()));
    f->m_title = toStr(json, "title");
    f->m_rowLabels = toStrings(json.find("row_labels"), "row_labels");
    f->m_colLabels = toStrings(json.find("col_labels"), "col_labels");
    f->m_xTitle = toStr(json, "x_title");
    f->m_yTitle = toStr(json, "y_title");
    f->m_barTitle = toStr(json, "colorbar_title");
    f->m_diverging = toFlag(json, "diverging", false);
    if (const Json *r = json.find("range"); r && r->isArray() && r->size() == 2)
        f->setRange(r->toArray()[0].toDouble("range"), r->toArray()[1].toDouble("range"));
    if (const Json *e = json.find("extent"); e && e->isArray() && e->size() == 4) {
        const auto &a = e->toArray();
        f->setExtent(a[0].toDouble("extent"), a[1].toDouble("extent"), a[2].toDouble("extent"), a[3].toDouble("extent"));
    }
    return f;
}

std::unique_ptr<Figure> HeatmapFigure::example()
{
    // Feature activations over a prompt: tokens x features, signed (diverging map).
    const QStringList tokens = {QStringLiteral("The"), QStringLiteral(" Eiffel"), QStringLiteral(" Tower"),
                                QStringLiteral(" is"), QStringLiteral(" in"), QStringLiteral(" the"),
                                QStringLiteral(" city"), QStringLiteral(" of"), QStringLiteral(" Paris"),
                                QStringLiteral(",")};
    const int rows = 12, cols = int(tokens.size());
    std::vector<float> values;
    QStringList features;
    for (int r = 0; r < rows; ++r) {
        features << QStringLiteral("feature %1").arg(1000 + 137 * r);
        for (int c = 0; c < cols; ++c)
            values.push_back(float(std::sin(0.9 * r + 0.7 * c) * std::exp(-0.08 * std::abs(r - c)) * 3.0));
    }
    auto f = std::make_unique<HeatmapFigure>(rows, cols, std::move(values));
    f->setTitle(QStringLiteral("Feature activations by token"));
    f->setColumnLabels(tokens);
    f->setRowLabels(features);
    f->setXTitle(QStringLiteral("token"));
    f->setYTitle(QStringLiteral("SAE feature"));
    f->setColorBarTitle(QStringLiteral("activation"));
    f->setDiverging(true);
    return f;
}

} // namespace gb::plots
