// SPDX-License-Identifier: MIT
// The built-in demo (issue 8): `glassbox-cli demo --small` builds it, every output opens in the
// loader its view uses, the numbers of the build are recorded, the build is deterministic, and
// the app builds it as a job on first start and opens it.
#include "appcontext.h"
#include "demo/demo_builder.h"
#include "demooffer.h"
#include "dictionaries/crosscoder.h"
#include "evolution/evolutiondata.h"
#include "features/scandata.h"
#include "featuredashboard.h"
#include "io/csv.h"
#include "io/inspect.h"
#include "io/json.h"
#include "io/safetensors.h"
#include "jobrunner.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "mainwindow.h"
#include "models/torchscript_model.h"
#include "models/transformermodel.h"
#include "pages/evolutionpage.h"
#include "pages/attributionpage.h"
#include "pages/evolutionresult.h"
#include "pages/featuresdashboardtab.h"
#include "pages/featurespage.h"
#include "pages/featuresstate.h"
#include "pages/tabularpage.h"
#include "store/workspace.h"
#include "tabular/pdp.h"
#include "testutils.h"
#include "tokenize/tokenizer_loader.h"
#include "training/schedules.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTest>
#include <QTreeWidget>

#include <set>

namespace {

gb::Json readJson(const QString &path)
{
    return gb::Json::parse(gbtest::readFile(path));
}

/// SHA-256 of every file below `dir` except the workspace (SQLite pages carry timestamps), the
/// report and the training logs (timings), by relative path.
std::map<QString, QByteArray> contentHashes(const QString &dir)
{
    std::map<QString, QByteArray> out;
    QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString rel = QDir(dir).relativeFilePath(path);
        if (rel.startsWith(QLatin1String("demo.gbx")) || rel == QLatin1String("report.json")
            || rel.endsWith(QLatin1String("training_log.json")))
            continue;
        QFile f(path);
        f.open(QIODevice::ReadOnly);
        QByteArray bytes = f.readAll();
        if (rel.endsWith(QLatin1String(".json"))) // provenance names the build's own folder
            bytes.replace(QDir(dir).absolutePath().toUtf8(), "<demo>");
        out[rel] = QCryptographicHash::hash(bytes, QCryptographicHash::Sha256);
    }
    return out;
}

} // namespace

class TestDemo : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cliBuildsOnce();
    void modelCheckpointsOpen();
    void dictionariesOpen();
    void tabularModelsOpen();
    void workspaceRegistersEverything();
    void scansFillTheDashboards();
    void reportHasTheFindings();
    void deterministic();
    void trainCommands();
    void appBuildsOnFirstStartAndOpens();
    void everyPageOnTheDemo();

private:
    QTemporaryDir m_dir;
    QString m_out;
    gb::Json m_cli;
    gb::demo::DemoConfig m_config = gb::demo::DemoConfig::small();
};

void TestDemo::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    m_out = m_dir.filePath(QStringLiteral("demo"));
    const auto r = gbtest::runCli({QStringLiteral("demo"), QStringLiteral("--small"), QStringLiteral("--out"), m_out}, 600000);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    m_cli = gb::Json::parse(r.out.toStdString());
    QVERIFY2(r.err.contains(QLatin1String("training the language model")) || r.err.contains(QLatin1String("%")),
             qPrintable(r.err.left(400))); // progress went to stderr
}

void TestDemo::cliBuildsOnce()
{
    QCOMPARE(m_cli.find("status")->toString(), std::string("built"));
    QCOMPARE(QString::fromStdString(m_cli.find("workspace")->toString()), QDir(m_out).filePath(QStringLiteral("demo.gbx")));
    QVERIFY(m_cli.find("timing"));
    QVERIFY(gb::demo::isDemoBuilt(gb::demo::DemoPaths(m_out.toStdString())));
    // A second run finds it built and computes nothing.
    const auto again = gbtest::runCli({QStringLiteral("demo"), QStringLiteral("--small"), QStringLiteral("--out"), m_out});
    QCOMPARE(again.exitCode, 0);
    QCOMPARE(gb::Json::parse(again.out.toStdString()).find("status")->toString(), std::string("exists"));
    // Bad input: an output path that is a file.
    const QString file = m_dir.filePath(QStringLiteral("plain-file"));
    gbtest::writeFile(file, "x");
    const auto bad = gbtest::runCli({QStringLiteral("demo"), QStringLiteral("--small"), QStringLiteral("--out"), file});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains(file), qPrintable(bad.err));
}

