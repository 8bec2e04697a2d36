// SPDX-License-Identifier: MIT
#include "tabularpage.h"

#include "appcontext.h"
#include "common/error.h"
#include "effectplotview.h"
#include "jobrunner.h"
#include "store/workspace.h"
#include "tabular/resultjson.h"
#include "tabularfigures.h"
#include "workspacepicks.h"

#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableWidget>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace gb {

namespace {

const QStringList RoleNames = {QStringLiteral("feature"), QStringLiteral("categorical"), QStringLiteral("target"),
                               QStringLiteral("ignored")};

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

QString absolute(const QString &path)
{
    return QFileInfo(path).absoluteFilePath();
}

QSpinBox *spin(int lo, int hi, int value, const QString &special = {})
{
    auto *s = new QSpinBox;
    s->setRange(lo, hi);
    s->setValue(value);
    if (!special.isEmpty())
        s->setSpecialValueText(special);
    return s;
}

} // namespace

TabularPage::TabularPage(AppContext &ctx, QWidget *parent)
    : WorkflowPage(ctx, tr("Tabular"), parent)
{
    setObjectName(QStringLiteral("tabularpage"));
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(buildControls());
    splitter->addWidget(buildPlotArea());
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({320, 900});
    setContent(splitter);
    connectControls();

    showRequirement(tr("Choose a TorchScript model (.pt) taking float32 [N, D] and a CSV data set with a header "
                       "to plot PDP, ICE and ALE."));
    auto *pickModel = new QPushButton(tr("Choose Model\u2026"));
    auto *pickData = new QPushButton(tr("Choose Data Set\u2026"));
    requirementLayout()->addWidget(pickModel);
    requirementLayout()->addWidget(pickData);
    connect(pickModel, &QPushButton::clicked, this, [this] { chooseFile(true); });
    connect(pickData, &QPushButton::clicked, this, [this] { chooseFile(false); });
    connect(&ctx, &AppContext::artifactsChanged, this, &TabularPage::refreshArtifacts);
    connect(&ctx, &AppContext::openArtifactRequested, this, [this](qint64 id) {
        const Workspace *ws = this->ctx().workspace();
        const auto a = ws ? ws->artifact(id) : std::nullopt;
        if (a && (a->kind == "tabular_model" || (a->kind == "dataset" && QString::fromStdString(a->path).endsWith(QStringLiteral(".csv")))))
            openInputs(a->kind == "tabular_model" ? qs(a->path) : m_modelPath, a->kind == "dataset" ? qs(a->path) : m_dataPath);
    });
    connect(&ctx, &AppContext::workspaceChanged, this, &TabularPage::openFromWorkspace);
    refreshArtifacts();
    openFromWorkspace();
}

void TabularPage::openFromWorkspace()
{
    const Workspace *ws = ctx().workspace();
    if (!ws)
        return;
    const QString model = latestArtifactPath(*ws, "tabular_model");
    const QString data = latestArtifactPath(*ws, "dataset", QStringLiteral(".csv"));
    if (!model.isEmpty() && !data.isEmpty())
        openInputs(model, data);
}

