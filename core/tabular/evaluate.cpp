// SPDX-License-Identifier: MIT
#include "tabular/evaluate.h"

#include "jobs/cancel.h"
#include "jobs/progress.h"

#include <algorithm>

namespace gb::tabular {

void evaluateChunked(const Predictor &model, std::int64_t count, const FillRows &fill, const TakePredictions &take,
                     Progress &progress, const CancelToken &cancel)
{
    const std::int64_t width = model.inputWidth();
    const std::int64_t chunk = std::max<std::int64_t>(1, std::min(model.preferredBatchRows(), count));
    std::vector<float> input(static_cast<std::size_t>(chunk * width));
    std::vector<float> output(static_cast<std::size_t>(chunk));
    for (std::int64_t begin = 0; begin < count; begin += chunk) {
        cancel.throwIfCancelled();
        const std::int64_t end = std::min(count, begin + chunk);
        fill(begin, end, input.data());
        model.predict(input.data(), end - begin, output.data());
        take(begin, end, output.data());
        progress.update(end, count);
    }
}

std::vector<float> evaluateAll(const Predictor &model, std::int64_t count, const FillRows &fill, Progress &progress,
                               const CancelToken &cancel)
{
    std::vector<float> all(static_cast<std::size_t>(std::max<std::int64_t>(0, count)));
    evaluateChunked(
        model, count, fill,
        [&](std::int64_t begin, std::int64_t end, const float *p) { std::copy(p, p + (end - begin), all.data() + begin); },
        progress, cancel);
    return all;
}

} // namespace gb::tabular
