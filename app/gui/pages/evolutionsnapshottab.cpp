// SPDX-License-Identifier: MIT
#include "evolutionsnapshottab.h"

#include "appcontext.h"
#include "evolutionresult.h"
#include "jobrunner.h"

#include "featuredashboard.h"
#include "featureheatmap.h"

#include "common/error.h"
#include "evolution/checkpointseries.h"
#include "io/json.h"
#include "store/workspace.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSlider>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace gb {

namespace {

/// Columns of the heatmap: the strongest features of the prompt (all of them are in the list).
constexpr int HeatmapFeatures = 40;
/// Where the user's checkpoint folder and hook for a crosscoder are remembered.
const char *const ChoiceScope = "evolution-snapshots";

Json parsedOrNull(const std::string &text)
{
    try {
        return Json::parse(text);
    } catch (const Error &) {
        return Json();
    }
}

QString stringAt(const Json &j, const char *key)
{
    const Json *v = j.isObject() ? j.find(key) : nullptr;
    return v && v->isString() ? QString::fromStdString(v->toString()) : QString();
}

/// The hook a model folder's last block writes (what crosscoders over checkpoints usually read
/// when their config names none); empty when config.json says nothing about its depth.
QString lastResidualHook(const QString &modelFolder)
{
    QFile f(modelFolder + QStringLiteral("/config.json"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const Json cfg = parsedOrNull(f.readAll().toStdString());
    for (const char *key : {"num_hidden_layers", "n_layer"})
        if (const Json *v = cfg.isObject() ? cfg.find(key) : nullptr; v && v->isNumber())
            return QStringLiteral("blocks.%1.hook_resid_post").arg(qint64(v->toDouble()) - 1);
    return {};
}

} // namespace

EvolutionSnapshotTab::EvolutionSnapshotTab(AppContext &ctx, QWidget *parent)
    : QWidget(parent)
    , m_ctx(ctx)
    , m_session(std::make_shared<FeatureSession>(ctx.modelCache()))
{
    m_folder = new QLineEdit(this);
    m_folder->setPlaceholderText(tr("folder of step<N> checkpoints"));
    auto *browse = new QPushButton(tr("Browse\u2026"), this);
    m_hook = new QLineEdit(this);
    m_hook->setPlaceholderText(tr("hook, e.g. blocks.6.hook_resid_post"));
    m_hook->setToolTip(tr("The model hook every head of the crosscoder reads"));
    m_match = new QLabel(this);
    m_match->setWordWrap(true);
    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setObjectName(QStringLiteral("snapshotSlider"));
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_slider->setPageStep(1);
    m_step = new QLabel(this);
    m_step->setMinimumWidth(m_step->fontMetrics().horizontalAdvance(QStringLiteral("step 143000 (32 / 32)")));
    m_prompt = new QPlainTextEdit(this);
    m_prompt->setPlaceholderText(tr("Type a prompt and press Run (Ctrl+Return)"));
    m_prompt->setMaximumHeight(56);
    m_bos = new QCheckBox(tr("Start with BOS"), this);
    m_bos->setChecked(true);
    auto *runButton = new QPushButton(tr("Run"), this);
    runButton->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_heatmap = new FeatureHeatmapView(this);
    m_features = new QTreeWidget(this);
    m_features->setHeaderLabels({tr("Feature"), tr("Max"), tr("Mean"), tr("Tokens"), tr("Label")});
    m_features->setRootIsDecorated(false);
    m_features->setSortingEnabled(true);
    m_features->setContextMenuPolicy(Qt::CustomContextMenu);
    m_features->setToolTip(tr("Select a feature for its top examples; double-click opens it in the feature explorer"));
    m_scanInfo = new QLabel(this);
    m_scanInfo->setWordWrap(true);
    m_examplesScope = new QComboBox(this);
    m_examplesScope->addItem(tr("Top examples at the chosen step"));
    m_examplesScope->addItem(tr("Top examples at every scanned step"));
    m_examples = new FeatureDashboardView(this);

    auto *source = new QHBoxLayout;
    source->addWidget(new QLabel(tr("Checkpoints"), this));
    source->addWidget(m_folder, 2);
    source->addWidget(browse);
    source->addWidget(new QLabel(tr("Hook"), this));
    source->addWidget(m_hook, 1);
    auto *time = new QHBoxLayout;
    time->addWidget(new QLabel(tr("Snapshot"), this));
    time->addWidget(m_slider, 1);
    time->addWidget(m_step);
    auto *prompt = new QHBoxLayout;
    prompt->addWidget(m_prompt, 1);
    auto *buttons = new QVBoxLayout;
    buttons->addWidget(m_bos);
    buttons->addWidget(runButton);
    prompt->addLayout(buttons);
    auto *side = new QWidget(this);
    auto *sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->addWidget(m_features, 2);
    sideLayout->addWidget(m_scanInfo);
    sideLayout->addWidget(m_examplesScope);
    sideLayout->addWidget(m_examples, 3);
    auto *split = new QSplitter(this);
    split->addWidget(m_heatmap);
    split->addWidget(side);
    // Halves: the dashboard needs width as much as the heatmap (which scrolls).
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(source);
    layout->addWidget(m_match);
    layout->addLayout(time);
    layout->addLayout(prompt);
    layout->addWidget(m_status);
    layout->addWidget(split, 1);

    connect(browse, &QPushButton::clicked, this, &EvolutionSnapshotTab::chooseCheckpoints);
    connect(m_folder, &QLineEdit::editingFinished, this, [this] { setCheckpoints(m_folder->text()); });
    connect(m_hook, &QLineEdit::editingFinished, this, [this] { setHook(m_hook->text()); });
    connect(m_slider, &QSlider::valueChanged, this, &EvolutionSnapshotTab::updateSnapshotLabel);
    // Dragging only moves the label; the checkpoint runs where the slider is let go.
    connect(m_slider, &QSlider::valueChanged, this, [this] {
        if (!m_slider->isSliderDown() && !m_prompt->toPlainText().isEmpty())
            run();
    });
    connect(m_slider, &QSlider::sliderReleased, this, [this] {
        if (!m_prompt->toPlainText().isEmpty())
            run();
    });
    connect(runButton, &QPushButton::clicked, this, &EvolutionSnapshotTab::run);
    connect(m_heatmap, &FeatureHeatmapView::featureClicked, this, [this](qint64 f) {
        const auto hits = m_features->findItems(QString::number(f), Qt::MatchExactly, 0);
        if (!hits.isEmpty())
            m_features->setCurrentItem(hits.front());
    });
    connect(m_features, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        if (item)
            showExamples(item->data(0, Qt::UserRole).toLongLong());
    });
    connect(m_features, &QTreeWidget::itemDoubleClicked, this,
            [this](QTreeWidgetItem *item) { openInExplorer(item->data(0, Qt::UserRole).toLongLong()); });
    connect(m_features, &QTreeWidget::customContextMenuRequested, this, [this](const QPoint &at) {
        const QTreeWidgetItem *item = m_features->itemAt(at);
        if (!item)
            return;
        const qint64 f = item->data(0, Qt::UserRole).toLongLong();
        QMenu menu(this);
        menu.addAction(tr("Open feature %1 in the feature explorer").arg(f), this, [this, f] { openInExplorer(f); });
        menu.exec(m_features->viewport()->mapToGlobal(at));
    });
    connect(m_examples, &FeatureDashboardView::featureClicked, this, &EvolutionSnapshotTab::openInExplorer);
    connect(m_examplesScope, &QComboBox::currentIndexChanged, this, [this] {
        if (const QTreeWidgetItem *item = m_features->currentItem())
            showExamples(item->data(0, Qt::UserRole).toLongLong());
    });
    connect(&ctx, &AppContext::runsChanged, this, &EvolutionSnapshotTab::findScans);
}

EvolutionSnapshotTab::~EvolutionSnapshotTab() = default;

void EvolutionSnapshotTab::setResult(std::shared_ptr<const EvolutionResult> result)
{
    const bool same = m_evolution && result && m_evolution->crosscoderPath == result->crosscoderPath;
    m_evolution = std::move(result);
    if (!m_evolution || same)
        return;
    const auto heads = int(m_evolution->data->heads);
    m_slider->setRange(0, std::max(0, heads - 1));
    m_slider->setValue(heads - 1); // the trained model
    m_result = {};
    m_resultHead = -1;
    m_heatmap->setMatrix(std::make_shared<plots::FeatureMatrix>(), QString());
    m_features->clear();
    m_examples->setDashboard(nullptr);

    // The crosscoder config may name its hook; a remembered choice wins over guesses.
    QString folder, hook;
    QFile cfg(m_evolution->crosscoderPath + QStringLiteral("/config.json"));
    if (cfg.open(QIODevice::ReadOnly)) {
        const Json j = parsedOrNull(cfg.readAll().toStdString());
        hook = stringAt(j, "hook_name");
        if (hook.isEmpty())
            hook = stringAt(j, "hook_point");
    }
    QStringList candidates;
    if (const Workspace *ws = m_ctx.workspace()) {
        const std::string key = m_evolution->crosscoderPath.toStdString();
        if (const auto note = ws->note(ChoiceScope, key)) {
            const Json j = parsedOrNull(*note);
            candidates << stringAt(j, "checkpoints");
            if (!stringAt(j, "hook").isEmpty())
                hook = stringAt(j, "hook");
        }
        for (const RunRecord &r : ws->runs("evolution")) {
            const Json p = parsedOrNull(r.paramsJson);
            if (stringAt(p, "crosscoder") == m_evolution->crosscoderPath)
                candidates << stringAt(p, "checkpoints");
        }
        for (const Artifact &a : ws->artifacts("checkpoint_series"))
            candidates << QString::fromStdString(a.path);
    }
    candidates.removeAll(QString());
    for (const QString &c : candidates) {
        try {
            if (matchCheckpointSeries(scanCheckpointSeries(c.toStdString()), m_evolution->data->headNames).complete()) {
                folder = c;
                break;
            }
        } catch (const Error &) {
        }
    }
    m_hook->setText(hook);
    setCheckpoints(folder);
}

void EvolutionSnapshotTab::chooseCheckpoints()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder of Training Checkpoints"), m_folder->text());
    if (!dir.isEmpty())
        setCheckpoints(dir);
}

