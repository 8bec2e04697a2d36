// SPDX-License-Identifier: MIT
#pragma once

#include "plots/figure.h"

#include <QString>

#include <vector>

namespace gb {

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
class SteeringFigure : public plots::Figure {
public:
    explicit SteeringFigure(SteeringData data);

    QString kind() const override { return QStringLiteral("steering"); }
    void render(QPainter *painter, const QRectF &rect) const override;
    QSizeF naturalSize() const override { return QSizeF(640, 400); }
    QString dataCsv() const override;
    QByteArray dataJson() const override;

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

} // namespace gb
