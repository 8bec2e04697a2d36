// SPDX-License-Identifier: MIT
#include "prompt.h"

#include "cli.h"

#include "common/error.h"
#include "tokenize/tokenizer_loader.h"

namespace gb::cli {

void addPromptOptions(QCommandLineParser &p)
{
    p.addOption({QStringLiteral("text"), QStringLiteral("Prompt text (needs the model folder's tokenizer)."),
                 QStringLiteral("TEXT")});
    p.addOption({QStringLiteral("ids"), QStringLiteral("Prompt token ids, comma-separated."), QStringLiteral("1,2,3")});
    p.addOption({QStringLiteral("prepend-bos"), QStringLiteral("With --text: put the model's BOS token first.")});
}

std::vector<std::int64_t> parseIdList(const QString &text, const char *option)
{
    std::vector<std::int64_t> ids;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const qlonglong v = part.trimmed().toLongLong(&ok);
        if (!ok)
            throw Error::badInput(std::string("--") + option + ": \"" + part.toStdString() + "\" is not a token id");
        ids.push_back(v);
    }
    if (ids.empty())
        throw Error::badInput(std::string("--") + option + ": no token ids given");
    return ids;
}

CliPrompt readPrompt(Context &ctx, const std::string &modelDir)
{
    const bool text = ctx.isSet(QStringLiteral("text")), ids = ctx.isSet(QStringLiteral("ids"));
    if (text == ids)
        throw Error::badInput("give exactly one of --text or --ids");
    CliPrompt p;
    if (text || findTokenizerFiles(modelDir).format != TokenizerFiles::Format::None)
        p.tokenizer = loadTokenizer(modelDir); // BadInput "missing tokenizer: ..." when absent
    if (ids) {
        p.ids = parseIdList(ctx.value(QStringLiteral("ids")), "ids");
        if (p.tokenizer)
            for (const std::int64_t id : p.ids)
                p.tokens.push_back(p.tokenizer->hasId(TokenId(id)) ? p.tokenizer->decodeText({TokenId(id)})
                                                                   : "<" + std::to_string(id) + ">");
        return p;
    }
    if (ctx.isSet(QStringLiteral("prepend-bos"))) {
        const auto bos = bosTokenId(modelDir, *p.tokenizer);
        if (!bos)
            throw Error::badInput("--prepend-bos: " + modelDir + " names no BOS token");
        p.ids.push_back(*bos);
        p.tokens.push_back(p.tokenizer->decodeText({*bos}));
    }
    for (const Token &t : p.tokenizer->encode(ctx.value(QStringLiteral("text")).toStdString())) {
        p.ids.push_back(t.id);
        p.tokens.push_back(t.text);
    }
    if (p.ids.empty())
        throw Error::badInput("--text: the prompt has no tokens");
    return p;
}

} // namespace gb::cli
