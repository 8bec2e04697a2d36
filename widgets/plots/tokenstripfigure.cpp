// SPDX-License-Identifier: MIT
#include "tokenstripfigure.h"

#include "colorbar.h"
#include "figuredata.h"
#include "plotframe.h"
#include "text.h"

#include "attribution/ranking.h"
#include "common/error.h"

#include <QImage>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace gb::plots {

namespace {
// All in points.
constexpr double OuterPad = 4.0;
constexpr double TitleGap = 6.0;
constexpr double PadX = 2.2;      // inside a box, left and right of the text
constexpr double PadY = 1.6;      // inside a box, above and below the text
constexpr double WordGap = 3.6;   // between words
constexpr double SubwordGap = 0.7; // between the pieces of one word: they read as one word
constexpr double LineGap = 3.0;
constexpr double RowGap = 9.0;
constexpr double LabelGap = 10.0; // between the label column and the tokens
constexpr double MinBox = 5.0;
constexpr double Radius = 1.8;
constexpr double MaxBarWidth = 220.0;
constexpr double DetailScale = 0.85;

double luminance(const QColor &c)
{
    return 0.2126 * c.redF() + 0.7152 * c.greenF() + 0.0722 * c.blueF();
}

} // namespace

TokenText tokenText(const QString &token)
{
    TokenText t;
    if (token.isEmpty()) {
        t.text = QStringLiteral("\u2205");
        return t;
    }
    t.startsWord = token.front().isSpace();
    t.breaksLine = token.contains(QLatin1Char('\n'));
    const bool blank = token.trimmed().isEmpty() && !t.breaksLine;
    QString s = blank ? token : token.mid(t.startsWord && token.front() == QLatin1Char(' ') ? 1 : 0);
    if (blank)
        s = QString(std::max<qsizetype>(1, token.size()), QChar(0x00B7));
    s.replace(QLatin1Char('\n'), QChar(0x21B5)).replace(QLatin1Char('\t'), QChar(0x21E5)).replace(QLatin1Char('\r'), QString());
    t.text = s.isEmpty() ? QString(QChar(0x00B7)) : s;
    return t;
}

TokenStripFigure::TokenStripFigure(QStringList tokens, std::vector<TokenStripRow> rows)
    : m_tokens(std::move(tokens))
    , m_rows(std::move(rows))
{
    if (m_rows.empty())
        throw Error::badInput("token strip needs at least one row of scores");
    for (const TokenStripRow &r : m_rows) {
        if (r.scores.size() != std::size_t(m_tokens.size()))
            throw Error::badInput("token strip row \"" + r.label.toStdString() + "\" has "
                                  + std::to_string(r.scores.size()) + " scores for "
                                  + std::to_string(m_tokens.size()) + " tokens");
        double m = 0.0;
        for (double v : r.scores)
            if (std::isfinite(v))
                m = std::max(m, std::fabs(v));
        m_rowMax.push_back(m);
        m_ranks.push_back(attributionRanks(r.scores));
    }
}

ColorMap TokenStripFigure::colorMap() const
{
    return ColorMap::byName(style().divergingMap);
}

ColorScale TokenStripFigure::colorScale() const
{
    if (m_mode == ScaleMode::PerRow)
        return ColorScale::fit(-1.0, 1.0, true);
    const double m = *std::max_element(m_rowMax.begin(), m_rowMax.end());
    return ColorScale::fit(-m, m, true);
}

double TokenStripFigure::colorValue(int row, int token) const
{
    const double v = m_rows[std::size_t(row)].scores[std::size_t(token)];
    if (m_mode == ScaleMode::Shared)
        return v;
    const double m = m_rowMax[std::size_t(row)];
    return m > 0 ? v / m : 0.0;
}

QColor TokenStripFigure::tokenColor(int row, int token) const
{
    return colorMap().color(colorScale().normalize(colorValue(row, token)));
}

QString TokenStripFigure::describe(int row, int token) const
{
    QString shown = m_tokens[token];
    shown.replace(QLatin1Char('\n'), QStringLiteral("\\n")).replace(QLatin1Char('\t'), QStringLiteral("\\t"));
    const TokenStripRow &r = m_rows[std::size_t(row)];
    QString s = QStringLiteral("\u2018%1\u2019  (token %2)\nscore %3 \u00B7 rank %4 of %5")
                    .arg(shown)
                    .arg(token)
                    .arg(QString::number(r.scores[std::size_t(token)], 'g', 4))
                    .arg(m_ranks[std::size_t(row)][std::size_t(token)])
                    .arg(m_tokens.size());
    if (m_mode == ScaleMode::PerRow)
        s += QStringLiteral(" \u00B7 %1% of row max").arg(QString::number(100.0 * colorValue(row, token), 'f', 0));
    if (!r.label.isEmpty())
        s.prepend(r.label + QLatin1Char('\n'));
    return s;
}

