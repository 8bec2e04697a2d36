// SPDX-License-Identifier: MIT
#include "dictionaries/crosscoderdictionary.h"

#include "common/error.h"
#include "common/torch_guard.h"
#include "dictionaries/crosscoder.h"
#include "dictionaries/saedictionary.h"
#include "dictionaries/twomodelcrosscoder.h"

#include <ATen/ATen.h>

#include <cmath>

namespace gb {

namespace {

/// The model hook a crosscoder's config names, if any (its head names are snapshots or models).
std::string configuredHook(const Json &cfg)
{
    for (const char *key : {"hook_name", "hook_point"})
        if (const Json *v = cfg.find(key); v && v->isString())
            return v->toString();
    return {};
}

} // namespace

CrosscoderDictionary::CrosscoderDictionary(DictionaryInfo info)
    : SparseDictionary(std::move(info))
{
}

std::shared_ptr<CrosscoderDictionary> CrosscoderDictionary::fromOpenMoss(std::shared_ptr<const Crosscoder> c)
{
    const CrosscoderConfig &cfg = c->config();
    DictionaryInfo info;
    info.kind = DictionaryKind::Crosscoder;
    info.format = "openmoss";
    info.architecture = "crosscoder";
    info.path = c->folder();
    info.dIn = info.dOut = cfg.dModel;
    info.dSae = cfg.dSae;
    info.heads = std::int64_t(cfg.hookPoints.size());
    info.headNames = cfg.hookPoints;
    info.config = cfg.raw;
    info.hookIn = info.hookOut = cfg.hookName;
    std::shared_ptr<CrosscoderDictionary> d(new CrosscoderDictionary(std::move(info)));
    torchGuard(c->folder(), [&] {
        d->m_wEnc = c->encoderWeight();
        d->m_bEncSum = c->encoderBias().sum(0);
        d->m_wDec = c->decoderWeight();
        d->m_bDec = c->decoderBias();
        d->m_threshold = c->threshold();
        d->m_decNorm = d->m_wDec.norm(2, {2});
        std::vector<double> scale;
        for (std::int64_t s = 0; s < d->info().heads; ++s)
            scale.push_back(c->inputScale(s));
        d->m_scale = at::tensor(scale, at::kDouble).to(at::kFloat);
    }, Error::Kind::BadInput);
    d->m_tokenWise = cfg.norm == ActivationNorm::TokenWise || cfg.norm == ActivationNorm::BatchWise;
    switch (cfg.activation) {
    case CrosscoderActivation::JumpReLU:
        d->m_gate = Gate::JumpReLU;
        break;
    case CrosscoderActivation::TopK:
        d->m_gate = Gate::TopK;
        d->m_k = cfg.topK;
        break;
    case CrosscoderActivation::BatchTopK:
        throw Error::badInput(c->folder() + ": act_fn batchtopk depends on the batch at inference; convert it to jumprelu first");
    case CrosscoderActivation::ReLU:
        d->m_gate = Gate::ReLU;
        break;
    }
    return d;
}

std::shared_ptr<CrosscoderDictionary> CrosscoderDictionary::fromTwoModel(std::shared_ptr<const TwoModelCrosscoder> c)
{
    DictionaryInfo info;
    info.kind = DictionaryKind::Crosscoder;
    info.format = "two_model";
    info.architecture = "crosscoder";
    info.path = c->folder();
    info.dIn = info.dOut = c->dModel();
    info.dSae = c->features();
    info.heads = c->heads();
    info.headNames = c->modelNames();
    info.config = c->config();
    info.hookIn = info.hookOut = configuredHook(c->config());
    std::shared_ptr<CrosscoderDictionary> d(new CrosscoderDictionary(std::move(info)));
    torchGuard(c->folder(), [&] {
        d->m_wEnc = c->encoderWeight();
        d->m_bEncSum = c->encoderBias();
        d->m_wDec = c->decoderWeight().permute({1, 0, 2}).contiguous(); // [F, N, d] -> [N, F, d]
        d->m_bDec = c->decoderBias();
        d->m_decNorm = d->m_wDec.norm(2, {2});
        d->m_scale = at::ones({c->heads()});
    }, Error::Kind::BadInput);
    return d;
}

at::Tensor CrosscoderDictionary::scales(const at::Tensor &x) const
{
    if (!m_tokenWise)
        return m_scale.unsqueeze(1);
    return std::sqrt(double(dIn())) / x.norm(2, {2}, true);
}

at::Tensor CrosscoderDictionary::gate(const at::Tensor &z) const
{
    const std::int64_t S = info().heads;
    if (info().format == "two_model")
        return at::relu(z).unsqueeze(1).expand({z.size(0), S, z.size(1)});
    // Decoder-norm-aware gating per head (spec-facts 1.3): act(z * n_s) / n_s.
    const at::Tensor g = z.unsqueeze(1) * m_decNorm.unsqueeze(0);
    at::Tensor f;
    switch (m_gate) {
    case Gate::JumpReLU:
        f = g * (g > m_threshold);
        break;
    case Gate::TopK:
        f = at::relu(g) * topkMask(g, m_k);
        break;
    case Gate::ReLU:
        f = at::relu(g);
        break;
    }
    // A feature absent at a snapshot has a zero decoder row there: its code is 0, not 0/0.
    const at::Tensor n = m_decNorm.unsqueeze(0);
    return f / at::where(n > 0, n, at::ones_like(n));
}

at::Tensor CrosscoderDictionary::latent(const at::Tensor &x) const
{
    const std::int64_t S = info().heads, d = dIn();
    require(x.defined() && x.dim() >= 2 && x.size(-2) == S && x.size(-1) == d, info().path,
            "a crosscoder reads [..., " + std::to_string(S) + " heads, " + std::to_string(d) + "]");
    return torchGuard(info().path + ": encode", [&] {
        std::vector<std::int64_t> lead = x.sizes().vec();
        lead.resize(lead.size() - 2);
        const at::Tensor X = (x.scalar_type() == at::kFloat ? x : x.to(at::kFloat)).reshape({-1, S, d});
        const at::Tensor scaled = X * scales(X);
        at::Tensor z = at::addmm(m_bEncSum, scaled.reshape({-1, S * d}), m_wEnc.reshape({S * d, dSae()}));
        lead.push_back(dSae());
        return z.reshape(lead);
    });
}

at::Tensor CrosscoderDictionary::encode(const at::Tensor &x) const
{
    const at::Tensor z = latent(x);
    return torchGuard(info().path + ": encode", [&] {
        std::vector<std::int64_t> shape = z.sizes().vec();
        shape.insert(shape.end() - 1, info().heads);
        return gate(z.reshape({-1, dSae()})).reshape(shape);
    });
}

at::Tensor CrosscoderDictionary::decode(const at::Tensor &f, const at::Tensor &x) const
{
    const std::int64_t S = info().heads, d = dIn(), F = dSae();
    require(f.defined() && f.dim() >= 2 && f.size(-2) == S && f.size(-1) == F, info().path,
            "crosscoder features are [..., " + std::to_string(S) + " heads, " + std::to_string(F) + "]");
    require(!m_tokenWise || x.defined(), info().path, "decode needs the input activations (token-wise normalisation)");
    return torchGuard(info().path + ": decode", [&] {
        std::vector<std::int64_t> shape = f.sizes().vec();
        shape.back() = d;
        const at::Tensor fs = (f.scalar_type() == at::kFloat ? f : f.to(at::kFloat)).reshape({-1, S, F});
        at::Tensor y = at::bmm(fs.transpose(0, 1), m_wDec) + m_bDec.unsqueeze(1); // [S, N, d]
        y = y.transpose(0, 1);
        const at::Tensor c = m_tokenWise ? scales(x.to(at::kFloat).reshape({-1, S, d})) : m_scale.unsqueeze(1);
        return (y / c).reshape(shape);
    });
}

at::Tensor CrosscoderDictionary::decoderDirections() const
{
    return torchGuard(info().path, [&] { return m_tokenWise ? m_wDec : m_wDec / m_scale.view({-1, 1, 1}); });
}

at::Tensor CrosscoderDictionary::encoderDirections() const
{
    return torchGuard(info().path, [&] { return m_tokenWise ? m_wEnc : m_wEnc * m_scale.view({-1, 1, 1}); });
}

std::shared_ptr<SparseDictionary> CrosscoderDictionary::head(std::int64_t s, const std::string &hook) const
{
    require(s >= 0 && s < info().heads, info().path, "head " + std::to_string(s) + " out of range");
    DictionaryInfo i = info();
    i.kind = DictionaryKind::Sae;
    i.architecture = "crosscoder_head";
    i.hookIn = i.hookOut = hook.empty() ? info().hookIn : hook;
    i.heads = 1;
    i.headNames = {info().headNames[std::size_t(s)]};
    i.warnings.push_back("head " + info().headNames[std::size_t(s)]
                         + " of a crosscoder alone: the other heads' inputs are taken as zero");
    SaeSpec spec;
    const bool openMoss = info().format != "two_model";
    spec.gateOnDecoderNorm = openMoss;
    spec.activation = m_gate == Gate::JumpReLU ? SaeSpec::Activation::JumpReLU
                      : m_gate == Gate::TopK   ? SaeSpec::Activation::TopK
                                               : SaeSpec::Activation::ReLU;
    spec.k = m_k;
    if (m_tokenWise) {
        spec.norm = SaeSpec::Norm::PerToken;
    } else {
        spec.norm = SaeSpec::Norm::Constant;
        spec.inScale = spec.outScale = m_scale[s].item<double>();
    }
    SaeWeights w;
    w.wEnc = m_wEnc[s];
    w.bEnc = m_bEncSum;
    w.wDec = m_wDec[s];
    w.bDec = m_bDec[s];
    w.threshold = m_threshold;
    return std::make_shared<SaeDictionary>(std::move(i), spec, std::move(w));
}

} // namespace gb
