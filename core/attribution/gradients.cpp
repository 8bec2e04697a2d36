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

GradientAttribution integratedGradients(const GradientTarget &target, const at::Tensor &input,
                                        const at::Tensor &baseline, const IgOptions &options,
                                        Progress &progress, const CancelToken &cancel)
{
    checkInputs(input, baseline);
    require(baseline.defined(), "integrated gradients", "a baseline is required");
    const QuadratureRule rule = quadratureRule(options.quadrature, options.steps);
    return torchGuard("integrated gradients", [&] {
        const std::int64_t n = options.steps;
        const std::int64_t batch = batchSizeFor(options.memoryBudgetBytes, target.bytesPerSample, n);
        const at::Tensor x = input.detach();
        const at::Tensor ref = baseline.detach().to(x.scalar_type());
        const at::Tensor diff = (x - ref).unsqueeze(0);
        const at::Tensor alphas = at::tensor(rule.alphas, at::kDouble).to(x.scalar_type());
        const at::Tensor weights = at::tensor(rule.weights, at::kDouble);
        at::Tensor sum = at::zeros(x.sizes(), x.options().dtype(at::kDouble));
        for (std::int64_t start = 0; start < n; start += batch) {
            cancel.throwIfCancelled();
            const std::int64_t end = std::min(n, start + batch);
            const at::Tensor a = alphas.slice(0, start, end).view({-1, 1, 1});
            const at::Tensor g = gradientsAt(target, ref.unsqueeze(0) + a * diff);
            sum += (g.to(at::kDouble) * weights.slice(0, start, end).view({-1, 1, 1})).sum(0);
            progress.update(end, n);
        }
        GradientAttribution r;
        r.attributions = diff.squeeze(0).to(at::kDouble) * sum;
        const std::vector<double> f = evaluateTarget(target, at::stack({x, ref}), options.memoryBudgetBytes);
        r.fX = f[0];
        r.fBaseline = f[1];
        r.delta = r.attributions.sum().item<double>() - (r.fX - r.fBaseline);
        r.steps = int(n);
        return r;
    });
}

namespace {

/// The next Gauss-Legendre step count: double until two levels show a decay rate, then
/// extrapolate log|delta| linearly in n to the target, with 15 % margin, between +1 and 2x.
int nextSteps(const std::vector<std::pair<int, double>> &levels, double goal, int maxSteps)
{
    const auto [n2, d2] = levels.back();
    int next = 2 * n2;
    if (levels.size() >= 2) {
        const auto [n1, d1] = levels[levels.size() - 2];
        const double rate = (std::log(std::fabs(d1)) - std::log(std::fabs(d2))) / double(n2 - n1);
        if (rate > 0 && std::isfinite(rate) && goal > 0) {
            const double needed = n2 + (std::log(std::fabs(d2)) - std::log(goal)) / rate;
            next = std::clamp(int(std::ceil(needed * 1.15)), n2 + 1, 2 * n2);
        }
    }
    return std::min(next, maxSteps);
}

} // namespace

GradientAttribution adaptiveIntegratedGradients(const GradientTarget &target, const at::Tensor &input,
                                                const at::Tensor &baseline, const AdaptiveIgOptions &options,
                                                Progress &progress, const CancelToken &cancel)
{
    require(options.tolerance > 0, "adaptive integrated gradients", "the tolerance must be positive");
    require(options.startSteps >= 1 && options.maxSteps >= options.startSteps, "adaptive integrated gradients",
            "need 1 <= start steps <= max steps");
    IgOptions level;
    level.quadrature = Quadrature::GaussLegendre;
    level.memoryBudgetBytes = options.memoryBudgetBytes;
    level.steps = options.startSteps;
    std::vector<std::pair<int, double>> levels;
    int evaluated = 0;
    while (true) {
        // Progress counts the steps evaluated so far plus this level's, so it steps back when a
        // level is added: the total is not known in advance.
        Progress levelProgress([&](const ProgressUpdate &u) {
            progress.update(evaluated + std::int64_t(std::lround(u.fraction * level.steps)), evaluated + level.steps);
        });
        GradientAttribution r = integratedGradients(target, input, baseline, level,
                                                    levelProgress, cancel);
        evaluated += level.steps;
        progress.update(evaluated, evaluated);
        levels.emplace_back(level.steps, r.delta);
        const double goal = options.tolerance * std::fabs(r.fX - r.fBaseline);
        r.converged = std::fabs(r.delta) <= goal;
        if (r.converged || level.steps >= options.maxSteps) {
            r.levels = levels;
            return r;
        }
        level.steps = nextSteps(levels, goal, options.maxSteps);
    }
}

} // namespace gb
