// SPDX-License-Identifier: MIT
#include "attributionpage.h"

#include "appcontext.h"
#include "attributioncontrols.h"
#include "attributionwork.h"
#include "figureview.h"
#include "jobrunner.h"
#include "tokenstripview.h"
#include "workspacepicks.h"

#include "common/error.h"
#include "dictionaries/sparsedictionary.h"
#include "io/json.h"
#include "plots/attributionfigures.h"
#include "store/workspace.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>

namespace gb {

namespace {

constexpr int NextTokenChoices = 10;

FigureView *figureView(const QString &name, QWidget *parent)
{
    auto *v = new FigureView(parent);
    v->setObjectName(name);
    v->setExportName(name);
    return v;
}

QString number(double v)
{
    return std::isfinite(v) ? QString::number(v, 'g', 4) : QStringLiteral("\u2013");
}

QTableWidgetItem *cell(const QString &text, const QString &tip = {})
{
    auto *item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    item->setToolTip(tip);
    return item;
}

/// Column headers of the agreement columns ("IG", "SHAP"...).
QString shortName(AttributionMethod m)
{
    switch (m) {
    case AttributionMethod::Saliency: return QStringLiteral("saliency");
    case AttributionMethod::GradientXInput: return QStringLiteral("G\u00D7I");
    case AttributionMethod::IntegratedGradients: return QStringLiteral("IG");
    case AttributionMethod::Occlusion: return QStringLiteral("occlusion");
    case AttributionMethod::Lime: return QStringLiteral("LIME");
    case AttributionMethod::KernelShap: return QStringLiteral("SHAP");
    }
    return {};
}

QString quoted(const QString &token)
{
    return QStringLiteral("\u201C%1\u201D").arg(token);
}

} // namespace

AttributionPage::AttributionPage(AppContext &ctx, QWidget *parent)
    : WorkflowPage(ctx, tr("Attribution"), parent)
{
    setObjectName(QStringLiteral("attributionpage"));
    showRequirement(tr("Open a language model folder (GPT-2 or Pythia in Hugging Face layout) to attribute its "
                       "next-token predictions to the prompt's tokens."));
    auto *open = new QPushButton(tr("Open Model Folder\u2026"), this);
    connect(open, &QPushButton::clicked, this, &AttributionPage::chooseFolder);
    requirementLayout()->addWidget(open);
    setContent(buildContent());

    m_promptTimer = new QTimer(this);
    m_promptTimer->setSingleShot(true);
    m_promptTimer->setInterval(300);
    connect(m_promptTimer, &QTimer::timeout, this, &AttributionPage::refreshPrompt);
    connect(&ctx, &AppContext::openArtifactRequested, this, &AttributionPage::onArtifactRequested);
    // A model loaded elsewhere (File > Open Model Folder, the navigator) is taken up when the
    // page has none yet.
    connect(&ctx, &AppContext::modelsChanged, this, [this] {
        const auto loaded = this->ctx().models().loaded();
        if (!m_lm && m_pending.isEmpty() && !loaded.empty())
            openModel(QString::fromStdString(loaded.front().path));
    });
    connect(&ctx.jobs(), &JobRunner::jobChanged, this, &AttributionPage::onJobChanged);
    connect(&ctx, &AppContext::workspaceChanged, this, &AttributionPage::openFromWorkspace);
    openFromWorkspace();
}

void AttributionPage::openFromWorkspace()
{
    const Workspace *ws = ctx().workspace();
    if (!ws || m_lm || !m_pending.isEmpty())
        return;
    const auto scan = latestScan(*ws);
    const QString model = scan ? scan->model : latestArtifactPath(*ws, "model");
    if (model.isEmpty())
        return;
    openModel(model);
    // Start on a sentence of the data the dictionary was read on, rather than an empty box.
    if (scan && m_promptEdit->toPlainText().trimmed().isEmpty())
        setPrompt(samplePrompt(scan->corpus));
}

AttributionPage::~AttributionPage() = default;

QWidget *AttributionPage::buildContent()
{
    auto *content = new QWidget(this);
    auto *layout = new QVBoxLayout(content);
    layout->addWidget(buildPromptBar());

    m_controls = new AttributionControls(content);
    connect(m_controls, &AttributionControls::changed, this, [this] { m_promptTimer->start(); });
    auto *generation = new QGroupBox(tr("Generation"), content);
    auto *genLayout = new QHBoxLayout(generation);
    m_newTokens = new QSpinBox(generation);
    m_newTokens->setRange(1, 64);
    m_newTokens->setValue(8);
    m_newTokens->setSuffix(tr(" tokens"));
    m_generate = new QPushButton(tr("Generate and attribute"), generation);
    m_generate->setToolTip(tr("Generate greedily, then attribute each generated token to every token before it\n"
                              "with the first chosen method: a source \u00D7 generated matrix."));
    connect(m_generate, &QPushButton::clicked, this, [this] { attributeGeneration(m_newTokens->value()); });
    genLayout->addWidget(m_newTokens);
    genLayout->addWidget(m_generate, 1);
    auto *left = new QWidget(content);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_controls);
    leftLayout->addWidget(generation);
    leftLayout->addStretch(1);

