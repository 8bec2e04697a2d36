// SPDX-License-Identifier: MIT
#include "models/transformermodel.h"

#include "common/error.h"
#include "common/torch_guard.h"
#include "io/safetensors.h"
#include "models/parameterlayout.h"
#include "models/transformer_impl.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace gb {

// ---------------------------------------------------------------------------- small types

ProcessingOptions ProcessingOptions::parse(const std::string &commaList)
{
    ProcessingOptions o;
    std::stringstream in(commaList);
    std::string item;
    while (std::getline(in, item, ',')) {
        if (item.empty() || item == "none")
            continue;
        if (item == "fold_ln")
            o.foldLn = true;
        else if (item == "center_writing_weights")
            o.centerWritingWeights = true;
        else if (item == "center_unembed")
            o.centerUnembed = true;
        else
            throw Error::badInput("unknown weight processing \"" + item
                                  + "\" (known: fold_ln, center_writing_weights, center_unembed)");
    }
    return o;
}

std::string ProcessingOptions::toString() const
{
    std::string s;
    const auto add = [&s](bool on, const char *name) {
        if (on)
            s += (s.empty() ? "" : ",") + std::string(name);
    };
    add(foldLn, "fold_ln");
    add(centerWritingWeights, "center_writing_weights");
    add(centerUnembed, "center_unembed");
    return s.empty() ? "none" : s;
}

const at::Tensor &ForwardResult::hook(const std::string &name) const
{
    const auto it = hooks.find(name);
    if (it == hooks.end())
        throw Error::internal("hook \"" + name + "\" was not captured in this forward");
    return it->second;
}

void KVCache::clear()
{
    m_keys.clear();
    m_values.clear();
    m_keyMask = at::Tensor();
    m_length = 0;
}

// ---------------------------------------------------------------------------- TransformerState

std::string TransformerState::untiedUnembedName() const
{
    return config.architecture == Architecture::Gpt2 ? "lm_head.weight" : "embed_out.weight";
}

std::string TransformerState::unembedBiasName() const
{
    return config.architecture == Architecture::Gpt2 ? "lm_head.bias" : "embed_out.bias";
}

namespace {

at::Tensor optionalParam(const std::map<std::string, at::Tensor> &params, const std::string &name)
{
    if (name.empty())
        return {};
    const auto it = params.find(name);
    return it == params.end() ? at::Tensor() : it->second;
}

/// cos/sin of position x inv_freq the way HF's GPTNeoXRotaryEmbedding computes them (float32
/// throughout), so long positions round like the reference does.
void rotaryTables(const ModelConfig &c, at::Tensor &cos, at::Tensor &sin)
{
    const auto f32 = at::TensorOptions().dtype(at::kFloat);
    const at::Tensor exponents = at::arange(0, c.rotaryDim, 2, f32) / double(c.rotaryDim);
    const at::Tensor invFreq = 1.0 / at::pow(at::scalar_tensor(c.rotaryBase, f32), exponents);
    const at::Tensor t = at::arange(c.nCtx, f32);
    const at::Tensor freqs = at::outer(t, invFreq);
    const at::Tensor emb = at::cat({freqs, freqs}, -1);
    cos = emb.cos();
    sin = emb.sin();
}

} // namespace

void TransformerState::bind()
{
    const GlobalNames g = globalNames(config);
    embed = params.at(g.embed);
    posEmbed = optionalParam(params, g.posEmbed);
    lnFinalWeight = params.at(g.lnFinalWeight);
    lnFinalBias = params.at(g.lnFinalBias);
    const at::Tensor untied = optionalParam(params, untiedUnembedName());
    unembedWeight = untied.defined() ? untied : params.at(g.unembed);
    unembedBias = optionalParam(params, unembedBiasName());
    layers.assign(std::size_t(config.nLayers), {});
    for (int i = 0; i < config.nLayers; ++i) {
        const LayerNames n = layerNames(config, i);
        LayerWeights &w = layers[std::size_t(i)];
        w.ln1Weight = params.at(n.ln1Weight);
        w.ln1Bias = params.at(n.ln1Bias);
        w.ln2Weight = params.at(n.ln2Weight);
        w.ln2Bias = params.at(n.ln2Bias);
        w.qkvWeight = params.at(n.qkvWeight);
        // Folding a LayerNorm into a bias-free projection creates the bias.
        w.qkvBias = optionalParam(params, n.qkvWeight.substr(0, n.qkvWeight.size() - 6) + "bias");
        w.outWeight = params.at(n.outWeight);
        w.outBias = optionalParam(params, n.outBias);
        w.mlpInWeight = params.at(n.mlpInWeight);
        w.mlpInBias = params.at(n.mlpInBias);
        w.mlpOutWeight = params.at(n.mlpOutWeight);
        w.mlpOutBias = params.at(n.mlpOutBias);
    }
    if (config.rotary() && !rotaryCos.defined())
        rotaryTables(config, rotaryCos, rotarySin);
    if (!hooks)
        hooks = std::make_unique<HookTable>(config);
}

