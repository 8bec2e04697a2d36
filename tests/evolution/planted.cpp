// SPDX-License-Identifier: MIT
#include "planted.h"

#include "io/safetensors.h"
#include "testutils.h"

#include <ATen/ATen.h>

#include <QDir>

#include <cmath>

namespace gbtest {

const std::vector<std::int64_t> &paperSteps()
{
    static const std::vector<std::int64_t> steps{0,    2,    4,     8,     16,    32,    64,     128,
                                                 256,  512,  1000,  2000,  3000,  4000,  5000,   6000,
                                                 7000, 8000, 9000,  10000, 14000, 20000, 27000,  34000,
                                                 47000, 60000, 74000, 87000, 100000, 114000, 127000, 143000};
    return steps;
}

std::vector<std::string> paperHookPoints()
{
    std::vector<std::string> h;
    for (const auto s : paperSteps())
        h.push_back("step" + std::to_string(s));
    return h;
}

float plantedNorm(std::int64_t s, std::int64_t f)
{
    switch (f) {
    case InitFeature:
        return s == 0 ? 1.0f : s < 8 ? 0.8f : s == 8 ? 0.2f : 0.6f;
    case EarlyFeature:
        return s < 10 ? 0.0f : s == 10 ? 1.0f : 0.75f;
    case LateFeature:
        return static_cast<float>(s) / 31.0f;
    case RampFeature:
        return s < 12 ? 0.0f : s <= 20 ? 2.0f * static_cast<float>(s - 12) / 8.0f : 1.5f;
    case DeadFeature:
        return 0.0f;
    default:
        if (f == RotatingFeature)
            return s == 25 ? 1.0f : 0.4f;
        return 1.0f;
    }
}

at::Tensor plantedDecoder()
{
    const std::int64_t S = 32;
    at::Tensor w = at::zeros({S, PlantedFeatures, PlantedDModel}, at::kFloat);
    auto a = w.accessor<float, 3>();
    for (std::int64_t s = 0; s < S; ++s) {
        for (std::int64_t f = 0; f < PlantedFeatures; ++f) {
            const float n = plantedNorm(s, f);
            if (f >= FlipFirst && f <= FlipLast) {
                const std::int64_t k = f - FlipFirst; // e4..e8 before the turn, e9..e13 after
                a[s][f][s < 10 ? 4 + k : 9 + k] = n;
            } else if (f == RotatingFeature) {
                a[s][f][14] = n * static_cast<float>(std::cos(0.1 * static_cast<double>(s)));
                a[s][f][15] = n * static_cast<float>(std::sin(0.1 * static_cast<double>(s)));
            } else if (f == ReversalFeature) {
                a[s][f][0] = s <= PlantedReversalIndex ? n : -n;
            } else {
                a[s][f][f] = n; // InitFeature..DeadFeature along e0..e4
            }
        }
    }
    return w;
}

at::Tensor syntheticDecoder(std::int64_t features, std::int64_t d, std::uint64_t seed)
{
    at::manual_seed(seed);
    const std::int64_t S = 32;
    const at::Tensor a = at::randn({features, d}), b = at::randn({features, d}), c = at::randn({features, d});
    const at::Tensor isInit = at::rand({features}) < 0.12;
    const at::Tensor dip = 0.15 + 0.3 * at::rand({features});
    const at::Tensor recovery = 0.5 + 0.3 * at::rand({features});
    const at::Tensor decay = 6.0 + 20.0 * at::rand({features});
    const at::Tensor onset = 9.0 + 21.0 * at::pow(at::rand({features}), 1.3);
    const at::Tensor width = 0.4 + 1.2 * at::rand({features});
    // After the rise a feature keeps growing (fade < 0) or fades (fade > 0): peaks spread.
    const at::Tensor fade = 1.4 * at::rand({features}) - 0.4;
    const at::Tensor scale = 0.5 + at::rand({features});
    at::Tensor w = at::empty({S, features, d});
    for (std::int64_t s = 0; s < S; ++s) {
        const double sd = static_cast<double>(s);
        const at::Tensor initNorm = s < 8 ? 1.0 - 0.01 * sd * at::rand({features})
                                   : s == 8 ? dip
                                            : recovery * at::exp(-(sd - 9.0) / decay);
        const at::Tensor rise = at::sigmoid((sd - onset) / width);
        const at::Tensor after = at::clamp((sd - onset) / (32.0 - onset), 0.0, 1.0);
        const at::Tensor emergent = rise * at::clamp_min(1.0 - fade * after, 0.05);
        const at::Tensor norm = at::where(isInit, initNorm, emergent) * scale + 0.01 * at::rand({features});
        const double theta = 1.5707963 / (1.0 + std::exp(-(sd - 9.5) / 0.35));
        const at::Tensor dir = std::cos(theta) * a + std::sin(theta) * b + (0.35 * sd / 31.0) * c;
        w[s] = dir / dir.norm(2, {1}, true) * norm.unsqueeze(1);
    }
    return w;
}

CrosscoderFiles CrosscoderFiles::around(const at::Tensor &decoder, const std::vector<std::string> &hookPoints)
{
    const std::int64_t S = decoder.size(0), F = decoder.size(1), d = decoder.size(2);
    CrosscoderFiles c;
    gb::Json hooks = gb::Json::array();
    for (const auto &h : hookPoints)
        hooks.push(h);
    c.config = gb::Json::object()
                   .set("sae_type", "crosscoder")
                   .set("d_model", d)
                   .set("expansion_factor", static_cast<double>(F) / static_cast<double>(d))
                   .set("act_fn", "jumprelu")
                   .set("norm_activation", "dataset-wise")
                   .set("hook_points", hooks)
                   .set("use_decoder_bias", true)
                   .set("sparsity_include_decoder_norm", true);
    c.tensors = {{"W_E", decoder.permute({0, 2, 1}).contiguous()},
                 {"b_E", at::zeros({S, F})},
                 {"W_D", decoder.contiguous()},
                 {"b_D", at::zeros({S, d})},
                 {"activation_function.log_jumprelu_threshold", at::full({F}, std::log(0.1))}};
    for (std::int64_t s = 0; s < S; ++s)
        c.tensors.emplace_back("dataset_average_activation_norm." + hookPoints[s],
                               at::full({}, 2.0 + static_cast<double>(s), at::kFloat));
    return c;
}

at::Tensor &CrosscoderFiles::tensor(const std::string &name)
{
    for (auto &[n, t] : tensors)
        if (n == name)
            return t;
    qFatal("no tensor %s", name.c_str());
}

void CrosscoderFiles::remove(const std::string &name)
{
    tensors.erase(std::remove_if(tensors.begin(), tensors.end(), [&](const auto &p) { return p.first == name; }),
                  tensors.end());
}

void CrosscoderFiles::write(const QString &dir) const
{
    QDir().mkpath(dir);
    writeFile(dir + QStringLiteral("/config.json"), config.dump(2));
    gb::writeSafetensors(QString(dir + QStringLiteral("/sae_weights.safetensors")).toStdString(), tensors);
}

void writeTwoModelCrosscoder(const QString &dir, const at::Tensor &wDec, const gb::Json &cfg)
{
    const std::int64_t F = wDec.size(0), n = wDec.size(1), d = wDec.size(2);
    QDir().mkpath(dir);
    writeFile(dir + QStringLiteral("/cfg.json"), cfg.dump(2));
    gb::writeSafetensors(QString(dir + QStringLiteral("/cc_weights.safetensors")).toStdString(),
                         {{"W_enc", wDec.permute({1, 2, 0}).contiguous()},
                          {"W_dec", wDec.contiguous()},
                          {"b_enc", at::zeros({F})},
                          {"b_dec", at::zeros({n, d})}});
}

} // namespace gbtest