QWidget *TabularPage::buildControls()
{
    auto *panel = new QWidget;
    auto *form = new QFormLayout(panel);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    const auto fileRow = [&](QComboBox *&combo, bool model) {
        auto *row = new QHBoxLayout;
        combo = new QComboBox;
        combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        combo->setMinimumContentsLength(12);
        auto *browse = new QToolButton;
        browse->setText(QStringLiteral("\u2026"));
        browse->setToolTip(model ? tr("Choose a TorchScript model file") : tr("Choose a CSV file"));
        connect(browse, &QToolButton::clicked, this, [this, model] { chooseFile(model); });
        row->addWidget(combo, 1);
        row->addWidget(browse);
        return row;
    };
    form->addRow(tr("Model"), fileRow(m_model, true));
    m_modelInfo = new QLabel;
    m_modelInfo->setWordWrap(true);
    form->addRow(QString(), m_modelInfo);
    form->addRow(tr("Data"), fileRow(m_data, false));

    m_columns = new QTableWidget(0, 2);
    m_columns->setHorizontalHeaderLabels({tr("Column"), tr("Role")});
    m_columns->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_columns->verticalHeader()->hide();
    m_columns->verticalHeader()->setDefaultSectionSize(m_columns->fontMetrics().height() + 10);
    m_columns->setMaximumHeight(9 * (m_columns->fontMetrics().height() + 10));
    form->addRow(m_columns);

    auto *response = new QHBoxLayout;
    m_class = spin(0, 0, 0);
    m_class->setToolTip(tr("Output column (class) to explain"));
    m_response = new QComboBox;
    m_response->addItems({tr("raw"), tr("probability"), tr("sigmoid")});
    m_response->setToolTip(tr("raw: the output as is; probability: softmax over the outputs; sigmoid: of a single logit"));
    response->addWidget(m_class);
    response->addWidget(m_response, 1);
    form->addRow(tr("Output"), response);

    m_features = new QTreeWidget;
    m_features->setColumnCount(2);
    m_features->setHeaderLabels({tr("Feature"), tr("Spread")});
    m_features->setRootIsDecorated(false);
    m_features->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_features->setToolTip(tr("Features ranked by the spread (max - min) of their effect"));
    m_features->setMinimumHeight(120);
    form->addRow(m_features);
    m_feature2 = new QComboBox;
    form->addRow(tr("With"), m_feature2);
    m_method = new QComboBox;
    m_method->addItems({tr("PDP + ICE"), tr("ALE"), tr("PDP + ICE + ALE")});
    form->addRow(tr("Method"), m_method);
    m_grid = spin(2, 500, 100);
    form->addRow(tr("Grid points"), m_grid);
    m_bins = spin(1, 200, 20);
    form->addRow(tr("ALE bins"), m_bins);
    m_ice = spin(0, 5000, 200, tr("none"));
    m_ice->setToolTip(tr("ICE curves drawn (a seeded sample of the rows)"));
    form->addRow(tr("ICE curves"), m_ice);
    m_bootstrap = spin(0, 2000, 0, tr("off"));
    m_bootstrap->setToolTip(tr("Bootstrap resamples for a 95% band"));
    form->addRow(tr("Bootstrap"), m_bootstrap);
    m_centered = new QCheckBox(tr("Centred (anchored at the first grid value)"));
    form->addRow(m_centered);

    auto *scroll = new QScrollArea;
    scroll->setWidget(panel);
    scroll->setWidgetResizable(true);
    scroll->setMinimumWidth(280);
    return scroll;
}

QWidget *TabularPage::buildPlotArea()
{
    auto *area = new QWidget;
    auto *layout = new QVBoxLayout(area);
    m_status = new QLabel;
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    m_plots = new QStackedWidget;
    m_curveView = new EffectPlotView;
    m_figureView = new FigureView;
    m_aleFigureView = new FigureView;
    auto *figures = new QWidget;
    auto *row = new QHBoxLayout(figures);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_figureView);
    row->addWidget(m_aleFigureView);
    m_plots->addWidget(m_curveView);
    m_plots->addWidget(figures);
    layout->addWidget(m_plots, 1);
    m_hover = new QLabel(tr("Hover an ICE curve to see its row."));
    m_hover->setWordWrap(true);
    m_hover->setTextFormat(Qt::RichText);
    layout->addWidget(m_hover);
    return area;
}

