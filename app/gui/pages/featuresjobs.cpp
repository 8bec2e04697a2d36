// SPDX-License-Identifier: MIT
#include "featuresjobs.h"

#include "modelcache.h"

#include "common/error.h"
#include "common/utf8.h"
#include "dictionaries/crosscoderdictionary.h"
#include "dictionaries/dictionaryloader.h"
#include "features/featureanalysis.h"
#include "features/scan.h"
#include "features/scandata.h"
#include "features/steering.h"
#include "io/artifact_info.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "models/transformermodel.h"
#include "store/workspace.h"
#include "tokenize/tokenizer_loader.h"

#include <QFileInfo>
#include <QLocale>

#include <cmath>
#include <map>
#include <mutex>

namespace gb {

namespace {

std::string str(const QString &s) { return s.toStdString(); }
QString qs(const std::string &s) { return QString::fromStdString(s); }

/// The user's label of a feature (notes scope "dictionary:<artifact id>", value JSON).
QString labelOf(const Workspace &ws, std::int64_t dictionaryArtifact, qint64 feature)
{
    if (dictionaryArtifact <= 0)
        return {};
    const auto note = ws.note("dictionary:" + std::to_string(dictionaryArtifact), std::to_string(feature));
    if (!note)
        return {};
    try {
        const Json j = Json::parse(*note);
        if (const Json *l = j.find("label"); l && l->isString())
            return qs(l->toString());
    } catch (const Error &) {
    }
    return {};
}

/// Decoded token bytes for display: bytes that are not valid UTF-8 on their own (a piece of a
/// multi-byte character, common among GPT-2's byte tokens) show as \xNN instead of U+FFFD, so
/// distinct tokens stay distinct in labels.
QString displayText(const std::string &bytes)
{
    std::string out;
    for (std::size_t pos = 0, length = 0; pos < bytes.size(); pos += length) {
        const char32_t cp = unicode::decodeUtf8(bytes, pos, length);
        if (cp == unicode::kInvalid) {
            static const char hex[] = "0123456789ABCDEF";
            const auto b = static_cast<unsigned char>(bytes[pos]);
            out += std::string("\\x") + hex[b >> 4] + hex[b & 15];
        } else {
            out.append(bytes, pos, length);
        }
    }
    return qs(out);
}

std::int64_t artifactId(const Workspace &ws, const QString &path)
{
    const auto a = ws.artifactByPath(str(QFileInfo(path).absoluteFilePath()));
    return a ? a->id : 0;
}

std::int64_t registered(Workspace &ws, const std::string &path, const std::string &kind, const CancelToken &cancel)
{
    Artifact a = describePath(path, &cancel);
    a.kind = kind;
    if (const auto existing = ws.artifactByPath(a.path); existing && existing->sha256 == a.sha256)
        return existing->id;
    return ws.addArtifact(a);
}

} // namespace

QString DictionarySummary::describe() const
{
    QString s = QStringLiteral("%1 %2, %3 features, reads %4").arg(architecture, kind).arg(dSae).arg(hookIn);
    if (hookOut != hookIn && !hookOut.isEmpty())
        s += QStringLiteral(", writes ") + hookOut;
    if (!headNames.isEmpty())
        s += QStringLiteral(", %1 heads").arg(headNames.size());
    return s;
}

struct FeatureSession::Impl {
    std::shared_ptr<ModelCache> models;
    std::mutex mutex; // the worker is the only caller; the mutex only documents the contract
    std::map<std::string, std::shared_ptr<const BpeTokenizer>> tokenizers;
    std::map<std::string, std::shared_ptr<const SparseDictionary>> dictionaries;
    std::map<std::string, std::shared_ptr<const DecoderNeighbours>> neighbours;

    struct Loaded {
        std::shared_ptr<TransformerModel> model;
        std::shared_ptr<const BpeTokenizer> tokenizer;
        std::shared_ptr<const SparseDictionary> dict;
        std::string key; ///< dictionary path + head
    };

    std::shared_ptr<const SparseDictionary> dictionary(const std::string &path)
    {
        auto &d = dictionaries[path];
        if (!d)
            d = loadDictionary(path);
        return d;
    }

