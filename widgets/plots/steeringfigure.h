// SPDX-License-Identifier: MIT
#pragma once

#include "figure.h"

#include <QString>

#include <memory>
#include <vector>

namespace gb {
class Json;
}

namespace gb::plots {

/// The outcome of steering a prompt, as plain data.
struct SteeringData {
    QString prompt;
    QString edits; ///< human description, e.g. "feature 812 clamped to 8 at all positions"
    struct Candidate {
        QString token;
        double probability = 0;
    };
    std::vector<Candidate> before, after;
    QString continuationBefore, continuationAfter;
};

/// Steering before / after: the next-token top-k as grouped horizontal bars (probability without
/// and with the edits, over the union of both top lists) and the greedy continuations side by
/// side under the prompt.
class SteeringFigure : public Figure {
public:
    static constexpr const char *Kind = "steering";

    explicit SteeringFigure(SteeringData data);

    QString kind() const override { return QString::fromLatin1(Kind); }
    void render(QPainter *painter, const QRectF &rect) const override;
    QSizeF naturalSize() const override { return QSizeF(640, 400); }
    /// Narrow widths put the continuations under the bars: a taller figure.
    double heightForWidth(double widthPt) const override;
    QString dataCsv() const override;
    QByteArray dataJson() const override;

    static std::unique_ptr<Figure> fromJson(const Json &json);
    static std::unique_ptr<Figure> example();

    const SteeringData &data() const { return m_d; }
    /// Tokens of the union in plot order, with their probabilities before and after (0 when a
    /// token is outside one of the top lists).
    struct Row {
        QString token;
        double before = 0, after = 0;
    };
    std::vector<Row> rows() const;

private:
    SteeringData m_d;
};

} // namespace gb::plots