    m_tabs = new QTabWidget(content);
    auto *highlights = new QWidget(m_tabs);
    auto *hl = new QVBoxLayout(highlights);
    m_strip = new TokenStripView(highlights);
    m_strip->setObjectName(QStringLiteral("attributionstrip"));
    m_strip->setExportName(QStringLiteral("attribution"));
    auto *scroll = new QScrollArea(highlights);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(m_strip);
    m_numbers = new QTableWidget(highlights);
    m_numbers->setObjectName(QStringLiteral("attributionnumbers"));
    m_numbers->verticalHeader()->hide();
    m_numbers->setFixedHeight(0);
    m_numbers->setToolTip(tr("\u0394: sum of the scores minus (f(x) \u2212 f(x\u2032)), how far a method is from complete.\n"
                             "\u03C1: Spearman rank correlation between two methods' token scores."));
    hl->addWidget(scroll, 1);
    hl->addWidget(m_numbers);
    m_tabs->addTab(highlights, tr("Token highlights"));
    m_faithfulness = figureView(QStringLiteral("attributionfaithfulness"), m_tabs);
    m_tabs->addTab(m_faithfulness, tr("Deletion / insertion"));
    m_generation = figureView(QStringLiteral("attributiongeneration"), m_tabs);
    m_tabs->addTab(m_generation, tr("Generation matrix"));

    auto *split = new QSplitter(Qt::Horizontal, content);
    split->addWidget(left);
    split->addWidget(m_tabs);
    split->setStretchFactor(1, 1);
    split->setSizes({380, 1000});
    layout->addWidget(split, 1);
    return content;
}

