// SPDX-License-Identifier: MIT
#include "evolution/modeldiff.h"

#include "common/error.h"
#include "evolution/evolutiondata.h"

#include <cmath>
#include <limits>

namespace gb {

int histogramBin(double v, double lo, double hi, int bins)
{
    if (std::isnan(v) || v < lo || v > hi || bins <= 0)
        return -1;
    const int b = static_cast<int>((v - lo) / (hi - lo) * bins);
    return b >= bins ? bins - 1 : b;
}

ModelDiffSummary summariseModelDiff(const EvolutionData &data, const ModelDiffOptions &options)
{
    data.validate();
    require(data.heads == 2, "model diff",
            "relative decoder norms need a two-model crosscoder; this one has " + std::to_string(data.heads) + " heads");
    require(options.bins > 0 && options.exclusive >= 0 && options.sharedLow <= options.sharedHigh, "model diff",
            "invalid thresholds");
    ModelDiffSummary m;
    m.options = options;
    const std::int64_t F = data.features;
    m.relativeNorm.assign(F, std::numeric_limits<float>::quiet_NaN());
    m.cosine.assign(F, std::numeric_limits<float>::quiet_NaN());
    m.relativeNormHistogram.assign(options.bins, 0);
    m.sharedCosineHistogram.assign(options.bins, 0);
    for (std::int64_t f = 0; f < F; ++f) {
        const double a = data.norm(0, f), b = data.norm(1, f);
        m.cosine[f] = data.stepCosine(0, f);
        if (!(a + b > 0) || !std::isfinite(a + b)) {
            ++m.dead;
            continue;
        }
        const double r = b / (a + b);
        m.relativeNorm[f] = static_cast<float>(r);
        if (const int bin = histogramBin(r, 0.0, 1.0, options.bins); bin >= 0)
            ++m.relativeNormHistogram[bin];
        if (r <= options.exclusive)
            ++m.aOnly;
        else if (r >= 1.0 - options.exclusive)
            ++m.bOnly;
        else if (r >= options.sharedLow && r <= options.sharedHigh) {
            ++m.shared;
            if (const int bin = histogramBin(m.cosine[f], -1.0, 1.0, options.bins); bin >= 0)
                ++m.sharedCosineHistogram[bin];
        }
    }
    return m;
}

} // namespace gb