void TabularPage::connectControls()
{
    connect(m_model, &QComboBox::activated, this, [this] { openInputs(m_model->currentData().toString(), m_dataPath); });
    connect(m_data, &QComboBox::activated, this, [this] { openInputs(m_modelPath, m_data->currentData().toString()); });
    connect(m_class, &QSpinBox::valueChanged, this, &TabularPage::applyResponse);
    connect(m_response, &QComboBox::currentIndexChanged, this, &TabularPage::applyResponse);
    connect(m_features, &QTreeWidget::currentItemChanged, this, &TabularPage::computeEffect);
    connect(m_method, &QComboBox::currentIndexChanged, this, &TabularPage::rankFeatures);
    connect(m_feature2, &QComboBox::currentIndexChanged, this, &TabularPage::computeEffect);
    for (QSpinBox *s : {m_grid, m_bins, m_ice, m_bootstrap})
        connect(s, &QSpinBox::editingFinished, this, &TabularPage::computeEffect);
    connect(m_centered, &QCheckBox::toggled, this, &TabularPage::computeEffect);
    connect(m_curveView, &EffectPlotView::curveHovered, this, &TabularPage::showHoveredRow);
}

void TabularPage::refreshArtifacts()
{
    const Workspace *ws = ctx().workspace();
    const auto fill = [&](QComboBox *combo, const std::string &kind, const QString &current) {
        const QSignalBlocker block(combo);
        combo->clear();
        if (ws)
            for (const Artifact &a : ws->artifacts(kind))
                if (kind != "dataset" || QString::fromStdString(a.path).endsWith(QStringLiteral(".csv"), Qt::CaseInsensitive))
                    combo->addItem(QFileInfo(qs(a.path)).fileName(), qs(a.path));
        if (!current.isEmpty() && combo->findData(current) < 0)
            combo->addItem(QFileInfo(current).fileName(), current);
        combo->setCurrentIndex(combo->findData(current));
    };
    fill(m_model, "tabular_model", m_modelPath);
    fill(m_data, "dataset", m_dataPath);
}

void TabularPage::chooseFile(bool model)
{
    const QString path = model ? QFileDialog::getOpenFileName(this, tr("Choose TorchScript Model"), QString(),
                                                              tr("TorchScript (*.pt *.pth *.zip);;All files (*)"))
                               : QFileDialog::getOpenFileName(this, tr("Choose Data Set"), QString(),
                                                              tr("CSV (*.csv *.tsv *.txt);;All files (*)"));
    if (path.isEmpty())
        return;
    ctx().registerArtifact(path);
    openInputs(model ? path : m_modelPath, model ? m_dataPath : path);
}

void TabularPage::openInputs(const QString &modelPath, const QString &dataPath)
{
    const bool newData = absolute(dataPath) != m_dataPath;
    m_modelPath = modelPath.isEmpty() ? QString() : absolute(modelPath);
    m_dataPath = dataPath.isEmpty() ? QString() : absolute(dataPath);
    refreshArtifacts();
    if (newData && !m_dataPath.isEmpty())
        readColumns();
    if (m_modelPath.isEmpty() || m_dataPath.isEmpty()) {
        showRequirement(m_modelPath.isEmpty() ? tr("Now choose the TorchScript model (.pt) to explain.")
                                              : tr("Now choose the CSV data set the model takes."));
        return;
    }
    showContent();
    loadInputs();
}

void TabularPage::readColumns()
{
    CsvPreview preview;
    try {
        preview = previewCsv(m_dataPath);
    } catch (const Error &e) {
        ctx().reportError(qs(e.what()));
        return;
    }
    const auto has = [](const std::vector<std::string> &v, const QString &s) {
        return std::find(v.begin(), v.end(), s.toStdString()) != v.end();
    };
    const QSignalBlocker block(m_columns);
    m_columns->setRowCount(int(preview.columns.size()));
    for (int i = 0; i < preview.columns.size(); ++i) {
        const QString &c = preview.columns[i];
        m_columns->setItem(i, 0, new QTableWidgetItem(c));
        auto *role = new QComboBox;
        role->addItems(RoleNames);
        const int index = c.toStdString() == preview.roles.target ? 2
                          : has(preview.roles.ignored, c)         ? 3
                          : has(preview.roles.categorical, c) || preview.roles.levels.count(c.toStdString()) ? 1
                                                                                                              : 0;
        role->setCurrentIndex(index);
        connect(role, &QComboBox::currentIndexChanged, this, &TabularPage::loadInputs);
        m_columns->setCellWidget(i, 1, role);
    }
}

