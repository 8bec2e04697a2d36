// SPDX-License-Identifier: MIT
#include "evolutionpage.h"

#include "appcontext.h"
#include "evolutionfeaturemodel.h"
#include "evolutionfigures.h"
#include "evolutionjobs.h"
#include "evolutionresult.h"
#include "evolutionsnapshottab.h"
#include "figureview.h"
#include "jobrunner.h"

#include "common/error.h"
#include "dictionaries/crosscoder.h"
#include "dictionaries/decodersource.h"
#include "dictionaries/twomodelcrosscoder.h"
#include "evolution/evolutionstore.h"
#include "evolution/evolutionsummary.h"
#include "io/json.h"
#include "store/workspace.h"

#include <QCheckBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMouseEvent>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

#include <functional>

namespace gb {

namespace {

constexpr int MaxPlottedFeatures = 8;

FigureView *figureView(const QString &name, QWidget *parent)
{
    auto *v = new FigureView(parent);
    v->setObjectName(name);
    v->setExportName(name);
    return v;
}

bool isCrosscoderFolder(const std::string &path)
{
    return Crosscoder::looksLike(path) || TwoModelCrosscoder::looksLike(path);
}

} // namespace

EvolutionPage::EvolutionPage(AppContext &ctx, QWidget *parent)
    : WorkflowPage(ctx, tr("Evolution"), parent)
    , m_model(new EvolutionFeatureModel(this))
    , m_filter(new EvolutionFeatureFilter(this))
{
    setObjectName(QStringLiteral("evolutionpage"));
    m_filter->setSourceModel(m_model);
    showRequirement(tr("Open a crosscoder trained over training checkpoints (an OpenMOSS crosscoder folder, or a "
                       "two-model crosscoder) to follow its features through training."));
    auto *open = new QPushButton(tr("Open Crosscoder Folder\u2026"), this);
    connect(open, &QPushButton::clicked, this, &EvolutionPage::chooseFolder);
    requirementLayout()->addWidget(open);
    setContent(buildContent());

    connect(m_model, &EvolutionFeatureModel::labelEdited, this, [this](qint64 f, const QString &label) {
        if (Workspace *ws = this->ctx().workspace(); ws && m_artifactId > 0)
            ws->setNote(labelScope().toStdString(), std::to_string(f), label.toStdString());
        else
            this->ctx().showStatus(tr("Labels are saved once the crosscoder is registered in the workspace"));
    });
    connect(&ctx, &AppContext::openArtifactRequested, this, &EvolutionPage::onArtifactRequested);
    connect(&ctx, &AppContext::workspaceChanged, this, &EvolutionPage::showLatestRun);
    connect(&ctx, &AppContext::artifactsChanged, this, [this] {
        refreshLabels();
        if (m_result)
            updateExports(); // the crosscoder's hash arrives once its registration job is done
    });
    showLatestRun();
}

EvolutionPage::~EvolutionPage() = default;

QWidget *EvolutionPage::buildContent()
{
    auto *content = new QWidget(this);
    auto *layout = new QVBoxLayout(content);
    auto *bar = new QHBoxLayout();
    auto *open = new QPushButton(tr("Open\u2026"), content);
    open->setToolTip(tr("Open a crosscoder folder"));
    connect(open, &QPushButton::clicked, this, &EvolutionPage::chooseFolder);
    m_path = new QLabel(content);
    m_path->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_level = new QDoubleSpinBox(content);
    m_level->setRange(0.05, 1.0);
    m_level->setSingleStep(0.05);
    m_level->setValue(EvolutionOptions().level);
    m_level->setToolTip(tr("Normalised decoder norm at which a feature counts as emerged"));
    connect(m_level, qOverload<double>(&QDoubleSpinBox::valueChanged), this,
            [this](double level) { recompute(m_result, level); });
    m_maxCurves = new QSpinBox(content);
    m_maxCurves->setRange(50, 50000);
    m_maxCurves->setSingleStep(500);
    m_maxCurves->setValue(2000);
    m_maxCurves->setToolTip(tr("Most curves in the population picture (sampled by Peak Snapshot Index)"));
    connect(m_maxCurves, qOverload<int>(&QSpinBox::valueChanged), this, &EvolutionPage::updatePopulation);
    m_status = new QLabel(content);
    bar->addWidget(open);
    bar->addWidget(m_path, 1);
    bar->addWidget(new QLabel(tr("Emergence level"), content));
    bar->addWidget(m_level);
    bar->addWidget(new QLabel(tr("Curves"), content));
    bar->addWidget(m_maxCurves);
    bar->addWidget(m_status);
    layout->addLayout(bar);

    auto *split = new QSplitter(Qt::Horizontal, content);
    split->addWidget(buildTablePane());
    split->addWidget(buildFigurePane());
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 1);
    split->setSizes({560, 1040});
    layout->addWidget(split, 1);
    return content;
}

