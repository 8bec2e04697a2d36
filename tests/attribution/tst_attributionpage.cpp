// SPDX-License-Identifier: MIT
// The attribution page end to end: a model opened in a job, prompts typed as ids or text,
// numbers through the page against the float64 Python IG reference, several methods stacked
// with their agreement, deletion / insertion, the generation matrix, a 1,000-token IG with
// progress, cancel, bad input in the banner, exports through FigureExporter, and screenshots
// (build/screenshots/attribution-*.png) for looking at.
#include "appcontext.h"
#include "figureview.h"
#include "jobrunner.h"
#include "pages/attributioncontrols.h"
#include "pages/attributionpage.h"
#include "plots/figureexporter.h"
#include "plots/heatmapfigure.h"
#include "plots/tokenstripfigure.h"
#include "plots/xyfigure.h"
#include "store/workspace.h"
#include "referencesae.h"
#include "testutils.h"
#include "tokenstripview.h"

#include "io/json.h"
#include "models/modelconfig.h"
#include "models/transformermodel.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>

#include <cmath>

using namespace gbtest;

namespace {

QString tinyModel()
{
    return fixturesDir() + QStringLiteral("/models/gpt2-tiny");
}

/// GPT-2's byte-level alphabet: printable bytes stand for themselves, the others for 256 + n.
std::string byteToken(int b)
{
    static const std::vector<char32_t> table = [] {
        std::vector<char32_t> t(256);
        int n = 0;
        for (int c = 0; c < 256; ++c) {
            const bool printable = (c >= 33 && c <= 126) || (c >= 161 && c <= 172) || (c >= 174 && c <= 255);
            t[std::size_t(c)] = printable ? char32_t(c) : char32_t(256 + n++);
        }
        return t;
    }();
    return QString::fromUcs4(&table[std::size_t(b)], 1).toStdString();
}

/// A byte-level BPE tokenizer (vocab.json + merges.txt) whose merges spell the test prompts in
/// words, so screenshots show text; " tired" stays two tokens (" tir", "ed"). <|endoftext|> is
/// the last id, as in GPT-2. Returns the vocabulary size.
int writeTinyTokenizer(const QString &dir)
{
    const std::string G = byteToken(' ');
    const std::vector<std::string> merges = {
        G + " t", "h e", G + "t he", "a t", G + " c", G + "c at", G + " s", G + "s at", G + " o", G + "o n",
        G + " m", G + "m at", G + " b", "e c", G + "b ec", "a u", G + "bec au", "s e", G + "becau se", G + " i",
        G + "i t", G + " w", G + "w a", G + "wa s", "i r", G + "t ir", "e d", "T he"};
    gb::Json vocab = gb::Json::object();
    std::int64_t id = 0;
    for (int b = 0; b < 256; ++b)
        vocab.set(byteToken(b), id++);
    std::string mergesTxt = "#version: 0.2\n";
    for (const std::string &m : merges) {
        mergesTxt += m + "\n";
        std::string joined = m;
        joined.erase(joined.find(' '), 1);
        vocab.set(joined, id++);
    }
    vocab.set("<|endoftext|>", id++);
    writeFile(dir + QStringLiteral("/vocab.json"), vocab.dump());
    writeFile(dir + QStringLiteral("/merges.txt"), mergesTxt);
    return int(id);
}

gb::ModelConfig smallConfig(int vocab, int context)
{
    gb::ModelConfig c;
    c.nLayers = 2;
    c.dModel = 32;
    c.nHeads = 4;
    c.dHead = 8;
    c.dMlp = 64;
    c.vocabSize = vocab;
    c.nCtx = context;
    c.bosTokenId = c.eosTokenId = vocab - 1;
    return c;
}

void openAndWait(gb::AttributionPage &page, gb::AppContext &ctx, const QString &dir)
{
    QSignalSpy loaded(&page, &gb::AttributionPage::modelLoaded);
    QSignalSpy errors(&ctx, &gb::AppContext::errorReported);
    page.openModel(dir);
    const bool ok = loaded.wait(60000);
    const QString error = errors.isEmpty() ? QString() : errors.first().first().toString();
    QVERIFY2(ok, qPrintable(error));
}

void runAndWait(gb::AttributionPage &page, gb::AppContext &ctx, bool generation = false, int newTokens = 0)
{
    QSignalSpy shown(&page, &gb::AttributionPage::resultShown);
    QSignalSpy errors(&ctx, &gb::AppContext::errorReported);
    if (generation)
        page.attributeGeneration(newTokens);
    else
        page.attribute();
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() + errors.count() > 0, 180000);
    const QString error = errors.isEmpty() ? QString() : errors.first().first().toString();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(!page.isBusy(), 10000);
}