void EvolutionSnapshotTab::setCheckpoints(const QString &folder)
{
    m_folder->setText(folder);
    m_paths.clear();
    if (!m_evolution)
        return;
    const auto heads = int(m_evolution->data->heads);
    for (int s = 0; s < heads; ++s)
        m_paths << QString();
    if (folder.isEmpty()) {
        m_match->setText(tr("Choose the folder of the training checkpoints (step<N> model folders) this crosscoder was trained on."));
    } else {
        try {
            const SeriesMatch match = matchCheckpointSeries(scanCheckpointSeries(folder.toStdString()), m_evolution->data->headNames);
            for (int s = 0; s < heads; ++s)
                m_paths[s] = QString::fromStdString(match.paths[std::size_t(s)]);
            m_match->setText(QString::fromStdString(match.describe()));
        } catch (const Error &e) {
            m_match->setText(QString::fromStdString(e.what()));
        }
    }
    if (m_hook->text().isEmpty()) {
        const auto any = std::find_if(m_paths.begin(), m_paths.end(), [](const QString &p) { return !p.isEmpty(); });
        if (any != m_paths.end())
            m_hook->setText(lastResidualHook(*any));
    }
    setHook(m_hook->text());
}

void EvolutionSnapshotTab::setHook(const QString &hook)
{
    m_hook->setText(hook.trimmed());
    if (Workspace *ws = m_ctx.workspace(); ws && m_evolution && !m_folder->text().isEmpty())
        ws->setNote(ChoiceScope, m_evolution->crosscoderPath.toStdString(),
                    Json::object().set("checkpoints", m_folder->text().toStdString()).set("hook", hook.trimmed().toStdString()).dump());
    updateSnapshotLabel();
    findScans();
}