// ---------------------------------------------------------------------------- TransformerModel

TransformerModel::TransformerModel(std::unique_ptr<TransformerState> state)
    : m(std::move(state))
{
}

TransformerModel::~TransformerModel() = default;

std::shared_ptr<TransformerModel> TransformerModel::random(const ModelConfig &config, std::uint64_t seed)
{
    auto impl = std::make_unique<TransformerState>();
    impl->config = config;
    torchGuard("initialising a random " + config.modelType() + " model", [&] {
        at::Generator gen = at::detail::createCPUGenerator(seed);
        for (const ParamSpec &p : parameterLayout(config)) {
            at::Tensor t = at::empty(p.shape, at::kFloat);
            if (p.init == ParamSpec::Init::Normal)
                t.normal_(0.0, config.initializerRange, gen);
            else
                t.fill_(p.init == ParamSpec::Init::Ones ? 1.0 : 0.0);
            impl->params.emplace(p.name, t);
        }
        impl->bind();
    });
    return std::shared_ptr<TransformerModel>(new TransformerModel(std::move(impl)));
}

void TransformerModel::save(const std::string &dir) const
{
    if (m->processing.any())
        throw Error::badInput("cannot save a processed model (" + m->processing.toString()
                              + "): the Hugging Face layout has no place for processed weights; save the raw model");
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        throw Error::badInput(dir + ": cannot create folder (" + ec.message() + ")");
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (auto &[name, t] : namedParameters())
        tensors.emplace_back(name, t.detach());
    writeSafetensors((std::filesystem::path(dir) / "model.safetensors").string(), tensors,
                     {{"format", "pt"}});
    const std::string configPath = (std::filesystem::path(dir) / "config.json").string();
    std::ofstream out(configPath, std::ios::binary | std::ios::trunc);
    out << m->config.toJson().dump(2) << "\n";
    if (!out)
        throw Error::badInput(configPath + ": write failed");
}

const ModelConfig &TransformerModel::config() const { return m->config; }
const std::string &TransformerModel::path() const { return m->path; }
const ProcessingOptions &TransformerModel::processing() const { return m->processing; }
const std::vector<std::string> &TransformerModel::ignoredTensors() const { return m->ignored; }
const HookTable &TransformerModel::hooks() const { return *m->hooks; }
std::vector<std::string> TransformerModel::hookNames() const { return m->hooks->names(); }
bool TransformerModel::hasHook(const std::string &name) const { return m->hooks->find(name) >= 0; }

std::int64_t TransformerModel::parameterCount() const
{
    return m->config.parameterCount();
}

std::vector<std::int64_t> TransformerModel::hookShape(const std::string &name, std::int64_t batch,
                                                      std::int64_t tokens) const
{
    return m->hooks->shape(m->hooks->require(name), batch, tokens);
}

at::Tensor TransformerModel::embeddingMatrix() const { return m->embed; }
at::Tensor TransformerModel::unembeddingMatrix() const { return m->unembedWeight.t(); }

std::vector<std::pair<std::string, at::Tensor>> TransformerModel::namedParameters() const
{
    std::vector<std::pair<std::string, at::Tensor>> out;
    for (const ParamSpec &p : parameterLayout(m->config))
        out.emplace_back(p.name, m->params.at(p.name));
    for (const std::string &extra : {m->untiedUnembedName(), m->unembedBiasName()})
        if (m->params.count(extra) && (m->config.tiedEmbeddings || extra == m->unembedBiasName()))
            out.emplace_back(extra, m->params.at(extra));
    return out;
}

void TransformerModel::setTrainable(bool trainable)
{
    torchGuard("switching training mode", [&] {
        for (auto &[name, t] : m->params) {
            if (m->fileBacked)
                t = t.detach().clone();
            t.requires_grad_(trainable);
        }
        m->fileBacked = false;
        m->bind();
    });
}

} // namespace gb
