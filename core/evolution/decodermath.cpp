// SPDX-License-Identifier: MIT
#include "evolution/decodermath.h"

#include "common/error.h"
#include "common/torch_guard.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <cmath>
#include <cstring>
#include <limits>

namespace gb {

namespace {

using V8 = float __attribute__((vector_size(32)));

/// sum(a*a) and sum(a*b) over d floats. Written once with 8-wide vector extensions; inlined into
/// an AVX2+FMA caller it becomes ymm FMAs, into the default caller pairs of SSE operations.
/// Four accumulators per sum hide the FMA latency.
__attribute__((always_inline)) inline void normDotBody(const float *a, const float *b, std::int64_t d, float &aa,
                                                         float &ab)
{
    V8 s[4] = {}, t[4] = {};
    std::int64_t i = 0;
    for (; i + 32 <= d; i += 32) {
        for (int k = 0; k < 4; ++k) {
            V8 x, y;
            std::memcpy(&x, a + i + 8 * k, sizeof x);
            std::memcpy(&y, b + i + 8 * k, sizeof y);
            s[k] += x * x;
            t[k] += x * y;
        }
    }
    const V8 sv = (s[0] + s[1]) + (s[2] + s[3]), tv = (t[0] + t[1]) + (t[2] + t[3]);
    float x = 0.0f, y = 0.0f;
    for (int k = 0; k < 8; ++k) {
        x += sv[k];
        y += tv[k];
    }
    for (; i < d; ++i) {
        x += a[i] * a[i];
        y += a[i] * b[i];
    }
    aa = x;
    ab = y;
}

__attribute__((target("avx2,fma"))) void normDotAvx2(const float *a, const float *b, std::int64_t d, float &aa,
                                                      float &ab)
{
    normDotBody(a, b, d, aa, ab);
}

void normDotPortable(const float *a, const float *b, std::int64_t d, float &aa, float &ab)
{
    normDotBody(a, b, d, aa, ab);
}

using NormDot = void (*)(const float *, const float *, std::int64_t, float &, float &);

NormDot pickKernel(KernelPath path)
{
    static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return path == KernelPath::Auto && avx2 ? normDotAvx2 : normDotPortable;
}

/// dot / (na * nb), NaN where na or nb is zero, clamped to [-1, 1] against rounding.
at::Tensor cosineFromDots(const at::Tensor &dots, const at::Tensor &na, const at::Tensor &nb)
{
    const at::Tensor denom = na * nb;
    const at::Tensor cos = (dots / denom).clamp(-1.0, 1.0);
    return at::where(denom > 0, cos, at::full({}, std::numeric_limits<float>::quiet_NaN(), cos.options()));
}

} // namespace

BlockStats blockDecoderStats(const at::Tensor &block, KernelPath path)
{
    require(block.dim() == 3, "decoder block", "expected [S, n, d]");
    return torchGuard("decoder norms and directions", [&] {
        at::Tensor b = block.to(at::kFloat);
        if (b.stride(2) != 1)
            b = b.contiguous();
        const std::int64_t S = b.size(0), n = b.size(1), d = b.size(2);
        at::Tensor squares = at::empty({S, n}, at::kFloat);
        at::Tensor dots = at::empty({std::max<std::int64_t>(S - 1, 0), n}, at::kFloat);
        const float *base = b.data_ptr<float>();
        float *sq = squares.data_ptr<float>(), *dt = dots.data_ptr<float>();
        const std::int64_t hs = b.stride(0), fs = b.stride(1);
        const NormDot kernel = pickKernel(path);
        // Snapshot-outer within a thread's feature range: the previous snapshot's rows of that
        // range (range x d floats) are still in L2 when the next snapshot's rows arrive.
        at::parallel_for(0, n, 64, [&](std::int64_t begin, std::int64_t end) {
            for (std::int64_t s = 0; s < S; ++s)
                for (std::int64_t f = begin; f < end; ++f) {
                    const float *row = base + s * hs + f * fs;
                    float aa, ab;
                    kernel(row, s ? row - hs : row, d, aa, ab);
                    sq[s * n + f] = aa;
                    if (s)
                        dt[(s - 1) * n + f] = ab;
                }
        });
        BlockStats out;
        out.norms = squares.sqrt();
        out.cosines = S < 2 ? dots : cosineFromDots(dots, out.norms.slice(0, 0, S - 1), out.norms.slice(0, 1, S));
        return out;
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