QWidget *EvolutionPage::buildTablePane()
{
    auto *pane = new QWidget(this);
    auto *layout = new QVBoxLayout(pane);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *filters = new QHBoxLayout();
    m_search = new QLineEdit(pane);
    m_search->setPlaceholderText(tr("Feature id or label"));
    m_search->setClearButtonEnabled(true);
    connect(m_search, &QLineEdit::textChanged, m_filter, &EvolutionFeatureFilter::setText);
    m_psiLo = new QSpinBox(pane);
    m_psiHi = new QSpinBox(pane);
    for (QSpinBox *b : {m_psiLo, m_psiHi}) {
        b->setToolTip(tr("Show features whose Peak Snapshot Index lies in this range"));
        connect(b, qOverload<int>(&QSpinBox::valueChanged), this,
                [this] { m_filter->setPsiRange(m_psiLo->value(), m_psiHi->value()); });
    }
    m_hideDead = new QCheckBox(tr("Hide dead"), pane);
    m_hideDead->setChecked(true);
    m_filter->setHideDead(true);
    connect(m_hideDead, &QCheckBox::toggled, m_filter, &EvolutionFeatureFilter::setHideDead);
    filters->addWidget(m_search, 1);
    filters->addWidget(new QLabel(tr("PSI"), pane));
    filters->addWidget(m_psiLo);
    filters->addWidget(new QLabel(QStringLiteral("\u2013"), pane));
    filters->addWidget(m_psiHi);
    filters->addWidget(m_hideDead);
    layout->addLayout(filters);

    m_table = new QTableView(pane);
    m_table->setObjectName(QStringLiteral("evolutionTable"));
    m_table->setModel(m_filter);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(0, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &EvolutionPage::updateSelection);
    // Double-click edits a label; elsewhere in the row it opens the feature in the explorer.
    connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex &i) {
        if (!(i.flags() & Qt::ItemIsEditable))
            openInExplorer(i.data(EvolutionFeatureModel::FeatureRole).toLongLong());
    });
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_table, &QTableView::customContextMenuRequested, this, [this](const QPoint &at) {
        const QModelIndex i = m_table->indexAt(at);
        if (!i.isValid())
            return;
        const qint64 f = i.data(EvolutionFeatureModel::FeatureRole).toLongLong();
        QMenu menu(this);
        menu.addAction(tr("Open feature %1 in the feature explorer").arg(f), this, [this, f] { openInExplorer(f); });
        menu.exec(m_table->viewport()->mapToGlobal(at));
    });
    layout->addWidget(m_table, 1);
    return pane;
}

