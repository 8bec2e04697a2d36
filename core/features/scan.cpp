// SPDX-License-Identifier: MIT
#include "features/scan.h"

#include "common/error.h"
#include "common/torch_guard.h"
#include "dictionaries/compatibility.h"
#include "dictionaries/reconstruction.h"
#include "dictionaries/sparsedictionary.h"
#include "features/featurestats.h"
#include "features/scandata.h"
#include "features/tokenwindows.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "models/transformermodel.h"
#include "store/workspace.h"
#include "tokenize/bpe_tokenizer.h"
#include "tokenize/tokenizer_loader.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <chrono>

namespace gb {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

/// The scan's mutable state between batches.
struct Session {
    ScanCursor cursor;
    FeatureStats stats;
    std::vector<std::vector<std::int32_t>> chunk; ///< windows of the current, unfinished chunk
    std::int64_t chunkIndex = 0;
};

class Scanner {
public:
    Scanner(const ScanInput &in, Progress &progress, const CancelToken &cancel)
        : m_in(in)
        , m_progress(progress)
        , m_cancel(cancel)
        , m_ws(Workspace::open(in.workspacePath))
    {
    }

    ScanResult run();

private:
    void restore();
    std::vector<std::vector<std::int32_t>> nextBatch(CorpusReader &reader, TokenWindower &windower, bool &done);
    void process(const std::vector<std::vector<std::int32_t>> &windows);
    void remember(std::vector<std::vector<std::int32_t>> &&windows);
    void checkpoint();