// The series the evolution and attribution views open: step<N>/ HF folders on the Pythia-like
// schedule, each a GPT-NeoX model with the demo tokenizer; the first is the seeded initialisation.
void TestDemo::modelCheckpointsOpen()
{
    const gb::demo::DemoPaths paths(m_out.toStdString());
    const QStringList steps = QDir(QString::fromStdString(paths.checkpoints)).entryList({QStringLiteral("step*")}, QDir::Dirs);
    QCOMPARE(steps.size(), m_config.lm.checkpoints);
    const auto tokenizer = gb::loadTokenizer(QDir(QString::fromStdString(paths.checkpoints)).filePath(steps.front()).toStdString());
    const std::string text = "the ( quick ) fox";
    QCOMPARE(tokenizer->decode(tokenizer->encodeIds(text)), text);
    for (const QString &s : steps) {
        const auto dir = QDir(QString::fromStdString(paths.checkpoints)).filePath(s).toStdString();
        const auto kind = gb::inspectPath(dir);
        QCOMPARE(kind.kind, std::string("model"));
        QCOMPARE(kind.format, std::string("gpt_neox"));
        const auto model = gb::TransformerModel::load(dir);
        QCOMPARE(model->config().nLayers, m_config.layers);
    }
    QCOMPARE(gb::inspectPath(paths.checkpoints).kind, std::string("checkpoint_series"));
}

// SAELens and OpenMOSS folders as the dictionary views detect them, shapes matching the model.
void TestDemo::dictionariesOpen()
{
    const gb::demo::DemoPaths paths(m_out.toStdString());
    const auto sae = gb::inspectPath(paths.sae);
    QCOMPARE(sae.kind, std::string("dictionary"));
    QCOMPARE(sae.format, std::string("saelens"));
    const gb::Json cfg = readJson(QString::fromStdString(paths.sae + "/cfg.json"));
    QCOMPARE(cfg.find("d_in")->toInt(), std::int64_t(m_config.dModel));
    QCOMPARE(cfg.find("d_sae")->toInt(), std::int64_t(m_config.sae.features));
    QCOMPARE(cfg.find("metadata")->find("hook_name")->toString(), m_config.hook);
    const auto weights = gb::SafetensorsFile::open(paths.sae + "/sae_weights.safetensors");
    QCOMPARE(weights->tensor("W_dec").sizes().vec(), (std::vector<std::int64_t>{m_config.sae.features, m_config.dModel}));

    const auto cc = gb::Crosscoder::open(paths.crosscoder);
    QCOMPARE(cc->heads(), std::int64_t(m_config.lm.checkpoints));
    QCOMPARE(cc->features(), std::int64_t(m_config.crosscoder.features));
    const auto data = gb::collectEvolutionData(*cc, gb::Progress::null(), gb::CancelToken());
    QVERIFY(data.steps.fromNames); // step<N> hook points give the training steps
    QCOMPARE(data.steps.steps.back(), std::int64_t(m_config.lm.steps));
}