gb::AttributionSettings igOnly(const std::string &input, const std::string &baseline, int steps, std::int64_t position)
{
    gb::AttributionSettings s;
    s.methods = {gb::AttributionMethod::IntegratedGradients};
    s.input = input;
    s.baseline = baseline;
    s.steps = steps;
    s.quadrature = "gausslegendre";
    s.position = position;
    s.faithfulness = false;
    return s;
}

const gb::Json &referenceCase(const gb::Json &all, const std::string &name)
{
    for (const gb::Json &c : all.find("cases")->toArray())
        if (c.find("name")->toString() == name)
            return c;
    throw std::runtime_error("no reference case " + name);
}

/// The reference case's prompt as the page takes ids ("3 17 42").
QString promptOf(const gb::Json &ref)
{
    QStringList ids;
    for (const gb::Json &id : ref.find("ids")->toArray())
        ids << QString::number(id.toInt());
    return ids.join(QLatin1Char(' '));
}

/// The page's single strip row and delta against the reference's per-token sums.
void checkAgainstReference(const gb::AttributionPage &page, const gb::Json &ref)
{
    const auto &rows = page.strip()->strip()->rows();
    QCOMPARE(rows.size(), std::size_t(1));
    const auto &attr = ref.find("attributions")->toArray();
    const std::size_t T = ref.find("ids")->size(), d = attr.size() / T;
    double maxAbs = 0.0;
    for (std::size_t t = 0; t < T; ++t) {
        double sum = 0.0;
        for (std::size_t k = 0; k < d; ++k)
            sum += attr[t * d + k].toDouble();
        maxAbs = std::max(maxAbs, std::fabs(sum));
        QVERIFY2(std::fabs(rows[0].scores[t] - sum) <= 1e-4 + 1e-4 * std::fabs(sum),
                 qPrintable(QStringLiteral("token %1: page %2, reference %3").arg(t).arg(rows[0].scores[t]).arg(sum)));
    }
    QVERIFY(maxAbs > 1e-3); // the comparison is not between zeros
    const double delta = page.numbers()->item(0, 3)->text().toDouble();
    const double refDelta = ref.find("delta")->toDouble();
    QVERIFY2(std::fabs(delta - refDelta) <= 1e-3 + 1e-3 * std::fabs(refDelta), qPrintable(page.numbers()->item(0, 3)->text()));

}

void saveFigure(gb::FigureView *view, const QString &file)
{
    QVERIFY(view && view->figure());
    gb::plots::ExportOptions o;
    o.format = gb::plots::ExportFormat::Png;
    o.dpi = 200;
    QVERIFY(gb::plots::FigureExporter::toImage(*view->figure(), o).save(screenshotsDir() + QLatin1Char('/') + file));
}

} // namespace

class TestAttributionPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void numbersMatchReference_data();
    void numbersMatchReference();
    void featureTargetMatchesReference();
    void textPromptMethodsAndExports();
    void generationMatrix();
    void longPromptWithProgress();
    void cancelStopsTheJob();
    void badInputInTheBanner();

private:
    /// The 1,000-position model with a 1,000-token prompt (ids, comma-separated) and a target.
    void openLongPrompt(gb::AttributionPage &page, gb::AppContext &ctx);

    QTemporaryDir m_dir;
    QString m_textModel, m_longModel;
    std::string m_eot; ///< the text model's <|endoftext|> baseline
};