QWidget *AttributionPage::buildPromptBar()
{
    auto *bar = new QWidget(this);
    auto *form = new QFormLayout(bar);
    form->setContentsMargins(0, 0, 0, 0);

    auto *modelRow = new QHBoxLayout();
    auto *open = new QPushButton(tr("Open\u2026"), bar);
    open->setToolTip(tr("Open a language model folder"));
    connect(open, &QPushButton::clicked, this, &AttributionPage::chooseFolder);
    m_modelLabel = new QLabel(bar);
    m_modelLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_progress = new QProgressBar(bar);
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(false);
    m_progress->setMaximumWidth(160);
    m_progress->hide();
    m_status = new QLabel(bar);
    m_cancel = new QPushButton(tr("Cancel"), bar);
    m_cancel->setEnabled(false);
    connect(m_cancel, &QPushButton::clicked, this, &AttributionPage::cancel);
    modelRow->addWidget(open);
    modelRow->addWidget(m_modelLabel, 1);
    modelRow->addWidget(m_status);
    modelRow->addWidget(m_progress);
    modelRow->addWidget(m_cancel);
    form->addRow(tr("Model"), modelRow);

    m_promptEdit = new QPlainTextEdit(bar);
    m_promptEdit->setObjectName(QStringLiteral("attributionprompt"));
    m_promptEdit->setMaximumHeight(m_promptEdit->fontMetrics().lineSpacing() * 4 + 12);
    connect(m_promptEdit, &QPlainTextEdit::textChanged, this, [this] { m_promptTimer->start(); });
    m_tokenCount = new QLabel(bar);
    auto *promptRow = new QHBoxLayout();
    promptRow->addWidget(m_promptEdit, 1);
    promptRow->addWidget(m_tokenCount, 0, Qt::AlignTop);
    form->addRow(tr("Prompt"), promptRow);

    m_target = new QComboBox(bar);
    m_target->setEditable(true);
    m_target->setInsertPolicy(QComboBox::NoInsert);
    m_target->setMinimumContentsLength(24);
    m_target->setToolTip(tr("The explained next token: pick one of the model's likely tokens, or type a token's\n"
                            "text (exactly one token) or its id (#123)."));
    m_foil = new QLineEdit(bar);
    m_foil->setPlaceholderText(tr("none"));
    m_foil->setToolTip(tr("Optional: explain logit(target) \u2212 logit(foil), e.g. \u201C he\u201D vs \u201C she\u201D."));
    connect(m_foil, &QLineEdit::textChanged, this,
            [this](const QString &t) { m_controls->setFoilActive(!t.trimmed().isEmpty()); });
    m_run = new QPushButton(tr("Attribute"), bar);
    m_run->setDefault(true);
    connect(m_run, &QPushButton::clicked, this, &AttributionPage::attribute);
    auto *targetRow = new QHBoxLayout();
    targetRow->addWidget(m_target, 2);
    targetRow->addWidget(new QLabel(tr("instead of"), bar));
    targetRow->addWidget(m_foil, 1);
    targetRow->addWidget(m_run);
    form->addRow(tr("Next token"), targetRow);

    auto *featureRow = new QHBoxLayout();
    auto *openDictionary = new QPushButton(tr("Dictionary\u2026"), bar);
    openDictionary->setToolTip(tr("An SAE or transcoder (SAELens, Gemma Scope, OpenMOSS) of this model: explain one of its\n"
                                  "features' activation at the position instead of a next token."));
    connect(openDictionary, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Dictionary Folder"));
        if (!dir.isEmpty())
            this->openDictionary(dir);
    });
    m_dictionaryLabel = new QLabel(tr("none"), bar);
    m_feature = new QSpinBox(bar);
    m_feature->setRange(0, 0);
    m_feature->setPrefix(tr("feature "));
    m_feature->setEnabled(false);
    featureRow->addWidget(openDictionary);
    featureRow->addWidget(m_dictionaryLabel, 1);
    featureRow->addWidget(m_feature);
    form->addRow(tr("Or a feature"), featureRow);
    return bar;
}

void AttributionPage::chooseFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Model Folder"));
    if (!dir.isEmpty())
        openModel(dir);
}

void AttributionPage::onArtifactRequested(qint64 id)
{
    const Workspace *ws = ctx().workspace();
    const auto a = ws ? ws->artifact(id) : std::nullopt;
    if (a && a->kind == "model")
        openModel(QString::fromStdString(a->path));
}

void AttributionPage::track(quint64 job, const QString &status)
{
    m_pending.insert(job);
    m_status->setText(status);
    m_progress->setValue(0);
    m_progress->show();
    m_cancel->setEnabled(true);
}

void AttributionPage::onJobChanged(quint64 id)
{
    const JobInfo *job = ctx().jobs().job(id);
    if (!job || !m_pending.contains(id))
        return;
    switch (job->state) {
    case JobInfo::State::Queued: return;
    case JobInfo::State::Running:
        m_progress->setValue(int(1000.0 * job->progress.fraction));
        if (!job->progress.stage.empty())
            m_status->setText(QString::fromStdString(job->progress.stage));
        return;
    default: break;
    }
    // Results and errors were delivered before this; cancelled and superseded jobs deliver nothing.
    m_pending.remove(id);
    if (m_pending.isEmpty()) {
        m_status->setText(job->state == JobInfo::State::Cancelled ? tr("Cancelled") : QString());
        m_progress->hide();
        m_cancel->setEnabled(false);
    }
}

