// SPDX-License-Identifier: MIT
#pragma once

#include "dictionaries/saedictionary.h"
#include "io/json.h"

#include <optional>
#include <string>

namespace gb {

/// A SAELens `cfg.json` read into Glassbox terms (spec-facts 3.2 and 3.3).
///
/// Both layouts are accepted: v6 (metadata nested under "metadata") and the older flat layout,
/// with the renames and defaults SAELens applies to it (hook_point -> hook_name,
/// hook_point_head_index -> hook_head_index, activation_fn_str -> activation_fn; missing
/// architecture "standard", apply_b_dec_to_input true, normalize_activations "none",
/// prepend_bos true; normalize_activations true -> "expected_average_only_in"; activation_fn
/// "topk" with activation_fn_kwargs.k -> architecture "topk"; a hook_z hook reshapes).
/// Metadata keys are looked up in "metadata" first, then at the top level, so half-converted
/// files work too.
///
/// Architectures: standard, gated, jumprelu, topk, transcoder, skip_transcoder,
/// jumprelu_transcoder; batchtopk and matryoshka_batchtopk training checkpoints are read as
/// jumprelu with their learned global threshold, as SAELens saves them for inference.
///
/// expected_average_only_in: SAELens folds a dataset scale factor that lives in its release
/// list, not in the file. Glassbox folds `norm_scaling_factor` when cfg.json carries one (our
/// extension) and otherwise uses the weights as stored, like SAELens for a local folder, with a
/// warning in info.warnings.
struct SaeLensConfig {
    DictionaryInfo info; ///< dims (d_out 0 when a transcoder's file does not say), hooks, metadata
    SaeSpec spec;
    bool flatLayout = false;       ///< the pre-6.0 layout was converted
    bool batchTopK = false;        ///< a BatchTopK checkpoint read as JumpReLU
    bool finetuningScaling = false; ///< legacy finetuning_scaling_factor weights expected
    std::optional<double> normScalingFactor; ///< to fold (expected_average_only_in)

    /// BadInput naming `source` and the key for: missing/invalid d_in, d_sae or hook_name,
    /// unknown architecture / activation / normalisation, apply_b_dec_to_input on a transcoder,
    /// a transcoder without hook_name_out.
    static SaeLensConfig fromJson(const Json &cfg, const std::string &source);

    /// The v6 cfg.json that fromJson reads back as this configuration (the same field names):
    /// architecture, d_in, d_sae (d_out, hook_name_out for transcoders), apply_b_dec_to_input,
    /// normalize_activations (with norm_scaling_factor when set), reshape_activations, k and
    /// rescale_acts_by_decoder_norm for topk, and under "metadata" model_name, hook_name,
    /// hook_head_index, context_size, prepend_bos and sae_lens_version. Writers add their own
    /// keys (e.g. training facts) to the result. Gated, JumpReLU and BatchTopK are read-only.
    Json toJson() const;
};

/// The SAELens architectures Glassbox reads, for messages and the UI.
const std::vector<std::string> &saeLensArchitectures();

} // namespace gb
