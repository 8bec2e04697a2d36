// SPDX-License-Identifier: MIT
#include "referencesae.h"

#include "io/json.h"
#include "io/safetensors.h"
#include "testutils.h"

#include <ATen/ATen.h>

#include <stdexcept>

namespace {

at::Tensor weights(const gb::Json &sae, const char *name, std::vector<std::int64_t> shape)
{
    std::vector<float> v;
    for (const gb::Json &e : sae.find(name)->toArray())
        v.push_back(float(e.toDouble()));
    return at::tensor(v, at::kFloat).view(shape);
}

} // namespace

const gb::Json &referenceFeatureCase(const gb::Json &reference)
{
    for (const gb::Json &c : reference.find("cases")->toArray())
        if (c.contains("sae"))
            return c;
    throw std::runtime_error("ig_reference.json has no SAE feature case");
}

void writeReferenceSae(const gb::Json &featureCase, const QString &dir)
{
    const gb::Json &sae = *featureCase.find("sae");
    const std::int64_t d = sae.find("d_in")->toInt(), n = sae.find("d_sae")->toInt();
    const gb::Json meta = gb::Json::object()
                              .set("model_name", "gpt2-tiny")
                              .set("hook_name", sae.find("hook")->toString())
                              .set("hook_head_index", gb::Json())
                              .set("context_size", 16)
                              .set("prepend_bos", true)
                              .set("sae_lens_version", "6.18.0");
    const gb::Json cfg = gb::Json::object()
                             .set("architecture", "standard")
                             .set("d_in", d)
                             .set("d_sae", n)
                             .set("dtype", "float32")
                             .set("device", "cpu")
                             .set("apply_b_dec_to_input", true)
                             .set("normalize_activations", "none")
                             .set("reshape_activations", "none")
                             .set("metadata", meta);
    gbtest::writeFile(dir + QStringLiteral("/cfg.json"), cfg.dump());
    gb::writeSafetensors(QString(dir + QStringLiteral("/sae_weights.safetensors")).toStdString(),
                         {{"W_enc", weights(sae, "W_enc", {d, n})},
                          {"b_enc", weights(sae, "b_enc", {n})},
                          {"W_dec", weights(sae, "W_dec", {n, d})},
                          {"b_dec", weights(sae, "b_dec", {d})}});
}