void AttributionPage::openModel(const QString &dir)
{
    const QString abs = QFileInfo(dir).absoluteFilePath();
    const quint64 job = ctx().jobs().submit(
        tr("Load %1").arg(QFileInfo(abs).fileName()), QStringLiteral("attribution-model"),
        [abs, cache = ctx().modelCache()](Progress &progress, const CancelToken &cancel) -> std::any {
            auto model = cache->obtain(abs.toStdString(), std::string(), progress, cancel);
            return std::make_shared<const LoadedLm>(loadLm(abs, std::move(model)));
        },
        this,
        [this](std::any out) { onModelLoaded(std::any_cast<std::shared_ptr<const LoadedLm>>(std::move(out))); },
        [this](const QString &message, bool) { ctx().reportError(message); });
    track(job, tr("Loading model\u2026"));
}

void AttributionPage::onModelLoaded(std::shared_ptr<const LoadedLm> lm)
{
    m_lm = std::move(lm);
    Q_EMIT ctx().modelsChanged(); // the navigator lists it
    m_modelLabel->setText(m_lm->tokenizer ? m_lm->path
                                          : tr("%1 (no tokenizer: type the prompt as token ids)").arg(m_lm->path));
    m_controls->setBaselineTokens(m_lm->baselineTokens);
    showContent();
    refreshPrompt();
    if (const Workspace *ws = ctx().workspace(); ws && !m_dictionary)
        if (const auto scan = latestScan(*ws); scan && scan->head < 0 && QFileInfo(scan->model) == QFileInfo(m_lm->path))
            openDictionary(scan->dictionary, false);
    Q_EMIT modelLoaded();
}

QString AttributionPage::modelPath() const
{
    return m_lm ? m_lm->path : QString();
}

void AttributionPage::setPrompt(const QString &text)
{
    m_promptEdit->setPlainText(text);
    refreshPrompt();
}

QString AttributionPage::prompt() const
{
    return m_promptEdit->toPlainText();
}

void AttributionPage::setTarget(const QString &token)
{
    m_target->setCurrentIndex(-1);
    m_target->setEditText(token);
}

void AttributionPage::setFoil(const QString &token)
{
    m_foil->setText(token);
}

void AttributionPage::openDictionary(const QString &dir, bool makeTarget)
{
    if (!m_lm) {
        ctx().reportError(tr("Attribution: open the model the dictionary belongs to first"));
        return;
    }
    const QString abs = QFileInfo(dir).absoluteFilePath();
    const std::shared_ptr<const LoadedLm> lm = m_lm;
    const quint64 job = ctx().jobs().submit(
        tr("Load dictionary %1").arg(QFileInfo(abs).fileName()), QStringLiteral("attribution-dictionary"),
        [abs, lm](Progress &, const CancelToken &) -> std::any { return loadFeatureDictionary(abs, *lm); }, this,
        [this, abs, makeTarget](std::any out) {
            m_dictionary = std::any_cast<std::shared_ptr<const SparseDictionary>>(std::move(out));
            m_dictionaryLabel->setText(tr("%1 (%2, %n feature(s))", nullptr, int(m_dictionary->dSae()))
                                           .arg(abs, QString::fromStdString(m_dictionary->hookIn())));
            m_feature->setRange(0, int(m_dictionary->dSae() - 1));
            m_feature->setEnabled(true);
            if (!makeTarget)
                return;
            AttributionSettings s = m_controls->settings();
            s.kind = "feature";
            m_controls->setSettings(s);
        },
        [this](const QString &message, bool) { ctx().reportError(tr("Attribution: %1").arg(message)); });
    track(job, tr("Loading dictionary\u2026"));
}

void AttributionPage::setFeature(qint64 feature)
{
    m_feature->setValue(int(feature));
}

