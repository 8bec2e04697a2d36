// SPDX-License-Identifier: MIT
// Corpus scans end to end: statistics against a direct computation, cancel / kill and resume
// giving the same result as an uninterrupted scan, incompatible dictionaries, and the encode
// command with its reconstruction metrics.
#include "dictionaries/crosscoderdictionary.h"
#include "dictionaries/crosscoderwriter.h"
#include "dictionaries/dictionaryloader.h"
#include "dictionaries/reconstruction.h"
#include "features/scan.h"
#include "features/scandata.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "store/sqlite.h"
#include "store/workspace.h"
#include "tokenize/tokenizer_loader.h"
#include "scanfixture.h"

#include <QFileInfo>
#include <QProcess>

#include <signal.h>

#include <chrono>
#include <thread>

using gb::ScanData;
using gb::Workspace;

namespace {

struct Loaded {
    std::shared_ptr<const gb::TransformerModel> model;
    std::shared_ptr<const gb::BpeTokenizer> tokenizer;
    std::shared_ptr<const gb::SparseDictionary> dict;
};

Loaded load(const gbtest::ScanFixture &f)
{
    return {gb::TransformerModel::load(f.model), gb::loadTokenizer(f.model), gb::loadDictionary(f.dictionary)};
}

gb::ScanSettings smallSettings()
{
    gb::ScanSettings s;
    s.context = 24;
    s.topK = 6;
    s.batchTokens = 72; // three windows per forward
    return s;
}

/// Runs (or resumes) a scan in `wsPath` in-process; `stopAfter` cancels once that many windows
/// are committed.
gb::ScanResult scanHere(const gbtest::ScanFixture &f, const std::string &wsPath, const gb::ScanSettings &s,
                        std::int64_t stopAfter = -1)
{
    const Loaded l = load(f);
    auto ws = Workspace::open(wsPath, true);
    gb::Json params = gb::Json::object();
    params.set("corpus", f.corpus).set("settings", s.identity());
    const gb::ScanRun run = gb::openScanRun(ws, params, {});
    gb::ScanInput in;
    in.model = l.model;
    in.tokenizer = l.tokenizer;
    in.dictionary = l.dict;
    in.corpusPath = f.corpus;
    in.settings = s;
    in.workspacePath = wsPath;
    in.runId = run.id;
    gb::CancelToken cancel;
    if (stopAfter > 0)
        in.onCheckpoint = [&](std::int64_t windows) {
            if (windows >= stopAfter)
                cancel.cancel();
        };
    return gb::runScan(in, gb::Progress::null(), cancel);
}

ScanData loadScan(const std::string &wsPath)
{
    auto ws = Workspace::open(wsPath);
    const auto runs = ws.runs("scan");
    if (runs.empty())
        qFatal("no scan run in %s", wsPath.c_str());
    return ScanData::load(ws, runs.back().id);
}

bool sameScan(const ScanData &a, const ScanData &b)
{
    if (!(a.stats() == b.stats()) || a.windows() != b.windows())
        return false;
    for (std::int64_t w = 0; w < a.windows(); ++w)
        if (a.window(w) != b.window(w))
            return false;
    return true;
}

std::int64_t committedWindows(const std::string &wsPath)
{
    try {
        gb::sql::Connection db(wsPath, gb::sql::Connection::Mode::ReadOnly);
        gb::sql::Statement st(db, "SELECT data FROM run_results WHERE name = 'checkpoint'");
        if (!st.step())
            return 0;
        const std::string blob = st.columnBlob(0);
        if (blob.size() < 16)
            return 0;
        std::uint64_t windows = 0;
        std::memcpy(&windows, blob.data() + 8, 8);
        return std::int64_t(windows);
    } catch (const gb::Error &) {
        return 0;
    }
}

/// A random ReLU crosscoder over three snapshots of the fixture model's blocks.1.hook_resid_post.
void writeCrosscoder(const std::string &dir, std::int64_t d, const std::string &hookName)
{
    at::manual_seed(11);
    gb::CrosscoderConfig c;
    c.dModel = d;
    c.expansionFactor = 3.0;
    c.dSae = 3 * d;
    c.activation = gb::CrosscoderActivation::ReLU;
    c.norm = gb::ActivationNorm::Inference;
    c.hookPoints = {"step0", "step16", "step32"};
    c.hookName = hookName;
    gb::CrosscoderWeights w;
    w.encoder = at::randn({3, d, c.dSae}) * 0.6;
    w.encoderBias = at::randn({3, c.dSae}) * 0.1 - 0.2;
    w.decoder = at::randn({3, c.dSae, d}) * 0.3;
    w.decoderBias = at::zeros({3, d});
    gb::saveCrosscoder(dir, c, w);
}

QStringList scanArgs(const gbtest::ScanFixture &f, const std::string &dictionary, const std::string &workspace)
{
    return {QStringLiteral("scan"), QStringLiteral("--model"), QString::fromStdString(f.model), QStringLiteral("--dictionary"),
            QString::fromStdString(dictionary), QStringLiteral("--corpus"), QString::fromStdString(f.corpus),
            QStringLiteral("--context"), QStringLiteral("24"), QStringLiteral("--top-k"), QStringLiteral("6"),
            QStringLiteral("--batch-tokens"), QStringLiteral("72"), QStringLiteral("--quiet"), QStringLiteral("--workspace"),
            QString::fromStdString(workspace)};
}

} // namespace

