// SPDX-License-Identifier: MIT
#pragma once

#include "colormap.h"
#include "figure.h"

#include <QStringList>

#include <memory>
#include <utility>
#include <vector>

class QPaintDevice;

namespace gb {
class Json;
}

namespace gb::plots {

/// One line of a token strip: a method's scores over the prompt's tokens.
struct TokenStripRow {
    QString label;              ///< e.g. "Integrated Gradients"
    QString detail;             ///< e.g. "Δ 0.003 · ρ 0.82 vs IG"
    std::vector<double> scores; ///< one per token
};

/// How a token's text shows in a strip: word-initial white space becomes a gap between boxes,
/// invisible characters become visible symbols.
struct TokenText {
    QString text;            ///< "↵" for a line break, "⇥" for a tab, "·" per space of a space-only token
    bool startsWord = false; ///< began with white space
    bool breaksLine = false; ///< held a line break: the next token starts a new line
};
TokenText tokenText(const QString &token);

/// A prompt's tokens in reading order, wrapped to the width, each on a background coloured by
/// its score through the style's diverging map centred at zero (symmetric scale), with a colour
/// bar underneath. Several rows (methods) stack for comparison, each with a label column.
/// Everything is vector: the highlights stay sharp and the tokens stay text in SVG and PDF.
class TokenStripFigure : public Figure {
public:
    static constexpr const char *Kind = "token_strip";
    /// Shared: one scale over all rows, in the scores' unit. PerRow: each row divided by its own
    /// largest |score| (methods with different units side by side).
    enum class ScaleMode { Shared, PerRow };

    /// Every row needs one score per token (BadInput otherwise).
    TokenStripFigure(QStringList tokens, std::vector<TokenStripRow> rows);

    QString kind() const override { return QString::fromLatin1(Kind); }
    void render(QPainter *painter, const QRectF &rect) const override;
    QSizeF naturalSize() const override;
    double heightForWidth(double widthPt) const override;
    QString dataCsv() const override;
    QByteArray dataJson() const override;

    static std::unique_ptr<Figure> fromJson(const Json &json);
    static std::unique_ptr<Figure> example();

    void setTitle(const QString &title) { m_title = title; }
    /// What was explained, drawn as an outlined box after the tokens (e.g. "' Paris'").
    void setTargetLabel(const QString &label) { m_target = label; }
    void setScaleMode(ScaleMode mode) { m_mode = mode; }
    void setColorBarTitle(const QString &title) { m_barTitle = title; }
    /// Width in points the figure is laid out at by default.
    void setPreferredWidth(double points) { m_width = points; }

    const QStringList &tokens() const { return m_tokens; }
    const std::vector<TokenStripRow> &rows() const { return m_rows; }
    ScaleMode scaleMode() const { return m_mode; }
    ColorScale colorScale() const;
    ColorMap colorMap() const;
    /// The value a token's colour is looked up with: its score, or score / row max |score|.
    double colorValue(int row, int token) const;
    QColor tokenColor(int row, int token) const;
    /// Hover text: token, score, rank in the row (1 = highest score).
    QString describe(int row, int token) const;

    struct Box {
        int row = -1;
        int token = -1; ///< -1: the target box
        QRectF rect;
    };
    struct Layout {
        std::vector<Box> boxes;
        std::vector<QRectF> labels;  ///< label cell of each row
        QRectF bar;                  ///< the colour bar's strip
        double height = 0.0;         ///< height used from rect.top()
    };
    /// Where everything goes inside `rect` on the painter's device.
    Layout layout(QPainter *painter, const QRectF &rect) const;
    /// (row, token) under `point` for the figure rendered into `rect` on `device`; (-1, -1) if none.
    std::pair<int, int> hitTest(QPaintDevice *device, const QRectF &rect, const QPointF &point) const;
    /// Height (device units) the figure needs at `width` on `device`.
    double heightFor(QPaintDevice *device, double width) const;

private:
    double labelColumnWidth(QPainter *painter, double width) const;
    void paintRow(QPainter *painter, const Layout &layout, int row) const;
    void paintLabels(QPainter *painter, const Layout &layout) const;

    QStringList m_tokens;
    std::vector<TokenStripRow> m_rows;
    std::vector<double> m_rowMax;
    std::vector<std::vector<int>> m_ranks;
    QString m_title, m_target, m_barTitle;
    ScaleMode m_mode = ScaleMode::Shared;
    double m_width = 480.0;
};

} // namespace gb::plots
