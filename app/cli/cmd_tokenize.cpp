// SPDX-License-Identifier: MIT
#include "cli.h"

#include "common/error.h"
#include "tokenize/tokenizer_loader.h"

#include <QFile>

namespace gb::cli {

namespace {

std::string inputText(Context &ctx)
{
    const bool hasText = ctx.isSet(QStringLiteral("text"));
    const bool hasFile = ctx.isSet(QStringLiteral("text-file"));
    if (hasText == hasFile)
        throw Error::badInput("tokenize needs exactly one of --text TEXT and --text-file FILE");
    if (hasText) {
        const QByteArray utf8 = ctx.value(QStringLiteral("text")).toUtf8();
        return std::string(utf8.constData(), std::size_t(utf8.size()));
    }
    const QString path = ctx.value(QStringLiteral("text-file"));
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw Error::badInput(path.toStdString() + ": cannot read");
    const QByteArray bytes = f.readAll();
    return std::string(bytes.constData(), std::size_t(bytes.size()));
}

int runTokenize(Context &ctx)
{
    Stopwatch watch;
    const std::string dir = ctx.required(QStringLiteral("model")).toStdString();
    const std::string text = inputText(ctx);
    const auto tokenizer = loadTokenizer(dir);
    std::optional<TokenId> bos;
    if (ctx.isSet(QStringLiteral("prepend-bos"))) {
        bos = bosTokenId(dir, *tokenizer);
        if (!bos)
            throw Error::badInput("--prepend-bos: " + dir + " names no BOS token (config.json bos_token_id)");
    }
    const double loadSeconds = watch.lap();

    std::vector<Token> tokens = tokenizer->encode(text);
    if (bos) {
        Token t;
        t.id = *bos;
        t.text = tokenizer->decodeText({*bos});
        t.special = true;
        tokens.insert(tokens.begin(), t);
    }
    const double computeSeconds = watch.lap();

    Json::Array ids, strings, offsets, byteOffsets;
    for (const Token &t : tokens) {
        ids.emplace_back(t.id);
        strings.emplace_back(t.text);
        offsets.emplace_back(Json::Array{Json(t.charBegin), Json(t.charEnd)});
        byteOffsets.emplace_back(Json::Array{Json(t.byteBegin), Json(t.byteEnd)});
    }
    Json out = Json::object();
    out.set("ids", Json(std::move(ids)))
        .set("tokens", Json(std::move(strings)))
        .set("offsets", Json(std::move(offsets)))
        .set("byte_offsets", Json(std::move(byteOffsets)))
        .set("tokenizer", findTokenizerFiles(dir).describe());
    ctx.writeJson(std::move(out), loadSeconds, computeSeconds);
    return 0;
}

Command tokenizeCommand()
{
    return Command{
        QStringLiteral("tokenize"), 20,
        QStringLiteral("Tokenize text with a model folder's tokenizer: ids, token strings, character offsets."),
        [](QCommandLineParser &p) {
            p.addOption({QStringLiteral("model"),
                         QStringLiteral("Model folder with tokenizer.json or vocab.json + merges.txt."),
                         QStringLiteral("DIR")});
            p.addOption({QStringLiteral("text"), QStringLiteral("Text to tokenize."), QStringLiteral("TEXT")});
            p.addOption({QStringLiteral("text-file"), QStringLiteral("Read the text (UTF-8) from a file."),
                         QStringLiteral("FILE")});
            p.addOption({QStringLiteral("prepend-bos"),
                         QStringLiteral("Put the model's BOS token first (<|endoftext|> for GPT-2 and Pythia).")});
        },
        runTokenize};
}

[[maybe_unused]] const bool registered = registerCommand(tokenizeCommand());

} // namespace

} // namespace gb::cli