void EvolutionSnapshotTab::setPrompt(const QString &text) { m_prompt->setPlainText(text); }

void EvolutionSnapshotTab::setSnapshot(int head) { m_slider->setValue(head); }

int EvolutionSnapshotTab::snapshot() const { return m_slider->value(); }

QString EvolutionSnapshotTab::modelPath(int head) const { return m_paths.value(head); }

QString EvolutionSnapshotTab::hook() const { return m_hook->text(); }

void EvolutionSnapshotTab::updateSnapshotLabel()
{
    if (!m_evolution)
        return;
    const int s = m_slider->value();
    m_step->setText(tr("%1 (%2 / %3)")
                        .arg(m_evolution->hasSteps() ? tr("step %1").arg(m_evolution->data->steps.steps[std::size_t(s)])
                                                     : QString::fromStdString(m_evolution->data->headNames[std::size_t(s)]))
                        .arg(s + 1)
                        .arg(m_evolution->data->heads));
    m_scanRun = m_scans.value(s);
}

FeatureTarget EvolutionSnapshotTab::target(int head) const
{
    FeatureTarget t;
    t.modelPath = modelPath(head);
    t.dictionaryPath = m_evolution ? m_evolution->crosscoderPath : QString();
    t.head = head;
    t.headHook = hook();
    return t;
}

