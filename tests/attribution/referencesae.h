// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace gb {
class Json;
}

/// The SAE-feature case of tests/fixtures/attribution/ig_reference.json (the one with "sae").
const gb::Json &referenceFeatureCase(const gb::Json &reference);

/// Writes that case's SAE (standard architecture, weights drawn by the Python script) as a
/// SAELens folder, cfg.json + sae_weights.safetensors, into `dir`.
void writeReferenceSae(const gb::Json &featureCase, const QString &dir);
