// SPDX-License-Identifier: MIT
#include "attribution/perturbation.h"

#include "attribution/regression.h"
#include "attribution/sampling.h"
#include "common/error.h"
#include "common/torch_guard.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

namespace gb {

namespace {

void checkTarget(const MaskTarget &target, const char *method)
{
    require(target.evaluate && target.length >= 1, method, "needs a prompt of at least one token");
}

/// Fills fX, fBaseline and delta from the two reference values and the scores.
void finish(TokenAttribution &r, double fX, double fBaseline)
{
    r.fX = fX;
    r.fBaseline = fBaseline;
    r.delta = std::accumulate(r.scores.begin(), r.scores.end(), 0.0) - (fX - fBaseline);
}

} // namespace

std::vector<double> evaluateMasks(const MaskTarget &target, const std::vector<TokenMask> &masks,
                                  Progress &progress, const CancelToken &cancel)
{
    const std::int64_t t = target.length;
    const std::int64_t n = std::int64_t(masks.size());
    const std::int64_t batch = std::max<std::int64_t>(1, target.maxBatch);
    std::vector<double> values;
    values.reserve(masks.size());
    for (std::int64_t start = 0; start < n; start += batch) {
        cancel.throwIfCancelled();
        const std::int64_t end = std::min(n, start + batch);
        at::Tensor m = at::empty({end - start, t}, at::kFloat);
        float *p = m.data_ptr<float>();
        for (std::int64_t i = start; i < end; ++i) {
            const TokenMask &mask = masks[std::size_t(i)];
            if (std::int64_t(mask.size()) != t)
                throw Error::internal("mask length differs from the prompt length");
            for (std::int64_t j = 0; j < t; ++j)
                *p++ = mask[std::size_t(j)] ? 1.0f : 0.0f;
        }
        const at::Tensor out = torchGuard("evaluating perturbed prompts", [&] {
            return target.evaluate(m).to(at::kDouble).contiguous();
        });
        if (out.numel() != end - start)
            throw Error::internal("perturbation target must return one value per mask");
        values.insert(values.end(), out.data_ptr<double>(), out.data_ptr<double>() + out.numel());
        progress.update(end, n);
    }
    return values;
}

TokenAttribution occlusion(const MaskTarget &target, const OcclusionOptions &options, Progress &progress,
                           const CancelToken &cancel)
{
    checkTarget(target, "occlusion");
    const int t = int(target.length);
    require(options.window >= 1, "occlusion", "the window must be at least one token");
    require(options.stride >= 1 && options.stride <= options.window, "occlusion",
            "the stride must be between 1 and the window size");
    const int window = std::min(options.window, t);
    const int windows = (t - window + options.stride - 1) / options.stride + 1;

    std::vector<TokenMask> masks{TokenMask(std::size_t(t), 1), TokenMask(std::size_t(t), 0)};
    for (int w = 0; w < windows; ++w) {
        TokenMask m(std::size_t(t), 1);
        for (int i = w * options.stride; i < std::min(t, w * options.stride + window); ++i)
            m[std::size_t(i)] = 0;
        masks.push_back(std::move(m));
    }
    const std::vector<double> f = evaluateMasks(target, masks, progress, cancel);

    TokenAttribution r;
    r.scores.assign(std::size_t(t), 0.0);
    std::vector<int> covered(std::size_t(t), 0);
    for (int w = 0; w < windows; ++w) {
        const double drop = f[0] - f[std::size_t(w) + 2];
        for (int i = w * options.stride; i < std::min(t, w * options.stride + window); ++i) {
            r.scores[std::size_t(i)] += drop;
            ++covered[std::size_t(i)];
        }
    }
    for (int i = 0; i < t; ++i)
        r.scores[std::size_t(i)] /= std::max(1, covered[std::size_t(i)]);
    r.evaluations = int(masks.size());
    finish(r, f[0], f[1]);
    return r;
}

namespace {

double limeDistance(const TokenMask &m, LimeOptions::Distance kind)
{
    const double t = double(m.size());
    const double kept = double(std::count(m.begin(), m.end(), std::uint8_t(1)));
    if (kind == LimeOptions::Distance::Hamming)
        return (t - kept) / t;
    // Cosine distance between the all-ones vector and m (1 when m is empty: no direction).
    return kept > 0 ? 1.0 - std::sqrt(kept / t) : 1.0;
}

} // namespace

TokenAttribution lime(const MaskTarget &target, const LimeOptions &options, Progress &progress,
                      const CancelToken &cancel)
{
    checkTarget(target, "LIME");
    require(options.samples >= 2, "LIME", "needs at least 2 samples");
    require(options.kernelWidth > 0 && options.ridgeAlpha >= 0, "LIME",
            "the kernel width must be positive and the ridge penalty non-negative");
    const int t = int(target.length);
    MaskSampler sampler(options.seed);
    std::vector<TokenMask> masks{TokenMask(std::size_t(t), 1), TokenMask(std::size_t(t), 0)};
    for (int s = 1; s < options.samples; ++s)
        masks.push_back(sampler.removing(t, 1 + int(sampler.below(std::uint64_t(t)))));
    const std::vector<double> all = evaluateMasks(target, masks, progress, cancel);

    // The all-removed mask is a reference value, not a sample of the surrogate's fit.
    const std::vector<TokenMask> fitMasks(masks.begin() + 2, masks.end());
    std::vector<TokenMask> samples{masks[0]};
    samples.insert(samples.end(), fitMasks.begin(), fitMasks.end());
    std::vector<double> y{all[0]};
    y.insert(y.end(), all.begin() + 2, all.end());
    std::vector<double> w;
    for (const TokenMask &m : samples) {
        const double d = limeDistance(m, options.distance);
        w.push_back(std::exp(-d * d / (2.0 * options.kernelWidth * options.kernelWidth)));
    }
    const LinearFit fit = weightedRidge(samples, y, w, options.ridgeAlpha);

    TokenAttribution r;
    r.scores = fit.coefficients;
    r.intercept = fit.intercept;
    r.r2 = fit.r2;
    r.evaluations = int(masks.size());
    finish(r, all[0], all[1]);
    return r;
}

namespace {

double choose(int n, int k)
{
    return std::exp(std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0));
}

TokenMask complementOf(const TokenMask &m)
{
    TokenMask c(m.size());
    std::transform(m.begin(), m.end(), c.begin(), [](std::uint8_t v) { return std::uint8_t(1 - v); });
    return c;
}

/// Coalitions with their share of the Shapley kernel's mass (all weights sum to 1).
struct Coalitions {
    std::vector<TokenMask> masks;
    std::vector<double> weights;
    bool exact = true;
};

/// Every coalition of `size` kept tokens (and its complement when `paired`), sharing `mass`.
void enumerateSize(int t, int size, bool paired, double mass, Coalitions &out)
{
    const double each = mass / (choose(t, size) * (paired ? 2.0 : 1.0));
    std::vector<int> idx(static_cast<std::size_t>(size));
    std::iota(idx.begin(), idx.end(), 0);
    while (true) {
        TokenMask m(std::size_t(t), 0);
        for (const int i : idx)
            m[std::size_t(i)] = 1;
        if (paired) {
            out.masks.push_back(complementOf(m));
            out.weights.push_back(each);
        }
        out.masks.push_back(std::move(m));
        out.weights.push_back(each);
        int k = size - 1; // next combination in lexicographic order
        while (k >= 0 && idx[std::size_t(k)] == t - size + k)
            --k;
        if (k < 0)
            return;
        ++idx[std::size_t(k)];
        for (int j = k + 1; j < size; ++j)
            idx[std::size_t(j)] = idx[std::size_t(j - 1)] + 1;
    }
}

/// The coalitions KernelSHAP evaluates within `budget`, as the shap library chooses them: the
/// kernel puts most mass on the smallest and largest coalitions, so sizes s and T-s are
/// enumerated together, outermost first, while sampling would be expected to draw each of their
/// coalitions at least once anyway; the remaining sizes are sampled in proportion to their kernel
/// mass, each draw paired with its complement, and repeated draws add weight instead of
/// evaluations.
Coalitions chooseCoalitions(int t, int budget, std::uint64_t seed)
{
    const int sizes = t / 2; // s = 1..t/2 stands for itself and t - s
    std::vector<double> mass;
    for (int s = 1; s <= sizes; ++s)
        mass.push_back((t - 1.0) / (double(s) * (t - s)) * (2 * s == t ? 1.0 : 2.0));
    const double totalMass = std::accumulate(mass.begin(), mass.end(), 0.0);
    for (double &m : mass)
        m /= totalMass;

    Coalitions out;
    double left = budget;
    std::vector<double> remaining = mass;
    int full = 0;
    for (; full < sizes; ++full) {
        const int s = full + 1;
        const bool paired = 2 * s != t;
        const double count = choose(t, s) * (paired ? 2.0 : 1.0);
        if (left * remaining[std::size_t(full)] / count < 1.0 - 1e-8)
            break;
        enumerateSize(t, s, paired, mass[std::size_t(full)], out);
        left -= count;
        const double used = remaining[std::size_t(full)];
        if (used < 1.0)
            for (double &r : remaining)
                r /= 1.0 - used;
    }
    if (full == sizes)
        return out;

    out.exact = false;
    std::vector<double> cumulative;
    double massLeft = 0.0;
    for (int i = full; i < sizes; ++i)
        cumulative.push_back(massLeft += mass[std::size_t(i)]);
    MaskSampler sampler(seed);
    std::map<TokenMask, double> counts;
    const std::uint64_t resolution = std::uint64_t(1) << 53;
    for (int draw = 0; double(counts.size()) + 2 <= left && draw < 50 * budget; ++draw) {
        const double u = double(sampler.below(resolution)) / double(resolution) * massLeft;
        const int s = full + 1 + int(std::upper_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin());
        TokenMask m = sampler.removing(t, t - s);
        if (2 * s != t)
            counts[complementOf(m)] += 1.0;
        counts[std::move(m)] += 1.0;
    }
    double drawn = 0.0;
    for (const auto &entry : counts)
        drawn += entry.second;
    for (const auto &[mask, count] : counts) {
        out.masks.push_back(mask);
        out.weights.push_back(count * massLeft / drawn);
    }
    return out;
}

} // namespace

TokenAttribution kernelShap(const MaskTarget &target, const KernelShapOptions &options, Progress &progress,
                            const CancelToken &cancel)
{
    checkTarget(target, "KernelSHAP");
    require(options.samples >= 2, "KernelSHAP", "needs at least 2 samples");
    const int t = int(target.length);
    const Coalitions coalitions = chooseCoalitions(t, options.samples, options.seed);
    std::vector<TokenMask> masks{TokenMask(std::size_t(t), 1), TokenMask(std::size_t(t), 0)};
    masks.insert(masks.end(), coalitions.masks.begin(), coalitions.masks.end());
    const std::vector<double> f = evaluateMasks(target, masks, progress, cancel);

    TokenAttribution r;
    r.exact = coalitions.exact;
    r.evaluations = int(masks.size());
    if (coalitions.masks.empty()) {
        r.scores.assign(std::size_t(t), (f[0] - f[1]) / t);
    } else {
        const std::vector<double> y(f.begin() + 2, f.end());
        r.scores = constrainedLeastSquares(coalitions.masks, y, coalitions.weights, f[1], f[0]);
    }
    r.intercept = f[1];
    finish(r, f[0], f[1]);
    return r;
}

} // namespace gb