    const ScanInput &m_in;
    Progress &m_progress;
    const CancelToken &m_cancel;
    Workspace m_ws;
    Session m_s;
    ScanResult m_result;
    std::int32_t m_bos = -1;
};

void Scanner::restore()
{
    const std::string source = m_ws.path() + ": scan run " + std::to_string(m_in.runId);
    FeatureStats::Options o;
    o.features = m_in.dictionary->dSae();
    o.topK = m_in.settings.topK;
    m_s.stats = FeatureStats(o);
    if (const auto blob = m_ws.result(m_in.runId, scanstore::Checkpoint)) {
        scanstore::decodeCheckpoint(*blob, source, m_s.cursor, m_s.stats);
        require(m_s.stats.features() == o.features && m_s.stats.options().topK == o.topK, source,
                "the stored statistics were made with another dictionary or top-k");
    }
    m_s.chunkIndex = std::int64_t(m_s.cursor.windows / scanstore::WindowsPerChunk);
    if (const std::size_t inChunk = m_s.cursor.windows % scanstore::WindowsPerChunk) {
        const auto blob = m_ws.result(m_in.runId, scanstore::chunkName(m_s.chunkIndex));
        require(blob.has_value(), source, "the tokens of the last windows are missing");
        m_s.chunk = scanstore::decodeChunk(*blob, source);
        require(m_s.chunk.size() >= inChunk, source, "fewer stored windows than scanned");
        m_s.chunk.resize(inChunk);
    }
    m_result.resumedFrom = std::int64_t(m_s.cursor.windows);
}

std::vector<std::vector<std::int32_t>> Scanner::nextBatch(CorpusReader &reader, TokenWindower &windower, bool &done)
{
    const int perBatch = std::max(1, m_in.settings.batchTokens / m_in.settings.context);
    std::vector<std::vector<std::int32_t>> batch;
    std::string doc;
    while (int(batch.size()) < perBatch) {
        if (windower.hasWindow()) {
            batch.push_back(windower.takeWindow());
            continue;
        }
        const auto t0 = Clock::now();
        const bool more = reader.next(doc);
        if (more)
            windower.addDocument(m_in.tokenizer->encodeIds(doc));
        m_result.timing.tokenize += since(t0);
        if (!more) {
            if (auto rest = windower.takeRest(); !rest.empty())
                batch.push_back(std::move(rest));
            done = true;
            break;
        }
    }
    return batch;
}

void Scanner::process(const std::vector<std::vector<std::int32_t>> &windows)
{
    const std::int64_t B = std::int64_t(windows.size());
    std::int64_t T = 0;
    for (const auto &w : windows)
        T = std::max<std::int64_t>(T, std::int64_t(w.size()));
    at::Tensor tokens = at::zeros({B, T}, at::kLong);
    at::Tensor mask = at::zeros({B, T}, at::kLong);
    BatchLayout layout;
    bool padded = false;
    auto *tok = tokens.data_ptr<std::int64_t>();
    auto *msk = mask.data_ptr<std::int64_t>();
    for (std::int64_t b = 0; b < B; ++b) {
        const auto &w = windows[std::size_t(b)];
        padded = padded || std::int64_t(w.size()) < T;
        for (std::int64_t p = 0; p < T; ++p) {
            const bool real = p < std::int64_t(w.size());
            tok[b * T + p] = real ? w[std::size_t(p)] : 0;
            msk[b * T + p] = real;
            layout.window.push_back(std::uint32_t(m_s.cursor.windows + std::uint64_t(b)));
            layout.position.push_back(std::uint16_t(p));
            layout.counted.push_back(real && (m_in.settings.countBos || w[std::size_t(p)] != m_bos));
        }
    }
    const SparseDictionary &dict = *m_in.dictionary;
    ForwardInput fin;
    fin.tokens = tokens;
    if (padded)
        fin.attentionMask = mask;
    ForwardOptions fopt;
    fopt.capture = {dict.hookIn()};
    fopt.logits = false;
    fopt.inference = true;

    auto t0 = Clock::now();
    const ForwardResult fr = m_in.model->forward(fin, fopt);
    m_result.timing.forward += since(t0);

    t0 = Clock::now();
    at::Tensor f = torchGuard("scan: encode", [&] {
        c10::InferenceMode guard;
        const at::Tensor x = readFromHook(dict, fr.hook(dict.hookIn()));
        return dict.encode(x).reshape({B * T, dict.dSae()}).contiguous();
    });
    m_result.timing.encode += since(t0);

    t0 = Clock::now();
    m_s.stats.addBatch(f.data_ptr<float>(), layout);
    m_result.timing.stats += since(t0);
    m_result.sessionTokens += B * T;
}

void Scanner::remember(std::vector<std::vector<std::int32_t>> &&windows)
{
    const auto t0 = Clock::now();
    for (auto &w : windows) {
        m_s.chunk.push_back(std::move(w));
        if (int(m_s.chunk.size()) == scanstore::WindowsPerChunk) {
            m_ws.putResult(m_in.runId, scanstore::chunkName(m_s.chunkIndex), "gbwindows", scanstore::encodeChunk(m_s.chunk));
            m_s.chunk.clear();
            ++m_s.chunkIndex;
        }
    }
    m_result.timing.store += since(t0);
}

void Scanner::checkpoint()
{
    const auto t0 = Clock::now();
    // Window tokens first: a crash in between leaves extra windows, which readers cut off.
    if (!m_s.chunk.empty())
        m_ws.putResult(m_in.runId, scanstore::chunkName(m_s.chunkIndex), "gbwindows", scanstore::encodeChunk(m_s.chunk));
    m_ws.putResult(m_in.runId, scanstore::Checkpoint, "gbscan", scanstore::encodeCheckpoint(m_s.cursor, m_s.stats));
    m_result.timing.store += since(t0);
    if (m_in.onCheckpoint)
        m_in.onCheckpoint(std::int64_t(m_s.cursor.windows));
}

ScanResult Scanner::run()
{
    const auto start = Clock::now();
    m_result.runId = m_in.runId;
    restore();
    m_bos = bosOf(*m_in.model, m_in.tokenizer.get());
    require(!m_in.settings.prependBos || m_bos >= 0, m_in.corpusPath,
            "prepending BOS needs a BOS token, but neither the tokenizer (<|endoftext|>) nor config.json has one");
    if (m_result.resumedFrom > 0)
        m_ws.reopenRun(m_in.runId);

    CorpusReader reader(m_in.corpusPath, m_in.settings.format, m_s.cursor.corpusOffset);
    TokenWindower windower({m_in.settings.context, m_in.settings.prependBos, m_bos, m_bos});
    windower.restore(m_s.cursor.pending, m_s.cursor.started);
    const std::uint64_t startOffset = m_s.cursor.corpusOffset;
    m_progress.beginStage("scanning", reader.size() ? double(startOffset) / double(reader.size()) : 0.0, 1.0, "tokens");

    auto lastCheckpoint = Clock::now();
    bool done = false;
    while (!done) {
        auto batch = nextBatch(reader, windower, done);
        if (batch.empty())
            break;
        process(batch);
        m_s.cursor.windows += batch.size();
        m_s.cursor.corpusOffset = reader.offset();
        m_s.cursor.pending = windower.pending();
        m_s.cursor.started = windower.started();
        remember(std::move(batch));

        // Tokens so far and an estimate of the total from the share of bytes read this session.
        const double read = double(reader.offset() - startOffset);
        const double left = double(reader.size() - reader.offset());
        const std::int64_t total = read > 0 ? std::int64_t(double(m_result.sessionTokens) * (1.0 + left / read)) : 0;
        m_progress.update(m_result.sessionTokens, std::max(total, m_result.sessionTokens));

        const bool cancelled = m_cancel.isCancelled();
        if (cancelled || since(lastCheckpoint) >= m_in.settings.checkpointSeconds) {
            checkpoint();
            lastCheckpoint = Clock::now();
        }
        if (cancelled) {
            m_ws.failRun(m_in.runId, "cancelled", true);
            throw Error::cancelled();
        }
    }
    checkpoint();
    m_result.windows = std::int64_t(m_s.cursor.windows);
    m_result.tokens = std::int64_t(m_s.stats.tokens());
    m_result.timing.total = since(start);
    m_ws.putResult(m_in.runId, scanstore::Summary, "json", m_result.toJson().dump());
    m_ws.finishRun(m_in.runId);
    m_progress.flush();
    return m_result;
}

} // namespace

