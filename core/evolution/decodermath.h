// SPDX-License-Identifier: MIT
#pragma once

#include <ATen/core/Tensor.h>

namespace gb {

// Per-block decoder maths of the evolution analysis (spec-facts 1.4 and 2). A block holds the
// decoder rows of some features for every head: `[S, n, d]`. Results are float32.

/// `||W_D[s, i, :]||_2` -> `[S, n]`.
at::Tensor blockDecoderNorms(const at::Tensor &block);

/// Cosine between each feature's decoder directions at consecutive heads,
/// `cos(W_D[s, i], W_D[s+1, i])` -> `[S-1, n]`, from the block and its norms. NaN where either
/// vector is zero (a zero decoder has no direction). For S == 2 this is the cosine between the two
/// models' decoder directions.
at::Tensor blockConsecutiveCosines(const at::Tensor &block, const at::Tensor &norms);

/// One feature's decoder rows `[S, d]` -> cosine similarity of every pair of heads `[S, S]`
/// (the OpenMOSS post-analysis "decoder_similarity_matrices"); NaN rows/columns for zero rows.
at::Tensor directionSimilarity(const at::Tensor &rows);

} // namespace gb