void EvolutionSnapshotTab::run()
{
    const int head = snapshot();
    const QString text = m_prompt->toPlainText();
    if (!m_evolution || text.isEmpty())
        return;
    const FeatureTarget t = target(head);
    if (t.modelPath.isEmpty()) {
        m_status->setText(tr("No checkpoint folder for %1: choose the checkpoint series first.").arg(m_step->text()));
        return;
    }
    if (t.headHook.isEmpty()) {
        m_status->setText(tr("Name the hook the crosscoder reads."));
        return;
    }
    auto session = m_session;
    const bool bos = m_bos->isChecked();
    m_status->setText(tr("Running %1 on the prompt\u2026").arg(QFileInfo(t.modelPath).fileName()));
    m_ctx.jobs().submit(
        tr("Snapshot %1 on a prompt").arg(QFileInfo(t.modelPath).fileName()), QStringLiteral("evolution-snapshot"),
        [session, t, text, bos](Progress &progress, const CancelToken &cancel) -> std::any {
            return session->analysePrompt(t, text, bos, progress, cancel);
        },
        this,
        [this, head](std::any r) {
            m_result = std::any_cast<FeatureSession::Prompt>(std::move(r));
            m_resultHead = head;
            showResult();
        },
        [this](const QString &message, bool cancelled) {
            m_status->setText(cancelled ? tr("Cancelled.") : message);
            if (!cancelled)
                m_ctx.reportError(message);
        });
}

QString EvolutionSnapshotTab::label(qint64 feature) const
{
    const Workspace *ws = m_ctx.workspace();
    const auto a = ws && m_evolution ? ws->artifactByPath(m_evolution->crosscoderPath.toStdString()) : std::nullopt;
    if (!a)
        return {};
    const auto note = ws->note("dictionary:" + std::to_string(a->id), std::to_string(feature));
    if (!note)
        return {};
    // The feature explorer stores {"label", "note"}; the evolution table stores the text.
    const Json j = parsedOrNull(*note);
    return j.isObject() ? stringAt(j, "label") : QString::fromStdString(*note);
}

void EvolutionSnapshotTab::showResult()
{
    const FeatureSession::Prompt &p = m_result;
    const int T = int(p.ids.size()), C = int(p.features.size());
    std::vector<int> cols(std::size_t(C), 0);
    std::iota(cols.begin(), cols.end(), 0);
    std::stable_sort(cols.begin(), cols.end(), [&](int a, int b) { return p.maxValue[std::size_t(a)] > p.maxValue[std::size_t(b)]; });
    if (int(cols.size()) > HeatmapFeatures)
        cols.resize(HeatmapFeatures);
    const auto m = promptMatrix(p, cols);
    const QString step = headLabel(*m_evolution, m_resultHead);
    m_heatmap->setMatrix(m, tr("Step %1: top %2 of %3 active features").arg(step).arg(cols.size()).arg(C));
    m_heatmap->fitCells();
    plots::Provenance prov;
    prov.title = tr("Crosscoder features at step %1").arg(step);
    prov.method = QStringLiteral("crosscoder_snapshot_features");
    prov.parametersJson = QString::fromStdString(
        Json::object().set("head", m_resultHead).set("hook", p.hook.toStdString()).set("prompt_tokens", T).dump());
    prov.inputs = {{modelPath(m_resultHead), QString()}, {m_evolution->crosscoderPath, QString()}};
    prov.workspace = m_ctx.workspacePath();
    m_heatmap->setProvenance(prov);

    m_features->setSortingEnabled(false);
    m_features->clear();
    for (int c = 0; c < C; ++c) {
        auto *item = new QTreeWidgetItem(m_features);
        const qint64 f = p.features[std::size_t(c)];
        item->setData(0, Qt::DisplayRole, f);
        item->setData(0, Qt::UserRole, f);
        // Rounded for reading; sorting stays numeric.
        item->setData(1, Qt::DisplayRole, std::round(double(p.maxValue[std::size_t(c)]) * 1000) / 1000);
        item->setData(2, Qt::DisplayRole, std::round(double(p.meanValue[std::size_t(c)]) * 1000) / 1000);
        item->setData(3, Qt::DisplayRole, p.count[std::size_t(c)]);
        item->setText(4, label(f));
    }
    m_features->setSortingEnabled(true);
    m_features->sortByColumn(1, Qt::DescendingOrder);
    for (int c = 0; c < 4; ++c)
        m_features->resizeColumnToContents(c);
    m_status->setText(tr("Checkpoint %1 through head %2 at %3, %4 tokens: %5")
                          .arg(QFileInfo(modelPath(m_resultHead)).fileName())
                          .arg(m_resultHead)
                          .arg(p.hook)
                          .arg(T)
                          .arg(p.metrics));
    Q_EMIT resultShown();
}