void AttributionPage::refreshPrompt()
{
    m_promptTimer->stop();
    if (!m_lm)
        return;
    try {
        m_prompt = std::make_shared<const PromptTokens>(tokenizePrompt(*m_lm, m_promptEdit->toPlainText()));
    } catch (const Error &e) {
        m_prompt.reset();
        m_tokenCount->setText(m_promptEdit->toPlainText().trimmed().isEmpty() ? QString() : tr("not a prompt"));
        m_tokenCount->setToolTip(QString::fromStdString(e.what()));
        return;
    }
    m_tokenCount->setText(tr("%n token(s)", nullptr, int(m_prompt->ids.size())));
    m_tokenCount->setToolTip(m_prompt->texts.join(QStringLiteral(" | ")));
    m_controls->setPromptLength(int(m_prompt->ids.size()));
    const std::shared_ptr<const LoadedLm> lm = m_lm;
    const std::shared_ptr<const PromptTokens> prompt = m_prompt;
    const std::int64_t position = m_controls->settings().position;
    if (position >= std::int64_t(prompt->ids.size()))
        return;
    ctx().jobs().submit(
        tr("Next-token predictions"), QStringLiteral("attribution-next"),
        [lm, prompt, position](Progress &, const CancelToken &) -> std::any {
            return nextTokens(*lm, prompt->ids, position, NextTokenChoices);
        },
        this,
        [this, lm](std::any out) {
            const auto top = std::any_cast<std::vector<std::pair<std::int64_t, double>>>(std::move(out));
            // Offer the model's likely next tokens; a target the user typed stays.
            const QString current = m_target->currentText();
            const bool typed = !current.isEmpty() && m_target->findText(current) < 0;
            QSignalBlocker block(m_target);
            m_target->clear();
            for (const auto &[id, p] : top)
                m_target->addItem(tr("%1   p = %2").arg(quoted(tokenDisplay(*lm, id)), number(p)),
                                  QVariant::fromValue<qlonglong>(id));
            if (typed)
                setTarget(current);
            else
                m_target->setCurrentIndex(top.empty() ? -1 : 0);
        },
        [](const QString &, bool) {});
}

bool AttributionPage::prepare(PageAttributionInput &in, bool needTarget)
{
    if (!m_lm) {
        ctx().reportError(tr("Attribution: open a model folder first"));
        return false;
    }
    try {
        in.lm = *m_lm;
        in.prompt = tokenizePrompt(*m_lm, m_promptEdit->toPlainText());
        in.settings = m_controls->settings();
        if (in.settings.methods.empty())
            throw Error::badInput("choose at least one method");
        in.memoryBudgetBytes = std::int64_t(in.settings.memoryBudgetMiB) << 20;
        const int item = m_target->findText(m_target->currentText());
        const bool feature = in.settings.kind == "feature";
        if (feature && needTarget) {
            if (!m_dictionary)
                throw Error::badInput("a feature target needs a dictionary: open one on the page (Dictionary\u2026)");
            in.dictionary = m_dictionary;
            in.feature = m_feature->value();
        } else if (needTarget)
            in.target = item >= 0 ? m_target->itemData(item).toLongLong()
                                  : parseTokenChoice(*m_lm, m_target->currentText(), "target");
        const QString foil = m_foil->text();
        in.foil = foil.trimmed().isEmpty() ? -1 : parseTokenChoice(*m_lm, foil, "foil");
        if (in.foil >= 0)
            in.settings.kind = "logit_diff";
        return true;
    } catch (const Error &e) {
        ctx().reportError(tr("Attribution: %1").arg(QString::fromStdString(e.what())));
        return false;
    }
}

void AttributionPage::attribute()
{
    PageAttributionInput in;
    if (!prepare(in, true))
        return;
    auto input = std::make_shared<const PageAttributionInput>(std::move(in));
    const quint64 job = ctx().jobs().submit(
        tr("Attribution of %1").arg(input->dictionary ? tr("feature %1").arg(input->feature)
                                                       : quoted(tokenDisplay(input->lm, input->target))),
        QStringLiteral("attribution"),
        [input](Progress &progress, const CancelToken &cancel) -> std::any {
            return runPageAttribution(*input, progress, cancel);
        },
        this,
        [this, input](std::any out) { showAttribution(*input, std::any_cast<PageAttribution>(out)); },
        [this](const QString &message, bool) { ctx().reportError(tr("Attribution: %1").arg(message)); });
    track(job, tr("Attributing\u2026"));
}

