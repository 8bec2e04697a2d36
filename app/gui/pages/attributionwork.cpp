// SPDX-License-Identifier: MIT
#include "attributionwork.h"

#include "attribution/attributionjob.h"
#include "attribution/featuretarget.h"
#include "attribution/tokenscores.h"
#include "common/error.h"
#include "dictionaries/dictionaryloader.h"
#include "dictionaries/sparsedictionary.h"
#include "io/json.h"
#include "models/transformermodel.h"
#include "tokenize/bpe_tokenizer.h"
#include "tokenize/tokenizer_loader.h"

#include <QRegularExpression>

namespace gb {

namespace {

void addBaseline(LoadedLm &lm, const QString &label, std::optional<TokenId> id)
{
    if (!id)
        return;
    for (const auto &[l, existing] : lm.baselineTokens)
        if (existing == *id)
            return;
    lm.baselineTokens.emplace_back(label, *id);
}

MethodOptions methodOptions(const AttributionSettings &s)
{
    MethodOptions o;
    o.ig.steps = s.steps;
    o.ig.quadrature = parseQuadrature(s.quadrature);
    if (s.adaptiveTolerance > 0) {
        AdaptiveIgOptions a;
        a.tolerance = s.adaptiveTolerance;
        o.adaptive = a;
    }
    o.occlusion.window = o.occlusion.stride = s.window;
    if (s.samples > 0)
        o.lime.samples = o.kernelShap.samples = s.samples;
    return o;
}

} // namespace

LoadedLm loadLm(const QString &dir, std::shared_ptr<const TransformerModel> model)
{
    LoadedLm lm;
    lm.path = dir;
    const std::string path = dir.toStdString();
    lm.model = std::move(model);
    lm.vocabSize = lm.model->config().vocabSize;
    if (const std::int64_t bos = lm.model->config().bosTokenId; bos >= 0 && bos < lm.vocabSize)
        addBaseline(lm, QStringLiteral("BOS"), TokenId(bos));
    if (findTokenizerFiles(path).format == TokenizerFiles::Format::None)
        return lm;
    lm.tokenizer = loadTokenizer(path);
    const BpeTokenizer &tok = *lm.tokenizer;
    addBaseline(lm, QStringLiteral("BOS"), bosTokenId(path, tok));
    for (const char *special : {"<|padding|>", "<pad>", "<unk>"})
        addBaseline(lm, QString::fromLatin1(special), tok.tokenId(special));
    if (const auto space = tok.encodeIds(" "); space.size() == 1)
        addBaseline(lm, QStringLiteral("space"), space.front());
    return lm;
}

PromptTokens tokenizePrompt(const LoadedLm &lm, const QString &text)
{
    PromptTokens p;
    if (lm.tokenizer) {
        for (const Token &t : lm.tokenizer->encode(text.toStdString())) {
            p.ids.push_back(t.id);
            p.texts.append(QString::fromStdString(t.text));
        }
    } else {
        static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
        for (const QString &part : text.split(separators, Qt::SkipEmptyParts)) {
            bool ok = false;
            const qlonglong id = part.toLongLong(&ok);
            if (!ok || id < 0 || id >= lm.vocabSize)
                throw Error::badInput("prompt: \"" + part.toStdString() + "\" is not a token id of " + lm.path.toStdString()
                                      + " (it has no tokenizer, so the prompt is token ids 0.."
                                      + std::to_string(lm.vocabSize - 1) + ")");
            p.ids.push_back(id);
            p.texts.append(QStringLiteral("#%1").arg(id));
        }
    }
    if (p.ids.empty())
        throw Error::badInput("prompt: it has no tokens");
    return p;
}

QString tokenDisplay(const LoadedLm &lm, std::int64_t id)
{
    if (!lm.tokenizer || !lm.tokenizer->hasId(TokenId(id)))
        return QStringLiteral("#%1").arg(id);
    // A token holding part of a multi-byte character (an emoji split by BPE) decodes to U+FFFD
    // alone, which says nothing: show its bytes instead.
    const std::string bytes = lm.tokenizer->decode({TokenId(id)});
    const QString text = QString::fromStdString(lm.tokenizer->decodeText({TokenId(id)}));
    if (!text.contains(QChar(0xFFFD)) || bytes.find("\xEF\xBF\xBD") != std::string::npos)
        return text;
    QString hex;
    for (const unsigned char b : bytes)
        hex += QStringLiteral("<%1>").arg(QString::number(b, 16).toUpper().rightJustified(2, QLatin1Char('0')));
    return hex;
}

std::int64_t parseTokenChoice(const LoadedLm &lm, const QString &text, const char *what)
{
    QString t = text;
    if (t.startsWith(QLatin1Char('#')))
        t = t.mid(1);
    bool ok = false;
    const qlonglong id = t.trimmed().toLongLong(&ok);
    if (ok) {
        if (id < 0 || id >= lm.vocabSize)
            throw Error::badInput(std::string(what) + " token: id " + std::to_string(id) + " is outside the vocabulary (0.."
                                  + std::to_string(lm.vocabSize - 1) + ")");
        return id;
    }
    if (!lm.tokenizer)
        throw Error::badInput(std::string(what) + " token: give a token id (the model folder has no tokenizer)");
    const auto ids = lm.tokenizer->encodeIds(text.toStdString());
    if (ids.size() != 1)
        throw Error::badInput(std::string(what) + " token: \"" + text.toStdString() + "\" is " + std::to_string(ids.size())
                              + " tokens, not one");
    return ids.front();
}

std::vector<std::pair<std::int64_t, double>> nextTokens(const LoadedLm &lm, const std::vector<std::int64_t> &ids,
                                                        std::int64_t position, int k)
{
    return topNextTokens(*lm.model, ids, position, k);
}

PageAttribution runPageAttribution(const PageAttributionInput &in, Progress &progress, const CancelToken &cancel)
{
    AttributionRequest r;
    r.model = in.lm.model;
    r.ids = in.prompt.ids;
    r.methods = in.settings.methods;
    require(!r.methods.empty(), "attribution", "choose at least one method");
    r.target.kind = parseTargetKind(in.settings.kind);
    r.target.token = in.target;
    r.target.foil = in.foil;
    r.target.position = in.settings.position;
    if (r.target.kind == LmTargetSpec::Kind::Feature)
        r.target = featureTarget(in.dictionary, in.feature, in.settings.position);
    r.input = parseLmInput(in.settings.input);
    r.baseline = parseLmBaseline(in.settings.baseline);
    r.options = methodOptions(in.settings);
    r.faithfulness = in.settings.faithfulness;
    r.memoryBudgetBytes = in.memoryBudgetBytes;
    PageAttribution out;
    out.outcome = runAttribution(r, progress, cancel);
    out.paramsJson = toJson(r).dump();
    return out;
}

std::shared_ptr<const SparseDictionary> loadFeatureDictionary(const QString &dir, const LoadedLm &lm)
{
    auto dictionary = loadDictionary(dir.toStdString());
    if (!lm.model->hasHook(dictionary->hookIn()))
        throw Error::badInput(dir.toStdString() + " reads \"" + dictionary->hookIn() + "\", a hook " + lm.path.toStdString()
                              + " does not have");
    return dictionary;
}

AttributionOutcome byWords(const AttributionOutcome &outcome, const QStringList &tokenTexts, QStringList &words)
{
    std::vector<std::string> texts;
    for (const QString &t : tokenTexts)
        texts.push_back(t.toStdString());
    const WordGroups groups = groupWords(texts);
    words.clear();
    for (const std::string &w : groups.words)
        words.append(QString::fromStdString(w));
    AttributionOutcome out = outcome;
    for (MethodResult &r : out.results) {
        r.scores = wordScores(r.scores, groups);
        r.scoresL2.clear();
    }
    out.agreement = methodAgreement(out.results);
    return out;
}

PageGeneration runPageGeneration(const PageAttributionInput &in, int newTokens, Progress &progress,
                                 const CancelToken &cancel)
{
    GenerationAttributionRequest r;
    r.model = in.lm.model;
    r.prompt = in.prompt.ids;
    r.newTokens = newTokens;
    require(!in.settings.methods.empty(), "generation attribution", "choose a method");
    r.method = in.settings.methods.front();
    const LmTargetSpec::Kind kind = parseTargetKind(in.settings.kind);
    // Generated tokens are explained as tokens: a foil or a feature falls back to log p.
    r.kind = kind == LmTargetSpec::Kind::LogitDifference || kind == LmTargetSpec::Kind::Feature
                 ? LmTargetSpec::Kind::LogProbability
                 : kind;
    r.input = parseLmInput(in.settings.input);
    r.baseline = parseLmBaseline(in.settings.baseline);
    r.options = methodOptions(in.settings);
    r.memoryBudgetBytes = in.memoryBudgetBytes;
    PageGeneration out;
    out.matrix = runGenerationAttribution(r, progress, cancel);
    out.texts = in.prompt.texts;
    for (std::size_t i = in.prompt.ids.size(); i < out.matrix.ids.size(); ++i)
        out.texts.append(tokenDisplay(in.lm, out.matrix.ids[i]));
    out.paramsJson = toJson(r).dump();
    return out;
}

} // namespace gb
