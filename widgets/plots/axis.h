// SPDX-License-Identifier: MIT
#pragma once

#include "scale.h"
#include "ticks.h"

#include <QMarginsF>
#include <QRectF>
#include <QStringList>

#include <optional>
#include <vector>

class QPainter;

namespace gb::plots {

struct FigureStyle;

enum class AxisEdge { Bottom, Left, Top, Right };
enum class TickMode { Auto, Integer, Category };

/// What an axis shows, independent of any device: title, scale type, tick mode, fixed bounds.
/// Figures keep one per axis in their model (it round-trips through their JSON).
struct AxisSpec {
    QString title;
    bool log = false;
    TickMode ticks = TickMode::Auto;
    QStringList categories;        ///< labels of indices 0..n-1 for TickMode::Category
    std::optional<double> min;     ///< fixed lower bound (else fitted to the data)
    std::optional<double> max;     ///< fixed upper bound
    bool grid = false;             ///< light grid lines at the major ticks
    bool reversed = false;         ///< values grow right-to-left / top-to-bottom
    std::optional<double> labelAngle; ///< degrees; unset = horizontal, rotated when crowded
};

/// Fits a scale to data: the spec's fixed bounds win; a linear range is padded by `pad` of its
/// span (0 keeps it tight, and a bound at exactly 0 is never padded past zero, so bars and
/// counts start on the axis); a log range uses the smallest positive value and adds the zero
/// slot when the data contain 0 (negative values are not shown). Category axes cover
/// [-0.5, n - 0.5].
Scale fitScale(const AxisSpec &spec, double dataMin, double dataMax, double minPositive, double pad = 0.04);

/// How an axis lays out on one device: its ticks, label angle, and the space it needs outside
/// the plot rectangle on each side (its own edge, plus end labels that overhang).
struct AxisLayout {
    std::vector<Tick> ticks;
    double labelAngle = 0.0;
    QMarginsF margins;
};

/// Paints one axis (spine, ticks, labels, title, grid) along an edge of a plot rectangle.
/// Sizes in points: tick length 3.5, label padding 2, spine 0.8.
class Axis {
public:
    Axis(AxisEdge edge, const AxisSpec &spec, const Scale &domain);

    AxisEdge edge() const { return m_edge; }
    bool horizontal() const { return m_edge == AxisEdge::Bottom || m_edge == AxisEdge::Top; }
    const AxisSpec &spec() const { return m_spec; }
    /// The domain scale with its pixel range set for `plot` (respecting `reversed`).
    Scale scale(const QRectF &plot) const;

    AxisLayout layout(QPainter *painter, const FigureStyle &style, const QRectF &plot) const;
    void paint(QPainter *painter, const FigureStyle &style, const QRectF &plot, const AxisLayout &layout) const;
    /// Grid lines across `plot` at the major ticks (call before painting data).
    void paintGrid(QPainter *painter, const FigureStyle &style, const QRectF &plot, const AxisLayout &layout) const;

private:
    std::vector<Tick> makeTicks(int maxCount) const;
    double labelExtent(const AxisLayout &layout, QPainter *painter, const FigureStyle &style) const;

    AxisEdge m_edge;
    AxisSpec m_spec;
    Scale m_domain;
};

} // namespace gb::plots
