// SPDX-License-Identifier: MIT
// The forward pass with hook points (spec-facts 5.2, 6.2, 8.1-8.2).
#include "models/transformermodel.h"

#include "common/error.h"
#include "common/torch_guard.h"
#include "models/transformer_impl.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <limits>
#include <optional>

namespace gb {

namespace {

/// Thrown after the last hook a forward needs; caught by forward().
struct StopForward {};

std::string shapeText(at::IntArrayRef shape)
{
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

} // namespace

/// One forward pass: the model's weights, the hook requests, and the running state.
struct TransformerForward {
        const TransformerState &m;
    const ModelConfig &c;
    const HookTable &table;
    const ForwardOptions &options;
    ForwardResult &out;
    std::vector<char> capture;
    std::vector<const HookFn *> edit;
    int last = std::numeric_limits<int>::max();
    KVCache *cache = nullptr;
    std::int64_t past = 0;
    at::Tensor blocked; ///< [1 or B, 1, Tq, Tk] true where attention is not allowed
    std::vector<at::Tensor> newKeys, newValues; ///< committed to the cache only when the pass completes
    at::Tensor newKeyMask;

    TransformerForward(const TransformerState &impl, const ForwardOptions &opt, ForwardResult &result)
        : m(impl)
        , c(impl.config)
        , table(*impl.hooks)
        , options(opt)
        , out(result)
        , capture(std::size_t(table.size()), 0)
        , edit(std::size_t(table.size()), nullptr)
    {
        int lastCaptured = -1;
        for (const std::string &name : opt.capture) {
            const int i = table.require(name);
            capture[std::size_t(i)] = 1;
            lastCaptured = std::max(lastCaptured, i);
        }
        for (const auto &[name, fn] : opt.edits) {
            if (!fn)
                throw Error::badInput("edit for hook \"" + name + "\" has no callback");
            edit[std::size_t(table.require(name))] = &fn;
        }
        if (!opt.logits) {
            if (lastCaptured < 0)
                throw Error::badInput("a forward without logits must capture at least one hook");
            last = lastCaptured;
        }
    }

    at::Tensor hook(int index, at::Tensor x)
    {
        if (index < 0)
            return x;
        const std::size_t i = std::size_t(index);
        if (edit[i]) {
            at::Tensor y = (*edit[i])(x, table.name(index));
            if (!y.defined() || y.sizes() != x.sizes())
                throw Error::badInput("edit of hook \"" + table.name(index) + "\" returned "
                                      + (y.defined() ? "shape " + shapeText(y.sizes()) : std::string("no tensor"))
                                      + "; expected " + shapeText(x.sizes()));
            x = y.scalar_type() == x.scalar_type() ? y : y.to(x.scalar_type());
        }
        if (capture[i])
            out.hooks[table.name(index)] = x;
        if (index >= last)
            throw StopForward{};
        return x;
    }
    at::Tensor hook(HookKind kind, int layer, at::Tensor x) { return hook(table.index(kind, layer), std::move(x)); }

    /// y = x W + b in the checkpoint's layout (Conv1D [in, out] or Linear [out, in]).
    at::Tensor project(const at::Tensor &x, const at::Tensor &w, const at::Tensor &b) const
    {
        if (c.architecture != Architecture::Gpt2)
            return at::linear(x, w, b);
        std::vector<std::int64_t> shape(x.sizes().begin(), x.sizes().end());
        shape.back() = w.size(1);
        const at::Tensor x2 = x.reshape({-1, x.size(-1)});
        return (b.defined() ? at::addmm(b, x2, w) : at::mm(x2, w)).view(shape);
    }

    at::Tensor activation(const at::Tensor &x) const
    {
        switch (c.activation) {
        case Activation::Gelu: return at::gelu(x);
        case Activation::GeluTanh: return at::gelu(x, "tanh");
        case Activation::Relu: return at::relu(x);
        case Activation::Silu: return at::silu(x);
        }
        return x;
    }

    at::Tensor layerNorm(const at::Tensor &x, const at::Tensor &w, const at::Tensor &b) const
    {
        return at::layer_norm(x, {c.dModel}, w, b, c.layerNormEps);
    }