// The tabular view's loaders: the CSV with its sidecar and the TorchScript MLP. On Friedman #1
// the partial dependence on x4 is 10 * x4 + const (Friedman 1991): the trained MLP's PDP rises.
void TestDemo::tabularModelsOpen()
{
    const QString dir = QDir(m_out).filePath(QStringLiteral("tabular"));
    const auto data = gb::loadTabularData(QDir(dir).filePath(QStringLiteral("friedman1.csv")).toStdString(), "", gb::ColumnRoles());
    QCOMPARE(data.cols(), std::int64_t(10));
    const auto model = gb::TabularModel::load(QDir(dir).filePath(QStringLiteral("friedman1_mlp.pt")).toStdString(), 10);
    gb::tabular::PdpOptions o;
    o.features = {3};
    o.grids = {gb::tabular::GridOptions()};
    o.individual = false;
    const auto pdp = gb::tabular::partialDependence(*model, data, o, gb::Progress::null(), gb::CancelToken());
    QVERIFY2(pdp.average.back() - pdp.average.front() > 2.0,
             qPrintable(QStringLiteral("%1 .. %2").arg(pdp.average.front()).arg(pdp.average.back())));

    const auto cls = gb::loadTabularData(QDir(dir).filePath(QStringLiteral("classes3.csv")).toStdString(), "", gb::ColumnRoles());
    gb::TabularResponse response;
    response.kind = gb::TabularResponse::Kind::Probability;
    response.outputColumn = 0;
    const auto classifier = gb::TabularModel::load(QDir(dir).filePath(QStringLiteral("classes3_mlp.pt")).toStdString(),
                                                   cls.cols(), response);
    QCOMPARE(classifier->outputColumns(), std::int64_t(3));
}

void TestDemo::workspaceRegistersEverything()
{
    const gb::demo::DemoPaths paths(m_out.toStdString());
    const auto ws = gb::Workspace::open(paths.workspace);
    std::set<std::string> kinds;
    for (const auto &a : ws.artifacts())
        kinds.insert(a.kind);
    for (const char *k : {"model", "dictionary", "checkpoint_series", "corpus", "dataset", "tabular_model"})
        QVERIFY2(kinds.count(k), k);
    std::set<std::string> runs;
    for (const auto &r : ws.runs())
        runs.insert(r.kind);
    for (const char *k : {"train-lm", "train-sae", "train-crosscoder", "train-tabular", "evolution", "scan", "demo"})
        QVERIFY2(runs.count(k), k);
    QVERIFY(ws.checkIntegrity());
}

namespace {

/// The demo's scans: (run, dictionary path, extra) in run order.
struct DemoScanRun {
    std::int64_t id;
    std::string model, dictionary, corpus;
    gb::Json params;
};

std::vector<DemoScanRun> demoScans(const gb::Workspace &ws)
{
    std::vector<DemoScanRun> out;
    for (const auto &r : ws.runs("scan")) {
        DemoScanRun s{r.id, {}, {}, {}, gb::Json::parse(r.paramsJson)};
        const auto withInputs = ws.run(r.id); // runs() leaves the inputs out
        for (const auto &[id, role] : withInputs->inputs)
            (role == "model" ? s.model : role == "dictionary" ? s.dictionary : s.corpus) = ws.artifact(id)->path;
        if (r.status == gb::RunRecord::Status::Finished)
            out.push_back(s);
    }
    return out;
}

} // namespace