double TokenStripFigure::labelColumnWidth(QPainter *painter, double width) const
{
    double w = 0.0;
    const TextMetrics bold(font(1.0, true), painter->device()), small(font(DetailScale), painter->device());
    for (const TokenStripRow &r : m_rows)
        w = std::max({w, bold.width(r.label), small.width(r.detail)});
    if (w <= 0.0)
        return 0.0;
    w += LabelGap * pointScale(painter);
    // Too wide for a column beside the tokens: the labels go above them (0 = stacked).
    return w <= 0.3 * width ? w : 0.0;
}

TokenStripFigure::Layout TokenStripFigure::layout(QPainter *painter, const QRectF &rect) const
{
    const double pt = pointScale(painter);
    const QRectF area = rect.adjusted(OuterPad * pt, OuterPad * pt, -OuterPad * pt, -OuterPad * pt);
    const TextMetrics tm(font(), painter->device());
    Layout L;
    double y = area.top();
    if (!m_title.isEmpty())
        y += TextMetrics(font(1.1, true), painter->device()).height() + TitleGap * pt;
    const double labelWidth = labelColumnWidth(painter, area.width());
    const bool hasLabels = std::any_of(m_rows.begin(), m_rows.end(),
                                       [](const TokenStripRow &r) { return !r.label.isEmpty() || !r.detail.isEmpty(); });
    const bool stacked = hasLabels && labelWidth <= 0.0;
    const double x0 = area.left() + labelWidth, x1 = std::max(x0 + 10 * pt, area.right());
    const double boxHeight = tm.height() + 2 * PadY * pt, lineStep = boxHeight + LineGap * pt;
    const double labelHeight = hasLabels ? TextMetrics(font(1.0, true), painter->device()).height()
            + TextMetrics(font(DetailScale), painter->device()).height() + 2 * PadY * pt
                                         : 0.0;

    for (int r = 0; r < int(m_rows.size()); ++r) {
        const double top = y;
        double x = x0, lineTop = stacked ? y + labelHeight : y;
        bool newLine = true;
        auto place = [&](const TokenText &t, int token) {
            const double w = std::min(std::max(tm.width(t.text) + 2 * PadX * pt, MinBox * pt), x1 - x0);
            // The target sits after an arrow drawn in its gap.
            const double wordGap = token < 0 ? WordGap + tm.width(QStringLiteral("\u2192")) / pt + WordGap : WordGap;
            double gap = newLine ? 0.0 : (t.startsWord ? wordGap : SubwordGap) * pt;
            if (!newLine && x + gap + w > x1) {
                lineTop += lineStep;
                x = x0;
                gap = token < 0 ? gap - WordGap * pt : 0.0;
            }
            L.boxes.push_back(Box{r, token, QRectF(x + gap, lineTop, w, boxHeight)});
            x += gap + w;
            newLine = false;
            if (t.breaksLine) {
                lineTop += lineStep;
                x = x0;
                newLine = true;
            }
        };
        for (int i = 0; i < m_tokens.size(); ++i)
            place(tokenText(m_tokens[i]), i);
        if (!m_target.isEmpty())
            place(TokenText{tokenText(m_target).text, true, false}, -1);
        const double bottom = std::max(newLine ? lineTop - LineGap * pt : lineTop + boxHeight, top + labelHeight);
        const double labelCell = stacked ? area.width() : std::max(0.0, labelWidth - LabelGap * pt);
        L.labels.push_back(QRectF(area.left(), top, labelCell, stacked ? labelHeight : bottom - top));
        y = bottom + RowGap * pt;
    }
    y -= RowGap * pt;
    const double barWidth = std::min(x1 - x0, MaxBarWidth * pt);
    const ColorBar bar(colorMap(), colorScale(), m_barTitle);
    L.bar = QRectF(x0, y + 2 * pt, barWidth, bar.horizontalHeight(painter, style(), barWidth));
    L.height = L.bar.bottom() + OuterPad * pt - rect.top();
    return L;
}

