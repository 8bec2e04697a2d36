// SPDX-License-Identifier: MIT
#include "evolution/decodermath.h"

#include "common/error.h"
#include "common/torch_guard.h"

#include <ATen/ATen.h>

#include <limits>

namespace gb {

namespace {

/// dot / (na * nb), NaN where na or nb is zero, clamped to [-1, 1] against rounding.
at::Tensor cosineFromDots(const at::Tensor &dots, const at::Tensor &na, const at::Tensor &nb)
{
    const at::Tensor denom = na * nb;
    const at::Tensor cos = (dots / denom).clamp(-1.0, 1.0);
    return at::where(denom > 0, cos, at::full({}, std::numeric_limits<float>::quiet_NaN(), cos.options()));
}

} // namespace

at::Tensor blockDecoderNorms(const at::Tensor &block)
{
    require(block.dim() == 3, "decoder block", "expected [S, n, d]");
    return torchGuard("decoder norms", [&] {
        return at::linalg_vector_norm(block.to(at::kFloat), 2, at::IntArrayRef{-1}, false, c10::nullopt);
    });
}

at::Tensor blockConsecutiveCosines(const at::Tensor &block, const at::Tensor &norms)
{
    require(block.dim() == 3 && norms.dim() == 2 && norms.size(0) == block.size(0) && norms.size(1) == block.size(1),
            "decoder block", "norms must be [S, n] for a [S, n, d] block");
    const std::int64_t s = block.size(0);
    if (s < 2)
        return at::empty({0, block.size(1)}, norms.options());
    return torchGuard("decoder direction change", [&] {
        const at::Tensor b = block.to(at::kFloat);
        // A batched dot product: no [S-1, n, d] temporary.
        const at::Tensor dots = at::einsum("snd,snd->sn", {b.slice(0, 0, s - 1), b.slice(0, 1, s)});
        return cosineFromDots(dots, norms.slice(0, 0, s - 1), norms.slice(0, 1, s));
    });
}

at::Tensor directionSimilarity(const at::Tensor &rows)
{
    require(rows.dim() == 2, "decoder rows", "expected [S, d]");
    return torchGuard("decoder direction similarity", [&] {
        const at::Tensor r = rows.to(at::kDouble);
        const at::Tensor n = at::linalg_vector_norm(r, 2, at::IntArrayRef{-1}, false, c10::nullopt);
        return cosineFromDots(at::matmul(r, r.t()), n.unsqueeze(1), n.unsqueeze(0)).to(at::kFloat);
    });
}

} // namespace gb
