// SPDX-License-Identifier: MIT
#include "featuredashboard.h"

#include "plots/barfigure.h"
#include "plots/colorbar.h"
#include "plots/figuredata.h"
#include "plots/histogramfigure.h"
#include "plots/plotframe.h"
#include "plots/text.h"
#include "plots/tokenstripfigure.h"

#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace gb {

namespace {

// In points.
constexpr double Pad = 6.0;
constexpr double ColumnGap = 14.0;
constexpr double SectionGap = 8.0;
constexpr double BoxPadX = 2.0;
constexpr double BoxPadY = 1.4;
constexpr double WordGap = 3.2;
constexpr double SubwordGap = 0.7;
constexpr double RowGap = 3.0;
constexpr int ContextBefore = 14;
constexpr int ContextAfter = 5;
constexpr int EffectsShown = 6;

QString number(double v) { return QLocale::c().toString(v, 'g', 4); }

/// "1,234,567": counts read at a glance.
QString count(std::uint64_t v) { return QLocale(QLocale::English, QLocale::UnitedStates).toString(qulonglong(v)); }

double luminance(QRgb c) { return (0.2126 * qRed(c) + 0.7152 * qGreen(c) + 0.0722 * qBlue(c)) / 255.0; }

void sectionTitle(QPainter *painter, const plots::Figure &f, const QPointF &at, const QString &text)
{
    painter->setFont(f.font(1.0, true));
    painter->setPen(f.style().foreground);
    plots::drawText(painter, at, text, Qt::AlignLeft | Qt::AlignTop);
}

} // namespace

FeatureDashboardFigure::FeatureDashboardFigure(FeatureDashboardData data)
    : m_d(std::move(data))
{
}

plots::ColorScale FeatureDashboardFigure::colorScale() const
{
    double m = m_d.maxValue;
    for (const auto &e : m_d.top)
        for (const float a : e.activations)
            m = std::max(m, double(a));
    return plots::ColorScale::fit(0.0, std::max(m, 1e-6), false);
}

double FeatureDashboardFigure::exampleRows(QPainter *painter, const QRectF &area, Layout &L, bool paint) const
{
    const double s = plots::pointScale(painter);
    const plots::TextMetrics tm(font(0.9), painter->device());
    const plots::TextMetrics title(font(1.0, true), painter->device());
    const plots::ColorMap map = plots::ColorMap::byName(style().divergingMap).positiveHalf();
    const plots::ColorScale scale = colorScale();
    const double rowHeight = tm.height() + 2 * BoxPadY * s;
    const double captionWidth = tm.width(QStringLiteral("#20 000.00")) + 4 * s;
    double y = area.top();

    auto row = [&](const FeatureExampleRow &e, int band, int index) {
        if (y + rowHeight > area.bottom())
            return;
        if (paint) {
            painter->setFont(font(0.9));
            painter->setPen(style().foreground);
            plots::drawText(painter, QPointF(area.left(), y + rowHeight / 2), e.caption + QStringLiteral("  ") + number(e.value),
                            Qt::AlignLeft | Qt::AlignVCenter);
        }
        // The widest context around the example's token that fits, more before than after.
        const double x0 = area.left() + captionWidth, avail = area.right() - x0;
        const int n = int(e.tokens.size());
        auto width = [&](int i) {
            const plots::TokenText t = plots::tokenText(e.tokens[i]);
            return std::max(5 * s, tm.width(t.text) + 2 * BoxPadX * s) + (t.startsWord ? WordGap : SubwordGap) * s;
        };
        int a = std::clamp(e.focus, 0, std::max(0, n - 1)), b = std::min(n, a + 1);
        double used = n ? width(a) : 0;
        for (bool grew = true; grew;) {
            grew = false;
            if (a > 0 && e.focus - a < ContextBefore && used + width(a - 1) <= avail) {
                used += width(--a);
                grew = true;
            }
            if (b < n && b - e.focus <= ContextAfter && used + width(b) <= avail) {
                used += width(b++);
                grew = true;
            }
        }
        double x = x0;
        for (int i = a; i < b; ++i) {
            const plots::TokenText t = plots::tokenText(e.tokens[i]);
            if (i > a)
                x += (t.startsWord ? WordGap : SubwordGap) * s;
            const double w = std::max(5 * s, tm.width(t.text) + 2 * BoxPadX * s);
            const QRectF box(x, y, w, rowHeight);
            L.boxes.push_back(Box{band, index, i, -1, box});
            if (paint) {
                const QRgb c = map.rgb(scale.normalize(double(e.activations[std::size_t(i)])));
                painter->setPen(i == e.focus ? QPen(style().foreground, 1.0 * s) : Qt::NoPen);
                painter->setBrush(QColor::fromRgb(c));
                painter->drawRoundedRect(box, 1.6 * s, 1.6 * s);
                painter->setPen(luminance(c) < 0.5 ? QColor(Qt::white) : style().foreground);
                plots::drawText(painter, box.center(), t.text, Qt::AlignCenter);
            }
            x += w;
        }
        y += rowHeight + RowGap * s;
    };

    for (std::size_t i = 0; i < m_d.top.size(); ++i)
        row(m_d.top[i], -1, int(i));
    if (!m_d.bands.empty() && y + title.height() + rowHeight < area.bottom()) {
        y += SectionGap * s;
        if (paint)
            sectionTitle(painter, *this, QPointF(area.left(), y), QStringLiteral("Examples across the activation range"));
        y += title.height() + RowGap * s;
        for (std::size_t b = 0; b < m_d.bands.size(); ++b)
            for (std::size_t i = 0; i < m_d.bands[b].size(); ++i)
                row(m_d.bands[b][i], int(b), int(i));
    }
    return y;
}