class TestScan : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void statisticsMatchDirectComputation();
    void cancelThenResumeEqualsUninterrupted();
    void killedProcessResumes();
    void finishedScanIsNotRepeated();
    void incompatibleDictionaries_data();
    void incompatibleDictionaries();
    void reconstructionMetrics();
    void crosscoderHead();
    void crosscoderHeadErrors_data();
    void crosscoderHeadErrors();
    void encodeCommand();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    gbtest::ScanFixture m_f;
    std::string path(const char *name) const { return m_dir->filePath(QString::fromLatin1(name)).toStdString(); }
};

void TestScan::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_f = gbtest::makeScanFixture(m_dir->path());
}

void TestScan::statisticsMatchDirectComputation()
{
    const gb::ScanSettings s = smallSettings();
    const gb::ScanResult r = scanHere(m_f, path("a.gbx"), s);
    const ScanData data = loadScan(path("a.gbx"));
    QVERIFY(data.finished());
    QCOMPARE(data.windows(), r.windows);
    QVERIFY(r.windows > 10);

    // Recompute from the stored windows: every window starts with BOS, is at most `context`
    // long, and the per-feature counts and maxima match a direct forward + encode.
    const Loaded l = load(m_f);
    at::Tensor counts = at::zeros({m_f.dSae}, at::kLong);
    at::Tensor maxima = at::zeros({m_f.dSae});
    std::int64_t counted = 0;
    for (std::int64_t w = 0; w < data.windows(); ++w) {
        const auto &tokens = data.window(w);
        QCOMPARE(tokens.front(), std::int32_t(m_f.eot));
        QVERIFY(std::int64_t(tokens.size()) <= s.context);
        gb::ForwardInput in;
        in.tokens = at::tensor(std::vector<std::int64_t>(tokens.begin(), tokens.end())).unsqueeze(0);
        gb::ForwardOptions o;
        o.capture = {"blocks.1.hook_resid_post"};
        o.logits = false;
        const at::Tensor x = l.model->forward(in, o).hook("blocks.1.hook_resid_post")[0];
        const at::Tensor keep = in.tokens[0].ne(m_f.eot);
        const at::Tensor f = l.dict->encode(x).index({keep});
        counted += keep.sum().item<std::int64_t>();
        counts += (f > 0).sum(0);
        maxima = at::maximum(maxima, std::get<0>(f.max(0)));
    }
    QCOMPARE(std::int64_t(data.stats().tokens()), counted);
    int firing = 0;
    for (std::int64_t i = 0; i < m_f.dSae; ++i) {
        QCOMPARE(std::int64_t(data.stats().count(i)), counts[i].item<std::int64_t>());
        QVERIFY(gbtest::isClose(data.stats().maxActivation(i), maxima[i].item<double>(), 1e-4, 1e-6));
        firing += data.stats().count(i) > 0;
    }
    QVERIFY2(firing > m_f.dSae / 4 && firing < m_f.dSae, "the test dictionary should be sparse but alive");
    // The whole corpus went through: the stored windows hold every document's tokens in order.
    std::vector<std::int32_t> stream;
    for (std::int64_t w = 0; w < data.windows(); ++w)
        for (const std::int32_t t : data.window(w))
            if (t != m_f.eot)
                stream.push_back(t);
    std::vector<std::int32_t> expected;
    gb::CorpusReader reader(m_f.corpus, gb::CorpusFormat::Lines);
    std::string doc;
    while (reader.next(doc))
        for (const std::int32_t t : l.tokenizer->encodeIds(doc))
            expected.push_back(t);
    QCOMPARE(stream, expected);
}