void AttributionPage::attributeGeneration(int newTokens)
{
    PageAttributionInput in;
    if (!prepare(in, false))
        return;
    auto input = std::make_shared<const PageAttributionInput>(std::move(in));
    const quint64 job = ctx().jobs().submit(
        tr("Generation attribution (%n token(s))", nullptr, newTokens), QStringLiteral("attribution"),
        [input, newTokens](Progress &progress, const CancelToken &cancel) -> std::any {
            return runPageGeneration(*input, newTokens, progress, cancel);
        },
        this,
        [this, input](std::any out) { showGeneration(*input, std::any_cast<PageGeneration>(out)); },
        [this](const QString &message, bool) { ctx().reportError(tr("Generation attribution: %1").arg(message)); });
    track(job, tr("Generating\u2026"));
}

void AttributionPage::cancel()
{
    for (const quint64 id : m_pending)
        ctx().jobs().cancel(id);
}

void AttributionPage::showAttribution(const PageAttributionInput &in, const PageAttribution &result)
{
    const bool feature = in.settings.kind == "feature";
    const QString token = feature ? tr("feature %1").arg(in.feature) : tokenDisplay(in.lm, in.target);
    const QString title = plots::targetTitle(QString::fromStdString(in.settings.kind), token,
                                             in.foil >= 0 ? tokenDisplay(in.lm, in.foil) : QString());
    QStringList labels = in.prompt.texts;
    AttributionOutcome shown = result.outcome;
    if (in.settings.words && in.lm.tokenizer)
        shown = byWords(result.outcome, in.prompt.texts, labels);
    std::shared_ptr<plots::TokenStripFigure> strip = plots::attributionStrip(
        labels, shown, token, tr("Attribution of %1").arg(title), tr("contribution to %1").arg(title));
    m_strip->setStrip(strip);
    m_faithfulness->setFigure(result.outcome.faithfulness.empty()
                                  ? nullptr
                                  : std::shared_ptr<plots::Figure>(plots::faithfulnessPlot(result.outcome, title)));
    fillNumbers(result);
    m_lastRunId = storeRun(result.paramsJson, toJson(result.outcome).dump(), strip->dataJson());
    const plots::Provenance p = provenance(tr("Attribution of %1").arg(title), result.paramsJson);
    m_strip->setProvenance(p);
    m_faithfulness->setProvenance(p);
    m_tabs->setCurrentIndex(0);
    Q_EMIT resultShown();
}