std::int32_t bosOf(const TransformerModel &model, const BpeTokenizer *tokenizer)
{
    if (tokenizer && !model.path().empty())
        if (const auto id = bosTokenId(model.path(), *tokenizer))
            return *id;
    return std::int32_t(model.config().bosTokenId);
}

Json ScanSettings::identity() const
{
    Json j = Json::object();
    j.set("format", toString(format))
        .set("context", context)
        .set("top_k", topK)
        .set("prepend_bos", prependBos)
        .set("count_bos", countBos);
    return j;
}

Json ScanTiming::toJson() const
{
    Json j = Json::object();
    j.set("total_s", total)
        .set("tokenize_s", tokenize)
        .set("forward_s", forward)
        .set("encode_s", encode)
        .set("stats_s", stats)
        .set("store_s", store);
    return j;
}

Json ScanResult::toJson() const
{
    Json j = Json::object();
    j.set("run_id", runId)
        .set("windows", windows)
        .set("tokens", tokens)
        .set("resumed_from_window", resumedFrom)
        .set("session_positions", sessionTokens)
        .set("session_timing", timing.toJson())
        .set("tokens_per_second", timing.total > 0 ? double(sessionTokens) / timing.total : 0.0);
    return j;
}

Json scanParams(const std::string &modelSha, const std::string &dictionarySha, const std::string &corpusSha,
                const ScanSettings &settings, const Json &extra)
{
    Json params = Json::object();
    params.set("model", modelSha).set("dictionary", dictionarySha).set("corpus", corpusSha).set("settings", settings.identity());
    if (!extra.isNull())
        params.set("extra", extra);
    return params;
}

ScanRun openScanRun(Workspace &ws, const Json &params, const std::vector<std::pair<std::int64_t, std::string>> &inputs)
{
    const std::string key = params.dump();
    ScanRun found;
    for (const RunRecord &r : ws.runs("scan")) {
        if (r.paramsJson != key)
            continue;
        if (r.status == RunRecord::Status::Finished)
            return ScanRun{r.id, true, false};
        // The newest unfinished run with a checkpoint (an older one without is abandoned).
        if (ws.result(r.id, scanstore::Checkpoint) && r.id > found.id)
            found = ScanRun{r.id, false, true};
    }
    if (found.id)
        return found;
    return ScanRun{ws.beginRun("scan", key, inputs), false, false};
}

ScanResult runScan(const ScanInput &in, Progress &progress, const CancelToken &cancel)
{
    require(in.model && in.dictionary && in.tokenizer, "scan", "needs a model, a dictionary and a tokenizer");
    checkCompatibility(*in.dictionary, *in.model);
    require(in.settings.context >= 2 && in.settings.context <= 65535, "scan", "the context must be 2..65535 tokens");
    require(in.settings.context <= in.model->config().nCtx, "scan",
            "the context (" + std::to_string(in.settings.context) + ") exceeds the model's " + std::to_string(in.model->config().nCtx));
    Scanner scanner(in, progress, cancel);
    try {
        return scanner.run();
    } catch (const Error &e) {
        if (e.kind() != Error::Kind::Cancelled) {
            Workspace ws = Workspace::open(in.workspacePath);
            ws.failRun(in.runId, e.what());
        }
        throw;
    }
}

} // namespace gb
