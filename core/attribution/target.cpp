// SPDX-License-Identifier: MIT
#include "attribution/target.h"

#include "common/error.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include <algorithm>

namespace gb {

std::int64_t batchSizeFor(std::int64_t budgetBytes, std::int64_t bytesPerRow, std::int64_t cap)
{
    cap = std::max<std::int64_t>(1, cap);
    if (bytesPerRow <= 0)
        return cap;
    return std::clamp<std::int64_t>(budgetBytes / bytesPerRow, 1, cap);
}

MaskTarget maskTargetOf(const GradientTarget &target, const at::Tensor &input, const at::Tensor &baseline,
                        std::int64_t memoryBudgetBytes)
{
    require(input.dim() == 2 && baseline.sizes() == input.sizes(), "mask target",
            "input and baseline must both be [T, d] of the same shape");
    MaskTarget m;
    m.length = input.size(0);
    // A forward without autograd keeps roughly a third of what forward + backward keeps.
    m.maxBatch = batchSizeFor(memoryBudgetBytes, target.bytesPerSample / 3, 256);
    const at::Tensor x = input.detach();
    const at::Tensor ref = baseline.detach();
    const auto evaluate = target.evaluate;
    m.evaluate = [x, ref, evaluate](const at::Tensor &masks) {
        at::NoGradGuard noGrad;
        const at::Tensor keep = masks.to(x.scalar_type()).unsqueeze(-1);
        return evaluate(ref.unsqueeze(0) + keep * (x - ref).unsqueeze(0));
    };
    return m;
}

} // namespace gb
