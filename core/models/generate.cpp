// SPDX-License-Identifier: MIT
// Greedy and sampled decoding with a KV cache.
#include "models/transformermodel.h"

#include "common/error.h"
#include "common/torch_guard.h"
#include "jobs/cancel.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/InferenceMode.h>

namespace gb {

namespace {

std::int64_t pickToken(const at::Tensor &logits, const GenerateOptions &o, at::Generator &gen)
{
    if (o.temperature <= 0.0)
        return logits.argmax().item<std::int64_t>();
    at::Tensor scaled = logits.to(at::kDouble) / o.temperature;
    at::Tensor ids;
    if (o.topK > 0 && o.topK < scaled.size(0)) {
        auto top = at::topk(scaled, o.topK);
        scaled = std::get<0>(top);
        ids = std::get<1>(top);
    }
    const at::Tensor probs = at::softmax(scaled, 0);
    const std::int64_t choice = at::multinomial(probs, 1, false, gen).item<std::int64_t>();
    return ids.defined() ? ids[choice].item<std::int64_t>() : choice;
}

} // namespace

std::vector<std::int64_t> TransformerModel::generate(const std::vector<std::int64_t> &prompt,
                                                     const GenerateOptions &options, const CancelToken *cancel) const
{
    require(!prompt.empty(), "generate", "the prompt is empty");
    require(options.maxNewTokens >= 0, "generate", "max new tokens must not be negative");
    require(options.topK >= 0, "generate", "top-k must not be negative");
    const std::int64_t nCtx = config().nCtx;
    require(std::int64_t(prompt.size()) <= nCtx, "generate",
            "prompt of " + std::to_string(prompt.size()) + " tokens exceeds the context of " + std::to_string(nCtx));
    c10::InferenceMode guard;
    std::vector<std::int64_t> out;
    KVCache cache;
    at::Generator gen = at::detail::createCPUGenerator(options.seed);
    at::Tensor next = at::tensor(prompt, at::kLong).view({1, -1});
    ForwardOptions fo;
    fo.inference = true;
    while (int(out.size()) < options.maxNewTokens && cache.length() + next.size(1) <= nCtx) {
        if (cancel && cancel->isCancelled())
            break;
        ForwardInput in;
        in.tokens = next;
        in.cache = &cache;
        const at::Tensor logits = forward(in, fo).logits;
        const std::int64_t token = torchGuard("sampling", [&] { return pickToken(logits[0][-1], options, gen); });
        out.push_back(token);
        if (token == options.stopToken)
            break;
        next = at::full({1, 1}, token, at::kLong);
    }
    return out;
}

} // namespace gb
