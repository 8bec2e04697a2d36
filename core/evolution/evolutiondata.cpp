// SPDX-License-Identifier: MIT
#include "evolution/evolutiondata.h"

#include "common/error.h"
#include "common/torch_guard.h"
#include "dictionaries/decodersource.h"
#include "evolution/decodermath.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cstring>

namespace gb {

namespace {

// Large enough to amortise the per-block overhead, small enough that a block's rows and their
// float32 copy (for F16/BF16 weights) stay far below memory.
constexpr std::int64_t TargetBlockBytes = 64ll << 20;

/// Copies a [rows, n] float tensor into columns [begin, begin + n) of a row-major [rows][F] array.
void scatterColumns(const at::Tensor &t, std::vector<float> &dst, std::int64_t features, std::int64_t begin)
{
    const at::Tensor c = t.contiguous();
    const std::int64_t n = c.size(1);
    const float *src = c.data_ptr<float>();
    for (std::int64_t r = 0; r < c.size(0); ++r)
        std::memcpy(dst.data() + r * features + begin, src + r * n, static_cast<std::size_t>(n) * sizeof(float));
}

} // namespace

void EvolutionData::validate() const
{
    const auto s = static_cast<std::size_t>(heads), f = static_cast<std::size_t>(features);
    require(heads > 0 && features > 0, "evolution data", "no heads or no features");
    require(headNames.size() == s && steps.steps.size() == s, "evolution data", "one name and step per head expected");
    require(norms.size() == s * f, "evolution data", "decoder_norms must hold heads x features values");
    require(stepCosines.size() == (s - 1) * f, "evolution data",
            "step cosines must hold (heads - 1) x features values");
}

EvolutionData collectEvolutionData(const DecoderSource &source, Progress &progress, const CancelToken &cancel,
                                   std::int64_t blockFeatures)
{
    EvolutionData d;
    d.headNames = source.headNames();
    d.steps = snapshotSteps(d.headNames);
    d.heads = source.heads();
    d.features = source.features();
    d.dModel = source.dModel();
    require(d.heads >= 1 && d.features >= 1 && d.dModel >= 1, "crosscoder", "empty decoder");
    d.norms.assign(static_cast<std::size_t>(d.heads * d.features), 0.0f);
    d.stepCosines.assign(static_cast<std::size_t>((d.heads - 1) * d.features), 0.0f);

    if (blockFeatures <= 0)
        blockFeatures = std::max<std::int64_t>(1, TargetBlockBytes / (d.heads * d.dModel * 4));
    source.prefetchBlock(0, std::min(d.features, blockFeatures));
    for (std::int64_t begin = 0; begin < d.features; begin += blockFeatures) {
        cancel.throwIfCancelled();
        const std::int64_t end = std::min(d.features, begin + blockFeatures);
        if (end < d.features)
            source.prefetchBlock(end, std::min(d.features, end + blockFeatures));
        torchGuard("crosscoder decoder features " + std::to_string(begin) + ".." + std::to_string(end), [&] {
            const BlockStats stats = blockDecoderStats(source.decoderBlock(begin, end));
            scatterColumns(stats.norms, d.norms, d.features, begin);
            if (d.heads > 1)
                scatterColumns(stats.cosines, d.stepCosines, d.features, begin);
        });
        source.releaseBlock(begin, end);
        progress.update(end, d.features);
    }
    progress.flush();
    return d;
}

std::vector<float> featureDirectionSimilarity(const DecoderSource &source, std::int64_t feature)
{
    require(feature >= 0 && feature < source.features(), "crosscoder",
            "feature " + std::to_string(feature) + " out of range (0.." + std::to_string(source.features() - 1) + ")");
    const at::Tensor sim = directionSimilarity(source.decoderBlock(feature, feature + 1).select(1, 0)).contiguous();
    return std::vector<float>(sim.data_ptr<float>(), sim.data_ptr<float>() + sim.numel());
}

} // namespace gb