ColumnRoles TabularPage::rolesFromTable() const
{
    ColumnRoles roles;
    const QString sidecar = m_dataPath + QStringLiteral(".json");
    if (QFileInfo::exists(sidecar)) {
        const ColumnRoles fromFile = ColumnRoles::fromSidecar(sidecar.toStdString());
        roles.levels = fromFile.levels;
        roles.delimiter = fromFile.delimiter;
    }
    for (int i = 0; i < m_columns->rowCount(); ++i) {
        const std::string name = m_columns->item(i, 0)->text().toStdString();
        switch (static_cast<QComboBox *>(m_columns->cellWidget(i, 1))->currentIndex()) {
        case 1: roles.categorical.push_back(name); break;
        case 2: roles.target = name; break;
        case 3: roles.ignored.push_back(name); break;
        default: roles.levels.erase(name); break;
        }
    }
    return roles;
}

TabularResponse TabularPage::responseFromUi() const
{
    TabularResponse r;
    r.kind = TabularResponse::Kind(m_response->currentIndex());
    // Column 0 is valid for every model, so a classifier loads before the user picks its class.
    r.outputColumn = m_class->value();
    return r;
}

void TabularPage::loadInputs()
{
    if (m_modelPath.isEmpty() || m_dataPath.isEmpty())
        return;
    ColumnRoles roles;
    try {
        roles = rolesFromTable();
    } catch (const Error &e) {
        ctx().reportError(qs(e.what()));
        return;
    }
    m_status->setText(tr("Loading %1 and %2\u2026").arg(QFileInfo(m_modelPath).fileName(), QFileInfo(m_dataPath).fileName()));
    const QString model = m_modelPath, data = m_dataPath;
    const TabularResponse response = responseFromUi();
    ctx().jobs().submit(
        tr("Load %1").arg(QFileInfo(model).fileName()), QStringLiteral("tabular-load"),
        [model, data, roles, response](Progress &progress, const CancelToken &) -> std::any {
            progress.beginStage("loading model and data");
            return loadTabularInputs(model, data, roles, response);
        },
        this,
        [this](std::any result) {
            m_inputs = std::any_cast<TabularInputs>(result);
            const std::int64_t outputs = m_inputs.model->outputColumns();
            {
                const QSignalBlocker block(m_class);
                m_class->setMaximum(int(outputs - 1));
                m_class->setValue(std::max(0, m_inputs.model->response().outputColumn));
                m_class->setEnabled(outputs > 1);
            }
            m_modelInfo->setText(tr("%1 features \u00B7 %2 rows \u00B7 %3")
                                     .arg(m_inputs.data->cols())
                                     .arg(m_inputs.data->rows)
                                     .arg(qs(m_inputs.model->describe())));
            {
                const QSignalBlocker block(m_feature2);
                m_feature2->clear();
                m_feature2->addItem(tr("\u2014 (one feature)"), -1);
                for (int f = 0; f < m_inputs.data->cols(); ++f)
                    m_feature2->addItem(qs(m_inputs.data->names[std::size_t(f)]), f);
            }
            rankFeatures();
        },
        [this](const QString &message, bool) {
            m_status->setText(tr("Could not load the inputs."));
            ctx().reportError(message);
        });
}

void TabularPage::applyResponse()
{
    if (!m_inputs.model)
        return;
    try {
        m_inputs.model = m_inputs.model->withResponse(responseFromUi());
    } catch (const Error &e) {
        ctx().reportError(qs(e.what()));
        return;
    }
    rankFeatures();
}