void EvolutionSnapshotTab::findScans()
{
    m_scans.clear();
    const Workspace *ws = m_ctx.workspace();
    if (!m_evolution)
        return;
    const auto heads = int(m_evolution->data->heads);
    for (int s = 0; s < heads; ++s)
        m_scans << 0;
    const auto dict = ws ? ws->artifactByPath(m_evolution->crosscoderPath.toStdString()) : std::nullopt;
    QStringList steps;
    if (dict) {
        // A scan belongs to a snapshot when it read that checkpoint through that head and hook.
        for (const RunRecord &r : ws->runs("scan")) {
            const auto full = ws->run(r.id);
            if (!full || r.status != RunRecord::Status::Finished)
                continue;
            std::int64_t model = 0;
            bool mine = false;
            for (const auto &[artifact, role] : full->inputs) {
                mine = mine || (role == "dictionary" && artifact == dict->id);
                if (role == "model")
                    model = artifact;
            }
            const Json extra = [&] {
                const Json p = parsedOrNull(r.paramsJson);
                const Json *e = p.isObject() ? p.find("extra") : nullptr;
                return e ? *e : Json();
            }();
            const Json *head = extra.isObject() ? extra.find("head") : nullptr;
            const auto modelArtifact = ws->artifact(model);
            if (!mine || !head || !head->isNumber() || !modelArtifact || stringAt(extra, "head_hook") != hook())
                continue;
            const int s = int(head->toDouble());
            if (s >= 0 && s < heads && QFileInfo(QString::fromStdString(modelArtifact->path)) == QFileInfo(modelPath(s)))
                m_scans[s] = std::max<qint64>(m_scans[s], r.id);
        }
        for (int s = 0; s < heads; ++s)
            if (m_scans[s] > 0)
                steps << headLabel(*m_evolution, s);
    }
    m_scanInfo->setText(steps.isEmpty() ? tr("No corpus scan of these checkpoints through this crosscoder yet: scan one in the feature "
                                             "explorer (open a feature there) to see top examples per snapshot.")
                                        : tr("Corpus scans exist for step %1: select a feature for its top examples.")
                                              .arg(steps.join(QStringLiteral(", "))));
    m_scanRun = m_scans.value(snapshot());
}

void EvolutionSnapshotTab::setExamplesAtEveryStep(bool every) { m_examplesScope->setCurrentIndex(every ? 1 : 0); }

void EvolutionSnapshotTab::showExamples(qint64 feature)
{
    if (m_examplesScope->currentIndex() == 1) {
        showExamplesPerStep(feature);
        return;
    }
    const int head = m_resultHead >= 0 ? m_resultHead : snapshot();
    const qint64 scan = m_scans.value(head);
    m_scanRun = scan;
    if (scan <= 0) {
        m_examples->setDashboard(nullptr);
        return;
    }
    FeatureSession::DashboardRequest r;
    r.feature = feature;
    r.workspacePath = m_ctx.workspacePath();
    r.scanRun = scan;
    r.examples = 8;
    const FeatureTarget t = target(head);
    auto session = m_session;
    m_ctx.jobs().submit(
        tr("Top examples of feature %1 at %2").arg(feature).arg(headLabel(*m_evolution, head)), QStringLiteral("evolution-snapshot-examples"),
        [session, t, r](Progress &, const CancelToken &cancel) -> std::any { return session->dashboard(t, r, cancel); }, this,
        [this, t, scan](std::any out) {
            plots::Provenance prov;
            prov.method = QStringLiteral("feature_dashboard");
            prov.inputs = {{t.modelPath, QString()}, {t.dictionaryPath, QString()}};
            prov.runId = scan;
            showDashboard(std::move(out), prov, tr("Feature %1 at %2").arg(QStringLiteral("%1"), headLabel(*m_evolution, t.head)));
        },
        [this](const QString &message, bool cancelled) { showScanError(message, cancelled); });
}