FeatureDashboardFigure::Layout FeatureDashboardFigure::layout(QPainter *painter, const QRectF &rect) const
{
    const double s = plots::pointScale(painter);
    const plots::TextMetrics big(font(1.3, true), painter->device());
    const plots::TextMetrics small(font(0.9), painter->device());
    const plots::TextMetrics title(font(1.0, true), painter->device());
    Layout L;
    const QRectF inner = rect.adjusted(Pad * s, Pad * s, -Pad * s, -Pad * s);
    L.header = QRectF(inner.topLeft(), QSizeF(inner.width(), big.height() + 2 * small.height() + SectionGap * s));
    const double top = L.header.bottom() + SectionGap * s;
    const double leftWidth = (inner.width() - ColumnGap * s) * 0.6;
    const plots::ColorBar bar(plots::ColorMap::byName(style().divergingMap).positiveHalf(), colorScale(), QStringLiteral("activation"));
    const double barHeight = bar.horizontalHeight(painter, style(), std::min(leftWidth, 220 * s));
    L.examples = QRectF(inner.left(), top + title.height() + RowGap * s, leftWidth, inner.bottom() - barHeight - top - title.height() - RowGap * s);
    const double rx = inner.left() + leftWidth + ColumnGap * s, rw = inner.right() - rx;
    const double rh = inner.bottom() - top;
    L.histogram = QRectF(rx, top, rw, rh * 0.34);
    L.effects = QRectF(rx, L.histogram.bottom() + SectionGap * s, rw, rh * 0.40);
    L.neighbours = QRectF(rx, L.effects.bottom() + SectionGap * s, rw, inner.bottom() - L.effects.bottom() - SectionGap * s);
    // The colour bar sits under the last example row.
    const double used = m_d.top.empty() ? L.examples.top() + 3 * small.height() : exampleRows(painter, L.examples, L, false);
    L.bar = QRectF(inner.left(), std::min(used + SectionGap * s, inner.bottom() - barHeight), std::min(leftWidth, 220 * s), barHeight);
    const double lineHeight = small.height() + 2 * s;
    double y = L.neighbours.top() + title.height() + RowGap * s;
    for (const auto &n : m_d.neighbours) {
        if (y + lineHeight > L.neighbours.bottom())
            break;
        L.boxes.push_back(Box{-1, -1, -1, n.feature, QRectF(L.neighbours.left(), y, L.neighbours.width(), lineHeight)});
        y += lineHeight;
    }
    return L;
}