QWidget *EvolutionPage::buildFigurePane()
{
    m_tabs = new QTabWidget(this);
    auto *population = new QWidget(m_tabs);
    auto *grid = new QGridLayout(population);
    m_population = figureView(QStringLiteral("evolution-population"), population);
    m_psiHistogram = figureView(QStringLiteral("evolution-psi-histogram"), population);
    m_turning = figureView(QStringLiteral("evolution-turning-point"), population);
    grid->addWidget(m_population, 0, 0, 1, 2);
    grid->addWidget(m_psiHistogram, 1, 0);
    grid->addWidget(m_turning, 1, 1);
    grid->setRowStretch(0, 3);
    grid->setRowStretch(1, 2);
    // Equal halves: by size hints the histogram got too little width for its titles.
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);
    m_tabs->addTab(population, tr("Population"));

    auto *features = new QWidget(m_tabs);
    auto *fl = new QGridLayout(features);
    m_normalised = new QCheckBox(tr("Normalised (divided by each feature's peak)"), features);
    m_normalised->setChecked(true);
    connect(m_normalised, &QCheckBox::toggled, this, &EvolutionPage::updateSelection);
    m_curves = figureView(QStringLiteral("evolution-feature-curves"), features);
    m_similarity = figureView(QStringLiteral("evolution-direction-similarity"), features);
    fl->addWidget(m_normalised, 0, 0);
    fl->addWidget(m_curves, 1, 0);
    fl->addWidget(m_similarity, 1, 1);
    fl->setColumnStretch(0, 3);
    fl->setColumnStretch(1, 2);
    m_tabs->addTab(features, tr("Selected features"));

    m_diffTab = new QWidget(m_tabs);
    auto *dl = new QHBoxLayout(m_diffTab);
    m_relativeNorm = figureView(QStringLiteral("evolution-relative-norm"), m_diffTab);
    m_sharedCosine = figureView(QStringLiteral("evolution-shared-cosine"), m_diffTab);
    dl->addWidget(m_relativeNorm);
    dl->addWidget(m_sharedCosine);
    m_tabs->addTab(m_diffTab, tr("Model diff"));

    m_snapshots = new EvolutionSnapshotTab(ctx(), m_tabs);
    m_tabs->addTab(m_snapshots, tr("Time slider"));
    // The plotted features (and the similarity heatmap's) open in the explorer from the menu.
    // A click on a curve picks its feature; the menu offers the curve under the pointer first.
    auto openMenu = [this](FigureView *view, std::function<QList<qint64>()> features) {
        view->installEventFilter(this);
        view->setMenuExtension([this, view, features](QMenu &menu, const QPointF &at) {
            QList<qint64> offered = features();
            if (const qint64 here = featureAt(view, at); here >= 0) {
                offered.removeAll(here);
                offered.prepend(here);
            }
            for (const qint64 f : offered)
                menu.addAction(tr("Open feature %1 in the feature explorer").arg(f), this, [this, f] { openInExplorer(f); });
        });
    };
    openMenu(m_population, [] { return QList<qint64>(); });
    openMenu(m_curves, [this] { return m_plotted; });
    openMenu(m_similarity, [this] { return m_similarityFeature >= 0 ? QList<qint64>{m_similarityFeature} : QList<qint64>{}; });
    return m_tabs;
}

void EvolutionPage::chooseFolder()
{
    const QString path = QFileDialog::getExistingDirectory(this, tr("Open Crosscoder Folder"));
    if (!path.isEmpty())
        openCrosscoder(path);
}

void EvolutionPage::onArtifactRequested(qint64 id)
{
    const Workspace *ws = ctx().workspace();
    const auto a = ws ? ws->artifact(id) : std::nullopt;
    if (a && a->kind == "dictionary" && isCrosscoderFolder(a->path))
        openCrosscoder(QString::fromStdString(a->path));
}

void EvolutionPage::setBusy(bool busy, const QString &status)
{
    m_busy = std::max(0, m_busy + (busy ? 1 : -1));
    m_status->setText(status);
}

void EvolutionPage::openCrosscoder(const QString &path)
{
    const QString abs = QFileInfo(path).absoluteFilePath();
    EvolutionOptions options;
    options.level = m_level->value();
    setBusy(true, tr("Reading decoder\u2026"));
    ctx().jobs().submit(
        tr("Evolution analysis of %1").arg(QFileInfo(abs).fileName()), QStringLiteral("evolution"),
        [abs, options](Progress &progress, const CancelToken &cancel) -> std::any {
            return analyseCrosscoder(abs, options, progress, cancel);
        },
        this,
        [this](std::any out) {
            auto analysis = std::any_cast<EvolutionAnalysis>(std::move(out));
            setBusy(false, QString());
            m_source = analysis.source;
            display(storeRun(analysis.result));
        },
        [this](const QString &message, bool) {
            setBusy(false, QString());
            ctx().reportError(message);
        });
}

std::shared_ptr<const EvolutionResult> EvolutionPage::storeRun(std::shared_ptr<EvolutionResult> result)
{
    Workspace *ws = ctx().workspace();
    if (!ws)
        return result;
    const std::string path = result->crosscoderPath.toStdString();
    const auto artifact = ws->artifactByPath(path);
    if (!artifact)
        ctx().registerArtifact(result->crosscoderPath); // labels can be saved once it is registered
    const Json params = Json::object()
                            .set("crosscoder", path)
                            .set("format", result->format.toStdString())
                            .set("level", result->summary.options.level)
                            .set("direction_level", result->summary.options.directionLevel);
    try {
        std::vector<std::pair<std::int64_t, std::string>> inputs;
        if (artifact)
            inputs.emplace_back(artifact->id, "crosscoder");
        const std::int64_t run = ws->beginRun("evolution", params.dump(), inputs);
        storeEvolutionData(*ws, run, *result->data);
        ws->finishRun(run);
        result->runId = run;
        Q_EMIT ctx().runsChanged();
    } catch (const Error &e) {
        ctx().reportError(QString::fromStdString(e.what()));
    }
    return result;
}

