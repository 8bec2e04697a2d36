// SPDX-License-Identifier: MIT
#include "featuredashboardfigure.h"

#include "barfigure.h"
#include "colorbar.h"
#include "figuredata.h"
#include "histogramfigure.h"
#include "plotframe.h"
#include "text.h"
#include "tokenstripfigure.h"

#include "common/error.h"

#include <QLocale>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace gb::plots {


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

void sectionTitle(QPainter *painter, const Figure &f, const QPointF &at, double width, const QString &text)
{
    painter->setFont(f.font(1.0, true));
    painter->setPen(f.style().foreground);
    drawText(painter, at, TextMetrics(f.font(1.0, true), painter->device()).elide(text, width), Qt::AlignLeft | Qt::AlignTop);
}

/// Below this inner width (points) the sections stack in one column.
constexpr double NarrowWidth = 420.0;

} // namespace

FeatureDashboardFigure::FeatureDashboardFigure(FeatureDashboardData data)
    : m_d(std::move(data))
{
}

double FeatureDashboardFigure::heightForWidth(double widthPt) const
{
    return widthPt - 2 * Pad < NarrowWidth ? widthPt * 1.6 : Figure::heightForWidth(widthPt);
}

ColorScale FeatureDashboardFigure::colorScale() const
{
    double m = m_d.maxValue;
    for (const auto &e : m_d.top)
        for (const float a : e.activations)
            m = std::max(m, double(a));
    return ColorScale::fit(0.0, std::max(m, 1e-6), false);
}