void FeatureDashboardFigure::paintRight(QPainter *painter, const Layout &L) const
{
    const double s = plots::pointScale(painter);
    if (!m_d.histCounts.empty()) {
        plots::HistogramFigure h(plots::Histogram{m_d.histEdges, m_d.histCounts});
        h.setStyle(style());
        h.setTitle(QStringLiteral("Activation histogram"));
        h.setXTitle(QStringLiteral("log10 activation"));
        h.setYTitle(QStringLiteral("tokens"));
        h.setLogCounts(true);
        h.render(painter, L.histogram);
    } else {
        sectionTitle(painter, *this, L.histogram.topLeft(), QStringLiteral("Activation histogram"));
    }
    if (!m_d.positive.empty() || !m_d.negative.empty()) {
        plots::BarFigure bars;
        bars.setStyle(style());
        QStringList categories;
        plots::BarSeries series;
        series.name = QStringLiteral("logit effect");
        std::vector<QColor> colors;
        const auto add = [&](const std::vector<FeatureDashboardData::Effect> &v, const QColor &c) {
            for (std::size_t i = 0; i < v.size() && int(i) < EffectsShown; ++i) {
                categories << plots::tokenText(v[i].token).text;
                series.values.push_back(v[i].value);
                colors.push_back(c);
            }
        };
        add(m_d.positive, QColor(0x2166AC));
        add(m_d.negative, QColor(0xB2182B));
        bars.setCategories(categories);
        bars.addSeries(series);
        bars.setBarColors(colors);
        bars.setHorizontal(true);
        bars.setTitle(QStringLiteral("Top logit effects"));
        bars.setValueTitle(QStringLiteral("logit effect (normalised residual units)"));
        bars.setLegend(plots::LegendPosition::None);
        bars.render(painter, L.effects);
    } else {
        sectionTitle(painter, *this, L.effects.topLeft(), QStringLiteral("Top logit effects"));
        painter->setFont(font(0.9));
        painter->setPen(QColor(0x66, 0x66, 0x66));
        painter->drawText(L.effects.adjusted(0, plots::TextMetrics(font(1.0, true), painter->device()).height() + 4 * s, 0, 0),
                          Qt::TextWordWrap, m_d.effectsNote);
    }
    sectionTitle(painter, *this, L.neighbours.topLeft(), QStringLiteral("Nearest features (decoder cosine)"));
    painter->setFont(font(0.9));
    const plots::TextMetrics tm(font(0.9), painter->device());
    for (const Box &b : L.boxes) {
        if (b.neighbour < 0)
            continue;
        const auto it = std::find_if(m_d.neighbours.begin(), m_d.neighbours.end(), [&](const auto &n) { return n.feature == b.neighbour; });
        painter->setPen(QColor(0x2166AC));
        plots::drawText(painter, QPointF(b.rect.left(), b.rect.center().y()), QStringLiteral("#%1").arg(it->feature),
                        Qt::AlignLeft | Qt::AlignVCenter);
        painter->setPen(style().foreground);
        const double x = b.rect.left() + tm.width(QStringLiteral("#000000")) + 4 * s;
        plots::drawText(painter, QPointF(x, b.rect.center().y()), QLocale::c().toString(it->cosine, 'f', 3), Qt::AlignLeft | Qt::AlignVCenter);
        if (!it->label.isEmpty()) {
            const double lx = x + tm.width(QStringLiteral("-0.000")) + 6 * s;
            plots::drawText(painter, QPointF(lx, b.rect.center().y()), tm.elide(it->label, b.rect.right() - lx), Qt::AlignLeft | Qt::AlignVCenter);
        }
    }
}