void TestAttributionPage::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    m_textModel = m_dir.filePath(QStringLiteral("text"));
    QDir().mkpath(m_textModel);
    const int vocab = writeTinyTokenizer(m_textModel);
    m_eot = QStringLiteral("token:%1").arg(vocab - 1).toStdString();
    gb::TransformerModel::random(smallConfig(vocab, 64), 7)->save(m_textModel.toStdString());
    m_longModel = m_dir.filePath(QStringLiteral("long"));
    gb::TransformerModel::random(smallConfig(64, 1024), 11)->save(m_longModel.toStdString());
}

void TestAttributionPage::numbersMatchReference_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("foil");
    QTest::addRow("logprob, BOS baseline") << QStringLiteral("gpt2 logprob, token baseline, gauss-legendre") << QString();
    QTest::addRow("logit difference over resid_pre")
        << QStringLiteral("gpt2 logit difference at position 4, zero baseline over resid_pre") << QStringLiteral("#4");
}

// The page's controls map to the core's request: the scores it shows are the float64 Python
// reference's (tests/reference/make_attribution_fixtures.py), summed over the embedding.
void TestAttributionPage::numbersMatchReference()
{
    QFETCH(QString, name);
    QFETCH(QString, foil);
    const gb::Json all = gb::Json::parse(readFile(fixturesDir() + QStringLiteral("/attribution/ig_reference.json")), "ref");
    const gb::Json &ref = referenceCase(all, name.toStdString());
    const gb::Json &target = *ref.find("target");

    gb::AppContext ctx;
    QVERIFY(ctx.openWorkspace(m_dir.filePath(QStringLiteral("ref-%1.gbx").arg(QLatin1String(QTest::currentDataTag()).size())), true).isEmpty());
    gb::AttributionPage page(ctx);
    openAndWait(page, ctx, tinyModel());
    page.setPrompt(promptOf(ref));
    page.setTarget(QStringLiteral("#%1").arg(target.find("token")->toInt()));
    page.setFoil(foil);
    page.controls()->setSettings(igOnly(ref.find("wrt")->toString(), ref.find("baseline")->toString(),
                                        int(ref.find("steps")->toInt()), target.find("position")->toInt()));
    QCOMPARE(page.controls()->settings().baseline, ref.find("baseline")->toString()); // offered: config's BOS
    runAndWait(page, ctx);

    checkAgainstReference(page, ref);

    const auto runs = ctx.workspace()->runs("attribution");
    QCOMPARE(runs.size(), std::size_t(1));
    QCOMPARE(page.lastRunId(), qint64(runs.front().id));
    const gb::Json params = gb::Json::parse(runs.front().paramsJson, "params");
    QCOMPARE(params.find("wrt")->toString(), ref.find("wrt")->toString());
    QVERIFY(ctx.workspace()->result(runs.front().id, "figure").has_value());
}

// An SAE feature as the target: the dictionary opened on the page (a SAELens folder of the
// reference's SAE), its feature explained at a position, against the Python IG of that feature.
void TestAttributionPage::featureTargetMatchesReference()
{
    const gb::Json all = gb::Json::parse(readFile(fixturesDir() + QStringLiteral("/attribution/ig_reference.json")), "ref");
    const gb::Json &ref = referenceFeatureCase(all);
    const gb::Json &target = *ref.find("target");
    const QString sae = m_dir.filePath(QStringLiteral("sae"));
    QVERIFY(QDir().mkpath(sae));
    writeReferenceSae(ref, sae);

    gb::AppContext ctx;
    gb::AttributionPage page(ctx);
    openAndWait(page, ctx, tinyModel());
    page.setPrompt(promptOf(ref));
    page.openDictionary(sae);
    QTRY_VERIFY_WITH_TIMEOUT(!page.isBusy() && page.controls()->settings().kind == "feature", 30000);
    page.setFeature(target.find("feature")->toInt());
    gb::AttributionSettings s = igOnly("token_embeddings", "token:0", int(ref.find("steps")->toInt()),
                                       target.find("position")->toInt());
    s.kind = "feature";
    page.controls()->setSettings(s);
    runAndWait(page, ctx);
    checkAgainstReference(page, ref);
    QVERIFY(page.strip()->strip()->rows()[0].scores[6] == 0.0); // after the position: cannot contribute
    page.resize(1400, 860);
    page.show();
    QVERIFY(page.grab().save(screenshotsDir() + QStringLiteral("/attribution-page-feature.png")));
}

