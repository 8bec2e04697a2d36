// SPDX-License-Identifier: MIT
#include "training/schedules.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>

namespace gb {

double warmupCosineLr(std::int64_t step, std::int64_t warmupSteps, std::int64_t totalSteps, double peak,
                      double minRatio)
{
    if (step < warmupSteps)
        return peak * double(step + 1) / double(warmupSteps);
    if (step >= totalSteps || totalSteps <= warmupSteps)
        return peak * minRatio;
    const double progress = double(step - warmupSteps) / double(totalSteps - warmupSteps);
    const double cosine = 0.5 * (1.0 + std::cos(3.14159265358979323846 * progress));
    return peak * (minRatio + (1.0 - minRatio) * cosine);
}

std::vector<std::int64_t> pythiaCheckpointSteps(std::int64_t totalSteps, int count)
{
    require(totalSteps >= 1, "checkpoint schedule", "the run needs at least one step");
    require(count >= 2, "checkpoint schedule", "need at least two checkpoints (the first and the last)");
    const auto intervalFor = [&](int taken) { return (totalSteps + (count - taken) - 1) / (count - taken); };
    std::vector<std::int64_t> steps = {0};
    for (std::int64_t p = 1; int(steps.size()) + 1 < count && p < intervalFor(int(steps.size()) + 1); p *= 2)
        steps.push_back(p);
    const std::int64_t interval = intervalFor(int(steps.size()));
    const std::int64_t lastMultiple = totalSteps / interval * interval;
    for (std::int64_t s = interval; s <= lastMultiple; s += interval) {
        // A multiple just below the end would nearly duplicate the final checkpoint.
        if (s == lastMultiple && s != totalSteps && totalSteps - s < interval / 2)
            break;
        steps.push_back(s);
    }
    if (steps.back() != totalSteps)
        steps.push_back(totalSteps);
    return steps;
}

} // namespace gb
