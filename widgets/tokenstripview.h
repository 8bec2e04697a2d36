// SPDX-License-Identifier: MIT
#pragma once

#include "figureview.h"

#include <utility>

namespace gb {

namespace plots {
class TokenStripFigure;
}

/// Shows a token strip as wide as the view, as tall as its wrapped tokens need (put it in a
/// scroll area for long prompts). Hovering a token shows its text, score and rank; the figure
/// exports like any other (context menu, File > Export Figure).
class TokenStripView : public FigureView {
    Q_OBJECT
public:
    explicit TokenStripView(QWidget *parent = nullptr);

    void setStrip(std::shared_ptr<plots::TokenStripFigure> strip);
    std::shared_ptr<plots::TokenStripFigure> strip() const { return m_strip; }
    /// (row, token) under a point in widget coordinates; (-1, -1) when none.
    std::pair<int, int> tokenAt(const QPoint &pos);
    /// The hover text the view shows at `pos` ("" when not over a token).
    QString toolTipAt(const QPoint &pos);

    bool hasHeightForWidth() const override { return bool(m_strip); }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;

Q_SIGNALS:
    /// The pointer moved onto another token ((-1, -1) when it left every token).
    void tokenHovered(int row, int token);

protected:
    void mouseMoveEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    std::shared_ptr<plots::TokenStripFigure> m_strip;
    std::pair<int, int> m_hovered{-1, -1};
};

} // namespace gb