void TestAttributionPage::textPromptMethodsAndExports()
{
    gb::AppContext ctx;
    QVERIFY(ctx.openWorkspace(m_dir.filePath(QStringLiteral("text.gbx")), true).isEmpty());
    gb::AttributionPage page(ctx);
    QVERIFY(!page.requirementText().isEmpty());
    page.resize(1400, 860);
    page.show();
    openAndWait(page, ctx, m_textModel);
    QVERIFY(page.requirementText().isEmpty());
    page.setPrompt(QStringLiteral("The cat sat on the mat because it was tired."));
    auto *target = page.findChild<QComboBox *>();
    QTRY_VERIFY_WITH_TIMEOUT(target->count() == 10, 30000); // the model's top next tokens
    QVERIFY(target->itemText(0).contains(QStringLiteral("p = ")));

    gb::AttributionSettings s = page.controls()->settings();
    QCOMPARE(s.position, std::int64_t(-1));
    s.methods = {gb::AttributionMethod::IntegratedGradients, gb::AttributionMethod::Occlusion,
                 gb::AttributionMethod::KernelShap, gb::AttributionMethod::Lime, gb::AttributionMethod::GradientXInput};
    s.baseline = m_eot;
    s.samples = 4096; // 12 tokens: KernelSHAP enumerates all 4094 coalitions
    s.quadrature = "gausskronrod";
    s.steps = 12; // 25 points
    s.faithfulness = true;
    page.controls()->setSettings(s);
    runAndWait(page, ctx);

    const auto strip = page.strip()->strip();
    QCOMPARE(strip->rows().size(), std::size_t(5));
    QCOMPARE(strip->tokens().size(), 12); // "The", " cat", " sat", ..., " tir", "ed", "."
    QCOMPARE(strip->tokens().at(1), QStringLiteral(" cat"));
    int ig = -1, shap = -1;
    for (int i = 0; i < 5; ++i) {
        ig = strip->rows()[std::size_t(i)].label == QStringLiteral("Integrated Gradients") ? i : ig;
        shap = strip->rows()[std::size_t(i)].label == QStringLiteral("KernelSHAP") ? i : shap;
    }
    QVERIFY(ig >= 0 && shap >= 0);
    QVERIFY2(strip->rows()[std::size_t(shap)].detail.contains(QStringLiteral("exact")),
             qPrintable(strip->rows()[std::size_t(shap)].detail));
    QVERIFY(strip->rows()[1].detail.contains(QStringLiteral("\u03C1")));
    // Complete methods: KernelSHAP over every coalition exactly, IG up to its quadrature error.
    QTableWidget *numbers = page.numbers();
    QCOMPARE(numbers->rowCount(), 5);
    QCOMPARE(numbers->columnCount(), 7 + 5);
    QCOMPARE(numbers->item(shap, 7 + shap)->text(), QStringLiteral("1"));
    QCOMPARE(numbers->item(ig, 7 + shap)->text(), numbers->item(shap, 7 + ig)->text()); // symmetric
    QVERIFY(std::fabs(numbers->item(shap, 3)->text().toDouble()) < 1e-6);
    const double span = numbers->item(ig, 1)->text().toDouble() - numbers->item(ig, 2)->text().toDouble();
    QVERIFY(std::fabs(numbers->item(ig, 3)->text().toDouble()) < 1e-2 * std::fabs(span) + 1e-6);
    QCOMPARE(numbers->item(ig, 4)->text(), QStringLiteral("25"));

    QTRY_VERIFY(page.strip()->height() > 50);
    auto faith = std::dynamic_pointer_cast<gb::plots::XYFigure>(page.faithfulnessView()->figure());
    QVERIFY(faith);
    QCOMPARE(faith->series().size(), std::size_t(10));

    QVERIFY(page.grab().save(screenshotsDir() + QStringLiteral("/attribution-page-highlights.png")));
    page.tabs()->setCurrentIndex(1);
    QVERIFY(page.grab().save(screenshotsDir() + QStringLiteral("/attribution-page-faithfulness.png")));
    page.tabs()->setCurrentIndex(0);
    saveFigure(page.strip(), QStringLiteral("attribution-comparison.png"));
    saveFigure(page.faithfulnessView(), QStringLiteral("attribution-faithfulness.png"));

    // Export through the FigureExporter: vector text stays text, provenance names the run.
    for (const gb::plots::ExportFormat f :
         {gb::plots::ExportFormat::Svg, gb::plots::ExportFormat::Pdf, gb::plots::ExportFormat::Png}) {
        gb::plots::ExportOptions o;
        o.format = f;
        o.writeData = true;
        o.provenance = page.strip()->provenance();
        const QString path = m_dir.filePath(QStringLiteral("strip.") + gb::plots::formatName(f));
        const gb::plots::ExportResult r = gb::plots::FigureExporter::exportFigure(*page.strip()->figure(), path, o);
        QVERIFY2(r.ok, qPrintable(r.error));
        QVERIFY(QFileInfo(path).size() > 1000);
    }
    QCOMPARE(page.strip()->provenance().runId, page.lastRunId());
    const std::string svg = readFile(m_dir.filePath(QStringLiteral("strip.svg")));
    QVERIFY(svg.find(">cat</") != std::string::npos); // the token stays text (its leading space drawn as a gap)
    const std::string csv = readFile(m_dir.filePath(QStringLiteral("strip.csv")));
    QVERIFY(csv.find("position,token,") == 0 && csv.find("KernelSHAP") != std::string::npos);

    // Words: " tir" + "ed" become " tired", with the sum of their scores.
    const std::vector<double> tokenScores = strip->rows()[std::size_t(ig)].scores;
    s.words = true;
    s.methods = {gb::AttributionMethod::IntegratedGradients};
    page.controls()->setSettings(s);
    runAndWait(page, ctx);
    const auto words = page.strip()->strip();
    QCOMPARE(words->tokens().size(), 11);
    QCOMPARE(words->tokens().at(9), QStringLiteral(" tired"));
    QVERIFY(isClose(words->rows()[0].scores[9], tokenScores[9] + tokenScores[10], 1e-9, 1e-12));
    QVERIFY(isClose(words->rows()[0].scores[10], tokenScores[11], 1e-9, 1e-12));
}

