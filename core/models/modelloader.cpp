// SPDX-License-Identifier: MIT
// TransformerModel::load: a Hugging Face folder -> validated, bound weights.
#include "models/transformermodel.h"

#include "common/error.h"
#include "common/torch_guard.h"
#include "io/safetensors.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "models/parameterlayout.h"
#include "models/transformer_impl.h"

#include <ATen/ATen.h>

#include <filesystem>
#include <set>

namespace gb {

namespace {

namespace fs = std::filesystem;

WeightStore openWeights(const std::string &dir)
{
    std::error_code ec;
    const fs::path d(dir);
    if (!fs::is_regular_file(d / "model.safetensors", ec) && !fs::is_regular_file(d / "model.safetensors.index.json", ec)) {
        if (fs::is_regular_file(d / "pytorch_model.bin", ec))
            throw Error::badInput(dir + ": only pytorch_model.bin found; Glassbox reads safetensors "
                                        "(convert once with safetensors' convert script or save_pretrained)");
        throw Error::badInput(dir + ": no model.safetensors or model.safetensors.index.json");
    }
    return WeightStore::openFolder(dir);
}

/// Stored name for each canonical (HF, prefix-free) name; GPT-2 LM-head saves prefix
/// everything with `transformer.` (spec-facts 5.2).
std::map<std::string, std::string> canonicalNames(const WeightStore &store, const ModelConfig &config,
                                                  const std::string &dir)
{
    static const std::string prefix = "transformer.";
    std::map<std::string, std::string> out;
    for (const std::string &stored : store.names()) {
        std::string name = stored;
        if (config.architecture == Architecture::Gpt2 && name.compare(0, prefix.size(), prefix) == 0)
            name = name.substr(prefix.size());
        if (!out.emplace(name, stored).second)
            throw Error::badInput(dir + ": tensor '" + name + "' is stored twice (as '" + out[name] + "' and '"
                                  + stored + "')");
    }
    return out;
}

std::string shapeText(const std::vector<std::int64_t> &shape)
{
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

/// A wrong vocabulary is the most common mismatch (a config from another checkpoint); say so
/// before the generic shape check does.
void checkVocabulary(const WeightStore &store, const std::map<std::string, std::string> &names,
                     const ModelConfig &config)
{
    const GlobalNames g = globalNames(config);
    for (const std::string &name : {g.embed, g.unembed}) {
        const auto it = names.find(name);
        if (it == names.end())
            continue;
        const TensorEntry &e = store.entry(it->second);
        if (e.shape.size() == 2 && e.shape[0] != config.vocabSize)
            throw Error::badInput("vocabulary size mismatch: config.json says vocab_size " + std::to_string(config.vocabSize)
                                  + " but tensor '" + it->second + "' has " + std::to_string(e.shape[0])
                                  + " rows (shape " + shapeText(e.shape) + ")");
    }
}

} // namespace

std::shared_ptr<TransformerModel> TransformerModel::load(const std::string &dir, const LoadOptions &options,
                                                         Progress *progress, const CancelToken *cancel)
{
    Progress &prog = progress ? *progress : Progress::null();
    prog.beginStage("reading config", 0.0, 0.02);
    auto impl = std::make_unique<TransformerState>();
    impl->path = dir;
    impl->config = ModelConfig::load(dir);
    const ModelConfig &config = impl->config;
    const WeightStore store = openWeights(dir);
    const auto names = canonicalNames(store, config, dir);
    checkVocabulary(store, names, config);

    const std::vector<ParamSpec> layout = parameterLayout(config);
    prog.beginStage("loading weights", 0.02, options.processing.any() ? 0.6 : 1.0, "tensors");
    std::set<std::string> used;
    for (std::size_t i = 0; i < layout.size(); ++i) {
        if (cancel)
            cancel->throwIfCancelled();
        const ParamSpec &p = layout[i];
        const auto it = names.find(p.name);
        if (it == names.end())
            throw Error::badInput(dir + ": checkpoint has no tensor '" + p.name + "' (needed by " + config.summary() + ")");
        at::Tensor t = torchGuard(dir + ": tensor '" + it->second + "'",
                                  [&] { return store.floatTensor(it->second, p.shape); }, Error::Kind::BadInput);
        impl->params.emplace(p.name, std::move(t));
        used.insert(p.name);
        prog.update(std::int64_t(i + 1), std::int64_t(layout.size()));
    }
    impl->fileBacked = true;
    for (const auto &[name, stored] : names) {
        const bool tiedHead = config.tiedEmbeddings && name == impl->untiedUnembedName();
        if (!used.count(name) && !isKnownBuffer(name) && !tiedHead)
            impl->ignored.push_back(stored);
    }
    torchGuard(dir + ": binding weights", [&] { impl->bind(); });
    if (options.processing.any()) {
        prog.beginStage("processing weights (" + options.processing.toString() + ")", 0.6, 1.0, "layers");
        torchGuard(dir + ": weight processing", [&] { processWeights(*impl, options.processing, prog, cancel); });
    }
    prog.flush();
    return std::shared_ptr<TransformerModel>(new TransformerModel(std::move(impl)));
}

} // namespace gb