// The corpus scans the demo stores: the crosscoder's last head, then the SAE, both with the final
// checkpoint over the held-out corpus; every window of scan.txt is in, and features have top
// examples and histograms that add up to their firing counts.
void TestDemo::scansFillTheDashboards()
{
    const gb::demo::DemoPaths paths(m_out.toStdString());
    const auto ws = gb::Workspace::open(paths.workspace);
    const auto scans = demoScans(ws);
    QCOMPARE(scans.size(), std::size_t(2));
    const std::string finalModel = paths.finalCheckpoint(m_config.lm.steps);
    for (const auto &s : scans) {
        QCOMPARE(s.model, finalModel);
        QCOMPARE(s.corpus, paths.corpusScan);
    }
    QCOMPARE(scans[0].dictionary, paths.crosscoder);
    QCOMPARE(scans[0].params.find("extra")->find("head")->toInt(), std::int64_t(m_config.lm.checkpoints - 1));
    QCOMPARE(scans[1].dictionary, paths.sae);
    QCOMPARE(scans[1].params.find("settings")->find("context")->toInt(), std::int64_t(m_config.scanContext));
    const gb::ScanData scan = gb::ScanData::load(ws, scans[1].id);
    QVERIFY(scan.finished());
    // Every held-out document is one or more windows; the counted tokens are all of them.
    const gb::Json report = readJson(QDir(m_out).filePath(QStringLiteral("report.json")));
    QVERIFY(scan.windows() >= m_config.scanDocuments);
    QCOMPARE(std::int64_t(scan.stats().tokens()), report.find("scans")->find("sae")->find("tokens")->toInt());
    QCOMPARE(scan.stats().features(), std::int64_t(m_config.sae.features));
    int filled = 0;
    for (std::int64_t f = 0; f < scan.stats().features(); ++f) {
        if (scan.stats().count(f) == 0)
            continue;
        ++filled;
        const auto top = scan.stats().top(f);
        QVERIFY(!top.empty() && top.size() <= std::size_t(m_config.scanTopK));
        QCOMPARE(float(scan.stats().maxActivation(f)), top.front().value);
        std::uint64_t inHistogram = 0;
        for (const auto c : scan.stats().histogram(f))
            inHistogram += c;
        QCOMPARE(inHistogram, scan.stats().count(f));
    }
    QVERIFY2(filled > m_config.sae.features / 2, qPrintable(QString::number(filled)));
    // The CLI's scan with the same inputs and settings is the same run: nothing to do.
    const auto again = gbtest::runCli({QStringLiteral("scan"), QStringLiteral("--model"), QString::fromStdString(finalModel),
                                       QStringLiteral("--dictionary"), QString::fromStdString(paths.sae), QStringLiteral("--corpus"),
                                       QString::fromStdString(paths.corpusScan), QStringLiteral("--workspace"),
                                       QString::fromStdString(paths.workspace), QStringLiteral("--context"),
                                       QString::number(m_config.scanContext), QStringLiteral("--no-bos")});
    QVERIFY2(again.exitCode == 0, qPrintable(again.err));
    const gb::Json cli = gb::Json::parse(again.out.toStdString());
    QCOMPARE(cli.find("run_id")->toInt(), scans[1].id);
    QVERIFY(cli.find("already_finished")->toBool());
}

void TestDemo::reportHasTheFindings()
{
    const gb::Json report = readJson(QDir(m_out).filePath(QStringLiteral("report.json")));
    for (const char *stage : {"corpus_s", "tokenizer_s", "language_model_s", "sae_s", "crosscoder_s", "tabular_s",
                              "behaviour_s", "findings_s", "workspace_s", "scan_s", "total_s"})
        QVERIFY2(report.find("timings")->find(stage), stage);
    const auto &behaviour = report.find("behaviour")->toArray();
    QCOMPARE(behaviour.size(), std::size_t(m_config.lm.checkpoints));
    // Training lowers the held-out loss from the initialisation (about ln(vocab)).
    const double first = behaviour.front().find("loss")->toDouble();
    const double last = behaviour.back().find("loss")->toDouble();
    QVERIFY2(last < first - 0.5, qPrintable(QStringLiteral("%1 -> %2").arg(first).arg(last)));
    QVERIFY(!report.find("sae_findings")->find("phenomena")->toArray().empty());
}

// Same config, another folder: the same bytes (seeded corpus, tokenizer, training, dictionaries).
void TestDemo::deterministic()
{
    const QString other = m_dir.filePath(QStringLiteral("again"));
    const auto r = gbtest::runCli({QStringLiteral("demo"), QStringLiteral("--small"), QStringLiteral("--out"), other}, 600000);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const auto a = contentHashes(m_out), b = contentHashes(other);
    QVERIFY(a.size() > 20);
    for (const auto &[rel, hash] : a)
        QVERIFY2(b.count(rel) && b.at(rel) == hash, qPrintable(rel));
    QCOMPARE(a.size(), b.size());
}