double TokenStripFigure::heightFor(QPaintDevice *device, double width) const
{
    Measurer m(device);
    return layout(&m.painter, QRectF(0, 0, width, 0)).height;
}

std::pair<int, int> TokenStripFigure::hitTest(QPaintDevice *device, const QRectF &rect, const QPointF &point) const
{
    Measurer m(device);
    for (const Box &b : layout(&m.painter, rect).boxes)
        if (b.token >= 0 && b.rect.contains(point))
            return {b.row, b.token};
    return {-1, -1};
}

QSizeF TokenStripFigure::naturalSize() const
{
    return {m_width, heightForWidth(m_width)};
}

double TokenStripFigure::heightForWidth(double widthPt) const
{
    QImage reference(1, 1, QImage::Format_ARGB32_Premultiplied);
    reference.setDotsPerMeterX(int(std::lround(72 / 0.0254)));
    reference.setDotsPerMeterY(int(std::lround(72 / 0.0254)));
    return std::ceil(heightFor(&reference, widthPt));
}

void TokenStripFigure::paintLabels(QPainter *painter, const Layout &layout) const
{
    const TextMetrics bold(font(1.0, true), painter->device()), small(font(DetailScale), painter->device());
    QColor muted = style().foreground;
    muted.setAlphaF(0.62);
    for (std::size_t r = 0; r < m_rows.size(); ++r) {
        const QRectF cell = layout.labels[r];
        if (cell.width() <= 0)
            continue;
        painter->setFont(font(1.0, true));
        painter->setPen(style().foreground);
        drawText(painter, cell.topLeft() + QPointF(0, pointScale(painter) * PadY), bold.elide(m_rows[r].label, cell.width()),
                 Qt::AlignLeft | Qt::AlignTop);
        painter->setFont(font(DetailScale));
        painter->setPen(muted);
        drawText(painter, cell.topLeft() + QPointF(0, pointScale(painter) * PadY + bold.height()),
                 small.elide(m_rows[r].detail, cell.width()), Qt::AlignLeft | Qt::AlignTop);
    }
}

void TokenStripFigure::render(QPainter *painter, const QRectF &rect) const
{
    painter->save();
    fillBackground(painter, style(), rect);
    painter->setRenderHint(QPainter::Antialiasing);
    const double pt = pointScale(painter);
    const Layout L = layout(painter, rect);
    if (!m_title.isEmpty()) {
        painter->setFont(font(1.1, true));
        painter->setPen(style().foreground);
        const TextMetrics tm(font(1.1, true), painter->device());
        drawText(painter, QPointF(rect.left() + OuterPad * pt, rect.top() + OuterPad * pt),
                 tm.elide(m_title, rect.width() - 2 * OuterPad * pt), Qt::AlignLeft | Qt::AlignTop);
    }
    paintLabels(painter, L);
    // Hairlines between stacked rows.
    QColor rule = style().foreground;
    rule.setAlphaF(0.15);
    painter->setPen(QPen(rule, 0.5 * pt));
    for (std::size_t r = 1; r < L.labels.size(); ++r) {
        const double yr = L.labels[r].top() - RowGap * pt / 2;
        painter->drawLine(QPointF(rect.left() + OuterPad * pt, yr), QPointF(rect.right() - OuterPad * pt, yr));
    }
    const TextMetrics tm(font(), painter->device());
    painter->setFont(font());
    QColor outline = style().foreground;
    outline.setAlphaF(0.18);
    for (const Box &b : L.boxes) {
        QPainterPath path;
        path.addRoundedRect(b.rect, Radius * pt, Radius * pt);
        QString text = tokenText(b.token >= 0 ? m_tokens[b.token] : m_target).text;
        text = tm.elide(text, b.rect.width() - 2 * PadX * pt + 0.5);
        if (b.token < 0) {
            QColor muted = style().foreground;
            muted.setAlphaF(0.55);
            painter->setPen(QPen(muted, 0.7 * pt, Qt::DashLine));
            painter->setBrush(Qt::NoBrush);
            painter->drawPath(path);
            painter->setPen(style().foreground);
            drawText(painter, b.rect.center(), text, Qt::AlignCenter);
            painter->setPen(muted);
            drawText(painter, QPointF(b.rect.left() - WordGap * pt, b.rect.center().y()), QStringLiteral("\u2192"),
                     Qt::AlignRight | Qt::AlignVCenter);
            continue;
        }
        const QColor fill = tokenColor(b.row, b.token);
        painter->setPen(QPen(outline, 0.4 * pt));
        painter->setBrush(fill);
        painter->drawPath(path);
        painter->setPen(luminance(fill) < 0.5 ? QColor(Qt::white) : style().foreground);
        drawText(painter, b.rect.center(), text, Qt::AlignCenter);
    }
    painter->setBrush(Qt::NoBrush);
    ColorBar(colorMap(), colorScale(), m_barTitle).paintHorizontal(painter, style(), L.bar);
    painter->restore();
}

