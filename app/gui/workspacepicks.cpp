// SPDX-License-Identifier: MIT
#include "workspacepicks.h"

#include "common/error.h"
#include "io/json.h"
#include "store/workspace.h"

#include <QFile>

namespace gb {

QString latestArtifactPath(const Workspace &ws, const std::string &kind, const QString &suffix)
{
    const auto artifacts = ws.artifacts(kind); // in registration order
    for (auto a = artifacts.rbegin(); a != artifacts.rend(); ++a) {
        const QString path = QString::fromStdString(a->path);
        if (suffix.isEmpty() || path.endsWith(suffix, Qt::CaseInsensitive))
            return path;
    }
    return {};
}

namespace {

std::optional<ScanPick> pickOf(const Workspace &ws, const RunRecord &r)
{
    const auto run = ws.run(r.id); // runs() leaves the inputs out
    if (!run)
        return std::nullopt;
    ScanPick p;
    p.runId = r.id;
    for (const auto &[id, role] : run->inputs) {
        const auto a = ws.artifact(id);
        const QString path = a ? QString::fromStdString(a->path) : QString();
        if (role == "model")
            p.model = path;
        else if (role == "dictionary")
            p.dictionary = path;
        else if (role == "corpus")
            p.corpus = path;
    }
    if (p.model.isEmpty() || p.dictionary.isEmpty())
        return std::nullopt;
    try {
        const Json params = Json::parse(r.paramsJson);
        if (const Json *extra = params.find("extra"); extra && extra->isObject()) {
            if (const Json *h = extra->find("head"))
                p.head = int(h->toInt());
            if (const Json *h = extra->find("head_hook"))
                p.headHook = QString::fromStdString(h->toString());
            if (const Json *w = extra->find("processing"))
                p.processing = QString::fromStdString(w->toString());
        }
    } catch (const Error &) {
        return std::nullopt;
    }
    return p;
}

} // namespace

std::optional<ScanPick> latestScan(const Workspace &ws)
{
    const auto runs = ws.runs("scan");
    for (auto r = runs.rbegin(); r != runs.rend(); ++r)
        if (r->status == RunRecord::Status::Finished)
            if (auto p = pickOf(ws, *r))
                return p;
    return std::nullopt;
}

QString samplePrompt(const QString &corpusPath, int maxChars)
{
    QFile file(corpusPath);
    if (corpusPath.endsWith(QStringLiteral(".jsonl"), Qt::CaseInsensitive) || !file.open(QIODevice::ReadOnly))
        return {};
    while (!file.atEnd()) {
        // Reading at most a few lines' worth keeps a corpus without newlines from being loaded whole.
        const QString line = QString::fromUtf8(file.readLine(4 * maxChars)).simplified();
        if (line.isEmpty())
            continue;
        if (line.size() <= maxChars)
            return line;
        const qsizetype space = line.lastIndexOf(QLatin1Char(' '), maxChars);
        return line.left(space > 0 ? space : maxChars);
    }
    return {};
}

} // namespace gb
