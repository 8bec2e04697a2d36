// SPDX-License-Identifier: MIT
#include "dictionaries/saedictionary.h"

#include "common/error.h"
#include "common/torch_guard.h"
#include "dictionaries/shapecheck.h"

#include <ATen/ATen.h>

#include <cmath>

namespace gb {

namespace {

constexpr double LayerNormEps = 1e-5; // SAELens run_time_activation_ln_in

bool isHookZShaped(const at::Tensor &x, std::int64_t dIn)
{
    return x.dim() >= 2 && x.size(-1) != dIn && x.size(-1) * x.size(-2) == dIn;
}

} // namespace

/// An input flattened to [N, d_in] with the statistics its normalisation needs.
struct SaeDictionary::Input {
    at::Tensor raw;    ///< [N, d_in] as given (hook_z flattened), float32
    at::Tensor x;      ///< [N, d_in] as the encoder sees it (only when encoding)
    at::Tensor scale;  ///< [N, 1] PerToken multiplier
    at::Tensor mean;   ///< [N, 1] LayerNorm mean
    at::Tensor stdev;  ///< [N, 1] LayerNorm standard deviation
    std::vector<std::int64_t> lead;  ///< leading dimensions
    std::vector<std::int64_t> shape; ///< the caller's shape (for hook_z outputs)
};

SaeDictionary::SaeDictionary(DictionaryInfo info, SaeSpec spec, SaeWeights weights)
    : SparseDictionary(std::move(info))
    , m_spec(spec)
    , m_w(std::move(weights))
{
    validate();
    torchGuard(this->info().path, [&] {
        if (m_spec.gateOnDecoderNorm || m_spec.scaleByDecoderNorm)
            m_decNorm = m_w.wDec.norm(2, {1});
        if (m_spec.activation == SaeSpec::Activation::JumpReLU)
            m_jumpThreshold = m_w.threshold.clamp_min(0.0);
        if (m_spec.activation == SaeSpec::Activation::Gated)
            m_magScale = m_w.rMag.exp();
    });
}

void SaeDictionary::validate() const
{
    const DictionaryInfo &i = info();
    const std::int64_t F = i.dSae;
    ShapeCheck check(i.path);
    check.require(m_w.wEnc, "W_enc", {i.dIn, F});
    check.require(m_w.wDec, "W_dec", {F, i.dOut});
    check.require(m_w.bDec, "b_dec", {i.dOut});
    if (m_spec.activation == SaeSpec::Activation::Gated) {
        check.require(m_w.bGate, "b_gate", {F});
        check.require(m_w.bMag, "b_mag", {F});
        check.require(m_w.rMag, "r_mag", {F});
    } else {
        check.require(m_w.bEnc, "b_enc", {F});
    }
    if (m_spec.activation == SaeSpec::Activation::JumpReLU)
        check.require(m_w.threshold, "threshold", {F});
    check.optional(m_w.wSkip, "W_skip", {i.dOut, i.dIn});
    check.optional(m_w.featureScale, "scaling_factor", {F});
    if (m_spec.activation == SaeSpec::Activation::TopK)
        require(m_spec.k >= 1 && m_spec.k <= F, i.path,
                "top-k needs 1 <= k <= d_sae, got k = " + std::to_string(m_spec.k));
    if (m_spec.subtractDecoderBias)
        require(i.dIn == i.dOut, i.path, "apply_b_dec_to_input needs d_in == d_out (b_dec is subtracted from the input)");
    if (m_spec.norm == SaeSpec::Norm::Constant)
        require(std::isfinite(m_spec.inScale) && std::isfinite(m_spec.outScale) && m_spec.inScale > 0 && m_spec.outScale > 0,
                i.path, "activation normalisation factors must be finite and positive (dataset norms missing or corrupt?)");
}

SaeDictionary::Input SaeDictionary::prepare(const at::Tensor &x, bool forEncoding) const
{
    require(x.defined(), info().path, "no input activations given");
    Input in;
    in.shape = x.sizes().vec();
    at::Tensor v = x.scalar_type() == at::kFloat ? x : x.to(at::kFloat);
    if (m_spec.hookZ && isHookZShaped(v, dIn()))
        v = v.flatten(-2);
    checkInputWidth(v, dIn(), "encode");
    in.lead = v.sizes().vec();
    in.lead.pop_back();
    in.raw = v.reshape({-1, dIn()});

    at::Tensor xs = in.raw;
    switch (m_spec.norm) {
    case SaeSpec::Norm::None:
        break;
    case SaeSpec::Norm::PerToken:
        in.scale = std::sqrt(double(dIn())) / xs.norm(2, {1}, true);
        xs = xs * in.scale;
        break;
    case SaeSpec::Norm::LayerNorm: {
        in.mean = xs.mean({1}, true);
        const at::Tensor centred = xs - in.mean;
        in.stdev = centred.std({1}, /*unbiased=*/true, /*keepdim=*/true);
        xs = centred / (in.stdev + LayerNormEps);
        break;
    }
    case SaeSpec::Norm::Constant:
        xs = xs * m_spec.inScale;
        break;
    }
    if (forEncoding) {
        if (m_spec.subtractDecoderBias)
            xs = xs - m_w.bDec;
        in.x = xs;
    }
    return in;
}

at::Tensor topkMask(const at::Tensor &h, std::int64_t k)
{
    const std::int64_t n = h.size(-1);
    if (k >= n)
        return at::ones_like(h, h.options().dtype(at::kBool));
    const at::Tensor kth = std::get<0>(at::topk(h, k, -1, /*largest=*/true, /*sorted=*/false)).amin(-1, true);
    const at::Tensor eq = h == kth;
    const at::Tensor gt = h > kth;
    // Without ties at the k-th value, h >= kth selects exactly k entries.
    if (eq.sum(-1).eq(1).all().item<bool>())
        return gt | eq;
    const at::Tensor need = k - gt.sum(-1, true);
    return gt | (eq & (eq.cumsum(-1) <= need));
}

at::Tensor SaeDictionary::encodeColumns(const Input &in, const at::Tensor &ids) const
{
    const bool all = !ids.defined();
    auto cols = [&](const at::Tensor &t) { return all ? t : t.index_select(0, ids); };
    const at::Tensor wEnc = all ? m_w.wEnc : m_w.wEnc.index_select(1, ids);

    if (m_spec.activation == SaeSpec::Activation::Gated) {
        const at::Tensor proj = at::mm(in.x, wEnc);
        const at::Tensor gate = (proj + cols(m_w.bGate)) > 0;
        const at::Tensor mag = at::relu(at::addcmul(cols(m_w.bMag), proj, cols(m_magScale)));
        return mag * gate;
    }

    at::Tensor pre = at::addmm(cols(m_w.bEnc), in.x, wEnc);
    const bool byNorm = m_spec.gateOnDecoderNorm || m_spec.scaleByDecoderNorm;
    if (byNorm)
        pre = pre * cols(m_decNorm);

    // `pre` is a fresh tensor, so the gates work in place (autograd allows it: addmm's backward
    // does not read its output): one pass and no second [N, d_sae] buffer.
    at::Tensor f;
    switch (m_spec.activation) {
    case SaeSpec::Activation::ReLU:
        f = at::relu_(pre);
        break;
    case SaeSpec::Activation::JumpReLU:
        f = pre.masked_fill_(pre <= cols(m_jumpThreshold), 0.0);
        break;
    case SaeSpec::Activation::TopK:
        f = at::relu(pre) * topkMask(pre, m_spec.k);
        break;
    case SaeSpec::Activation::Gated:
        break;
    }
    if (m_spec.gateOnDecoderNorm)
        f = f / cols(m_decNorm);
    return f;
}

at::Tensor SaeDictionary::encode(const at::Tensor &x) const
{
    return torchGuard(info().path + ": encode", [&] {
        const Input in = prepare(x, true);
        at::Tensor f = encodeColumns(in, at::Tensor());
        std::vector<std::int64_t> shape = in.lead;
        shape.push_back(dSae());
        return f.reshape(shape);
    });
}

at::Tensor SaeDictionary::encodeSubset(const at::Tensor &x, const std::vector<std::int64_t> &ids) const
{
    if (m_spec.activation == SaeSpec::Activation::TopK)
        return SparseDictionary::encodeSubset(x, ids);
    for (const std::int64_t id : ids)
        require(id >= 0 && id < dSae(), info().path, "feature " + std::to_string(id) + " out of range [0, " + std::to_string(dSae()) + ")");
    return torchGuard(info().path + ": encode", [&] {
        const Input in = prepare(x, true);
        const at::Tensor idx = at::tensor(ids, at::kLong);
        at::Tensor f = encodeColumns(in, idx);
        std::vector<std::int64_t> shape = in.lead;
        shape.push_back(std::int64_t(ids.size()));
        return f.reshape(shape);
    });
}

bool SaeDictionary::decodeNeedsInput() const
{
    const bool perTokenNorm = m_spec.norm == SaeSpec::Norm::PerToken || m_spec.norm == SaeSpec::Norm::LayerNorm;
    return (perTokenNorm && m_spec.undoNormOnOutput) || m_w.wSkip.defined();
}

at::Tensor SaeDictionary::decode(const at::Tensor &f, const at::Tensor &x) const
{
    require(f.defined(), info().path, "no feature activations given");
    checkInputWidth(f, dSae(), "decode (feature activations)");
    if (decodeNeedsInput())
        require(x.defined(), info().path,
                "decode needs the input activations: this dictionary normalises each token or has a skip connection");
    return torchGuard(info().path + ": decode", [&] {
        std::vector<std::int64_t> lead = f.sizes().vec();
        lead.pop_back();
        at::Tensor f2 = (f.scalar_type() == at::kFloat ? f : f.to(at::kFloat)).reshape({-1, dSae()});
        if (m_spec.scaleByDecoderNorm)
            f2 = f2 / m_decNorm;
        if (m_w.featureScale.defined())
            f2 = f2 * m_w.featureScale;
        at::Tensor y = at::addmm(m_w.bDec, f2, m_w.wDec);

        Input in;
        if (x.defined()) {
            in = prepare(x, false);
            require(in.raw.size(0) == y.size(0), info().path,
                    "decode: the input has " + std::to_string(in.raw.size(0)) + " positions but the features "
                        + std::to_string(y.size(0)));
        }
        if (m_spec.undoNormOnOutput) {
            if (m_spec.norm == SaeSpec::Norm::PerToken)
                y = y / in.scale;
            else if (m_spec.norm == SaeSpec::Norm::LayerNorm)
                y = y * in.stdev + in.mean;
            else if (m_spec.norm == SaeSpec::Norm::Constant)
                y = y / m_spec.outScale;
        }
        if (m_w.wSkip.defined())
            y = y + at::mm(in.raw, m_w.wSkip.t());

        if (m_spec.hookZ && x.defined() && in.shape.size() == lead.size() + 2 && dOut() == dIn())
            return y.reshape(in.shape);
        lead.push_back(dOut());
        return y.reshape(lead);
    });
}

at::Tensor SaeDictionary::decoderDirections() const
{
    return torchGuard(info().path, [&] {
        at::Tensor d = m_w.wDec;
        if (m_spec.scaleByDecoderNorm)
            d = d / m_decNorm.unsqueeze(1);
        if (m_w.featureScale.defined())
            d = d * m_w.featureScale.unsqueeze(1);
        if (m_spec.norm == SaeSpec::Norm::Constant && m_spec.undoNormOnOutput)
            d = d / m_spec.outScale;
        return d.contiguous();
    });
}

at::Tensor SaeDictionary::encoderDirections() const
{
    return torchGuard(info().path, [&] {
        return m_spec.norm == SaeSpec::Norm::Constant ? (m_w.wEnc * m_spec.inScale).contiguous() : m_w.wEnc;
    });
}

} // namespace gb
