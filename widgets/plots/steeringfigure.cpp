// SPDX-License-Identifier: MIT
#include "steeringfigure.h"

#include "barfigure.h"
#include "figuredata.h"
#include "legend.h"
#include "plotframe.h"
#include "text.h"
#include "tokenstripfigure.h"

#include "common/error.h"

#include <QPainter>
#include <QTextLayout>

namespace gb::plots {

namespace {

constexpr double Pad = 6.0;   // points
constexpr double Gap = 10.0;
/// Below this inner width (points) the continuations go under the bars instead of beside them.
constexpr double NarrowWidth = 400.0;

/// Paints `prompt` (grey) followed by `continuation` (emphasised), wrapped inside `box`.
void paintContinuation(QPainter *painter, const Figure &f, const QRectF &box, const QString &heading,
                       const QString &prompt, const QString &continuation)
{
    const double s = pointScale(painter);
    painter->setFont(f.font(1.0, true));
    painter->setPen(f.style().foreground);
    drawText(painter, box.topLeft(), TextMetrics(f.font(1.0, true), painter->device()).elide(heading, box.width()), Qt::AlignLeft | Qt::AlignTop);
    const double top = box.top() + TextMetrics(f.font(1.0, true), painter->device()).height() + 3 * s;
    const QString text = prompt + continuation;
    QTextLayout layout(text, f.font(0.95), painter->device());
    QTextCharFormat grey, strong;
    grey.setForeground(QColor(0x77, 0x77, 0x77));
    strong.setForeground(QColor(0xB2, 0x18, 0x2B));
    strong.setFontWeight(QFont::DemiBold);
    layout.setFormats({QTextLayout::FormatRange{0, int(prompt.size()), grey},
                       QTextLayout::FormatRange{int(prompt.size()), int(continuation.size()), strong}});
    QTextOption option;
    option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    layout.setTextOption(option);
    layout.beginLayout();
    double y = 0;
    for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
        line.setLineWidth(box.width());
        line.setPosition(QPointF(0, y));
        y += line.height();
        if (top + y > box.bottom())
            break;
    }
    layout.endLayout();
    painter->save();
    painter->setClipRect(box);
    layout.draw(painter, QPointF(box.left(), top));
    painter->restore();
}

} // namespace

SteeringFigure::SteeringFigure(SteeringData data)
    : m_d(std::move(data))
{
}

double SteeringFigure::heightForWidth(double widthPt) const
{
    return widthPt - 2 * Pad < NarrowWidth ? widthPt * 0.95 : Figure::heightForWidth(widthPt);
}

std::vector<SteeringFigure::Row> SteeringFigure::rows() const
{
    std::vector<Row> out;
    auto find = [&](const QString &t) {
        for (std::size_t i = 0; i < out.size(); ++i)
            if (out[i].token == t)
                return int(i);
        out.push_back(Row{t, 0, 0});
        return int(out.size() - 1);
    };
    for (const auto &c : m_d.before)
        out[std::size_t(find(c.token))].before = c.probability;
    for (const auto &c : m_d.after)
        out[std::size_t(find(c.token))].after = c.probability;
    return out;
}

void SteeringFigure::render(QPainter *painter, const QRectF &rect) const
{
    painter->save();
    fillBackground(painter, style(), rect);
    const double s = pointScale(painter);
    const QRectF inner = rect.adjusted(Pad * s, Pad * s, -Pad * s, -Pad * s);
    const TextMetrics title(font(1.2, true), painter->device());
    painter->setFont(font(1.2, true));
    painter->setPen(style().foreground);
    drawText(painter, inner.topLeft(), title.elide(QStringLiteral("Steering: ") + m_d.edits, inner.width()), Qt::AlignLeft | Qt::AlignTop);
    const double top = inner.top() + title.height() + Gap * s;

    BarFigure bars;
    bars.setStyle(style());
    QStringList categories;
    BarSeries before{QStringLiteral("without edits"), {}, {}, {}, QColor(0x99, 0x99, 0x99)};
    BarSeries after{QStringLiteral("with edits"), {}, {}, {}, QColor(0xB2, 0x18, 0x2B)};
    for (const Row &r : rows()) {
        categories << tokenText(r.token).text;
        before.values.push_back(r.before);
        after.values.push_back(r.after);
    }
    bars.setCategories(categories);
    if (!categories.isEmpty()) {
        bars.addSeries(before);
        bars.addSeries(after);
    }
    bars.setHorizontal(true);
    bars.setLegend(LegendPosition::Outside);
    bars.setTitle(QStringLiteral("Next token"));
    bars.setValueTitle(QStringLiteral("probability"));
    const bool narrow = inner.width() < NarrowWidth * s;
    const QRectF barsRect = narrow ? QRectF(inner.left(), top, inner.width(), (inner.bottom() - top) * 0.6)
                                   : QRectF(inner.left(), top, inner.width() * 0.42, inner.bottom() - top);
    bars.render(painter, barsRect);

    const double x = narrow ? inner.left() : barsRect.right() + Gap * s;
    const double y = narrow ? barsRect.bottom() + Gap * s : top;
    const double w = (inner.right() - x - Gap * s) / 2;
    paintContinuation(painter, *this, QRectF(x, y, w, inner.bottom() - y), QStringLiteral("Greedy continuation"), m_d.prompt,
                      m_d.continuationBefore);
    paintContinuation(painter, *this, QRectF(x + w + Gap * s, y, w, inner.bottom() - y), QStringLiteral("Steered continuation"),
                      m_d.prompt, m_d.continuationAfter);
    painter->restore();
}

