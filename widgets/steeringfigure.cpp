// SPDX-License-Identifier: MIT
#include "steeringfigure.h"

#include "plots/barfigure.h"
#include "plots/legend.h"
#include "plots/figuredata.h"
#include "plots/plotframe.h"
#include "plots/text.h"
#include "plots/tokenstripfigure.h"

#include <QPainter>
#include <QTextLayout>

namespace gb {

namespace {

constexpr double Pad = 6.0;   // points
constexpr double Gap = 10.0;

/// Paints `prompt` (grey) followed by `continuation` (emphasised), wrapped inside `box`.
void paintContinuation(QPainter *painter, const plots::Figure &f, const QRectF &box, const QString &heading,
                       const QString &prompt, const QString &continuation)
{
    const double s = plots::pointScale(painter);
    painter->setFont(f.font(1.0, true));
    painter->setPen(f.style().foreground);
    plots::drawText(painter, box.topLeft(), heading, Qt::AlignLeft | Qt::AlignTop);
    const double top = box.top() + plots::TextMetrics(f.font(1.0, true), painter->device()).height() + 3 * s;
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
    plots::fillBackground(painter, style(), rect);
    const double s = plots::pointScale(painter);
    const QRectF inner = rect.adjusted(Pad * s, Pad * s, -Pad * s, -Pad * s);
    const plots::TextMetrics title(font(1.2, true), painter->device());
    painter->setFont(font(1.2, true));
    painter->setPen(style().foreground);
    plots::drawText(painter, inner.topLeft(), title.elide(QStringLiteral("Steering: ") + m_d.edits, inner.width()), Qt::AlignLeft | Qt::AlignTop);
    const double top = inner.top() + title.height() + Gap * s;

    plots::BarFigure bars;
    bars.setStyle(style());
    QStringList categories;
    plots::BarSeries before{QStringLiteral("without edits"), {}, {}, {}, QColor(0x99, 0x99, 0x99)};
    plots::BarSeries after{QStringLiteral("with edits"), {}, {}, {}, QColor(0xB2, 0x18, 0x2B)};
    for (const Row &r : rows()) {
        categories << plots::tokenText(r.token).text;
        before.values.push_back(r.before);
        after.values.push_back(r.after);
    }
    bars.setCategories(categories);
    if (!categories.isEmpty()) {
        bars.addSeries(before);
        bars.addSeries(after);
    }
    bars.setHorizontal(true);
    bars.setLegend(plots::LegendPosition::BottomRight);
    bars.setTitle(QStringLiteral("Next token"));
    bars.setValueTitle(QStringLiteral("probability"));
    const QRectF barsRect(inner.left(), top, inner.width() * 0.42, inner.bottom() - top);
    bars.render(painter, barsRect);

    const double x = barsRect.right() + Gap * s, w = (inner.right() - x - Gap * s) / 2;
    paintContinuation(painter, *this, QRectF(x, top, w, inner.bottom() - top), QStringLiteral("Greedy continuation"), m_d.prompt,
                      m_d.continuationBefore);
    paintContinuation(painter, *this, QRectF(x + w + Gap * s, top, w, inner.bottom() - top), QStringLiteral("Steered continuation"),
                      m_d.prompt, m_d.continuationAfter);
    painter->restore();
}

QString SteeringFigure::dataCsv() const
{
    using plots::data::csvNumber;
    using plots::data::csvRow;
    QString csv = csvRow({QStringLiteral("token"), QStringLiteral("p_without_edits"), QStringLiteral("p_with_edits")});
    for (const Row &r : rows())
        csv += csvRow({r.token, csvNumber(r.before), csvNumber(r.after)});
    csv += csvRow({QStringLiteral("continuation_without_edits"), m_d.continuationBefore, QString()});
    csv += csvRow({QStringLiteral("continuation_with_edits"), m_d.continuationAfter, QString()});
    return csv;
}

QByteArray SteeringFigure::dataJson() const
{
    using namespace plots::data;
    Json rowsJson = Json::array();
    for (const Row &r : rows())
        rowsJson.push(Json::object().set("token", str(r.token)).set("before", r.before).set("after", r.after));
    Json j = Json::object();
    j.set("kind", kind().toStdString())
        .set("prompt", str(m_d.prompt))
        .set("edits", str(m_d.edits))
        .set("next_token", rowsJson)
        .set("continuation_before", str(m_d.continuationBefore))
        .set("continuation_after", str(m_d.continuationAfter));
    return dump(j);
}

} // namespace gb
