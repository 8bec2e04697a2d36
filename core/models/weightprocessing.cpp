// SPDX-License-Identifier: MIT
// TransformerLens-style weight processing (spec-facts 8.4) on HF-layout tensors.
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "models/parameterlayout.h"
#include "models/transformer_impl.h"

#include <ATen/ATen.h>

namespace gb {

namespace {

/// Axis of a projection weight that indexes its input features: Conv1D stores [in, out],
/// Linear [out, in].
int inputAxis(const ModelConfig &c) { return c.architecture == Architecture::Gpt2 ? 0 : 1; }

at::Tensor f64(const at::Tensor &t) { return t.detach().to(at::kDouble); }
at::Tensor f32(const at::Tensor &t) { return t.to(at::kFloat).contiguous(); }

/// Folds LayerNorm (gamma, beta) into the projection that reads it: W' = diag(gamma) W,
/// b' = b + beta W; then centres W' over its input axis, which changes nothing because the
/// normalised input has zero mean. Leaves the LayerNorm as the identity affine map.
void foldInto(std::map<std::string, at::Tensor> &p, const ModelConfig &c, const std::string &lnWeight,
              const std::string &lnBias, const std::string &weight, const std::string &bias)
{
    const int in = inputAxis(c);
    const at::Tensor gamma = f64(p.at(lnWeight)), beta = f64(p.at(lnBias));
    const at::Tensor w = f64(p.at(weight));
    const std::vector<std::int64_t> along = in == 0 ? std::vector<std::int64_t>{-1, 1} : std::vector<std::int64_t>{1, -1};
    at::Tensor folded = w * gamma.view(along);
    const at::Tensor shift = in == 0 ? at::matmul(beta, w) : at::matmul(w, beta);
    const auto old = p.find(bias);
    const at::Tensor b = old == p.end() ? shift : f64(old->second) + shift;
    folded = folded - folded.mean(in, true);
    p[weight] = f32(folded);
    p[bias] = f32(b);
    p[lnWeight] = at::ones_like(p.at(lnWeight), at::kFloat);
    p[lnBias] = at::zeros_like(p.at(lnBias), at::kFloat);
}

/// Removes each output's mean over d_model from a residual writer (and its bias).
void centerWriter(std::map<std::string, at::Tensor> &p, const std::string &weight, int modelAxis,
                  const std::string &bias = {})
{
    const at::Tensor w = f64(p.at(weight));
    p[weight] = f32(w - w.mean(modelAxis, true));
    if (!bias.empty() && p.count(bias)) {
        const at::Tensor b = f64(p.at(bias));
        p[bias] = f32(b - b.mean());
    }
}

std::string biasOf(const std::string &weightName)
{
    return weightName.substr(0, weightName.size() - 6) + "bias";
}

} // namespace

void processWeights(TransformerState &impl, const ProcessingOptions &o, Progress &progress, const CancelToken *cancel)
{
    const ModelConfig &c = impl.config;
    auto &p = impl.params;
    const GlobalNames g = globalNames(c);
    const std::string unembed = impl.untiedUnembedName();
    if (c.tiedEmbeddings && !p.count(unembed))
        p[unembed] = p.at(g.embed).detach().clone(); // processing changes W_E and W_U differently
    const int in = inputAxis(c);
    const int out = 1 - in; // the d_model axis of a residual writer
    for (int i = 0; i < c.nLayers; ++i) {
        if (cancel)
            cancel->throwIfCancelled();
        const LayerNames n = layerNames(c, i);
        if (o.foldLn) {
            foldInto(p, c, n.ln1Weight, n.ln1Bias, n.qkvWeight, biasOf(n.qkvWeight));
            foldInto(p, c, n.ln2Weight, n.ln2Bias, n.mlpInWeight, n.mlpInBias);
        }
        if (o.centerWritingWeights) {
            centerWriter(p, n.outWeight, out, biasOf(n.outWeight));
            centerWriter(p, n.mlpOutWeight, out, n.mlpOutBias);
        }
        progress.update(i + 1, c.nLayers);
    }
    if (o.foldLn) {
        // The unembedding is [vocab, d] (Linear layout) for both architectures.
        const at::Tensor gamma = f64(p.at(g.lnFinalWeight)), beta = f64(p.at(g.lnFinalBias));
        const at::Tensor u = f64(p.at(unembed));
        const auto oldBias = p.find(impl.unembedBiasName());
        const at::Tensor shift = at::matmul(u, beta);
        p[impl.unembedBiasName()] = f32(oldBias == p.end() ? shift : f64(oldBias->second) + shift);
        const at::Tensor folded = u * gamma.view({1, -1});
        p[unembed] = f32(folded - folded.mean(1, true));
        p[g.lnFinalWeight] = at::ones_like(p.at(g.lnFinalWeight), at::kFloat);
        p[g.lnFinalBias] = at::zeros_like(p.at(g.lnFinalBias), at::kFloat);
    }
    if (o.centerWritingWeights) {
        centerWriter(p, g.embed, 1);
        if (!g.posEmbed.empty())
            centerWriter(p, g.posEmbed, 1);
    }
    if (o.centerUnembed) {
        const at::Tensor u = f64(p.at(unembed));
        p[unembed] = f32(u - u.mean(0, true));
        if (p.count(impl.unembedBiasName())) {
            const at::Tensor b = f64(p.at(impl.unembedBiasName()));
            p[impl.unembedBiasName()] = f32(b - b.mean());
        }
    }
    impl.processing = o;
    impl.bind();
}

} // namespace gb