void EvolutionPage::showLatestRun()
{
    const Workspace *ws = ctx().workspace();
    if (!ws)
        return;
    try {
        const auto runs = ws->runs("evolution");
        const auto latest = std::find_if(runs.rbegin(), runs.rend(),
                                         [](const RunRecord &r) { return r.status == RunRecord::Status::Finished; });
        if (latest == runs.rend())
            return;
        const Json params = Json::parse(latest->paramsJson, "evolution run parameters");
        auto r = std::make_shared<EvolutionResult>();
        r->runId = latest->id;
        r->crosscoderPath = QString::fromStdString(params.find("crosscoder")->toString("crosscoder"));
        if (const Json *f = params.find("format"))
            r->format = QString::fromStdString(f->toString("format"));
        r->data = std::make_shared<const EvolutionData>(loadEvolutionData(*ws, latest->id));
        m_source.reset();
        recompute(r, params.find("level") ? params.find("level")->toDouble("level") : m_level->value());
    } catch (const Error &e) {
        ctx().reportError(tr("Could not show the stored evolution run: %1").arg(QString::fromStdString(e.what())));
    }
}

void EvolutionPage::setLevel(double level)
{
    m_level->setValue(level);
}

void EvolutionPage::recompute(std::shared_ptr<const EvolutionResult> base, double level)
{
    if (!base)
        return;
    if (level != m_level->value()) {
        const QSignalBlocker block(m_level);
        m_level->setValue(level);
    }
    EvolutionOptions options = base->summary.options;
    options.level = level;
    setBusy(true, tr("Summarising\u2026"));
    ctx().jobs().submit(
        tr("Evolution summary"), QStringLiteral("evolution-summary"),
        [base, options](Progress &, const CancelToken &) -> std::any {
            return std::shared_ptr<const EvolutionResult>(resummarise(*base, options));
        },
        this,
        [this](std::any out) {
            setBusy(false, QString());
            display(std::any_cast<std::shared_ptr<const EvolutionResult>>(std::move(out)));
        },
        [this](const QString &message, bool) {
            setBusy(false, QString());
            ctx().reportError(message);
        });
}

