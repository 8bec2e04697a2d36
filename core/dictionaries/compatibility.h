// SPDX-License-Identifier: MIT
#pragma once

namespace gb {

class SparseDictionary;
class TransformerModel;

/// Checks, before any compute, that `model` can feed `dict`: the hooks it reads and writes exist
/// in the model and have the dictionary's widths (hook_z: n_heads x d_head, or d_head for a
/// dictionary of one head). BadInput naming the dictionary, the hook and both widths otherwise;
/// crosscoders need one model per head and are rejected here.
void checkCompatibility(const SparseDictionary &dict, const TransformerModel &model);

} // namespace gb
