// SPDX-License-Identifier: MIT
#include "evolutionpick.h"

#include "evolutionresult.h"
#include "figureview.h"

#include "plots/curvebundlefigure.h"
#include "plots/xyfigure.h"

#include <QImage>
#include <QPainter>

#include <cmath>
#include <limits>

namespace gb {

namespace {

double segmentDistance(QPointF p, QPointF a, QPointF b)
{
    const QPointF d = b - a;
    const double len2 = QPointF::dotProduct(d, d);
    const double t = len2 > 0 ? std::clamp(QPointF::dotProduct(p - a, d) / len2, 0.0, 1.0) : 0.0;
    const QPointF q = a + t * d - p;
    return std::hypot(q.x(), q.y());
}

} // namespace

qint64 curveNear(const FigureView &view, const EvolutionResult &r, const PlottedCurves &curves, QPointF at, double reach)
{
    const auto *bundle = dynamic_cast<const plots::CurveBundleFigure *>(view.figure().get());
    const auto *xy = dynamic_cast<const plots::XYFigure *>(view.figure().get());
    if (!bundle && !xy)
        return -1;
    // The layout render() uses in the view: a painter on an image with the view's resolution.
    QImage probe(1, 1, QImage::Format_ARGB32);
    probe.setDotsPerMeterX(qRound(view.logicalDpiX() / 0.0254));
    probe.setDotsPerMeterY(qRound(view.logicalDpiY() / 0.0254));
    QPainter painter(&probe);
    const QRectF rect(view.rect());
    const plots::PlotFrame::Layout L = bundle ? bundle->plotLayout(&painter, rect) : xy->plotLayout(&painter, rect);
    if (!L.plot.adjusted(-reach, -reach, reach, reach).contains(at))
        return -1;
    const double pt = view.logicalDpiX() / 72.0;
    double best = reach * pt;
    qint64 found = -1;
    for (std::size_t c = 0; c < curves.features.size(); ++c) {
        const std::vector<double> &y = curves.y[c];
        QPointF prev;
        bool havePrev = false;
        for (std::int64_t s = 0; s < r.data->heads && std::size_t(s) < y.size(); ++s) {
            const QPointF p(L.xs.map(r.x(s)), L.ys.map(y[std::size_t(s)]));
            if (!std::isfinite(p.x()) || !std::isfinite(p.y())) {
                havePrev = false;
                continue;
            }
            const double d = havePrev ? segmentDistance(at, prev, p) : std::hypot(at.x() - p.x(), at.y() - p.y());
            if (d < best) {
                best = d;
                found = curves.features[c];
            }
            prev = p;
            havePrev = true;
        }
    }
    return found;
}

} // namespace gb