void EvolutionPage::display(std::shared_ptr<const EvolutionResult> result)
{
    const QList<qint64> previous = [this] {
        QList<qint64> ids;
        for (const QModelIndex &i : m_table->selectionModel()->selectedRows())
            ids << i.data(EvolutionFeatureModel::FeatureRole).toLongLong();
        return ids;
    }();
    const bool sameData = m_result && m_result->data == result->data;
    m_result = std::move(result);
    const EvolutionResult &r = *m_result;
    const bool diff = r.modelDiff.has_value();
    m_path->setText(QStringLiteral("%1 \u00B7 %2 features \u00B7 %3")
                        .arg(QDir::toNativeSeparators(r.crosscoderPath))
                        .arg(r.data->features)
                        .arg(diff ? tr("models %1 and %2").arg(QString::fromStdString(r.data->headNames[0]),
                                                               QString::fromStdString(r.data->headNames[1]))
                             : r.hasSteps()
                                 ? tr("%1 snapshots").arg(r.data->heads)
                                 : tr("%1 heads (%2)").arg(r.data->heads).arg(QString::fromStdString(r.data->steps.reason))));
    for (QSpinBox *b : {m_psiLo, m_psiHi})
        b->setRange(0, int(r.data->heads - 1));
    if (!sameData)
        m_psiHi->setValue(int(r.data->heads - 1));
    m_model->setResult(m_result);
    refreshLabels();
    if (!sameData)
        m_table->resizeColumnsToContents();
    // Two models have no training course to picture: their page is the model diff.
    m_tabs->setTabVisible(m_tabs->indexOf(m_diffTab), diff);
    m_tabs->setTabVisible(0, !diff);
    // Snapshots of training have checkpoints to run; two models are not a series.
    m_tabs->setTabVisible(m_tabs->indexOf(m_snapshots), r.hasSteps());
    m_snapshots->setResult(m_result);
    for (QWidget *w : {static_cast<QWidget *>(m_psiLo), static_cast<QWidget *>(m_psiHi)})
        w->setEnabled(!diff);
    if (!sameData)
        m_tabs->setCurrentWidget(diff ? m_diffTab : m_tabs->widget(0));
    if (diff) {
        m_relativeNorm->setFigure(relativeNormFigure(r));
        m_sharedCosine->setFigure(sharedCosineFigure(r));
    }
    m_psiHistogram->setFigure(psiHistogramFigure(r));
    m_turning->setFigure(turningPointFigure(r));
    updatePopulation();
    updateExports();
    showContent();
    if (sameData && !previous.isEmpty()) {
        selectFeatures(previous);
    } else {
        // Start with one strong feature from each quarter of training, so the curves are not empty.
        QList<qint64> pick;
        const auto S = r.data->heads;
        for (int q = 0; q < 4; ++q) {
            qint64 best = -1;
            for (qint64 f = 0; f < r.data->features; ++f) {
                const int p = r.summary.peakIndex[std::size_t(f)];
                if (p >= q * S / 4 && p < (q + 1) * S / 4 &&
                    (best < 0 || r.summary.maxNorm[std::size_t(f)] > r.summary.maxNorm[std::size_t(best)]))
                    best = f;
            }
            if (best >= 0)
                pick << best;
        }
        selectFeatures(pick);
    }
    Q_EMIT resultShown();
}

QList<FigureView *> EvolutionPage::views() const
{
    return {m_population, m_psiHistogram, m_turning, m_curves, m_similarity, m_relativeNorm, m_sharedCosine};
}

void EvolutionPage::updateExports()
{
    const EvolutionResult &r = *m_result;
    plots::Provenance p;
    p.title = m_path->text();
    p.method = QStringLiteral("evolution");
    p.parametersJson = QString::fromStdString(Json::object()
                                                  .set("level", r.summary.options.level)
                                                  .set("direction_level", r.summary.options.directionLevel)
                                                  .dump());
    const Workspace *ws = ctx().workspace();
    const auto artifact = ws ? ws->artifactByPath(r.crosscoderPath.toStdString()) : std::nullopt;
    p.inputs.append({r.crosscoderPath, artifact ? QString::fromStdString(artifact->sha256) : QString()});
    p.runId = r.runId;
    p.workspace = ctx().workspacePath();
    for (FigureView *v : views()) {
        v->setProvenance(p);
        // The batch holds what the visible tabs show (a hidden tab may keep an older figure).
        v->setBatchSource(tr("evolution figures"), [this] {
            std::vector<NamedFigure> figures;
            for (FigureView *w : views()) {
                const QWidget *tab = w->parentWidget();
                if (w->figure() && m_tabs->isTabVisible(m_tabs->indexOf(tab)))
                    figures.push_back({w->figure(), w->objectName()});
            }
            return figures;
        });
    }
}

void EvolutionPage::updatePopulation()
{
    if (!m_result)
        return;
    std::vector<std::int64_t> shown;
    m_population->setFigure(populationFigure(*m_result, m_maxCurves->value(), &shown));
    m_populationCurves = {};
    for (const std::int64_t f : shown) {
        const std::vector<float> c = normalisedCurve(*m_result->data, m_result->summary, f);
        m_populationCurves.features.push_back(f);
        m_populationCurves.y.emplace_back(c.begin(), c.end());
    }
}

void EvolutionPage::selectFeatures(const QList<qint64> &features)
{
    QItemSelection selection;
    for (const qint64 f : features) {
        const QModelIndex src = m_model->index(int(f), 0);
        const QModelIndex proxy = m_filter->mapFromSource(src);
        if (proxy.isValid())
            selection.select(proxy, proxy.siblingAtColumn(m_filter->columnCount() - 1));
    }
    m_table->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    if (!selection.isEmpty()) {
        // The first feature asked for is the current one: its similarity heatmap is shown.
        const QModelIndex first = selection.indexes().front();
        m_table->selectionModel()->setCurrentIndex(first, QItemSelectionModel::NoUpdate);
        m_table->scrollTo(first);
    }
    updateSelection();
}