    Loaded load(const FeatureTarget &t, Progress &progress, const CancelToken &cancel)
    {
        std::lock_guard<std::mutex> lock(mutex);
        require(t.valid(), "features", "choose a model and a dictionary first");
        Loaded l;
        l.model = models->obtain(str(t.modelPath), str(t.processing), progress, cancel);
        auto &tok = tokenizers[str(t.modelPath)];
        if (!tok)
            tok = loadTokenizer(str(t.modelPath));
        l.tokenizer = tok;
        l.dict = dictionary(str(t.dictionaryPath));
        l.key = str(t.dictionaryPath);
        if (t.head >= 0) {
            const auto cc = std::dynamic_pointer_cast<const CrosscoderDictionary>(l.dict);
            require(cc != nullptr, str(t.dictionaryPath), "is not a crosscoder");
            l.key += "#" + std::to_string(t.head) + "@" + str(t.headHook);
            auto &head = dictionaries[l.key];
            if (!head)
                head = cc->head(t.head, str(t.headHook));
            l.dict = head;
        }
        return l;
    }

    QString text(const BpeTokenizer &tok, std::int64_t id) const
    {
        return tok.hasId(TokenId(id)) ? displayText(tok.decode({TokenId(id)})) : QStringLiteral("<%1>").arg(id);
    }

    /// Scan examples re-run for per-token values, captioned `prefix` or numbered.
    std::vector<plots::FeatureExampleRow> exampleRows(const Loaded &l, const ScanData &scan, std::int64_t feature,
                                               const std::vector<FeatureExample> &examples, const QString &prefix, bool numbered,
                                               const CancelToken &cancel) const
    {
        std::vector<std::pair<std::uint32_t, std::uint16_t>> where;
        for (const auto &e : examples)
            where.emplace_back(e.window, e.position);
        std::vector<plots::FeatureExampleRow> out;
        int i = 0;
        for (const auto &w : windowActivations(*l.model, *l.dict, scan, feature, where, &cancel)) {
            plots::FeatureExampleRow row;
            for (const std::int64_t id : w.tokens)
                row.tokens << text(*l.tokenizer, id);
            row.activations = w.activations;
            row.focus = w.position;
            row.value = w.value;
            row.caption = numbered ? QStringLiteral("#%1").arg(++i) : prefix;
            out.push_back(std::move(row));
        }
        return out;
    }