void TestScan::cancelThenResumeEqualsUninterrupted()
{
    gb::ScanSettings s = smallSettings();
    scanHere(m_f, path("straight.gbx"), s);
    s.checkpointSeconds = 0; // commit after every batch
    GB_VERIFY_THROWS(scanHere(m_f, path("resumed.gbx"), s, 9), "cancelled");
    {
        auto ws = Workspace::open(path("resumed.gbx"));
        QCOMPARE(ws.runs("scan").front().status, gb::RunRecord::Status::Cancelled);
    }
    gb::ScanSettings other = s;
    other.batchTokens = 24 * 5; // batching is not part of the identity
    const gb::ScanResult r = scanHere(m_f, path("resumed.gbx"), other);
    QVERIFY(r.resumedFrom >= 9 && r.resumedFrom < r.windows);
    QVERIFY(sameScan(loadScan(path("straight.gbx")), loadScan(path("resumed.gbx"))));
}

void TestScan::killedProcessResumes()
{
    // A larger corpus so the child is still busy when it is killed.
    gbtest::writeFile(QString::fromStdString(m_f.corpus), gbtest::syntheticCorpus(300, 9));
    const QStringList args{QStringLiteral("scan"), QStringLiteral("--model"), QString::fromStdString(m_f.model),
                           QStringLiteral("--dictionary"), QString::fromStdString(m_f.dictionary),
                           QStringLiteral("--corpus"), QString::fromStdString(m_f.corpus),
                           QStringLiteral("--context"), QStringLiteral("24"), QStringLiteral("--top-k"), QStringLiteral("6"),
                           QStringLiteral("--batch-tokens"), QStringLiteral("48"), QStringLiteral("--checkpoint-seconds"),
                           QStringLiteral("0.05"), QStringLiteral("--quiet"), QStringLiteral("--workspace")};
    const std::string killed = path("killed.gbx");
    QProcess child;
    child.start(gbtest::buildDir() + QStringLiteral("/app/glassbox-cli"), args + QStringList{QString::fromStdString(killed)});
    QVERIFY(child.waitForStarted());
    std::int64_t seen = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (seen < 20 && std::chrono::steady_clock::now() < deadline && child.state() == QProcess::Running) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        seen = committedWindows(killed);
    }
    QVERIFY2(child.state() == QProcess::Running, "the scan finished before it could be killed");
    ::kill(pid_t(child.processId()), SIGKILL);
    QVERIFY(child.waitForFinished());
    QCOMPARE(child.exitStatus(), QProcess::CrashExit);
    QVERIFY(seen >= 20);

    const auto resumed = gbtest::runCli(args + QStringList{QString::fromStdString(killed)});
    QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
    const gb::Json out = gb::Json::parse(resumed.out.toStdString());
    QVERIFY(out.find("summary")->find("resumed_from_window")->toInt() >= seen);
    QVERIFY(out.find("run_id")->toInt() > 0);
    QVERIFY(out.find("timing")->find("compute_s"));

    const auto straight = gbtest::runCli(args + QStringList{QString::fromStdString(path("straight.gbx"))});
    QVERIFY2(straight.exitCode == 0, qPrintable(straight.err));
    QVERIFY(sameScan(loadScan(killed), loadScan(path("straight.gbx"))));
}