    /// NeoX partial rotary, "rotate_half" pairing (dim j with j + rot/2), x: [B, T, H, dh].
    at::Tensor rotate(const at::Tensor &x) const
    {
        const std::int64_t t = x.size(1), rot = c.rotaryDim, half = rot / 2;
        const at::Tensor cos = m.rotaryCos.narrow(0, past, t).view({1, t, 1, rot});
        const at::Tensor sin = m.rotarySin.narrow(0, past, t).view({1, t, 1, rot});
        const at::Tensor xr = x.narrow(-1, 0, rot);
        const at::Tensor rotated = at::cat({-xr.narrow(-1, half, half), xr.narrow(-1, 0, half)}, -1);
        const at::Tensor y = xr * cos + rotated * sin;
        return rot == c.dHead ? y : at::cat({y, x.narrow(-1, rot, c.dHead - rot)}, -1);
    }

    void buildMask(const at::Tensor &attentionMask, std::int64_t batch, std::int64_t t)
    {
        const std::int64_t tk = past + t;
        const auto longs = at::TensorOptions().dtype(at::kLong);
        const at::Tensor queryPos = at::arange(past, past + t, longs).view({t, 1});
        blocked = (at::arange(tk, longs).view({1, tk}) > queryPos).view({1, 1, t, tk});
        at::Tensor keyMask;
        if (attentionMask.defined()) {
            require(attentionMask.dim() == 2 && attentionMask.size(0) == batch && attentionMask.size(1) == t, "forward",
                    "attention mask must be [" + std::to_string(batch) + ", " + std::to_string(t) + "], got "
                        + shapeText(attentionMask.sizes()));
            keyMask = attentionMask.ne(0);
        }
        if (cache && (keyMask.defined() || cache->m_keyMask.defined())) {
            const at::Tensor pastMask = cache->m_keyMask.defined() ? cache->m_keyMask : at::ones({batch, past}, at::kBool);
            keyMask = at::cat({pastMask, keyMask.defined() ? keyMask : at::ones({batch, t}, at::kBool)}, 1);
        }
        if (keyMask.defined()) {
            blocked = blocked.logical_or(keyMask.logical_not().view({batch, 1, 1, tk}));
            newKeyMask = keyMask;
        }
    }

    /// Whether `layer` computes its final position only (ForwardOptions::lastPositionOnly).
    bool trimmed(int layer) const { return options.lastPositionOnly && layer == c.nLayers - 1; }

    at::Tensor attention(int layer, const LayerWeights &w, const at::Tensor &h)
    {
        const std::int64_t b = h.size(0), t = h.size(1), heads = c.nHeads, dh = c.dHead;
        const at::Tensor qkv = project(h, w.qkvWeight, w.qkvBias);
        // GPT-2 lays the 3d outputs out as [3, H, dh]; GPT-NeoX interleaves per head, [H, 3, dh].
        const bool neox = c.architecture == Architecture::GptNeox;
        const at::Tensor split = neox ? qkv.view({b, t, heads, 3, dh}) : qkv.view({b, t, 3, heads, dh});
        const int axis = neox ? 3 : 2;
        at::Tensor q = hook(HookKind::Q, layer, split.select(axis, 0));
        at::Tensor k = hook(HookKind::K, layer, split.select(axis, 1));
        const at::Tensor v = hook(HookKind::V, layer, split.select(axis, 2));
        if (c.rotary()) {
            q = hook(HookKind::RotQ, layer, rotate(q));
            k = hook(HookKind::RotK, layer, rotate(k));
        }
        at::Tensor mask = blocked;
        if (trimmed(layer)) {
            q = q.narrow(1, t - 1, 1);
            mask = blocked.narrow(2, blocked.size(2) - 1, 1);
        }
        at::Tensor keys = k.transpose(1, 2), values = v.transpose(1, 2); // [B, H, T, dh]
        if (cache) {
            const std::size_t l = std::size_t(layer);
            if (l < cache->m_keys.size() && cache->m_keys[l].defined()) {
                keys = at::cat({cache->m_keys[l], keys}, 2);
                values = at::cat({cache->m_values[l], values}, 2);
            }
            newKeys[l] = keys;
            newValues[l] = values;
        }
        double scale = c.scaleAttnWeights ? 1.0 / std::sqrt(double(dh)) : 1.0;
        if (c.scaleAttnByInverseLayerIdx)
            scale /= double(layer + 1);
        at::Tensor scores = at::matmul(q.transpose(1, 2), keys.transpose(2, 3)) * scale;
        scores = hook(HookKind::AttnScores, layer, scores.masked_fill(mask, std::numeric_limits<float>::lowest()));
        const at::Tensor pattern = hook(HookKind::Pattern, layer, at::softmax(scores, -1));
        const at::Tensor z = hook(HookKind::Z, layer, at::matmul(pattern, values).transpose(1, 2));
        return hook(HookKind::AttnOut, layer, project(z.reshape({b, q.size(1), c.dModel}), w.outWeight, w.outBias));
    }

