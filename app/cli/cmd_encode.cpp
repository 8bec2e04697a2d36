// SPDX-License-Identifier: MIT
// glassbox-cli encode: a dictionary's features and reconstruction on one prompt, as safetensors,
// with the reconstruction metrics (MSE, explained variance, L0, change in next-token loss).
#include "cli.h"
#include "prompt.h"

#include "common/error.h"
#include "dictionaries/compatibility.h"
#include "dictionaries/dictionaryloader.h"
#include "dictionaries/reconstruction.h"
#include "features/scan.h"
#include "io/safetensors.h"
#include "models/transformermodel.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

namespace gb::cli {

namespace {

int runEncode(Context &ctx)
{
    Stopwatch watch;
    const std::string modelDir = ctx.required(QStringLiteral("model")).toStdString();
    const std::string dictDir = ctx.required(QStringLiteral("dictionary")).toStdString();
    const std::string out = ctx.required(QStringLiteral("out")).toStdString();
    const auto model = TransformerModel::load(modelDir);
    const auto dict = loadDictionary(dictDir);
    checkCompatibility(*dict, *model);
    const CliPrompt prompt = readPrompt(ctx, modelDir);
    const std::vector<std::int64_t> &ids = prompt.ids;
    for (const std::int64_t id : ids)
        require(id >= 0 && id < model->config().vocabSize, "--ids",
                "token id " + std::to_string(id) + " is outside the model's vocabulary (" + std::to_string(model->config().vocabSize) + ")");
    const double loadSeconds = watch.lap();

    const std::int64_t T = std::int64_t(ids.size());
    const at::Tensor tokens = at::tensor(ids, at::kLong);
    ForwardInput in;
    in.tokens = tokens.unsqueeze(0);
    ForwardOptions options;
    options.capture = {dict->hookIn()};
    options.logits = false;
    options.inference = true;
    const ForwardResult r = model->forward(in, options);
    at::Tensor features, reconstruction;
    {
        c10::InferenceMode guard;
        const at::Tensor x = readFromHook(*dict, r.hook(dict->hookIn()))[0];
        features = dict->encode(x).reshape({T, dict->dSae()}).contiguous();
        reconstruction = dict->decode(features, x).reshape({T, -1}).contiguous();
    }
    const std::int32_t bos = bosOf(*model, prompt.tokenizer.get());
    ReconstructionMetrics metrics;
    if (T >= 2)
        metrics = measureReconstruction(*model, *dict, tokens, bos);
    writeSafetensors(out, {{"features", features}, {"reconstruction", reconstruction}},
                     {{"model", modelDir}, {"dictionary", dictDir}, {"hook_in", dict->hookIn()}, {"hook_out", dict->hookOut()}});
    const double computeSeconds = watch.lap();

    Json result = Json::object();
    result.set("model", modelDir)
        .set("dictionary", dict->info().toJson())
        .set("ids", Json::arrayOf(ids))
        .set("tokens", Json::arrayOf(prompt.tokens))
        .set("out", out)
        .set("features_shape", Json::arrayOf(features.sizes().vec()))
        .set("reconstruction_shape", Json::arrayOf(reconstruction.sizes().vec()));
    if (T >= 2)
        result.set("metrics", metrics.toJson());
    Json params = Json::object();
    params.set("ids", Json::arrayOf(ids));
    const std::int64_t modelId = ctx.registerInput(modelDir, "model");
    const std::int64_t dictId = ctx.registerInput(dictDir, "dictionary");
    const std::int64_t runId = ctx.recordRun("encode", params, {{modelId, "model"}, {dictId, "dictionary"}}, {{"summary", result.dump()}});
    if (runId)
        result.set("run_id", runId);
    ctx.writeJson(result, loadSeconds, computeSeconds, false);
    return 0;
}

Command encodeCommand()
{
    return Command{QStringLiteral("encode"), 40,
                   QStringLiteral("Encode a prompt with a sparse dictionary: features [T, F] and reconstruction [T, d] as safetensors, plus reconstruction metrics."),
                   [](QCommandLineParser &p) {
                       p.addOption({QStringLiteral("model"), QStringLiteral("Hugging Face model folder (gpt2, gpt_neox)."), QStringLiteral("DIR")});
                       p.addOption({QStringLiteral("dictionary"), QStringLiteral("SAELens, OpenMOSS or Gemma Scope dictionary."), QStringLiteral("DIR")});
                       addPromptOptions(p);
                   },
                   runEncode};
}

[[maybe_unused]] const bool registered = registerCommand(encodeCommand());

} // namespace

} // namespace gb::cli
