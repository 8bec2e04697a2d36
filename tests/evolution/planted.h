// SPDX-License-Identifier: MIT
// Crosscoders with planted decoder-norm profiles and direction changes, built in code, so the
// evolution analysis can be checked against answers known by construction.
#pragma once

#include "io/json.h"

#include <ATen/core/Tensor.h>

#include <QString>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace gbtest {

/// The 32 Pythia snapshot steps of arXiv 2509.17196 (spec-facts 1.2).
const std::vector<std::int64_t> &paperSteps();
/// "step0", "step2", ... for those steps.
std::vector<std::string> paperHookPoints();

/// Planted life stories (S = 32 paper snapshots, d = 16). Rows use basis directions, so norms are
/// exact in float32. Feature ids:
enum PlantedFeature {
    InitFeature = 0,  ///< peaks at snapshot 0, dips to 0.2 at snapshot 8, recovers to 0.6
    EarlyFeature = 1, ///< absent until snapshot 10 (step 1000), peaks there, stays at 0.75
    LateFeature = 2,  ///< ramps s/31, peaks at the last snapshot
    RampFeature = 3,  ///< 0 until 12, ramps 2(s-12)/8 to 2.0 at snapshot 20 (step 14000), then 1.5
    DeadFeature = 4,  ///< all zero: never emerges
    FlipFirst = 5,    ///< FlipFirst..FlipLast: constant norm, direction e_a before snapshot 10 and
    FlipLast = 9,     ///< an orthogonal e_b from snapshot 10: the population's turning point is 9 -> 10
    RotatingFeature = 10, ///< rotates by 0.1 rad per snapshot; norm 0.4, 1.0 at snapshot 25 (step 60000)
    ReversalFeature = 11, ///< constant norm, direction e0 then -e0 from snapshot 21 (transition 20)
    PlantedFeatures = 12
};
constexpr std::int64_t PlantedDModel = 16;
constexpr int PlantedTurningIndex = 9;
constexpr int PlantedReversalIndex = 20;

/// W_D [32, 12, 16] with the profiles above.
at::Tensor plantedDecoder();
/// The planted norm of feature f at snapshot s (the profile definitions, independent of W_D).
float plantedNorm(std::int64_t s, std::int64_t f);

/// A population with the paper's broad shape, for views and screenshots (not exact checks):
/// ~12% initialisation features (peak at step 0, dip at step 256, slow decay), the rest emerging
/// at onsets spread between steps 512 and 143k and then growing or fading; every direction turns
/// sharply between steps 512 and 1000 and drifts slowly afterwards. [32, features, d], seeded.
at::Tensor syntheticDecoder(std::int64_t features, std::int64_t d, std::uint64_t seed);

/// The files of an OpenMOSS crosscoder folder, kept editable so tests can break one thing at a time.
struct CrosscoderFiles {
    gb::Json config;
    std::vector<std::pair<std::string, at::Tensor>> tensors;

    /// A valid jumprelu, dataset-wise crosscoder around `decoder` [S, F, d] with `hookPoints`.
    static CrosscoderFiles around(const at::Tensor &decoder, const std::vector<std::string> &hookPoints);
    at::Tensor &tensor(const std::string &name);
    void remove(const std::string &name);
    /// Writes config.json and sae_weights.safetensors into `dir` (created).
    void write(const QString &dir) const;
};

/// A two-model crosscoder folder (cfg.json + cc_weights.safetensors) with W_dec [F, 2, d].
void writeTwoModelCrosscoder(const QString &dir, const at::Tensor &wDec, const gb::Json &cfg);

} // namespace gbtest
