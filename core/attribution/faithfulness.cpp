// SPDX-License-Identifier: MIT
#include "attribution/faithfulness.h"

#include "attribution/perturbation.h"
#include "attribution/ranking.h"
#include "common/error.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace gb {

double trapezoidArea(const std::vector<double> &x, const std::vector<double> &y)
{
    double area = 0.0;
    for (std::size_t i = 1; i < std::min(x.size(), y.size()); ++i)
        area += 0.5 * (x[i] - x[i - 1]) * (y[i] + y[i - 1]);
    return area;
}

Faithfulness deletionInsertion(const MaskTarget &target, const std::vector<double> &scores, int maxPoints,
                               Progress &progress, const CancelToken &cancel)
{
    const int t = int(target.length);
    require(int(scores.size()) == t, "deletion/insertion", "needs one score per token");
    require(maxPoints >= 1, "deletion/insertion", "needs at least one point");
    const std::vector<int> order = attributionOrder(scores);
    const int points = std::min(t, maxPoints);
    std::vector<int> moved; // tokens moved at each point, 0..t
    for (int k = 0; k <= points; ++k)
        moved.push_back(int(std::lround(double(k) * t / points)));

    std::vector<TokenMask> masks;
    for (const std::uint8_t start : {std::uint8_t(1), std::uint8_t(0)}) {
        for (const int count : moved) {
            TokenMask m(std::size_t(t), start);
            for (int i = 0; i < count; ++i)
                m[std::size_t(order[std::size_t(i)])] = std::uint8_t(1 - start);
            masks.push_back(std::move(m));
        }
    }
    const std::vector<double> f = evaluateMasks(target, masks, progress, cancel);

    Faithfulness out;
    for (FaithfulnessCurve *c : {&out.deletion, &out.insertion}) {
        const std::size_t offset = c == &out.deletion ? 0 : moved.size();
        for (std::size_t k = 0; k < moved.size(); ++k) {
            c->fractions.push_back(double(moved[k]) / t);
            c->values.push_back(f[offset + k]);
        }
        c->auc = trapezoidArea(c->fractions, c->values);
    }
    return out;
}

} // namespace gb