    at::Tensor block(int layer, at::Tensor x)
    {
        const LayerWeights &w = m.layers[std::size_t(layer)];
        x = hook(HookKind::ResidPre, layer, x);
        const at::Tensor attnOut = attention(layer, w, hook(HookKind::Ln1Normalized, layer, layerNorm(x, w.ln1Weight, w.ln1Bias)));
        if (trimmed(layer))
            x = x.narrow(1, x.size(1) - 1, 1);
        at::Tensor mlpIn = x;
        if (!c.parallelResidual)
            mlpIn = hook(HookKind::ResidMid, layer, x + attnOut);
        const at::Tensor h = hook(HookKind::Ln2Normalized, layer, layerNorm(mlpIn, w.ln2Weight, w.ln2Bias));
        const at::Tensor pre = hook(HookKind::MlpPre, layer, project(h, w.mlpInWeight, w.mlpInBias));
        const at::Tensor post = hook(HookKind::MlpPost, layer, activation(pre));
        const at::Tensor mlpOut = hook(HookKind::MlpOut, layer, project(post, w.mlpOutWeight, w.mlpOutBias));
        return hook(HookKind::ResidPost, layer, c.parallelResidual ? x + attnOut + mlpOut : mlpIn + mlpOut);
    }

    at::Tensor embedTokens(const ForwardInput &in) const
    {
        at::Tensor tokens = in.tokens.dim() == 1 ? in.tokens.unsqueeze(0) : in.tokens;
        require(tokens.dim() == 2, "forward", "token ids must be [T] or [B, T], got " + shapeText(in.tokens.sizes()));
        require(at::isIntegralType(tokens.scalar_type(), false), "forward", "token ids must be integers");
        tokens = tokens.to(at::kLong);
        if (tokens.numel() > 0) {
            const std::int64_t lo = tokens.min().item<std::int64_t>(), hi = tokens.max().item<std::int64_t>();
            require(lo >= 0 && hi < c.vocabSize, "forward",
                    "token id " + std::to_string(lo < 0 ? lo : hi) + " is outside the vocabulary (0.."
                        + std::to_string(c.vocabSize - 1) + ")");
        }
        return at::embedding(m.embed, tokens);
    }

    at::Tensor addPositions(const at::Tensor &embed)
    {
        const at::Tensor embedded = hook(HookKind::Embed, -1, embed);
        if (c.rotary())
            return embedded;
        const std::int64_t b = embedded.size(0), t = embedded.size(1);
        const at::Tensor pos = hook(HookKind::PosEmbed, -1, m.posEmbed.narrow(0, past, t).unsqueeze(0).expand({b, t, c.dModel}));
        return embedded + pos;
    }