    std::vector<std::int64_t> promptIds(const Loaded &l, const QString &prompt, bool prependBos) const
    {
        std::vector<std::int64_t> ids;
        if (prependBos) {
            const std::int32_t bos = bosOf(*l.model, l.tokenizer.get());
            require(bos >= 0, "prompt", "the model names no BOS token");
            ids.push_back(bos);
        }
        for (const TokenId id : l.tokenizer->encodeIds(str(prompt)))
            ids.push_back(id);
        require(!ids.empty(), "prompt", "the prompt has no tokens");
        return ids;
    }
};

FeatureSession::FeatureSession(std::shared_ptr<ModelCache> models)
    : m(std::make_unique<Impl>())
{
    m->models = std::move(models);
}

FeatureSession::~FeatureSession() = default;

DictionarySummary FeatureSession::openDictionary(const QString &path)
{
    std::lock_guard<std::mutex> lock(m->mutex);
    const auto d = m->dictionary(str(path));
    const DictionaryInfo &i = d->info();
    DictionarySummary s;
    s.path = path;
    s.format = qs(i.format);
    s.architecture = qs(i.architecture);
    s.kind = qs(toString(i.kind));
    s.hookIn = qs(i.hookIn);
    s.hookOut = qs(i.hookOut);
    s.dIn = i.dIn;
    s.dOut = i.dOut;
    s.dSae = i.dSae;
    for (const auto &h : i.headNames)
        s.headNames << qs(h);
    for (const auto &w : i.warnings)
        s.warnings << qs(w);
    return s;
}

FeatureSession::Prompt FeatureSession::analysePrompt(const FeatureTarget &t, const QString &text, bool prependBos,
                                                     Progress &progress, const CancelToken &cancel)
{
    const Impl::Loaded l = m->load(t, progress, cancel);
    progress.beginStage("encoding the prompt");
    const auto ids = m->promptIds(l, text, prependBos);
    const PromptFeatures pf = gb::analysePrompt(*l.model, *l.dict, ids, bosOf(*l.model, l.tokenizer.get()));
    Prompt p;
    p.ids.assign(ids.begin(), ids.end());
    for (const std::int64_t id : ids)
        p.tokens << m->text(*l.tokenizer, id);
    p.features.assign(pf.features.begin(), pf.features.end());
    p.values = pf.values;
    p.maxValue = pf.maxValue;
    p.meanValue = pf.meanValue;
    p.count = pf.count;
    p.hook = qs(l.dict->hookIn());
    const ReconstructionMetrics &r = pf.metrics;
    if (r.positions > 0)
        p.metrics = QStringLiteral("L0 %1  \u00B7  explained variance %2  \u00B7  next-token loss %3 \u2192 %4 spliced (\u0394 %5, %6 % recovered vs zero ablation)")
                        .arg(r.l0, 0, 'f', 1)
                        .arg(r.explainedVariance, 0, 'f', 3)
                        .arg(r.lossClean, 0, 'f', 3)
                        .arg(r.lossSpliced, 0, 'f', 3)
                        .arg(r.deltaLoss, 0, 'f', 3)
                        .arg(100 * r.lossRecovered, 0, 'f', 0);
    return p;
}

plots::FeatureDashboardData FeatureSession::dashboard(const FeatureTarget &t, const DashboardRequest &r, const CancelToken &cancel)
{
    const Impl::Loaded l = m->load(t, Progress::null(), cancel);
    const SparseDictionary &dict = *l.dict;
    require(r.feature >= 0 && r.feature < dict.dSae(), "dashboard",
            "feature " + std::to_string(r.feature) + " does not exist (the dictionary has " + std::to_string(dict.dSae()) + ")");
    plots::FeatureDashboardData d;
    d.feature = r.feature;
    const Workspace ws = Workspace::open(str(r.workspacePath));
    const std::int64_t dictArtifact = artifactId(ws, t.dictionaryPath);
    d.label = labelOf(ws, dictArtifact, r.feature);
    d.subtitle = QStringLiteral("%1 %2 (%3 features) at %4")
                     .arg(qs(dict.info().architecture), qs(toString(dict.kind())))
                     .arg(QLocale(QLocale::English).toString(dict.dSae()))
                     .arg(qs(dict.hookOut()));

    auto rows = [&](const ScanData &scan, const std::vector<FeatureExample> &examples, const QString &prefix, bool numbered) {
        return m->exampleRows(l, scan, r.feature, examples, prefix, numbered, cancel);
    };
    if (r.scanRun > 0) {
        const ScanData scan = ScanData::load(ws, r.scanRun);
        const FeatureStats &s = scan.stats();
        d.count = s.count(r.feature);
        d.tokens = s.tokens();
        d.maxValue = s.maxActivation(r.feature);
        d.meanActive = s.meanActive(r.feature);
        auto top = s.top(r.feature);
        if (int(top.size()) > r.examples)
            top.resize(std::size_t(r.examples));
        d.top = rows(scan, top, QString(), true);
        const auto bands = s.quantileBandExamples(r.feature, 4, 2);
        for (std::size_t b = 0; b < bands.size(); ++b)
            if (!bands[b].empty())
                d.bands.push_back(rows(scan, bands[b], QStringLiteral("q%1").arg(b + 1), false));
        const auto hist = s.histogram(r.feature);
        int first = 0, last = int(hist.size()) - 1;
        while (first <= last && hist[std::size_t(first)] == 0)
            ++first;
        while (last >= first && hist[std::size_t(last)] == 0)
            --last;
        for (int b = first; b <= last; ++b) {
            d.histEdges.push_back(std::log10(s.binLowerEdge(b)));
            d.histCounts.push_back(double(hist[std::size_t(b)]));
        }
        if (!d.histCounts.empty())
            d.histEdges.push_back(std::log10(s.binLowerEdge(last + 1)));
        d.subtitle += QStringLiteral("  \u00B7  scan run %1").arg(r.scanRun);
        if (d.count == 0)
            d.note = QStringLiteral("This feature never fired in the scanned corpus.");
    } else {
        d.note = QStringLiteral("No corpus scan for this model and dictionary yet: run one in the Scans tab to see top examples, "
                                "the activation histogram and the density.");
    }
    try {
        const LogitEffects e = logitEffects(*l.model, dict, r.feature, 8);
        for (const auto &[tok, v] : e.positive)
            d.positive.push_back({m->text(*l.tokenizer, tok), double(v)});
        for (const auto &[tok, v] : e.negative)
            d.negative.push_back({m->text(*l.tokenizer, tok), double(v)});
    } catch (const Error &e) {
        d.effectsNote = qs(e.what());
    }
    auto &near = m->neighbours[l.key];
    if (!near)
        near = std::make_shared<const DecoderNeighbours>(dict);
    for (const auto &[f, c] : near->nearest(r.feature, 8))
        d.neighbours.push_back({f, double(c), labelOf(ws, dictArtifact, f)});
    return d;
}

std::vector<plots::FeatureExampleRow> FeatureSession::topExamples(const FeatureTarget &t, const QString &workspacePath, qint64 scanRun,
                                                           qint64 feature, int examples, const CancelToken &cancel)
{
    const Impl::Loaded l = m->load(t, Progress::null(), cancel);
    require(feature >= 0 && feature < l.dict->dSae(), "examples", "feature " + std::to_string(feature) + " does not exist");
    const Workspace ws = Workspace::open(str(workspacePath));
    const ScanData scan = ScanData::load(ws, scanRun);
    auto top = scan.stats().top(feature);
    if (int(top.size()) > examples)
        top.resize(std::size_t(examples));
    return m->exampleRows(l, scan, feature, top, QString(), true, cancel);
}

FeatureSession::SearchResult FeatureSession::search(const FeatureTarget &t, const QString &workspacePath, qint64 scanRun,
                                                    const QString &text, const CancelToken &cancel)
{
    const Impl::Loaded l = m->load(t, Progress::null(), cancel);
    require(scanRun > 0, "search", "run a corpus scan first: the search looks through the scanned windows");
    const Workspace ws = Workspace::open(str(workspacePath));
    const ScanData scan = ScanData::load(ws, scanRun);
    std::vector<std::int64_t> pattern;
    for (const TokenId id : l.tokenizer->encodeIds(str(text)))
        pattern.push_back(id);
    require(!pattern.empty(), "search", "nothing to search for");
    const PatternFeatures found = featuresForPattern(*l.model, *l.dict, scan, pattern, 64, 25, &cancel);
    SearchResult r;
    r.occurrences = found.occurrences;
    r.windows = found.windowsWithPattern;
    for (const std::int64_t id : pattern)
        r.pattern << m->text(*l.tokenizer, id);
    for (const auto &e : found.features) {
        r.features.push_back(e.feature);
        r.mean.push_back(e.meanActivation);
        r.rate.push_back(e.fireRate);
    }
    return r;
}

plots::SteeringData FeatureSession::steer(const FeatureTarget &t, const QString &prompt, bool prependBos, const std::vector<Edit> &edits,
                                   int topK, int newTokens, const CancelToken &cancel)
{
    const Impl::Loaded l = m->load(t, Progress::null(), cancel);
    const auto ids = m->promptIds(l, prompt, prependBos);
    std::vector<FeatureEdit> core;
    QStringList described;
    for (const Edit &e : edits) {
        FeatureEdit f;
        f.feature = e.feature;
        f.mode = featureEditModeFromString(str(e.mode));
        f.value = float(e.value);
        f.positions.assign(e.positions.begin(), e.positions.end());
        core.push_back(f);
        QString where = e.positions.empty() ? QStringLiteral("every position") : QStringLiteral("positions ");
        for (std::size_t i = 0; i < e.positions.size(); ++i)
            where += (i ? QStringLiteral(",") : QString()) + QString::number(e.positions[i]);
        described << (e.mode == QLatin1String("zero") ? QStringLiteral("feature %1 zeroed at %2").arg(e.feature).arg(where)
                      : e.mode == QLatin1String("clamp")
                          ? QStringLiteral("feature %1 clamped to %2 at %3").arg(e.feature).arg(e.value).arg(where)
                          : QStringLiteral("feature %1 scaled by %2 at %3").arg(e.feature).arg(e.value).arg(where));
    }
    const SteeringResult r = gb::steer(*l.model, *l.dict, ids, core, topK, newTokens, &cancel);
    plots::SteeringData d;
    d.edits = described.isEmpty() ? QStringLiteral("no edits") : described.join(QStringLiteral("; "));
    std::vector<TokenId> shown;
    for (std::size_t i = prependBos ? 1 : 0; i < ids.size(); ++i)
        shown.push_back(TokenId(ids[i]));
    d.prompt = displayText(l.tokenizer->decode(shown));
    for (const auto &c : r.before)
        d.before.push_back({m->text(*l.tokenizer, c.token), c.probability});
    for (const auto &c : r.after)
        d.after.push_back({m->text(*l.tokenizer, c.token), c.probability});
    auto decode = [&](const std::vector<std::int64_t> &v) {
        std::vector<TokenId> t32(v.begin(), v.end());
        return displayText(l.tokenizer->decode(t32));
    };
    d.continuationBefore = decode(r.continuationBefore);
    d.continuationAfter = decode(r.continuationAfter);
    return d;
}

FeatureSession::ScanOutcome FeatureSession::scan(const FeatureTarget &t, const ScanRequest &r, Progress &progress,
                                                 const CancelToken &cancel)
{
    const Impl::Loaded l = m->load(t, progress, cancel);
    Workspace ws = Workspace::open(str(r.workspacePath));
    progress.beginStage("hashing inputs");
    const std::int64_t modelId = registered(ws, str(t.modelPath), "model", cancel);
    const std::int64_t dictId = registered(ws, str(t.dictionaryPath), "dictionary", cancel);
    const std::int64_t corpusId = registered(ws, str(r.corpus), "corpus", cancel);
    ScanSettings s;
    s.format = r.format.isEmpty() ? corpusFormatFor(str(r.corpus)) : corpusFormatFromString(str(r.format));
    s.context = r.context;
    s.topK = r.topK;
    s.prependBos = r.prependBos;
    // A crosscoder head and weight processing change the features, so they are part of the identity.
    Json extra = Json::object();
    if (t.head >= 0)
        extra.set("head", t.head).set("head_hook", str(t.headHook));
    if (!t.processing.isEmpty())
        extra.set("processing", str(t.processing));
    const Json params = scanParams(ws.artifact(modelId)->sha256, ws.artifact(dictId)->sha256, ws.artifact(corpusId)->sha256, s,
                                   extra.size() ? extra : Json());
    const ScanRun run = openScanRun(ws, params, {{modelId, "model"}, {dictId, "dictionary"}, {corpusId, "corpus"}});
    ScanOutcome out;
    out.runId = run.id;
    if (run.finished) {
        out.alreadyFinished = true;
        return out;
    }
    ScanInput in;
    in.model = l.model;
    in.dictionary = l.dict;
    in.tokenizer = l.tokenizer;
    in.corpusPath = str(r.corpus);
    in.settings = s;
    in.workspacePath = str(r.workspacePath);
    in.runId = run.id;
    const ScanResult result = runScan(in, progress, cancel);
    out.windows = result.windows;
    out.tokens = result.tokens;
    out.tokensPerSecond = result.timing.total > 0 ? double(result.sessionTokens) / result.timing.total : 0.0;
    return out;
}

std::shared_ptr<plots::FeatureMatrix> promptMatrix(const FeatureSession::Prompt &p, const std::vector<int> &cols)
{
    const std::size_t C = p.features.size(), T = std::size_t(p.tokens.size());
    auto m = std::make_shared<plots::FeatureMatrix>();
    m->tokens = p.tokens;
    for (const int c : cols)
        m->features.push_back(p.features[std::size_t(c)]);
    m->values.resize(T * cols.size());
    for (std::size_t t = 0; t < T; ++t)
        for (std::size_t j = 0; j < cols.size(); ++j)
            m->values[t * cols.size() + j] = p.values[t * C + std::size_t(cols[j])];
    m->updateMax();
    return m;
}

} // namespace gb
