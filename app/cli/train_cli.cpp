// SPDX-License-Identifier: MIT
#include "train_cli.h"

#include "common/error.h"
#include "tokenize/bpe_tokenizer.h"

#include <QFile>

#include <cstdio>

namespace gb::cli {

Progress trainerProgress(Context &ctx)
{
    const auto printer = ctx.progressPrinter();
    return Progress([printer](const ProgressUpdate &u) {
        std::string line = u.stage;
        for (const auto &[name, value] : u.values) {
            char buf[64];
            std::snprintf(buf, sizeof buf, name == "step" ? " %s %.0f" : " %s %.4g", name.c_str(), value);
            line += buf;
        }
        printer(line, u.fraction);
    });
}

std::int64_t endOfText(const BpeTokenizer &tokenizer, const std::string &source)
{
    const auto eos = tokenizer.tokenId("<|endoftext|>");
    if (!eos)
        throw Error::badInput(source + ": the tokenizer has no <|endoftext|> token to separate documents");
    return *eos;
}

std::vector<std::int64_t> tokenStream(const std::string &corpusPath, const BpeTokenizer &tokenizer, std::int64_t eosId)
{
    QFile f(QString::fromStdString(corpusPath));
    if (!f.open(QIODevice::ReadOnly))
        throw Error::badInput(corpusPath + ": cannot read the corpus");
    std::vector<std::int64_t> ids;
    while (!f.atEnd()) {
        QByteArray line = f.readLine();
        while (line.endsWith('\n') || line.endsWith('\r'))
            line.chop(1);
        if (line.trimmed().isEmpty())
            continue;
        for (const TokenId id : tokenizer.encodeIds(std::string_view(line.constData(), std::size_t(line.size()))))
            ids.push_back(id);
        ids.push_back(eosId);
    }
    if (ids.empty())
        throw Error::badInput(corpusPath + ": no text (one document per line expected)");
    return ids;
}

} // namespace gb::cli