void FeatureDashboardFigure::render(QPainter *painter, const QRectF &rect) const
{
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, true);
    plots::fillBackground(painter, style(), rect);
    Layout L = layout(painter, rect);
    const double s = plots::pointScale(painter);

    painter->setFont(font(1.3, true));
    painter->setPen(style().foreground);
    QString head = QStringLiteral("Feature %1").arg(m_d.feature);
    if (!m_d.label.isEmpty())
        head += QStringLiteral("  \u00B7  ") + m_d.label;
    const plots::TextMetrics big(font(1.3, true), painter->device()), small(font(0.9), painter->device());
    plots::drawText(painter, L.header.topLeft(), big.elide(head, L.header.width()), Qt::AlignLeft | Qt::AlignTop);
    painter->setFont(font(0.9));
    painter->setPen(QColor(0x55, 0x55, 0x55));
    const QString stats = m_d.tokens
                              ? QStringLiteral("fires on %1 % of tokens (%2 of %3)  \u00B7  max %4  \u00B7  mean when active %5")
                                    .arg(QLocale::c().toString(100 * m_d.density(), 'g', 3))
                                    .arg(count(m_d.count))
                                    .arg(count(m_d.tokens))
                                    .arg(number(m_d.maxValue))
                                    .arg(number(m_d.meanActive))
                              : m_d.note;
    plots::drawText(painter, QPointF(L.header.left(), L.header.top() + big.height() + 2 * s), stats, Qt::AlignLeft | Qt::AlignTop);
    plots::drawText(painter, QPointF(L.header.left(), L.header.top() + big.height() + small.height() + 4 * s),
                    small.elide(m_d.subtitle, L.header.width()), Qt::AlignLeft | Qt::AlignTop);

    sectionTitle(painter, *this, QPointF(L.examples.left(), L.examples.top() - plots::TextMetrics(font(1.0, true), painter->device()).height() - RowGap * s),
                 QStringLiteral("Top activating examples"));
    if (m_d.top.empty()) {
        painter->setFont(font(0.9));
        painter->setPen(QColor(0x66, 0x66, 0x66));
        painter->drawText(L.examples, Qt::TextWordWrap, m_d.note);
    } else {
        Layout scratch;
        exampleRows(painter, L.examples, scratch, true);
    }
    plots::ColorBar(plots::ColorMap::byName(style().divergingMap).positiveHalf(), colorScale(), QStringLiteral("activation"))
        .paintHorizontal(painter, style(), L.bar);
    paintRight(painter, L);
    painter->restore();
}

std::optional<FeatureDashboardFigure::Box> FeatureDashboardFigure::hitTest(QPaintDevice *device, const QRectF &rect,
                                                                           const QPointF &point) const
{
    plots::Measurer m(device);
    for (const Box &b : layout(&m.painter, rect).boxes)
        if (b.rect.contains(point))
            return b;
    return std::nullopt;
}

QString FeatureDashboardFigure::describe(const Box &b) const
{
    if (b.neighbour >= 0)
        return QStringLiteral("feature %1: click to open").arg(b.neighbour);
    const FeatureExampleRow &e = b.band < 0 ? m_d.top[std::size_t(b.example)] : m_d.bands[std::size_t(b.band)][std::size_t(b.example)];
    return QStringLiteral("%1 (position %2): %3").arg(plots::tokenText(e.tokens[b.token]).text).arg(b.token).arg(number(e.activations[std::size_t(b.token)]));
}