void AttributionPage::fillNumbers(const PageAttribution &result)
{
    const AttributionOutcome &o = result.outcome;
    QStringList headers{tr("Method"), tr("f(x)"), tr("f(x\u2032)"), tr("\u0394"), tr("steps"), tr("passes"), tr("time (s)")};
    for (const MethodResult &r : o.results)
        headers << tr("\u03C1 %1").arg(shortName(r.method));
    m_numbers->clear();
    m_numbers->setColumnCount(int(headers.size()));
    m_numbers->setRowCount(int(o.results.size()));
    m_numbers->setHorizontalHeaderLabels(headers);
    const int fixed = 7;
    for (int i = 0; i < int(o.results.size()); ++i) {
        const MethodResult &r = o.results[std::size_t(i)];
        auto *name = new QTableWidgetItem(QString::fromStdString(displayName(r.method)));
        name->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        m_numbers->setItem(i, 0, name);
        m_numbers->setItem(i, 1, cell(number(r.fX)));
        m_numbers->setItem(i, 2, cell(number(r.fBaseline)));
        m_numbers->setItem(i, 3, cell(number(r.delta), tr("sum of scores \u2212 (f(x) \u2212 f(x\u2032))")));
        m_numbers->setItem(i, 4, cell(QString::number(r.steps)));
        m_numbers->setItem(i, 5, cell(QString::number(r.evaluations), tr("forward (+ backward) passes of one prompt")));
        m_numbers->setItem(i, 6, cell(QString::number(r.seconds, 'f', 3)));
        m_numbers->setItem(i, fixed + i, cell(QStringLiteral("1")));
    }
    for (const MethodAgreement &a : o.agreement) {
        const QString tip = tr("Spearman \u03C1; Kendall \u03C4-b %1").arg(number(a.kendall));
        m_numbers->setItem(a.a, fixed + a.b, cell(number(a.spearman), tip));
        m_numbers->setItem(a.b, fixed + a.a, cell(number(a.spearman), tip));
    }
    m_numbers->resizeColumnsToContents();
    // Every method's row in view: the table is short, the strip above takes the rest.
    int height = m_numbers->horizontalHeader()->height() + 2 * m_numbers->frameWidth() + 2;
    for (int i = 0; i < m_numbers->rowCount(); ++i)
        height += m_numbers->rowHeight(i);
    if (m_numbers->horizontalScrollBar()->isVisible() || m_numbers->horizontalHeader()->length() > m_numbers->viewport()->width())
        height += m_numbers->horizontalScrollBar()->sizeHint().height();
    m_numbers->setFixedHeight(height);
}

void AttributionPage::showGeneration(const PageAttributionInput &in, const PageGeneration &result)
{
    const QString method = QString::fromStdString(displayName(result.matrix.rows.empty() ? in.settings.methods.front()
                                                                                         : result.matrix.rows.front().method));
    const QString kind = in.settings.kind == "prob" ? tr("probability") : in.settings.kind == "logit" ? tr("logit")
                                                                                                   : tr("log-probability");
    std::shared_ptr<plots::Figure> f = plots::generationMatrix(
        result.texts, result.matrix, tr("Generated tokens attributed to their context (%1)").arg(method),
        tr("contribution to the %1 of the generated token").arg(kind));
    m_generation->setFigure(f);
    m_lastRunId = storeRun(result.paramsJson, toJson(result.matrix).dump(), f->dataJson());
    m_generation->setProvenance(provenance(tr("Generation attribution"), result.paramsJson));
    m_tabs->setCurrentWidget(m_generation);
    Q_EMIT resultShown();
}

plots::Provenance AttributionPage::provenance(const QString &title, const std::string &paramsJson)
{
    plots::Provenance p;
    p.title = title;
    p.method = QStringLiteral("attribution");
    p.parametersJson = QString::fromStdString(paramsJson);
    if (const Workspace *ws = ctx().workspace(); ws && m_lm)
        if (const auto a = ws->artifactByPath(m_lm->path.toStdString()))
            p.inputs.append({m_lm->path, QString::fromStdString(a->sha256)});
    if (p.inputs.isEmpty() && m_lm)
        p.inputs.append({m_lm->path, QString()});
    p.runId = m_lastRunId;
    p.workspace = ctx().workspacePath();
    return p;
}

qint64 AttributionPage::storeRun(const std::string &paramsJson, const std::string &resultJson, const QByteArray &figureJson)
{
    Workspace *ws = ctx().workspace();
    if (!ws || !m_lm)
        return 0;
    try {
        std::vector<std::pair<std::int64_t, std::string>> inputs;
        if (const auto a = ws->artifactByPath(m_lm->path.toStdString()))
            inputs.emplace_back(a->id, "model");
        else
            ctx().registerArtifact(m_lm->path);
        const std::int64_t run = ws->beginRun("attribution", paramsJson, inputs);
        ws->putResult(run, "result", "json", resultJson);
        ws->putResult(run, "figure", "json", figureJson.toStdString());
        ws->finishRun(run);
        Q_EMIT ctx().runsChanged();
        return run;
    } catch (const Error &e) {
        ctx().reportError(QString::fromStdString(e.what()));
        return 0;
    }
}

} // namespace gb