void TabularPage::rankFeatures()
{
    if (!m_inputs.model)
        return;
    const TabularInputs in = m_inputs;
    const auto method = m_method->currentIndex() == 1 ? tabular::RankOptions::Method::Ale : tabular::RankOptions::Method::Pdp;
    ctx().jobs().submit(
        tr("Rank features"), QStringLiteral("tabular-rank"),
        [in, method](Progress &progress, const CancelToken &cancel) -> std::any { return rankInputs(in, method, progress, cancel); },
        this,
        [this](std::any result) {
            const auto ranks = std::any_cast<std::vector<tabular::FeatureRank>>(result);
            const QString previous = m_features->currentItem() ? m_features->currentItem()->text(0) : QString();
            {
                const QSignalBlocker block(m_features);
                m_features->clear();
                for (const auto &r : ranks) {
                    auto *item = new QTreeWidgetItem({qs(m_inputs.data->names[std::size_t(r.feature)]), QString::number(r.spread, 'g', 3)});
                    item->setData(0, Qt::UserRole, r.feature);
                    item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
                    m_features->addTopLevelItem(item);
                }
                const auto found = m_features->findItems(previous, Qt::MatchExactly);
                m_features->setCurrentItem(found.isEmpty() ? m_features->topLevelItem(0) : found.front());
            }
            computeEffect();
        },
        [this](const QString &message, bool) { ctx().reportError(message); });
}

int TabularPage::selectedFeature() const
{
    return m_features->currentItem() ? m_features->currentItem()->data(0, Qt::UserRole).toInt() : -1;
}

EffectRequest TabularPage::requestFromUi() const
{
    EffectRequest r;
    r.features = {selectedFeature()};
    const int second = m_feature2->currentData().toInt();
    if (second >= 0 && second != r.features[0])
        r.features.push_back(second);
    r.method = EffectRequest::Method(m_method->currentIndex());
    r.gridResolution = m_grid->value();
    r.aleBins = m_bins->value();
    r.iceCurves = m_ice->value();
    r.centered = m_centered->isChecked();
    r.bootstrap = m_bootstrap->value();
    return r;
}

void TabularPage::computeEffect()
{
    if (!m_inputs.model || selectedFeature() < 0)
        return;
    const TabularInputs in = m_inputs;
    const EffectRequest request = requestFromUi();
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    m_status->setText(tr("Computing\u2026"));
    ctx().jobs().submit(
        tr("Effects of %1").arg(qs(in.data->names[std::size_t(request.features[0])])), QStringLiteral("tabular-effect"),
        [in, request](Progress &progress, const CancelToken &cancel) -> std::any {
            return computeEffects(in, request, progress, cancel);
        },
        this,
        [this, timer](std::any result) { showEffect(std::any_cast<EffectResult>(result), timer->elapsed() / 1000.0); },
        [this](const QString &message, bool) {
            m_status->setText(tr("The effect could not be computed."));
            ctx().reportError(message);
        });
}

void TabularPage::showEffect(const EffectResult &r, double seconds)
{
    m_result = r;
    const TabularData &data = *m_inputs.data;
    const QString response = responseTitle(*m_inputs.model);
    std::vector<std::shared_ptr<plots::Figure>> figures;
    if (showsCurves(r, data)) {
        m_curveView->setCurves(effectCurves(r, data, response));
        figures = {m_curveView->figure()};
        m_plots->setCurrentWidget(m_curveView);
    } else {
        figures = effectFigures(r, data, response);
        m_figureView->setFigure(figures.front());
        m_aleFigureView->setVisible(figures.size() > 1);
        if (figures.size() > 1)
            m_aleFigureView->setFigure(figures[1]);
        m_plots->setCurrentWidget(m_figureView->parentWidget());
    }
    m_hover->setVisible(showsCurves(r, data)); // only curves can be hovered
    recordRun(r, figures);
    QStringList parts;
    for (int f : r.request.features)
        parts << qs(data.names[std::size_t(f)]);
    m_status->setText(tr("%1 \u00B7 %2 rows \u00B7 %3 s%4")
                          .arg(parts.join(QStringLiteral(" \u00D7 ")))
                          .arg(data.rows)
                          .arg(seconds, 0, 'f', 2)
                          .arg(m_runId ? tr(" \u00B7 run #%1").arg(m_runId) : QString()));
    plots::Provenance p;
    p.title = m_status->text();
    p.method = r.pdp && r.ale ? QStringLiteral("pdp+ale") : r.pdp ? QStringLiteral("pdp") : QStringLiteral("ale");
    const Workspace *ws = ctx().workspace();
    for (const QString &path : {m_modelPath, m_dataPath}) {
        const auto a = ws ? ws->artifactByPath(path.toStdString()) : std::nullopt;
        p.inputs.append({path, a ? qs(a->sha256) : QString()});
    }
    p.runId = m_runId;
    p.workspace = ctx().workspacePath();
    m_curveView->setProvenance(p);
    m_figureView->setProvenance(p);
    m_aleFigureView->setProvenance(p);
}

