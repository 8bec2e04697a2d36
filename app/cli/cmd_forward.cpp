// SPDX-License-Identifier: MIT
// glassbox-cli forward: logits and captured hooks of one prompt, written as safetensors.
#include "cli.h"

#include "common/error.h"
#include "io/safetensors.h"
#include "models/hookpoints.h"
#include "models/transformermodel.h"
#include "tokenize/tokenizer_loader.h"

#include <ATen/ATen.h>

namespace gb::cli {

namespace {

std::vector<std::int64_t> parseIds(const QString &text)
{
    std::vector<std::int64_t> ids;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const qlonglong v = part.trimmed().toLongLong(&ok);
        if (!ok)
            throw Error::badInput("--ids: \"" + part.toStdString() + "\" is not a token id");
        ids.push_back(v);
    }
    if (ids.empty())
        throw Error::badInput("--ids: no token ids given");
    return ids;
}

struct Prompt {
    std::vector<std::int64_t> ids;
    Json tokens; ///< display strings when the prompt came as text
};

Prompt readPrompt(Context &ctx, const std::string &modelDir)
{
    const bool text = ctx.isSet(QStringLiteral("text")), ids = ctx.isSet(QStringLiteral("ids"));
    if (text == ids)
        throw Error::badInput("give exactly one of --text or --ids");
    Prompt p;
    if (ids) {
        p.ids = parseIds(ctx.value(QStringLiteral("ids")));
    } else {
        const auto tokenizer = loadTokenizer(modelDir); // BadInput "missing tokenizer: ..." when absent
        p.tokens = Json::array();
        if (ctx.isSet(QStringLiteral("prepend-bos"))) {
            const auto bos = bosTokenId(modelDir, *tokenizer);
            if (!bos)
                throw Error::badInput("--prepend-bos: " + modelDir + " names no BOS token");
            p.ids.push_back(*bos);
            p.tokens.push(tokenizer->decodeText({*bos}));
        }
        for (const Token &t : tokenizer->encode(ctx.value(QStringLiteral("text")).toStdString())) {
            p.ids.push_back(t.id);
            p.tokens.push(t.text);
        }
    }
    if (p.ids.empty())
        throw Error::badInput("the prompt has no tokens");
    return p;
}

Json shapeJson(const at::Tensor &t)
{
    Json s = Json::array();
    for (const std::int64_t d : t.sizes())
        s.push(d);
    return s;
}

int runForward(Context &ctx)
{
    Stopwatch watch;
    const std::string modelDir = ctx.required(QStringLiteral("model")).toStdString();
    const std::string out = ctx.required(QStringLiteral("out")).toStdString();
    LoadOptions load;
    load.processing = ProcessingOptions::parse(ctx.value(QStringLiteral("process")).toStdString());
    std::vector<std::string> capture;
    for (const QString &h : ctx.args().values(QStringLiteral("capture")))
        capture.push_back(h.toStdString());
    const Prompt prompt = readPrompt(ctx, modelDir);
    const std::vector<std::int64_t> &ids = prompt.ids;
    const auto model = TransformerModel::load(modelDir, load);
    for (const std::string &h : capture)
        model->hooks().require(h); // unknown names fail before any compute
    const double loadSeconds = watch.lap();

    ForwardInput in;
    in.tokens = at::tensor(ids, at::kLong).view({1, -1});
    ForwardOptions options;
    options.capture = capture;
    options.inference = true;
    const ForwardResult r = model->forward(in, options);
    std::vector<std::pair<std::string, at::Tensor>> tensors{{"logits", r.logits[0].contiguous()}};
    Json written = Json::array();
    written.push(Json::object().set("name", "logits").set("shape", shapeJson(tensors[0].second)));
    for (const std::string &h : capture) {
        // Broadcast hooks (hook_pos_embed) are materialised so the file holds plain [T, ...] data.
        const at::Tensor t = r.hook(h)[0].contiguous().to(at::kFloat);
        tensors.emplace_back(h, t);
        written.push(Json::object().set("name", h).set("shape", shapeJson(t)));
    }
    writeSafetensors(out, tensors, {{"model", modelDir}, {"processing", load.processing.toString()}});
    const double computeSeconds = watch.lap();

    Json result = Json::object();
    result.set("model", modelDir)
        .set("config", model->config().summaryJson())
        .set("processing", load.processing.toString())
        .set("ids", Json::arrayOf(ids));
    if (!prompt.tokens.isNull())
        result.set("tokens", prompt.tokens);
    result.set("out", out)
        .set("tensors", written);
    Json params = Json::object();
    params.set("ids", Json::arrayOf(ids)).set("capture", Json::arrayOf(capture)).set("processing", load.processing.toString());
    const std::int64_t modelId = ctx.registerInput(modelDir, "model");
    const std::int64_t runId = ctx.recordRun("forward", params, {{modelId, "model"}}, {{"summary", result.dump()}});
    if (runId)
        result.set("run_id", runId);
    ctx.writeJson(result, loadSeconds, computeSeconds, false);
    return 0;
}

Command forwardCommand()
{
    return Command{QStringLiteral("forward"), 30,
                   QStringLiteral("Run a model on a prompt; write logits and captured hooks as safetensors."),
                   [](QCommandLineParser &p) {
                       p.addOption({QStringLiteral("model"), QStringLiteral("Hugging Face model folder (gpt2, gpt_neox)."),
                                    QStringLiteral("DIR")});
                       p.addOption({QStringLiteral("text"), QStringLiteral("Prompt text (needs the folder's tokenizer)."),
                                    QStringLiteral("TEXT")});
                       p.addOption({QStringLiteral("ids"), QStringLiteral("Prompt token ids, comma-separated."),
                                    QStringLiteral("1,2,3")});
                       p.addOption({QStringLiteral("prepend-bos"),
                                    QStringLiteral("With --text: put the model's BOS token first.")});
                       p.addOption({QStringLiteral("capture"),
                                    QStringLiteral("Hook point to save (repeatable), e.g. blocks.3.hook_resid_post."),
                                    QStringLiteral("HOOK")});
                       p.addOption({QStringLiteral("process"),
                                    QStringLiteral("Weight processing: fold_ln,center_writing_weights,center_unembed."),
                                    QStringLiteral("LIST")});
                   },
                   runForward};
}

[[maybe_unused]] const bool registered = registerCommand(forwardCommand());

} // namespace

} // namespace gb::cli