void TestScan::crosscoderHead()
{
    const std::string hook = "blocks.1.hook_resid_post";
    const std::string cc = path("cc");
    writeCrosscoder(cc, m_f.dModel, hook);
    const std::string cli = path("cli.gbx");
    const auto r = gbtest::runCli(scanArgs(m_f, cc, cli) + QStringList{QStringLiteral("--head"), QStringLiteral("step16")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const gb::Json out = gb::Json::parse(r.out.toStdString());
    QCOMPARE(out.find("head")->toInt(), std::int64_t(1));
    QCOMPARE(out.find("head_hook")->toString(), hook);
    const std::int64_t runId = out.find("run_id")->toInt();

    // The core path through that head (what the Features page runs) gives the same scan.
    const auto head = std::dynamic_pointer_cast<const gb::CrosscoderDictionary>(gb::loadDictionary(cc))->head(1, hook);
    gb::ScanInput in;
    in.model = gb::TransformerModel::load(m_f.model);
    in.tokenizer = gb::loadTokenizer(m_f.model);
    in.dictionary = head;
    in.corpusPath = m_f.corpus;
    in.settings = smallSettings();
    in.workspacePath = path("core.gbx");
    {
        auto ws = Workspace::open(in.workspacePath, true);
        in.runId = gb::openScanRun(ws, gb::Json::object().set("head", 1), {}).id;
    }
    gb::runScan(in, gb::Progress::null(), gb::CancelToken());
    const ScanData viaCli = loadScan(cli), viaCore = loadScan(path("core.gbx"));
    QVERIFY(viaCli.finished());
    QVERIFY(viaCli.stats().tokens() > 100);
    QVERIFY(sameScan(viaCli, viaCore));

    // The page's lookup: FeatureSession::scan's parameters for this target (head 1 read at
    // `hook`, default page settings) name the CLI's finished run, and its extra is what the
    // Scans tab and the evolution slider match on.
    auto ws = Workspace::open(cli);
    const auto sha = [&](const std::string &p) {
        return ws.artifactByPath(QFileInfo(QString::fromStdString(p)).absoluteFilePath().toStdString())->sha256;
    };
    gb::ScanSettings page;
    page.format = gb::corpusFormatFor(m_f.corpus);
    page.context = 24;
    page.topK = 6;
    page.prependBos = true;
    const gb::Json params = gb::scanParams(sha(m_f.model), sha(cc), sha(m_f.corpus), page,
                                           gb::Json::object().set("head", 1).set("head_hook", hook));
    const gb::ScanRun found = gb::openScanRun(ws, params, {});
    QVERIFY(found.finished);
    QCOMPARE(found.id, runId);

    // The index and the hook point name the same head; another head is another scan.
    const auto again = gbtest::runCli(scanArgs(m_f, cc, cli) + QStringList{QStringLiteral("--head"), QStringLiteral("1")});
    QVERIFY2(again.exitCode == 0, qPrintable(again.err));
    QCOMPARE(gb::Json::parse(again.out.toStdString()).find("run_id")->toInt(), runId);
    const auto other = gbtest::runCli(scanArgs(m_f, cc, cli) + QStringList{QStringLiteral("--head"), QStringLiteral("2")});
    QVERIFY2(other.exitCode == 0, qPrintable(other.err));
    QVERIFY(gb::Json::parse(other.out.toStdString()).find("run_id")->toInt() != runId);
    QVERIFY(!(loadScan(cli).stats() == viaCli.stats()));
}

void TestScan::crosscoderHeadErrors_data()
{
    QTest::addColumn<QString>("dictionary");
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<QString>("needle");
    QTest::addRow("sae") << QStringLiteral("sae") << QStringList{QStringLiteral("--head"), QStringLiteral("0")} << QStringLiteral("not a crosscoder");
    QTest::addRow("out of range") << QStringLiteral("cc") << QStringList{QStringLiteral("--head"), QStringLiteral("3")} << QStringLiteral("out of range");
    QTest::addRow("negative") << QStringLiteral("cc") << QStringList{QStringLiteral("--head=-1")} << QStringLiteral("out of range");
    QTest::addRow("unknown step") << QStringLiteral("cc") << QStringList{QStringLiteral("--head"), QStringLiteral("step99")} << QStringLiteral("neither a head index nor a hook point");
    QTest::addRow("hook without head") << QStringLiteral("cc") << QStringList{QStringLiteral("--hook"), QStringLiteral("blocks.1.hook_resid_post")} << QStringLiteral("only applies with --head");
    QTest::addRow("no hook known") << QStringLiteral("nohook") << QStringList{QStringLiteral("--head"), QStringLiteral("step32")} << QStringLiteral("names no model hook");
}

void TestScan::crosscoderHeadErrors()
{
    QFETCH(QString, dictionary);
    QFETCH(QStringList, extra);
    QFETCH(QString, needle);
    writeCrosscoder(path("cc"), m_f.dModel, "blocks.1.hook_resid_post");
    writeCrosscoder(path("nohook"), m_f.dModel, "");
    const std::string dir = dictionary == QLatin1String("sae") ? m_f.dictionary : path(qPrintable(dictionary));
    const auto r = gbtest::runCli(scanArgs(m_f, dir, path("e.gbx")) + extra);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(needle), qPrintable(r.err));
}

void TestScan::finishedScanIsNotRepeated()
{
    const gb::ScanSettings s = smallSettings();
    scanHere(m_f, path("w.gbx"), s);
    auto ws = Workspace::open(path("w.gbx"));
    gb::Json params = gb::Json::object();
    params.set("corpus", m_f.corpus).set("settings", s.identity());
    const gb::ScanRun again = gb::openScanRun(ws, params, {});
    QVERIFY(again.finished);
    gb::ScanSettings other = s;
    other.topK = 3;
    params.set("settings", other.identity());
    QVERIFY(!gb::openScanRun(ws, params, {}).finished);
}

void TestScan::incompatibleDictionaries_data()
{
    QTest::addColumn<QString>("hook");
    QTest::addColumn<int>("width");
    QTest::addColumn<QString>("needle");
    QTest::addRow("width") << "blocks.1.hook_resid_post" << 32 << "reads blocks.1.hook_resid_post with width 32, but the model's is 16";
    QTest::addRow("layer") << "blocks.7.hook_resid_post" << 16 << "layer 7 does not exist (the model has 2 layers)";
    QTest::addRow("unknown hook") << "blocks.0.hook_banana" << 16 << "needs blocks.0.hook_banana, which the model does not have";
}

void TestScan::incompatibleDictionaries()
{
    QFETCH(QString, hook);
    QFETCH(int, width);
    QFETCH(QString, needle);
    const std::string dir = path("bad-sae");
    gbtest::writeSaeLens(dir, "jumprelu", width, 8, hook.toStdString());
    const Loaded l{gb::TransformerModel::load(m_f.model), gb::loadTokenizer(m_f.model), gb::loadDictionary(dir)};
    gb::ScanInput in;
    in.model = l.model;
    in.tokenizer = l.tokenizer;
    in.dictionary = l.dict;
    in.corpusPath = m_f.corpus;
    in.workspacePath = path("w.gbx");
    GB_VERIFY_THROWS(gb::runScan(in, gb::Progress::null(), gb::CancelToken()), needle.toStdString());
    GB_VERIFY_THROWS(gb::measureReconstruction(*l.model, *l.dict, at::arange(5)), needle.toStdString());
}

void TestScan::reconstructionMetrics()
{
    const auto model = gb::TransformerModel::load(m_f.model);
    const at::Tensor tokens = at::tensor(std::vector<std::int64_t>{m_f.eot, 60, 61, 62, 70, 80, 90, 100, 66});
    // A dictionary that reconstructs exactly: nothing changes.
    gbtest::writeSaeLens(path("identity"), "identity", 16, 32, "blocks.0.hook_resid_post");
    const auto exact = gb::measureReconstruction(*model, *gb::loadDictionary(path("identity")), tokens, m_f.eot);
    QCOMPARE(exact.positions, std::int64_t(8));
    QVERIFY(exact.mse < 1e-12);
    QVERIFY(gbtest::isClose(exact.explainedVariance, 1.0, 1e-9));
    QVERIFY(std::fabs(exact.deltaLoss) < 1e-6);
    QVERIFY(gbtest::isClose(exact.lossRecovered, 1.0, 1e-5));
    // Every value is non-zero, so L0 = d (one of relu(x), relu(-x) per dimension).
    QVERIFY(gbtest::isClose(exact.l0, 16.0, 1e-9, 0.3));
    // A dictionary that reconstructs nothing: splicing is zero ablation, MSE = mean of x^2,
    // explained variance = 1 - sum x^2 / sum (x - mean)^2.
    gbtest::writeSaeLens(path("zero"), "zero", 16, 8, "blocks.0.hook_resid_post");
    const auto none = gb::measureReconstruction(*model, *gb::loadDictionary(path("zero")), tokens, m_f.eot);
    QVERIFY(gbtest::isClose(none.lossSpliced, none.lossZeroAblated, 1e-9));
    QVERIFY(std::fabs(none.lossRecovered) < 1e-9);
    gb::ForwardInput in;
    in.tokens = tokens.unsqueeze(0);
    gb::ForwardOptions o;
    o.capture = {"blocks.0.hook_resid_post"};
    const at::Tensor x = model->forward(in, o).hook("blocks.0.hook_resid_post")[0].narrow(0, 1, 8).to(at::kDouble);
    QVERIFY(gbtest::isClose(none.mse, x.pow(2).mean().item<double>(), 1e-5));
    const double ev = 1 - x.pow(2).sum().item<double>() / (x - x.mean(0, true)).pow(2).sum().item<double>();
    QVERIFY(gbtest::isClose(none.explainedVariance, ev, 1e-5));
    QCOMPARE(none.squaredErrorPerPosition.size(), std::size_t(9));
}

void TestScan::encodeCommand()
{
    const std::string out = path("enc.safetensors");
    const auto r = gbtest::runCli({QStringLiteral("encode"), QStringLiteral("--model"), QString::fromStdString(m_f.model),
                                   QStringLiteral("--dictionary"), QString::fromStdString(m_f.dictionary), QStringLiteral("--text"),
                                   QStringLiteral("the cat sat on the mat"), QStringLiteral("--out"), QString::fromStdString(out),
                                   QStringLiteral("--workspace"), QString::fromStdString(path("e.gbx"))});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const gb::Json j = gb::Json::parse(r.out.toStdString());
    QVERIFY(j.find("run_id")->toInt() > 0);
    QVERIFY(j.find("metrics")->find("explained_variance"));
    const Loaded l = load(m_f);
    const auto ids32 = l.tokenizer->encodeIds("the cat sat on the mat");
    const std::vector<std::int64_t> ids(ids32.begin(), ids32.end());
    const auto file = gb::SafetensorsFile::open(out);
    const at::Tensor features = file->floatTensor("features");
    QCOMPARE(features.sizes().vec(), (std::vector<std::int64_t>{std::int64_t(ids.size()), m_f.dSae}));
    QCOMPARE(file->floatTensor("reconstruction").sizes().vec(), (std::vector<std::int64_t>{std::int64_t(ids.size()), 16}));
    gb::ForwardInput in;
    in.tokens = at::tensor(ids).unsqueeze(0);
    gb::ForwardOptions o;
    o.capture = {"blocks.1.hook_resid_post"};
    const at::Tensor x = l.model->forward(in, o).hook("blocks.1.hook_resid_post")[0];
    QVERIFY(at::allclose(features, l.dict->encode(x), 1e-5, 1e-6));

    const auto bad = gbtest::runCli({QStringLiteral("encode"), QStringLiteral("--model"), QString::fromStdString(m_f.model),
                                     QStringLiteral("--dictionary"), QString::fromStdString(m_f.corpus), QStringLiteral("--ids"),
                                     QStringLiteral("1,2"), QStringLiteral("--out"), QString::fromStdString(out)});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY(bad.err.contains(QStringLiteral("not a sparse dictionary")));
}

QTEST_GUILESS_MAIN(TestScan)
#include "tst_scan.moc"