void TabularPage::recordRun(const EffectResult &r, const std::vector<std::shared_ptr<plots::Figure>> &figures)
{
    m_runId = 0;
    Workspace *ws = ctx().workspace();
    if (!ws)
        return;
    Json params = Json::object();
    params.set("model", m_modelPath.toStdString()).set("data", m_dataPath.toStdString());
    Json features = Json::array();
    for (int f : r.request.features)
        features.push(m_inputs.data->names[std::size_t(f)]);
    params.set("features", features)
        .set("response", m_inputs.model->describe())
        .set("grid_resolution", r.request.gridResolution)
        .set("bins", r.request.aleBins)
        .set("ice_curves", r.request.iceCurves)
        .set("centered", r.request.centered)
        .set("bootstrap", r.request.bootstrap)
        .set("seed", std::int64_t(r.request.seed));
    std::vector<std::pair<std::int64_t, std::string>> inputs;
    for (const auto &[path, role] : {std::pair{m_modelPath, "model"}, std::pair{m_dataPath, "data"}})
        if (const auto a = ws->artifactByPath(path.toStdString()))
            inputs.emplace_back(a->id, role);
    try {
        m_runId = ws->beginRun(r.pdp ? "pdp" : "ale", params.dump(), inputs);
        if (r.pdp)
            ws->putResult(m_runId, "pdp", "json", tabular::pdpJson(*r.pdp, *m_inputs.data).dump());
        if (r.ale)
            ws->putResult(m_runId, "ale", "json", tabular::aleJson(*r.ale, *m_inputs.data).dump());
        // "figure" is what `glassbox-cli render` re-renders (`--result figure:ale` the 2-D ALE beside a 2-D PDP).
        for (std::size_t k = 0; k < figures.size(); ++k) {
            const QByteArray json = figures[k]->dataJson();
            ws->putResult(m_runId, k == 0 ? "figure" : "figure:ale", "json", std::string(json.constData(), std::size_t(json.size())));
        }
        ws->finishRun(m_runId);
    } catch (const Error &e) {
        ctx().reportError(qs(e.what()));
        return;
    }
    Q_EMIT ctx().runsChanged();
}

void TabularPage::showHoveredRow(int curve)
{
    if (curve < 0 || !m_result || !m_result->pdp || std::size_t(curve) >= m_result->pdp->iceRows.size()) {
        m_hover->setText(tr("Hover an ICE curve to see its row."));
        return;
    }
    const TabularData &data = *m_inputs.data;
    const std::int64_t row = m_result->pdp->iceRows[std::size_t(curve)];
    QStringList cells;
    for (int c = 0; c < data.cols(); ++c)
        cells << QStringLiteral("<b>%1</b>&nbsp;%2").arg(qs(data.names[std::size_t(c)]).toHtmlEscaped(),
                                                            qs(data.cellText(row, c)).toHtmlEscaped());
    if (!data.target.empty())
        cells << QStringLiteral("<b>%1</b>&nbsp;%2 (target)").arg(qs(data.targetName).toHtmlEscaped(),
                                                                   qs(data.target[std::size_t(row)]).toHtmlEscaped());
    m_hover->setText(tr("Row %1 (line %2): ").arg(row).arg(data.lines[std::size_t(row)]) + cells.join(QStringLiteral(" \u00B7 ")));
}

} // namespace gb
