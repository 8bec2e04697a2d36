// SPDX-License-Identifier: MIT
#include "attribution/gradients.h"

#include "common/error.h"
#include "common/torch_guard.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>
#include <torch/csrc/autograd/autograd.h>

#include <algorithm>
#include <cmath>
#include <functional>

namespace gb {

namespace {

void checkInputs(const at::Tensor &input, const at::Tensor &baseline)
{
    require(input.defined() && input.dim() == 2, "attribution", "the input must be a [T, d] tensor");
    require(!baseline.defined() || baseline.sizes() == input.sizes(), "attribution",
            "the baseline must have the input's shape [T, d]");
}

/// F(points) [B] and dF/dpoints [B, T, d], computing only the input branch of the graph.
at::Tensor gradientsAt(const GradientTarget &target, const at::Tensor &points)
{
    at::AutoGradMode enableGrad(true);
    const at::Tensor p = points.detach().requires_grad_(true);
    const at::Tensor out = target.evaluate(p);
    if (!out.defined() || out.dim() != 1 || out.size(0) != p.size(0))
        throw Error::internal("attribution target must return one value per batch row");
    at::Tensor g = torch::autograd::grad({out.sum()}, {p}, {}, /*retain_graph=*/false,
                                         /*create_graph=*/false, /*allow_unused=*/true)[0];
    return g.defined() ? g : at::zeros_like(p);
}

double valueAt(const GradientTarget &target, const at::Tensor &input)
{
    return evaluateTarget(target, input.unsqueeze(0), 0).front();
}

} // namespace

std::vector<double> evaluateTarget(const GradientTarget &target, const at::Tensor &inputs,
                                   std::int64_t memoryBudgetBytes)
{
    return torchGuard("evaluating the attribution target", [&] {
        at::NoGradGuard noGrad;
        const std::int64_t n = inputs.size(0);
        const std::int64_t batch = memoryBudgetBytes > 0 ? batchSizeFor(memoryBudgetBytes, target.bytesPerSample / 3, n) : n;
        std::vector<double> values;
        values.reserve(std::size_t(n));
        for (std::int64_t start = 0; start < n; start += batch) {
            const at::Tensor out = target.evaluate(inputs.slice(0, start, std::min(n, start + batch)))
                                       .to(at::kDouble).contiguous();
            values.insert(values.end(), out.data_ptr<double>(), out.data_ptr<double>() + out.numel());
        }
        return values;
    });
}

GradientAttribution saliency(const GradientTarget &target, const at::Tensor &input, bool absolute)
{
    checkInputs(input, {});
    return torchGuard("saliency", [&] {
        GradientAttribution r;
        at::Tensor g = gradientsAt(target, input.unsqueeze(0)).squeeze(0).to(at::kDouble);
        r.attributions = absolute ? g.abs() : g;
        r.fX = valueAt(target, input);
        r.steps = 1;
        return r;
    });
}

GradientAttribution gradientTimesInput(const GradientTarget &target, const at::Tensor &input)
{
    checkInputs(input, {});
    return torchGuard("gradient x input", [&] {
        GradientAttribution r;
        const at::Tensor g = gradientsAt(target, input.unsqueeze(0)).squeeze(0);
        r.attributions = input.to(at::kDouble) * g.to(at::kDouble);
        const std::vector<double> f = evaluateTarget(target, at::stack({input, at::zeros_like(input)}), 0);
        r.fX = f[0];
        r.fBaseline = f[1];
        r.delta = r.attributions.sum().item<double>() - (r.fX - r.fBaseline);
        r.steps = 1;
        return r;
    });
}

namespace {

/// dF at ref + alpha diff for every alpha, in step batches under the budget: `consume(first, g)`
/// gets each batch's gradients [b, T, d] with the index of its first alpha. Checks `cancel`
/// before each batch and reports `done(alphas evaluated)` after it.
void gradientsAlong(const GradientTarget &target, const at::Tensor &ref, const at::Tensor &diff,
                    const std::vector<double> &alphas, std::int64_t budget, const CancelToken &cancel,
                    const std::function<void(std::int64_t, const at::Tensor &)> &consume,
                    const std::function<void(std::int64_t)> &done)
{
    const std::int64_t n = std::int64_t(alphas.size());
    const std::int64_t batch = batchSizeFor(budget, target.bytesPerSample, n);
    const at::Tensor a = at::tensor(alphas, at::kDouble).to(ref.scalar_type());
    for (std::int64_t start = 0; start < n; start += batch) {
        cancel.throwIfCancelled();
        const std::int64_t end = std::min(n, start + batch);
        consume(start, gradientsAt(target, ref.unsqueeze(0) + a.slice(0, start, end).view({-1, 1, 1}) * diff.unsqueeze(0)));
        done(end);
    }
}

/// sum_k w[k] g[k] of a gradient batch g [b, T, d], in float64.
at::Tensor weightedSum(const at::Tensor &g, const std::vector<double> &w)
{
    return (g.to(at::kDouble) * at::tensor(w, at::kDouble).view({-1, 1, 1})).sum(0);
}

} // namespace

GradientAttribution integratedGradients(const GradientTarget &target, const at::Tensor &input,
                                        const at::Tensor &baseline, const IgOptions &options,
                                        Progress &progress, const CancelToken &cancel)
{
    checkInputs(input, baseline);
    require(baseline.defined(), "integrated gradients", "a baseline is required");
    const QuadratureRule rule = quadratureRule(options.quadrature, options.steps);
    return torchGuard("integrated gradients", [&] {
        const std::int64_t n = std::int64_t(rule.alphas.size());
        const at::Tensor x = input.detach();
        const at::Tensor ref = baseline.detach().to(x.scalar_type());
        const at::Tensor diff = x - ref;
        at::Tensor sum = at::zeros(x.sizes(), x.options().dtype(at::kDouble));
        gradientsAlong(
            target, ref, diff, rule.alphas, options.memoryBudgetBytes, cancel,
            [&](std::int64_t first, const at::Tensor &g) {
                sum += weightedSum(g, {rule.weights.begin() + first, rule.weights.begin() + first + g.size(0)});
            },
            [&](std::int64_t done) { progress.update(done, n); });
        GradientAttribution r;
        r.attributions = diff.to(at::kDouble) * sum;
        const std::vector<double> f = evaluateTarget(target, at::stack({x, ref}), options.memoryBudgetBytes);
        r.fX = f[0];
        r.fBaseline = f[1];
        r.delta = r.attributions.sum().item<double>() - (r.fX - r.fBaseline);
        r.steps = int(n);
        return r;
    });
}

namespace {

/// The Gauss-Legendre order of the next pair after the pair of order n missed `goal` with
/// |delta| dGauss (n points) and dKronrod (2n + 1 points). log|delta| is extrapolated linearly
/// in the number of points, to the goal with 15 % margin, for the next Kronrod rule. Points,
/// not degree: Kronrod rules converge about as fast per point as Gauss rules (measured, even
/// though their degree is 3n + 1 rather than 4n + 1). Between n + 1 and 2n; 2n when the pair
/// shows no decay (rounding noise).
int nextGaussOrder(int n, double dGauss, double dKronrod, double goal)
{
    int next = 2 * n;
    const double rate = (std::log(std::fabs(dGauss)) - std::log(std::fabs(dKronrod))) / double(n + 1);
    if (rate > 0 && std::isfinite(rate) && goal > 0) {
        const double points = 2.0 * n + 1.0 + (std::log(std::fabs(dKronrod)) - std::log(goal)) / rate;
        next = int(std::ceil((1.15 * points - 1.0) / 2.0));
    }
    return std::clamp(next, n + 1, std::max(n + 1, 2 * n));
}

/// Every odd (Gauss) or even (Kronrod-only) entry of `v`.
std::vector<double> everyOther(const std::vector<double> &v, bool odd)
{
    std::vector<double> out;
    for (std::size_t i = odd ? 1 : 0; i < v.size(); i += 2)
        out.push_back(v[i]);
    return out;
}

} // namespace

GradientAttribution adaptiveIntegratedGradients(const GradientTarget &target, const at::Tensor &input,
                                                const at::Tensor &baseline, const AdaptiveIgOptions &options,
                                                Progress &progress, const CancelToken &cancel)
{
    require(options.tolerance > 0, "adaptive integrated gradients", "the tolerance must be positive");
    require(options.startSteps >= 1 && options.maxSteps >= options.startSteps, "adaptive integrated gradients",
            "need 1 <= start steps <= max steps");
    checkInputs(input, baseline);
    require(baseline.defined(), "adaptive integrated gradients", "a baseline is required");
    return torchGuard("adaptive integrated gradients", [&] {
        const at::Tensor x = input.detach();
        const at::Tensor ref = baseline.detach().to(x.scalar_type());
        const at::Tensor diff = x - ref;
        GradientAttribution r;
        const std::vector<double> f = evaluateTarget(target, at::stack({x, ref}), options.memoryBudgetBytes);
        r.fX = f[0];
        r.fBaseline = f[1];
        const double goal = options.tolerance * std::fabs(r.fX - r.fBaseline);
        r.converged = false;
        // Evaluates `alphas`, adding each gradient into every accumulator with its own weights.
        // Progress counts the evaluations so far plus this stage's, so it steps back when a stage
        // is added: the total is not known in advance.
        auto stage = [&](const std::vector<double> &alphas,
                         const std::vector<std::pair<at::Tensor *, std::vector<double>>> &sums) {
            const std::int64_t before = r.steps, total = before + std::int64_t(alphas.size());
            gradientsAlong(
                target, ref, diff, alphas, options.memoryBudgetBytes, cancel,
                [&](std::int64_t first, const at::Tensor &g) {
                    for (const auto &[sum, w] : sums)
                        *sum += weightedSum(g, {w.begin() + first, w.begin() + first + g.size(0)});
                },
                [&](std::int64_t done) { progress.update(before + done, total); });
            r.steps = int(total);
        };
        // A level's attributions and delta from its accumulator; true when it meets the goal.
        auto level = [&](const at::Tensor &sum, int points) {
            r.attributions = diff.to(at::kDouble) * sum;
            r.delta = r.attributions.sum().item<double>() - (r.fX - r.fBaseline);
            r.levels.emplace_back(points, r.delta);
            r.converged = std::fabs(r.delta) <= goal;
            return r.converged;
        };
        // Pairs: n-point Gauss-Legendre, then its Kronrod extension on the same n gradients plus
        // n + 1 new ones; each pair's two rules accumulate side by side, so no gradient is kept.
        for (int n = options.startSteps; r.steps + n <= options.maxSteps;) {
            const QuadratureRule gauss = quadratureRule(Quadrature::GaussLegendre, n);
            const QuadratureRule kronrod = quadratureRule(Quadrature::GaussKronrod, n);
            at::Tensor sumGauss = at::zeros(x.sizes(), x.options().dtype(at::kDouble));
            at::Tensor sumKronrod = at::zeros_like(sumGauss);
            stage(gauss.alphas, {{&sumGauss, gauss.weights}, {&sumKronrod, everyOther(kronrod.weights, true)}});
            if (level(sumGauss, n) || r.steps + n + 1 > options.maxSteps)
                break;
            stage(everyOther(kronrod.alphas, false), {{&sumKronrod, everyOther(kronrod.weights, false)}});
            if (level(sumKronrod, 2 * n + 1))
                break;
            const int next = nextGaussOrder(n, r.levels[r.levels.size() - 2].second, r.levels.back().second, goal);
            // The next pair must fit, and a smaller one would not improve on this Kronrod rule.
            n = std::min(next, (options.maxSteps - r.steps - 1) / 2);
            if (n <= (r.levels.back().first - 1) / 2)
                break;
        }
        progress.update(r.steps, r.steps);
        return r;
    });
}

} // namespace gb