void EvolutionSnapshotTab::showExamplesPerStep(qint64 feature)
{
    struct Scanned {
        FeatureTarget target;
        qint64 run;
        QString step;
    };
    std::vector<Scanned> scanned;
    for (int s = 0; s < m_scans.size(); ++s)
        if (m_scans[s] > 0)
            scanned.push_back({target(s), m_scans[s], headLabel(*m_evolution, s)});
    m_scanRun = 0;
    if (scanned.empty()) {
        m_examples->setDashboard(nullptr);
        return;
    }
    auto session = m_session;
    // The histogram, logit effects and neighbours are those of the chosen step when it was
    // scanned, else of the last scanned one; the example rows are every scanned step's, by step.
    const int chosen = m_resultHead >= 0 ? m_resultHead : snapshot();
    const auto facts = std::find_if(scanned.begin(), scanned.end(), [&](const Scanned &x) { return x.target.head == chosen; });
    const Scanned &factsOf = facts != scanned.end() ? *facts : scanned.back();
    FeatureSession::DashboardRequest r;
    r.feature = feature;
    r.workspacePath = m_ctx.workspacePath();
    r.scanRun = factsOf.run;
    const QString subtitle = tr("Top windows of %1 scanned steps (each from its checkpoint and head); statistics, histogram, "
                                "effects and neighbours at step %2")
                                 .arg(scanned.size())
                                 .arg(factsOf.step);
    m_ctx.jobs().submit(
        tr("Top examples of feature %1 at every scanned step").arg(feature), QStringLiteral("evolution-snapshot-examples"),
        [session, scanned, factsOf, r, subtitle](Progress &progress, const CancelToken &cancel) -> std::any {
            progress.beginStage("re-running the top windows");
            plots::FeatureDashboardData d = session->dashboard(factsOf.target, r, cancel);
            d.top.clear();
            d.bands.clear();
            d.subtitle = subtitle;
            for (std::size_t i = 0; i < scanned.size(); ++i) {
                for (plots::FeatureExampleRow &row : session->topExamples(scanned[i].target, r.workspacePath, scanned[i].run, r.feature, 3, cancel)) {
                    row.caption = scanned[i].step;
                    d.top.push_back(std::move(row));
                }
                progress.update(std::int64_t(i + 1), std::int64_t(scanned.size()));
            }
            return d;
        },
        this,
        [this](std::any out) {
            plots::Provenance prov;
            prov.method = QStringLiteral("feature_examples_per_snapshot");
            prov.inputs = {{m_folder->text(), QString()}, {m_evolution->crosscoderPath, QString()}};
            showDashboard(std::move(out), prov, tr("Feature %1 at every scanned step"));
        },
        [this](const QString &message, bool cancelled) { showScanError(message, cancelled); });
}

void EvolutionSnapshotTab::showDashboard(std::any out, plots::Provenance prov, const QString &titlePattern)
{
    auto figure = std::make_shared<plots::FeatureDashboardFigure>(std::any_cast<plots::FeatureDashboardData>(std::move(out)));
    prov.title = titlePattern.arg(figure->data().feature);
    prov.workspace = m_ctx.workspacePath();
    m_examples->setProvenance(prov);
    m_examples->setDashboard(figure);
    Q_EMIT examplesShown();
}

void EvolutionSnapshotTab::showScanError(const QString &message, bool cancelled)
{
    if (!cancelled)
        m_scanInfo->setText(message);
}

void EvolutionSnapshotTab::openInExplorer(qint64 feature)
{
    if (!m_evolution)
        return;
    const int head = m_resultHead >= 0 ? m_resultHead : snapshot();
    m_ctx.requestShowFeature(m_evolution->crosscoderPath, head, feature, modelPath(head), hook());
}

} // namespace gb