double FeatureDashboardFigure::exampleRows(QPainter *painter, const QRectF &area, Layout &L, bool paint) const
{
    const double s = pointScale(painter);
    const TextMetrics tm(font(0.9), painter->device());
    const TextMetrics title(font(1.0, true), painter->device());
    const ColorMap map = ColorMap::byName(style().divergingMap).positiveHalf();
    const ColorScale scale = colorScale();
    const double rowHeight = tm.height() + 2 * BoxPadY * s;
    const double captionWidth = tm.width(QStringLiteral("#20 000.00")) + 4 * s;
    double y = area.top();

    auto row = [&](const FeatureExampleRow &e, int band, int index) {
        if (y + rowHeight > area.bottom())
            return;
        if (paint) {
            painter->setFont(font(0.9));
            painter->setPen(style().foreground);
            drawText(painter, QPointF(area.left(), y + rowHeight / 2), e.caption + QStringLiteral("  ") + number(e.value),
                            Qt::AlignLeft | Qt::AlignVCenter);
        }
        // The widest context around the example's token that fits, more before than after.
        const double x0 = area.left() + captionWidth, avail = area.right() - x0;
        const int n = int(e.tokens.size());
        auto width = [&](int i) {
            const TokenText t = tokenText(e.tokens[i]);
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
            const TokenText t = tokenText(e.tokens[i]);
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
                drawText(painter, box.center(), t.text, Qt::AlignCenter);
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
            sectionTitle(painter, *this, QPointF(area.left(), y), area.width(), QStringLiteral("Examples across the activation range"));
        y += title.height() + RowGap * s;
        for (std::size_t b = 0; b < m_d.bands.size(); ++b)
            for (std::size_t i = 0; i < m_d.bands[b].size(); ++i)
                row(m_d.bands[b][i], int(b), int(i));
    }
    return y;
}

FeatureDashboardFigure::Layout FeatureDashboardFigure::layout(QPainter *painter, const QRectF &rect) const
{
    const double s = pointScale(painter);
    const TextMetrics big(font(1.3, true), painter->device());
    const TextMetrics small(font(0.9), painter->device());
    const TextMetrics title(font(1.0, true), painter->device());
    Layout L;
    const QRectF inner = rect.adjusted(Pad * s, Pad * s, -Pad * s, -Pad * s);
    L.header = QRectF(inner.topLeft(), QSizeF(inner.width(), big.height() + 2 * small.height() + SectionGap * s));
    const double top = L.header.bottom() + SectionGap * s;
    // Wide: examples left, histogram / effects / neighbours in a column right. Narrow (a
    // single-column paper figure): examples on top, histogram and effects side by side under
    // them, neighbours last.
    const bool narrow = inner.width() < NarrowWidth * s;
    const double leftWidth = narrow ? inner.width() : (inner.width() - ColumnGap * s) * 0.6;
    const ColorBar bar(ColorMap::byName(style().divergingMap).positiveHalf(), colorScale(), QStringLiteral("activation"));
    // The bar's end labels are centred on its ends: inset it by half a label.
    const double barInset = small.width(QStringLiteral("00.0")) / 2;
    const double barWidth = std::max(1.0, std::min(leftWidth - 2 * barInset, 220 * s));
    const double barHeight = bar.horizontalHeight(painter, style(), barWidth);
    const double rest = inner.bottom() - top;
    const double examplesBottom = narrow ? top + rest * 0.5 : inner.bottom();
    L.examples = QRectF(inner.left(), top + title.height() + RowGap * s, leftWidth,
                        std::max(0.0, examplesBottom - barHeight - top - title.height() - RowGap * s));
    if (narrow) {
        const double y0 = examplesBottom + SectionGap * s, h = (inner.bottom() - y0) * 0.62;
        const double w = (inner.width() - ColumnGap * s) / 2;
        L.histogram = QRectF(inner.left(), y0, w, h);
        L.effects = QRectF(inner.left() + w + ColumnGap * s, y0, w, h);
        L.neighbours = QRectF(inner.left(), y0 + h + SectionGap * s, inner.width(), inner.bottom() - y0 - h - SectionGap * s);
    } else {
        const double rx = inner.left() + leftWidth + ColumnGap * s, rw = inner.right() - rx;
        L.histogram = QRectF(rx, top, rw, rest * 0.34);
        L.effects = QRectF(rx, L.histogram.bottom() + SectionGap * s, rw, rest * 0.40);
        L.neighbours = QRectF(rx, L.effects.bottom() + SectionGap * s, rw, inner.bottom() - L.effects.bottom() - SectionGap * s);
    }
    // The colour bar sits under the last example row.
    const double used = m_d.top.empty() ? L.examples.top() + 3 * small.height() : exampleRows(painter, L.examples, L, false);
    L.bar = QRectF(inner.left() + barInset, std::min(used + SectionGap * s, examplesBottom - barHeight), barWidth, barHeight);
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
    const double s = pointScale(painter);
    if (!m_d.histCounts.empty()) {
        HistogramFigure h(Histogram{m_d.histEdges, m_d.histCounts});
        h.setStyle(style());
        h.setTitle(QStringLiteral("Activation histogram"));
        h.setXTitle(QStringLiteral("log10 activation"));
        h.setYTitle(QStringLiteral("tokens"));
        h.setLogCounts(true);
        h.render(painter, L.histogram);
    } else {
        sectionTitle(painter, *this, L.histogram.topLeft(), L.histogram.width(), QStringLiteral("Activation histogram"));
    }
    if (!m_d.positive.empty() || !m_d.negative.empty()) {
        BarFigure bars;
        bars.setStyle(style());
        QStringList categories;
        BarSeries series;
        series.name = QStringLiteral("logit effect");
        std::vector<QColor> colors;
        const auto add = [&](const std::vector<FeatureDashboardData::Effect> &v, const QColor &c) {
            for (std::size_t i = 0; i < v.size() && int(i) < EffectsShown; ++i) {
                categories << tokenText(v[i].token).text;
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
        bars.setLegend(LegendPosition::None);
        bars.render(painter, L.effects);
    } else {
        sectionTitle(painter, *this, L.effects.topLeft(), L.effects.width(), QStringLiteral("Top logit effects"));
        painter->setFont(font(0.9));
        painter->setPen(QColor(0x66, 0x66, 0x66));
        painter->drawText(L.effects.adjusted(0, TextMetrics(font(1.0, true), painter->device()).height() + 4 * s, 0, 0),
                          Qt::TextWordWrap, m_d.effectsNote);
    }
    sectionTitle(painter, *this, L.neighbours.topLeft(), L.neighbours.width(), QStringLiteral("Nearest features (decoder cosine)"));
    painter->setFont(font(0.9));
    const TextMetrics tm(font(0.9), painter->device());
    for (const Box &b : L.boxes) {
        if (b.neighbour < 0)
            continue;
        const auto it = std::find_if(m_d.neighbours.begin(), m_d.neighbours.end(), [&](const auto &n) { return n.feature == b.neighbour; });
        painter->setPen(QColor(0x2166AC));
        drawText(painter, QPointF(b.rect.left(), b.rect.center().y()), QStringLiteral("#%1").arg(it->feature),
                        Qt::AlignLeft | Qt::AlignVCenter);
        painter->setPen(style().foreground);
        const double x = b.rect.left() + tm.width(QStringLiteral("#000000")) + 4 * s;
        drawText(painter, QPointF(x, b.rect.center().y()), QLocale::c().toString(it->cosine, 'f', 3), Qt::AlignLeft | Qt::AlignVCenter);
        if (!it->label.isEmpty()) {
            const double lx = x + tm.width(QStringLiteral("-0.000")) + 6 * s;
            drawText(painter, QPointF(lx, b.rect.center().y()), tm.elide(it->label, b.rect.right() - lx), Qt::AlignLeft | Qt::AlignVCenter);
        }
    }
}

void FeatureDashboardFigure::render(QPainter *painter, const QRectF &rect) const
{
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, true);
    fillBackground(painter, style(), rect);
    Layout L = layout(painter, rect);
    const double s = pointScale(painter);

    painter->setFont(font(1.3, true));
    painter->setPen(style().foreground);
    QString head = QStringLiteral("Feature %1").arg(m_d.feature);
    if (!m_d.label.isEmpty())
        head += QStringLiteral("  \u00B7  ") + m_d.label;
    const TextMetrics big(font(1.3, true), painter->device()), small(font(0.9), painter->device());
    drawText(painter, L.header.topLeft(), big.elide(head, L.header.width()), Qt::AlignLeft | Qt::AlignTop);
    painter->setFont(font(0.9));
    painter->setPen(QColor(0x55, 0x55, 0x55));
    const QString stats = m_d.tokens
                              ? QStringLiteral("fires on %1 % of tokens (%2 of %3)  \u00B7  max %4  \u00B7  mean when active %5")
                                    .arg(QLocale::c().toString(100 * m_d.density(), 'g', 3))
                                    .arg(count(m_d.count))
                                    .arg(count(m_d.tokens))
                                    .arg(number(m_d.maxValue))
                                    .arg(number(m_d.meanActive))
                              : QStringLiteral("no corpus statistics yet");
    drawText(painter, QPointF(L.header.left(), L.header.top() + big.height() + 2 * s), small.elide(stats, L.header.width()),
             Qt::AlignLeft | Qt::AlignTop);
    drawText(painter, QPointF(L.header.left(), L.header.top() + big.height() + small.height() + 4 * s),
                    small.elide(m_d.subtitle, L.header.width()), Qt::AlignLeft | Qt::AlignTop);

    sectionTitle(painter, *this, QPointF(L.examples.left(), L.examples.top() - TextMetrics(font(1.0, true), painter->device()).height() - RowGap * s),
                 L.examples.width(), QStringLiteral("Top activating examples"));
    if (m_d.top.empty()) {
        painter->setFont(font(0.9));
        painter->setPen(QColor(0x66, 0x66, 0x66));
        painter->drawText(L.examples, Qt::TextWordWrap, m_d.note);
    } else {
        Layout scratch;
        exampleRows(painter, L.examples, scratch, true);
    }
    // Without examples there is nothing coloured for the bar to explain.
    if (!m_d.top.empty())
        ColorBar(ColorMap::byName(style().divergingMap).positiveHalf(), colorScale(), QStringLiteral("activation"))
            .paintHorizontal(painter, style(), L.bar);
    paintRight(painter, L);
    painter->restore();
}

std::optional<FeatureDashboardFigure::Box> FeatureDashboardFigure::hitTest(QPaintDevice *device, const QRectF &rect,
                                                                           const QPointF &point) const
{
    Measurer m(device);
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
    return QStringLiteral("%1 (position %2): %3").arg(tokenText(e.tokens[b.token]).text).arg(b.token).arg(number(e.activations[std::size_t(b.token)]));
}

QString FeatureDashboardFigure::dataCsv() const
{
    using data::csvNumber;
    using data::csvRow;
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
    using namespace data;
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
    j.set("kind", Kind)
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
        .set("neighbours", neighbours)
        .set("effects_note", str(m_d.effectsNote))
        .set("note", str(m_d.note));
    return dump(j);
}

namespace {

std::vector<FeatureExampleRow> examplesFromJson(const Json *j, const std::string &what)
{
    using namespace data;
    std::vector<FeatureExampleRow> out;
    if (!j || j->isNull())
        return out;
    for (const Json &e : j->toArray(what)) {
        FeatureExampleRow row;
        row.caption = toStr(e, "caption");
        row.tokens = toStrings(e.find("tokens"), what + " tokens");
        for (const double a : toDoubles(e.find("activations"), what + " activations"))
            row.activations.push_back(float(a));
        if (row.activations.size() != std::size_t(row.tokens.size()))
            throw Error::badInput(what + " example \"" + row.caption.toStdString() + "\" has " + std::to_string(row.tokens.size())
                                  + " tokens but " + std::to_string(row.activations.size()) + " activations");
        const Json *focus = e.find("focus");
        row.focus = focus ? int(focus->toInt(what + " focus")) : 0;
        if (!row.tokens.isEmpty() && (row.focus < 0 || row.focus >= row.tokens.size()))
            throw Error::badInput(what + " example \"" + row.caption.toStdString() + "\": focus " + std::to_string(row.focus)
                                  + " is outside its " + std::to_string(row.tokens.size()) + " tokens");
        row.value = float(toNum(e, "value", 0.0));
        out.push_back(std::move(row));
    }
    return out;
}

std::vector<FeatureDashboardData::Effect> effectsFromJson(const Json *j, const std::string &what)
{
    std::vector<FeatureDashboardData::Effect> out;
    if (j && !j->isNull())
        for (const Json &e : j->toArray(what))
            out.push_back({data::toStr(e, "token"), e.find("value") ? e.find("value")->toDouble(what + " value") : 0.0});
    return out;
}

} // namespace

std::unique_ptr<Figure> FeatureDashboardFigure::fromJson(const Json &json)
{
    using namespace data;
    checkKind(json, QString::fromLatin1(Kind));
    FeatureDashboardData d;
    const Json *feature = json.find("feature");
    d.feature = feature ? feature->toInt("feature") : -1;
    d.label = toStr(json, "label");
    d.subtitle = toStr(json, "subtitle");
    const Json *count = json.find("count"), *tokens = json.find("tokens");
    const std::int64_t firings = count ? count->toInt("count") : 0, counted = tokens ? tokens->toInt("tokens") : 0;
    if (firings < 0 || counted < 0)
        throw Error::badInput("\"count\" and \"tokens\" must not be negative");
    d.count = std::uint64_t(firings);
    d.tokens = std::uint64_t(counted);
    d.maxValue = toNum(json, "max", 0.0);
    d.meanActive = toNum(json, "mean_active", 0.0);
    d.top = examplesFromJson(json.find("top"), "top");
    if (const Json *bands = json.find("bands"); bands && !bands->isNull())
        for (const Json &b : bands->toArray("bands"))
            d.bands.push_back(examplesFromJson(&b, "bands"));
    d.histEdges = toDoubles(json.find("histogram_log10_edges"), "histogram_log10_edges");
    d.histCounts = toDoubles(json.find("histogram_counts"), "histogram_counts");
    if (!d.histCounts.empty() && d.histEdges.size() != d.histCounts.size() + 1)
        throw Error::badInput("the histogram needs one more edge than counts, got " + std::to_string(d.histEdges.size()) + " edges and "
                              + std::to_string(d.histCounts.size()) + " counts");
    d.positive = effectsFromJson(json.find("logit_positive"), "logit_positive");
    d.negative = effectsFromJson(json.find("logit_negative"), "logit_negative");
    if (const Json *n = json.find("neighbours"); n && !n->isNull())
        for (const Json &e : n->toArray("neighbours")) {
            const Json *id = e.find("feature");
            if (!id)
                throw Error::badInput("a neighbour needs its \"feature\"");
            d.neighbours.push_back({id->toInt("neighbour feature"), toNum(e, "cosine", 0.0), toStr(e, "label")});
        }
    d.effectsNote = toStr(json, "effects_note");
    d.note = toStr(json, "note");
    return std::make_unique<FeatureDashboardFigure>(std::move(d));
}

std::unique_ptr<Figure> FeatureDashboardFigure::example()
{
    // A "closing parenthesis" feature of a scan: sharp top examples, a few quantile bands, a
    // log-normal-looking histogram, logit effects and decoder neighbours.
    FeatureDashboardData d;
    d.feature = 4711;
    d.label = QStringLiteral("closing parentheses");
    d.subtitle = QStringLiteral("jumprelu SAE (24,576 features) at blocks.6.hook_resid_post \u00B7 scan run 3, 480,000 tokens");
    d.count = 1234;
    d.tokens = 480000;
    d.maxValue = 9.5;
    d.meanActive = 3.1;
    const QStringList text = {QStringLiteral(" the"), QStringLiteral(" function"), QStringLiteral(" f"), QStringLiteral("(x"),
                              QStringLiteral(")"), QStringLiteral(" returns"), QStringLiteral(" ("), QStringLiteral("a"),
                              QStringLiteral(" +"), QStringLiteral(" b"), QStringLiteral(")"), QStringLiteral(" *"),
                              QStringLiteral(" 2"), QStringLiteral("."), QStringLiteral("\n")};
    for (int i = 0; i < 8; ++i) {
        FeatureExampleRow e;
        e.tokens = text;
        e.activations.assign(std::size_t(text.size()), 0.0f);
        e.focus = i % 2 ? 10 : 4;
        e.activations[std::size_t(e.focus)] = float(9.5 - i * 0.9);
        e.activations[std::size_t(e.focus - 1)] = 0.8f;
        e.value = e.activations[std::size_t(e.focus)];
        e.caption = QStringLiteral("#%1").arg(i + 1);
        d.top.push_back(e);
    }
    for (int b = 0; b < 3; ++b) {
        FeatureExampleRow e = d.top[std::size_t(7 - b)];
        e.caption = QStringLiteral("q%1").arg(b + 1);
        d.bands.push_back({e});
    }
    for (int i = 0; i <= 20; ++i)
        d.histEdges.push_back(-1.0 + i * 0.1);
    for (int i = 0; i < 20; ++i)
        d.histCounts.push_back(std::round(400 * std::exp(-0.5 * (i - 8) * (i - 8) / 9.0)));
    d.positive = {{QStringLiteral(";"), 1.9}, {QStringLiteral(")."), 1.6}, {QStringLiteral(","), 1.2}, {QStringLiteral(" and"), 0.9}};
    d.negative = {{QStringLiteral("("), -1.7}, {QStringLiteral(" the"), -1.1}, {QStringLiteral(" of"), -0.8}};
    d.neighbours = {{812, 0.71, QStringLiteral("closing brackets")}, {90, 0.52, QString()}, {23001, 0.44, QStringLiteral("end of call")}};
    return std::make_unique<FeatureDashboardFigure>(std::move(d));
}

} // namespace gb::plots