void TestAttributionPage::generationMatrix()
{
    gb::AppContext ctx;
    QVERIFY(ctx.openWorkspace(m_dir.filePath(QStringLiteral("gen.gbx")), true).isEmpty());
    gb::AttributionPage page(ctx);
    page.resize(1400, 860);
    page.show();
    openAndWait(page, ctx, m_textModel);
    page.setPrompt(QStringLiteral("The cat sat on the mat"));
    gb::AttributionSettings s = page.controls()->settings();
    s.methods = {gb::AttributionMethod::IntegratedGradients};
    s.baseline = m_eot;
    page.controls()->setSettings(s);
    runAndWait(page, ctx, true, 6);
    auto m = std::dynamic_pointer_cast<gb::plots::HeatmapFigure>(page.generationView()->figure());
    QVERIFY(m);
    QCOMPARE(m->rows(), 6);
    QCOMPARE(m->cols(), 6 + 6 - 1);
    QVERIFY(std::isnan(m->value(0, 6)));  // the first generated token cannot see later ones
    QVERIFY(std::isfinite(m->value(5, 10)));
    QCOMPARE(page.tabs()->currentWidget(), static_cast<QWidget *>(page.generationView()));
    QVERIFY(page.grab().save(screenshotsDir() + QStringLiteral("/attribution-page-generation.png")));
    saveFigure(page.generationView(), QStringLiteral("attribution-generation.png"));
    QCOMPARE(ctx.workspace()->runs("attribution").size(), std::size_t(1));
}