// The train-* commands on the demo's corpus: JSON with timing and run_id, outputs the loaders
// open, runs stored; mistakes are exit 2 naming what is wrong.
void TestDemo::trainCommands()
{
    const gb::demo::DemoPaths paths(m_out.toStdString());
    const QString ws = m_dir.filePath(QStringLiteral("train.gbx"));
    const QString corpus = QString::fromStdString(paths.corpusTrain);
    const QString lmOut = m_dir.filePath(QStringLiteral("lm"));
    const auto run = [&](QStringList args) {
        args << QStringLiteral("--workspace") << ws << QStringLiteral("--quiet");
        const auto r = gbtest::runCli(args, 300000);
        if (r.exitCode != 0)
            qWarning("%s", qPrintable(r.err));
        return r.exitCode == 0 ? gb::Json::parse(r.out.toStdString()) : gb::Json();
    };
    const gb::Json lm = run({QStringLiteral("train-lm"), QStringLiteral("--corpus"), corpus, QStringLiteral("--tokenizer"),
                             QFileInfo(QString::fromStdString(paths.tokenizer)).path(), QStringLiteral("--layers"), QStringLiteral("1"),
                             QStringLiteral("--d-model"), QStringLiteral("16"), QStringLiteral("--heads"), QStringLiteral("2"),
                             QStringLiteral("--context"), QStringLiteral("32"), QStringLiteral("--batch"), QStringLiteral("4"),
                             QStringLiteral("--steps"), QStringLiteral("8"), QStringLiteral("--checkpoints"), QStringLiteral("4"),
                             QStringLiteral("--out"), lmOut});
    QVERIFY(lm.find("run_id") && lm.find("timing"));
    const QString step8 = lmOut + QStringLiteral("/checkpoints/step8");
    QCOMPARE(gb::TransformerModel::load(step8.toStdString())->config().dModel, 16);

    const QString hook = QStringLiteral("blocks.0.hook_resid_post");
    const gb::Json sae = run({QStringLiteral("train-sae"), QStringLiteral("--model"), step8, QStringLiteral("--hook"), hook,
                              QStringLiteral("--corpus"), corpus, QStringLiteral("--features"), QStringLiteral("32"),
                              QStringLiteral("--steps"), QStringLiteral("20"), QStringLiteral("--batch"), QStringLiteral("64"),
                              QStringLiteral("--context"), QStringLiteral("32"), QStringLiteral("--tokens"), QStringLiteral("1024"),
                              QStringLiteral("--out"), m_dir.filePath(QStringLiteral("sae"))});
    QVERIFY(sae.find("run_id"));
    QCOMPARE(gb::inspectPath(m_dir.filePath(QStringLiteral("sae")).toStdString()).format, std::string("saelens"));

    const gb::Json cc = run({QStringLiteral("train-crosscoder"), QStringLiteral("--checkpoints"), lmOut + QStringLiteral("/checkpoints"),
                             QStringLiteral("--hook"), hook, QStringLiteral("--corpus"), corpus, QStringLiteral("--features"),
                             QStringLiteral("32"), QStringLiteral("--steps"), QStringLiteral("10"), QStringLiteral("--batch"),
                             QStringLiteral("32"), QStringLiteral("--context"), QStringLiteral("32"), QStringLiteral("--tokens"),
                             QStringLiteral("512"), QStringLiteral("--out"), m_dir.filePath(QStringLiteral("cc"))});
    QVERIFY(cc.find("run_id"));
    QCOMPARE(gb::Crosscoder::open(m_dir.filePath(QStringLiteral("cc")).toStdString())->heads(), std::int64_t(gb::pythiaCheckpointSteps(8, 4).size()));

    const QString mlp = m_dir.filePath(QStringLiteral("mlp.pt"));
    const gb::Json tab = run({QStringLiteral("train-tabular"), QStringLiteral("--data"), m_out + QStringLiteral("/tabular/friedman1.csv"),
                              QStringLiteral("--epochs"), QStringLiteral("3"), QStringLiteral("--out"), mlp});
    QVERIFY(tab.find("run_id"));
    QCOMPARE(gb::TabularModel::load(mlp.toStdString(), 10)->outputColumns(), std::int64_t(1));

    const auto ws2 = gb::Workspace::open(ws.toStdString());
    QCOMPARE(ws2.runs().size(), std::size_t(4));

    const auto bad = gbtest::runCli({QStringLiteral("train-sae"), QStringLiteral("--model"), step8, QStringLiteral("--hook"),
                                     QStringLiteral("blocks.7.hook_resid_post"), QStringLiteral("--corpus"), corpus,
                                     QStringLiteral("--out"), m_dir.filePath(QStringLiteral("sae2"))});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains(QLatin1String("blocks.7.hook_resid_post")), qPrintable(bad.err));
}

