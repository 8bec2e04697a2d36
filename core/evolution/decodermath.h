// SPDX-License-Identifier: MIT
#pragma once

#include <ATen/core/Tensor.h>

namespace gb {

// Per-block decoder maths of the evolution analysis (spec-facts 1.4 and 2). A block holds the
// decoder rows of some features for every head: `[S, n, d]`. Results are float32.

/// What one pass over a block yields.
struct BlockStats {
    at::Tensor norms;   ///< [S, n]: ||W_D[s, i, :]||_2
    /// [S-1, n]: cos(W_D[s, i], W_D[s+1, i]), NaN where either row is zero (no direction). For a
    /// two-model crosscoder this is the cosine between the two models' decoder directions.
    at::Tensor cosines;
};

/// Which inner loop computes the dot products (tests compare both; Auto picks AVX2 + FMA when
/// the CPU has them).
enum class KernelPath { Auto, Portable };

/// Norms and consecutive-head cosines in one pass over memory: for each feature the previous
/// head's row is still in cache when the next one is read, so a memory-mapped decoder is read
/// once. Parallel over features with libtorch's intra-op threads.
BlockStats blockDecoderStats(const at::Tensor &block, KernelPath path = KernelPath::Auto);

/// One feature's decoder rows `[S, d]` -> cosine similarity of every pair of heads `[S, S]`
/// (the OpenMOSS post-analysis "decoder_similarity_matrices"); NaN rows/columns for zero rows.
at::Tensor directionSimilarity(const at::Tensor &rows);

} // namespace gb