QString TokenStripFigure::dataCsv() const
{
    using namespace data;
    QStringList header{QStringLiteral("position"), QStringLiteral("token")};
    for (const TokenStripRow &r : m_rows)
        header << (r.label.isEmpty() ? QStringLiteral("score") : r.label);
    QString csv = csvRow(header);
    for (int i = 0; i < m_tokens.size(); ++i) {
        QStringList fields{QString::number(i), m_tokens[i]};
        for (const TokenStripRow &r : m_rows)
            fields << csvNumber(r.scores[std::size_t(i)]);
        csv += csvRow(fields);
    }
    return csv;
}

QByteArray TokenStripFigure::dataJson() const
{
    using namespace data;
    Json rows = Json::array();
    for (const TokenStripRow &r : m_rows)
        rows.push(Json::object().set("label", str(r.label)).set("detail", str(r.detail)).set("scores", doubles(r.scores)));
    Json j = Json::object();
    j.set("kind", Kind).set("version", 1).set("title", str(m_title)).set("target", str(m_target))
        .set("colorbar_title", str(m_barTitle))
        .set("scale", m_mode == ScaleMode::PerRow ? "per_row" : "shared")
        .set("width", m_width).set("tokens", strings(m_tokens)).set("rows", std::move(rows));
    return dump(j);
}

std::unique_ptr<Figure> TokenStripFigure::fromJson(const Json &json)
{
    using namespace data;
    checkKind(json, QString::fromLatin1(Kind));
    const QStringList tokens = toStrings(json.find("tokens"), "tokens");
    std::vector<TokenStripRow> rows;
    const Json *rowsJson = json.find("rows");
    if (!rowsJson || !rowsJson->isArray())
        throw Error::badInput("token strip JSON needs a \"rows\" array");
    for (const Json &r : rowsJson->toArray("rows"))
        rows.push_back(TokenStripRow{toStr(r, "label"), toStr(r, "detail"), toDoubles(r.find("scores"), "scores")});
    auto f = std::make_unique<TokenStripFigure>(tokens, std::move(rows));
    f->m_title = toStr(json, "title");
    f->m_target = toStr(json, "target");
    f->m_barTitle = toStr(json, "colorbar_title");
    f->m_mode = toStr(json, "scale") == QLatin1String("per_row") ? ScaleMode::PerRow : ScaleMode::Shared;
    f->m_width = toNum(json, "width", 480.0);
    return f;
}

std::unique_ptr<Figure> TokenStripFigure::example()
{
    const QStringList tokens = {QStringLiteral("The"), QStringLiteral(" Eiff"), QStringLiteral("el"),
                                QStringLiteral(" Tower"), QStringLiteral(" is"), QStringLiteral(" located"),
                                QStringLiteral(" in"), QStringLiteral(" the"), QStringLiteral(" city"),
                                QStringLiteral(" of")};
    std::vector<TokenStripRow> rows{
        {QStringLiteral("Integrated Gradients"), QStringLiteral("\u0394 0.004 \u00B7 50 steps"),
         {0.05, 1.42, 0.61, 0.93, -0.12, 0.21, 0.33, -0.08, 0.47, 0.18}},
        {QStringLiteral("Occlusion"), QStringLiteral("\u03C1 0.85 vs IG"),
         {0.11, 1.10, 0.72, 0.64, -0.30, 0.05, 0.41, 0.02, 0.25, 0.36}},
    };
    auto f = std::make_unique<TokenStripFigure>(tokens, std::move(rows));
    f->setTitle(QStringLiteral("Which tokens make \u201CParis\u201D likely"));
    f->setTargetLabel(QStringLiteral(" Paris"));
    f->setColorBarTitle(QStringLiteral("attribution to log p (nats)"));
    return f;
}

} // namespace gb::plots