// First start: the offer is shown, the build runs as a job while the GUI thread keeps turning,
// and the window ends on the demo workspace with the evolution page showing the stored run.
void TestDemo::appBuildsOnFirstStartAndOpens()
{
    QDir(gb::DemoOffer::demoFolder()).removeRecursively();
    QVERIFY(!gb::DemoOffer::demoBuilt());
    gb::AppContext ctx;
    QVERIFY(ctx.openWorkspace(m_dir.filePath(QStringLiteral("scratch.gbx")), true).isEmpty());
    gb::MainWindow window(ctx);
    window.show();
    window.demoOffer()->setConfigName(QStringLiteral("small"));
    window.demoOffer()->offer();
    QVERIFY(window.demoOffer()->isVisible());
    QSignalSpy ready(window.demoOffer(), &gb::DemoOffer::demoReady);
    window.findChild<QPushButton *>(QStringLiteral("buildDemo"))->click();
    QVERIFY(window.demoOffer()->building());
    QElapsedTimer clock;
    clock.start();
    qint64 longestGap = 0, last = 0;
    while (ready.isEmpty() && clock.elapsed() < 600000) {
        QTest::qWait(20);
        longestGap = std::max(longestGap, clock.elapsed() - last);
        last = clock.elapsed();
    }
    QCOMPARE(ready.size(), 1);
    QVERIFY2(longestGap < 1000, qPrintable(QString::number(longestGap))); // the event loop never stalled
    QCOMPARE(ctx.workspacePath(), gb::DemoOffer::demoWorkspace());
    QVERIFY(!window.demoOffer()->isVisible());
    auto *evolution = window.findChild<gb::EvolutionPage *>();
    QVERIFY(evolution);
    QTRY_VERIFY_WITH_TIMEOUT(evolution->result() && !evolution->isBusy(), 60000);
    QCOMPARE(evolution->result()->data->heads, std::int64_t(m_config.lm.checkpoints));
    // Built: the same action opens it at once.
    ready.clear();
    window.demoOffer()->openOrBuild();
    QCOMPARE(ready.size(), 1);
    QVERIFY(!window.demoOffer()->building());
    window.grab().save(QDir(gbtest::buildDir()).filePath(QStringLiteral("screenshots/demo-first-start.png")));
}