QString FeatureDashboardFigure::dataCsv() const
{
    using plots::data::csvNumber;
    using plots::data::csvRow;
    QString csv = csvRow({QStringLiteral("section"), QStringLiteral("example"), QStringLiteral("position"), QStringLiteral("token"),
                          QStringLiteral("value")});
    auto examples = [&](const QString &section, const std::vector<FeatureExampleRow> &rows) {
        for (std::size_t i = 0; i < rows.size(); ++i)
            for (int t = 0; t < rows[i].tokens.size(); ++t)
                csv += csvRow({section, QString::number(i), QString::number(t), rows[i].tokens[t], csvNumber(rows[i].activations[std::size_t(t)])});
    };
    examples(QStringLiteral("top"), m_d.top);
    for (std::size_t b = 0; b < m_d.bands.size(); ++b)
        examples(QStringLiteral("band %1").arg(b), m_d.bands[b]);
    for (std::size_t i = 0; i < m_d.histCounts.size(); ++i)
        csv += csvRow({QStringLiteral("histogram"), QString(), csvNumber(m_d.histEdges[i]), csvNumber(m_d.histEdges[i + 1]), csvNumber(m_d.histCounts[i])});
    for (const auto &e : m_d.positive)
        csv += csvRow({QStringLiteral("logit+"), QString(), QString(), e.token, csvNumber(e.value)});
    for (const auto &e : m_d.negative)
        csv += csvRow({QStringLiteral("logit-"), QString(), QString(), e.token, csvNumber(e.value)});
    for (const auto &n : m_d.neighbours)
        csv += csvRow({QStringLiteral("neighbour"), QString::number(n.feature), QString(), n.label, csvNumber(n.cosine)});
    return csv;
}

QByteArray FeatureDashboardFigure::dataJson() const
{
    using namespace plots::data;
    auto rows = [](const std::vector<FeatureExampleRow> &v) {
        Json a = Json::array();
        for (const auto &e : v)
            a.push(Json::object()
                       .set("caption", str(e.caption))
                       .set("focus", e.focus)
                       .set("value", double(e.value))
                       .set("tokens", strings(e.tokens))
                       .set("activations", doubles(std::vector<double>(e.activations.begin(), e.activations.end()))));
        return a;
    };
    auto effects = [](const std::vector<FeatureDashboardData::Effect> &v) {
        Json a = Json::array();
        for (const auto &e : v)
            a.push(Json::object().set("token", str(e.token)).set("value", e.value));
        return a;
    };
    Json bands = Json::array();
    for (const auto &b : m_d.bands)
        bands.push(rows(b));
    Json neighbours = Json::array();
    for (const auto &n : m_d.neighbours)
        neighbours.push(Json::object().set("feature", n.feature).set("cosine", n.cosine).set("label", str(n.label)));
    Json j = Json::object();
    j.set("kind", kind().toStdString())
        .set("feature", m_d.feature)
        .set("label", str(m_d.label))
        .set("subtitle", str(m_d.subtitle))
        .set("count", std::int64_t(m_d.count))
        .set("tokens", std::int64_t(m_d.tokens))
        .set("max", m_d.maxValue)
        .set("mean_active", m_d.meanActive)
        .set("top", rows(m_d.top))
        .set("bands", bands)
        .set("histogram_log10_edges", doubles(m_d.histEdges))
        .set("histogram_counts", doubles(m_d.histCounts))
        .set("logit_positive", effects(m_d.positive))
        .set("logit_negative", effects(m_d.negative))
        .set("neighbours", neighbours);
    return dump(j);
}

// ---- FeatureDashboardView ---------------------------------------------------------------------

FeatureDashboardView::FeatureDashboardView(QWidget *parent)
    : FigureView(parent)
{
    setMouseTracking(true);
}

void FeatureDashboardView::setDashboard(std::shared_ptr<FeatureDashboardFigure> figure)
{
    m_dashboard = figure;
    setExportName(figure ? QStringLiteral("feature-%1").arg(figure->data().feature) : QStringLiteral("feature"));
    setFigure(std::move(figure));
}

void FeatureDashboardView::mouseMoveEvent(QMouseEvent *event)
{
    if (!m_dashboard)
        return;
    const auto box = m_dashboard->hitTest(this, QRectF(rect()), event->position());
    if (box)
        QToolTip::showText(event->globalPosition().toPoint(), m_dashboard->describe(*box), this);
    else
        QToolTip::hideText();
    setCursor(box && box->neighbour >= 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
}

void FeatureDashboardView::mousePressEvent(QMouseEvent *event)
{
    if (!m_dashboard || event->button() != Qt::LeftButton)
        return FigureView::mousePressEvent(event);
    if (const auto box = m_dashboard->hitTest(this, QRectF(rect()), event->position()); box && box->neighbour >= 0)
        Q_EMIT featureClicked(box->neighbour);
}

} // namespace gb