void EvolutionPage::updateSelection()
{
    if (!m_result)
        return;
    QList<qint64> features;
    for (const QModelIndex &i : m_table->selectionModel()->selectedRows())
        features << i.data(EvolutionFeatureModel::FeatureRole).toLongLong();
    std::sort(features.begin(), features.end());
    if (features.size() > MaxPlottedFeatures)
        features = features.mid(0, MaxPlottedFeatures);
    if (features.isEmpty())
        return;
    m_curves->setFigure(featureCurvesFigure(*m_result, features, m_normalised->isChecked()));
    m_plotted = features;
    m_selectedCurves = {};
    for (const qint64 f : features) {
        std::vector<double> y;
        const float peak = m_result->summary.maxNorm[std::size_t(f)];
        for (std::int64_t h = 0; h < m_result->data->heads; ++h)
            y.push_back(m_normalised->isChecked() && peak > 0 ? m_result->data->norm(h, f) / peak : m_result->data->norm(h, f));
        m_selectedCurves.features.push_back(f);
        m_selectedCurves.y.push_back(std::move(y));
    }
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    requestSimilarity(current.isValid() && features.contains(current.data(EvolutionFeatureModel::FeatureRole).toLongLong())
                          ? current.data(EvolutionFeatureModel::FeatureRole).toLongLong()
                          : features.front());
}

void EvolutionPage::requestSimilarity(qint64 feature)
{
    const auto result = m_result;
    auto source = std::make_shared<std::shared_ptr<DecoderSource>>(m_source);
    ctx().jobs().submit(
        tr("Direction similarity of feature %1").arg(feature), QStringLiteral("evolution-similarity"),
        [source, result, feature](Progress &, const CancelToken &) -> std::any {
            return featureSimilarity(*source, result->crosscoderPath, feature);
        },
        this,
        [this, source, result, feature](std::any out) {
            if (result->data != m_result->data)
                return;
            m_source = *source;
            m_similarity->setFigure(similarityFigure(*m_result, feature, std::any_cast<std::vector<float>>(out)));
            m_similarityFeature = feature;
        },
        [this](const QString &message, bool) {
            m_similarity->setFigure(nullptr);
            m_status->setText(tr("No similarity heatmap: %1").arg(message));
        });
}

qint64 EvolutionPage::featureAt(const FigureView *view, QPointF at) const
{
    if (!m_result)
        return -1;
    if (view == m_population)
        return curveNear(*view, *m_result, m_populationCurves, at);
    if (view == m_curves)
        return curveNear(*view, *m_result, m_selectedCurves, at);
    return -1;
}

bool EvolutionPage::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::MouseButtonRelease && (watched == m_population || watched == m_curves)) {
        const auto *mouse = static_cast<QMouseEvent *>(event);
        const qint64 f = mouse->button() == Qt::LeftButton ? featureAt(static_cast<FigureView *>(watched), mouse->position()) : -1;
        if (f >= 0 && watched == m_population) {
            selectFeatures({f});
        } else if (f >= 0) {
            requestSimilarity(f);
        }
    }
    return WorkflowPage::eventFilter(watched, event);
}

void EvolutionPage::openInExplorer(qint64 feature)
{
    if (!m_result || feature < 0 || feature >= m_result->data->features)
        return;
    const int head = m_result->summary.peakIndex[std::size_t(feature)];
    ctx().requestShowFeature(m_result->crosscoderPath, head, feature, m_snapshots->modelPath(head), m_snapshots->hook());
}

QString EvolutionPage::labelScope() const
{
    return QStringLiteral("dictionary:%1").arg(m_artifactId);
}

void EvolutionPage::refreshLabels()
{
    const Workspace *ws = ctx().workspace();
    if (!ws || !m_result)
        return;
    const auto a = ws->artifactByPath(m_result->crosscoderPath.toStdString());
    m_artifactId = a ? a->id : 0;
    QHash<qint64, QString> labels;
    if (m_artifactId > 0)
        for (const auto &[key, value] : ws->notes(labelScope().toStdString())) {
            bool ok = false;
            const qint64 f = QString::fromStdString(key).toLongLong(&ok);
            if (ok)
                labels.insert(f, QString::fromStdString(value));
        }
    m_model->setLabels(std::move(labels));
}

} // namespace gb