QString SteeringFigure::dataCsv() const
{
    using data::csvNumber;
    using data::csvRow;
    QString csv = csvRow({QStringLiteral("token"), QStringLiteral("p_without_edits"), QStringLiteral("p_with_edits")});
    for (const Row &r : rows())
        csv += csvRow({r.token, csvNumber(r.before), csvNumber(r.after)});
    csv += csvRow({QStringLiteral("continuation_without_edits"), m_d.continuationBefore, QString()});
    csv += csvRow({QStringLiteral("continuation_with_edits"), m_d.continuationAfter, QString()});
    return csv;
}

QByteArray SteeringFigure::dataJson() const
{
    using namespace data;
    Json rowsJson = Json::array();
    for (const Row &r : rows())
        rowsJson.push(Json::object().set("token", str(r.token)).set("before", r.before).set("after", r.after));
    auto candidates = [](const std::vector<SteeringData::Candidate> &v) {
        Json a = Json::array();
        for (const auto &c : v)
            a.push(Json::object().set("token", str(c.token)).set("probability", c.probability));
        return a;
    };
    Json j = Json::object();
    // "next_token" is the plotted union; the two top-k lists are what it is made of (a token
    // outside one list plots as 0 there, which the union alone cannot tell from p = 0).
    j.set("kind", Kind)
        .set("prompt", str(m_d.prompt))
        .set("edits", str(m_d.edits))
        .set("next_token", rowsJson)
        .set("top_before", candidates(m_d.before))
        .set("top_after", candidates(m_d.after))
        .set("continuation_before", str(m_d.continuationBefore))
        .set("continuation_after", str(m_d.continuationAfter));
    return dump(j);
}

namespace {

std::vector<SteeringData::Candidate> candidatesFromJson(const Json *j, const std::string &what)
{
    std::vector<SteeringData::Candidate> out;
    if (!j || j->isNull())
        return out;
    for (const Json &e : j->toArray(what)) {
        const Json *p = e.find("probability");
        const double v = p ? p->toDouble(what + " probability") : -1.0;
        if (!(v >= 0.0 && v <= 1.0))
            throw Error::badInput(what + ": each candidate needs a \"probability\" between 0 and 1");
        out.push_back({data::toStr(e, "token"), v});
    }
    return out;
}

} // namespace

std::unique_ptr<Figure> SteeringFigure::fromJson(const Json &json)
{
    using namespace data;
    checkKind(json, QString::fromLatin1(Kind));
    SteeringData d;
    d.prompt = toStr(json, "prompt");
    d.edits = toStr(json, "edits");
    d.before = candidatesFromJson(json.find("top_before"), "top_before");
    d.after = candidatesFromJson(json.find("top_after"), "top_after");
    d.continuationBefore = toStr(json, "continuation_before");
    d.continuationAfter = toStr(json, "continuation_after");
    return std::make_unique<SteeringFigure>(std::move(d));
}

std::unique_ptr<Figure> SteeringFigure::example()
{
    SteeringData d;
    d.prompt = QStringLiteral("The cat sat on the");
    d.edits = QStringLiteral("feature 812 clamped to 8 at every position");
    d.before = {{QStringLiteral(" mat"), 0.41}, {QStringLiteral(" floor"), 0.2}, {QStringLiteral(" bed"), 0.1}};
    d.after = {{QStringLiteral(" mat"), 0.12}, {QStringLiteral(" table"), 0.33}, {QStringLiteral(" bed"), 0.15}};
    d.continuationBefore = QStringLiteral(" mat and looked out of the window.");
    d.continuationAfter = QStringLiteral(" table (with a cup) and (a plate).");
    return std::make_unique<SteeringFigure>(std::move(d));
}

} // namespace gb::plots