    at::Tensor start(const ForwardInput &in, int &firstLayer)
    {
        const int given = int(in.tokens.defined()) + int(in.tokenEmbeddings.defined()) + int(in.residual.defined());
        require(given == 1, "forward", "give exactly one of tokens, token embeddings or a residual");
        firstLayer = 0;
        at::Tensor x;
        if (in.residual.defined()) {
            require(in.startLayer >= 0 && in.startLayer <= c.nLayers, "forward",
                    "start layer " + std::to_string(in.startLayer) + " outside 0.." + std::to_string(c.nLayers));
            require(!cache, "forward", "a KV cache needs tokens or token embeddings as input");
            firstLayer = in.startLayer;
            x = in.residual;
        } else if (in.tokenEmbeddings.defined()) {
            x = in.tokenEmbeddings.dim() == 2 ? in.tokenEmbeddings.unsqueeze(0) : in.tokenEmbeddings;
        } else {
            x = embedTokens(in);
        }
        require(x.dim() == 3 && x.size(2) == c.dModel, "forward",
                "input must be [B, T, " + std::to_string(c.dModel) + "], got " + shapeText(x.sizes()));
        require(at::isFloatingType(x.scalar_type()), "forward", "embeddings / residual must be floating point");
        const std::int64_t t = x.size(1);
        require(t > 0, "forward", "empty sequence");
        require(past + t <= c.nCtx, "forward",
                "sequence of " + std::to_string(past + t) + " positions exceeds the model's context of "
                    + std::to_string(c.nCtx));
        if (cache) {
            require(cache->m_length == 0 || cache->m_keys.empty() || cache->m_keys.front().size(0) == x.size(0),
                    "forward", "batch size differs from the KV cache's");
            newKeys.assign(std::size_t(c.nLayers), {});
            newValues.assign(std::size_t(c.nLayers), {});
        }
        buildMask(in.attentionMask, x.size(0), t);
        if (in.residual.defined())
            return x;
        return addPositions(x.scalar_type() == at::kFloat ? x : x.to(at::kFloat));
    }

    void run(const ForwardInput &in)
    {
        int firstLayer = 0;
        at::Tensor x = start(in, firstLayer);
        const std::int64_t t = x.size(1);
        for (int layer = firstLayer; layer < c.nLayers; ++layer)
            x = block(layer, x);
        const at::Tensor h = hook(HookKind::LnFinalNormalized, c.nLayers, layerNorm(x, m.lnFinalWeight, m.lnFinalBias));
        out.logits = at::linear(h, m.unembedWeight, m.unembedBias);
        if (cache) {
            cache->m_keys = std::move(newKeys);
            cache->m_values = std::move(newValues);
            cache->m_keyMask = newKeyMask;
            cache->m_length = past + t;
        }
    }
};

ForwardResult TransformerModel::forward(const ForwardInput &input, const ForwardOptions &options) const
{
    ForwardResult result;
    std::optional<c10::InferenceMode> guard; // only ever switched on: a caller's own mode stands
    if (options.inference)
        guard.emplace();
    TransformerForward f(*m, options, result);
    if (input.cache) {
        require(options.logits, "forward", "a forward with a KV cache must run to the logits");
        f.cache = input.cache;
        f.past = input.cache->length();
    }
    try {
        torchGuard("forward", [&] { f.run(input); });
    } catch (const StopForward &) {
    }
    return result;
}

at::Tensor TransformerModel::logits(const at::Tensor &tokens) const
{
    ForwardInput in;
    in.tokens = tokens;
    ForwardOptions options;
    options.inference = true;
    return forward(in, options).logits;
}

at::Tensor TransformerModel::embed(const at::Tensor &tokens) const
{
    ForwardInput in;
    in.tokens = tokens;
    ForwardResult unused;
    const ForwardOptions options;
    TransformerForward f(*m, options, unused);
    return torchGuard("embed", [&] { return f.embedTokens(in); });
}

at::Tensor TransformerModel::unembed(const at::Tensor &residual) const
{
    require(residual.defined() && residual.size(-1) == m->config.dModel, "unembed",
            "residual must end in d_model = " + std::to_string(m->config.dModel));
    return torchGuard("unembed", [&] {
        const at::Tensor h = at::layer_norm(residual, {m->config.dModel}, m->lnFinalWeight, m->lnFinalBias,
                                            m->config.layerNormEps);
        return at::linear(h, m->unembedWeight, m->unembedBias);
    });
}

} // namespace gb