void TestAttributionPage::openLongPrompt(gb::AttributionPage &page, gb::AppContext &ctx)
{
    openAndWait(page, ctx, m_longModel);
    QStringList ids;
    for (int i = 0; i < 1000; ++i)
        ids << QString::number((i * 7 + 3) % 64);
    page.setPrompt(ids.join(QLatin1Char(',')));
    page.setTarget(QStringLiteral("5"));
}

void TestAttributionPage::longPromptWithProgress()
{
    gb::AppContext ctx;
    gb::AttributionPage page(ctx);
    openLongPrompt(page, ctx);
    gb::AttributionSettings s = igOnly("token_embeddings", "token:0", 16, -1);
    s.memoryBudgetMiB = 32; // a few samples per batch: many batches, each reporting progress
    page.controls()->setSettings(s);
    QList<double> fractions;
    connect(&ctx.jobs(), &gb::JobRunner::jobChanged, this, [&](quint64 id) {
        const gb::JobInfo *j = ctx.jobs().job(id);
        if (j && j->state == gb::JobInfo::State::Running)
            fractions << j->progress.fraction;
    });
    runAndWait(page, ctx);
    QCOMPARE(page.strip()->strip()->tokens().size(), 1000);
    int inside = 0;
    for (const double f : fractions)
        inside += f > 0.0 && f < 1.0;
    QVERIFY2(inside >= 2, qPrintable(QStringLiteral("%1 progress updates inside (0, 1)").arg(inside)));
    QVERIFY(std::isfinite(page.numbers()->item(0, 3)->text().toDouble()));
}

void TestAttributionPage::cancelStopsTheJob()
{
    gb::AppContext ctx;
    gb::AttributionPage page(ctx);
    openLongPrompt(page, ctx);
    page.controls()->setSettings(igOnly("token_embeddings", "zero", 512, -1));
    QSignalSpy shown(&page, &gb::AttributionPage::resultShown);
    page.attribute();
    QVERIFY(page.isBusy());
    page.cancel();
    QTRY_VERIFY_WITH_TIMEOUT(!page.isBusy(), 60000);
    QCOMPARE(shown.count(), 0);
}

void TestAttributionPage::badInputInTheBanner()
{
    gb::AppContext ctx;
    QSignalSpy errors(&ctx, &gb::AppContext::errorReported);
    gb::AttributionPage page(ctx);
    page.openModel(m_dir.filePath(QStringLiteral("missing")));
    QTRY_VERIFY_WITH_TIMEOUT(errors.count() == 1, 30000);
    QVERIFY(!page.hasModel());

    openAndWait(page, ctx, tinyModel());
    page.setPrompt(QStringLiteral("3 17 cat"));
    page.setTarget(QStringLiteral("#9"));
    page.attribute();
    QCOMPARE(errors.count(), 2);
    QVERIFY2(errors.last().first().toString().contains(QStringLiteral("\"cat\" is not a token id")),
             qPrintable(errors.last().first().toString()));
    page.setPrompt(QStringLiteral("3 17 42"));
    page.setTarget(QStringLiteral("#640"));
    page.attribute();
    QVERIFY(errors.last().first().toString().contains(QStringLiteral("outside the vocabulary")));
    page.setTarget(QStringLiteral("#9"));
    page.controls()->setSettings(igOnly("token_embeddings", "zero", 8, -1));
    auto s = page.controls()->settings();
    s.methods.clear();
    page.controls()->setSettings(s);
    page.attribute();
    QCOMPARE(errors.count(), 4);
    QVERIFY(errors.last().first().toString().contains(QStringLiteral("choose at least one method")));
    QVERIFY(!page.isBusy());
}

QTEST_MAIN(TestAttributionPage)
#include "tst_attributionpage.moc"
