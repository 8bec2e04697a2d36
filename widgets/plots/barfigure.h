// SPDX-License-Identifier: MIT
#pragma once

#include "axis.h"
#include "figure.h"
#include "legend.h"

#include <memory>
#include <vector>

namespace gb {
class Json;
}

namespace gb::plots {

/// One group member per category. Error bars reach `errLo` below and `errHi` above the value
/// (both empty for none; pass the same vector twice for symmetric errors).
struct BarSeries {
    QString name;
    std::vector<double> values;
    std::vector<double> errLo, errHi;
    QColor color; ///< invalid = next palette colour
};

/// Grouped bars over categories, vertical or horizontal, with error bars. Bars start at zero.
/// With one series, setBarColors colours each bar (e.g. by sign: positive / negative logit
/// effects of a feature).
class BarFigure : public Figure {
public:
    static constexpr const char *Kind = "bar";

    QString kind() const override { return QString::fromLatin1(Kind); }
    void render(QPainter *painter, const QRectF &rect) const override;
    QSizeF naturalSize() const override;
    QString dataCsv() const override;
    QByteArray dataJson() const override;

    static std::unique_ptr<Figure> fromJson(const Json &json);
    static std::unique_ptr<Figure> example();

    void setTitle(const QString &t) { m_title = t; }
    void setCategories(const QStringList &c) { m_categories = c; }
    /// BadInput when its lengths do not match the categories.
    void addSeries(BarSeries s);
    void setHorizontal(bool h) { m_horizontal = h; }
    void setValueTitle(const QString &t) { m_valueTitle = t; }
    void setCategoryTitle(const QString &t) { m_categoryTitle = t; }
    void setBarColors(std::vector<QColor> colors) { m_barColors = std::move(colors); }
    void setLegend(LegendPosition p) { m_legend = p; }

private:
    QColor barColor(std::size_t series, std::size_t bar) const;

    QString m_title, m_valueTitle, m_categoryTitle;
    QStringList m_categories;
    std::vector<BarSeries> m_series;
    std::vector<QColor> m_barColors;
    bool m_horizontal = false;
    LegendPosition m_legend = LegendPosition::Auto;
};

} // namespace gb::plots
