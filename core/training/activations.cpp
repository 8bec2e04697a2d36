// SPDX-License-Identifier: MIT
#include "training/activations.h"

#include "common/error.h"
#include "common/random.h"
#include "common/torch_guard.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "models/hookpoints.h"
#include "models/transformermodel.h"

#include <ATen/ATen.h>

namespace gb {

at::Tensor tokenWindows(const at::Tensor &tokens, int context, std::int64_t maxWindows)
{
    require(tokens.dim() == 1 && context >= 1, "token windows", "need a 1-D token stream and a positive context");
    const std::int64_t n = std::min<std::int64_t>(maxWindows, tokens.size(0) / context);
    require(n >= 1, "token windows", "fewer tokens than one window of " + std::to_string(context));
    return tokens.slice(0, 0, n * context).reshape({n, context}).to(at::kLong);
}

at::Tensor collectActivations(const TransformerModel &model, const at::Tensor &windows, const std::string &hook,
                              int batch, Progress &progress, const CancelToken &cancel)
{
    require(windows.dim() == 2 && batch >= 1, "activations", "windows must be [W, T] and the batch positive");
    model.hooks().require(hook);
    return torchGuard("collecting activations at " + hook, [&] {
        std::vector<at::Tensor> parts;
        ForwardOptions options;
        options.capture = {hook};
        options.logits = false;
        options.inference = true;
        for (std::int64_t b = 0; b < windows.size(0); b += batch) {
            cancel.throwIfCancelled();
            ForwardInput in;
            in.tokens = windows.slice(0, b, std::min<std::int64_t>(b + batch, windows.size(0)));
            const auto value = model.forward(in, options).hook(hook);
            parts.push_back(value.reshape({value.size(0) * value.size(1), -1}).to(at::kFloat).clone());
            progress.update(std::min<std::int64_t>(b + batch, windows.size(0)), windows.size(0));
        }
        return at::cat(parts, 0);
    });
}

at::Tensor batchOfRows(const at::Tensor &rows, int batchSize, std::uint64_t seed, std::int64_t step)
{
    Rng rng(seed * 0x9E3779B97F4A7C15ULL + std::uint64_t(step));
    std::vector<std::int64_t> picked(static_cast<std::size_t>(batchSize));
    for (auto &i : picked)
        i = std::int64_t(rng.below(std::uint64_t(rows.size(0))));
    return rows.index_select(0, at::tensor(picked, at::kLong));
}

} // namespace gb