// The window on the demo workspace, page by page (screenshots in build/screenshots/demo-*.png):
// every page opens the demo's artifacts by itself: the features page the final model and the SAE
// with its scan selected (a dashboard with top examples), the attribution page the final model
// with the SAE offered for the feature target, the evolution page the stored run of the
// crosscoder over the checkpoints, the tabular page the Friedman #1 MLP and its CSV.
void TestDemo::everyPageOnTheDemo()
{
    const gb::demo::DemoPaths paths(m_out.toStdString());
    const QString finalModel = QString::fromStdString(paths.finalCheckpoint(m_config.lm.steps));
    gb::AppContext ctx;
    QVERIFY(ctx.openWorkspace(QDir(m_out).filePath(QStringLiteral("demo.gbx")), false).isEmpty());
    gb::MainWindow window(ctx);
    window.resize(1400, 900);
    window.show();
    QSignalSpy errors(&ctx, &gb::AppContext::errorReported);

    auto *evolution = window.findChild<gb::EvolutionPage *>();
    QTRY_VERIFY_WITH_TIMEOUT(evolution->result() && !evolution->isBusy(), 60000);
    QCOMPARE(evolution->result()->data->heads, std::int64_t(m_config.lm.checkpoints));
    QCOMPARE(evolution->result()->crosscoderPath, QString::fromStdString(paths.crosscoder));

    auto *features = window.findChild<gb::FeaturesPage *>();
    QVERIFY(features);
    const auto ws = gb::Workspace::open(paths.workspace);
    const auto scans = demoScans(ws);
    QVERIFY(!scans.empty());
    QTRY_VERIFY_WITH_TIMEOUT(features->state().target().valid() && features->state().scanRun() > 0, 60000);
    QCOMPARE(features->state().target().modelPath, finalModel);
    QCOMPARE(features->state().target().dictionaryPath, QString::fromStdString(paths.sae));
    QCOMPARE(features->state().scanRun(), scans.back().id);
    const gb::ScanData scan = gb::ScanData::load(ws, scans.back().id);
    std::int64_t busiest = 0;
    for (std::int64_t f = 1; f < scan.stats().features(); ++f)
        if (scan.stats().count(f) > scan.stats().count(busiest))
            busiest = f;
    features->tabs()->setCurrentWidget(features->dashboardTab());
    features->dashboardTab()->showFeature(busiest);
    QTRY_VERIFY_WITH_TIMEOUT(features->dashboardTab()->view()->dashboard()
                                 && features->dashboardTab()->view()->dashboard()->data().feature == busiest
                                 && ctx.jobs().activeCount() == 0,
                             120000);
    const gb::plots::FeatureDashboardData &d = features->dashboardTab()->view()->dashboard()->data();
    QVERIFY(!d.top.empty());
    QCOMPARE(d.count, scan.stats().count(busiest));
    QCOMPARE(d.top.front().value, scan.stats().top(busiest).front().value);

    auto *attribution = window.findChild<gb::AttributionPage *>();
    QVERIFY(attribution);
    QTRY_VERIFY_WITH_TIMEOUT(attribution->hasModel() && attribution->hasDictionary() && !attribution->isBusy(), 60000);
    QCOMPARE(attribution->modelPath(), finalModel);
    // It starts on the opening words of the scanned corpus, cut at a space.
    QFile corpus(m_out + QStringLiteral("/corpus/scan.txt"));
    QVERIFY(corpus.open(QIODevice::ReadOnly));
    const QString firstLine = QString::fromUtf8(corpus.readLine()).simplified();
    QVERIFY(!attribution->prompt().isEmpty());
    QVERIFY(attribution->prompt().size() <= 200);
    QVERIFY(firstLine.startsWith(attribution->prompt()));
    QVERIFY(firstLine.size() == attribution->prompt().size() || firstLine.at(attribution->prompt().size()) == QLatin1Char(' '));

    auto *tabular = window.findChild<gb::TabularPage *>();
    QVERIFY(tabular);
    QTRY_VERIFY_WITH_TIMEOUT(tabular->lastRunId() > 0 && ctx.jobs().activeCount() == 0, 120000);
    QCOMPARE(tabular->featureList()->topLevelItemCount(), 10);
    std::set<std::string> tabularInputs;
    const auto tabularRun = ws.run(tabular->lastRunId());
    QVERIFY(tabularRun);
    for (const auto &[id, role] : tabularRun->inputs)
        tabularInputs.insert(ws.artifact(id)->path);
    QVERIFY(tabularInputs.count(m_out.toStdString() + "/tabular/friedman1_mlp.pt"));
    QVERIFY(tabularInputs.count(m_out.toStdString() + "/tabular/friedman1.csv"));
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.front().front().toString()));

    const QString dir = QDir(gbtest::buildDir()).filePath(QStringLiteral("screenshots"));
    QDir().mkpath(dir);
    for (int i = 0; i < window.pages()->count(); ++i) {
        window.pages()->setCurrentIndex(i);
        QTest::qWait(200);
        const QString name = window.pages()->tabText(i).toLower().remove(QLatin1Char('&'));
        QVERIFY(window.grab().save(QDir(dir).filePath(QStringLiteral("demo-%1.png").arg(name))));
    }
}

QTEST_MAIN(TestDemo)
#include "tst_demo.moc"
