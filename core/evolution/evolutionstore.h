// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>

namespace gb {

class Workspace;
struct EvolutionData;

/// Stores what an "evolution" run gathered as results of `runId`: "decoder_norms" ([S][F]) and
/// "step_cosines" ([S-1][F]) as "f32" (little-endian float32, row-major) and "evolution_data"
/// (json: head names, steps, sizes). Summaries are not stored: they are recomputed instantly.
void storeEvolutionData(Workspace &ws, std::int64_t runId, const EvolutionData &data);
/// Reads them back; BadInput when the run has no such results or their sizes disagree.
EvolutionData loadEvolutionData(const Workspace &ws, std::int64_t runId);

} // namespace gb
