// SPDX-License-Identifier: MIT
#include "featurespage.h"

#include "appcontext.h"
#include "featuresdashboardtab.h"
#include "featuresprompttab.h"
#include "featuresscantab.h"
#include "featuressearchtab.h"
#include "featuresstate.h"
#include "featuressteertab.h"
#include "jobrunner.h"
#include "modelcache.h"
#include "workspacepicks.h"

#include "store/workspace.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <utility>

namespace gb {

FeaturesPage::FeaturesPage(AppContext &ctx, QWidget *parent)
    : WorkflowPage(ctx, tr("Features"), parent)
    , m_state(new FeaturesState(ctx, this))
{
    setObjectName(QStringLiteral("featurespage"));
    auto *content = new QWidget(this);
    m_model = new QComboBox(content);
    m_model->setMinimumContentsLength(18);
    auto *openModelButton = new QPushButton(tr("Open\u2026"), content);
    m_processing = new QComboBox(content);
    m_processing->addItem(tr("weights as stored"), QString());
    m_processing->addItem(tr("TransformerLens processing"), QStringLiteral("fold_ln,center_writing_weights,center_unembed"));
    m_processing->setToolTip(tr("SAEs trained on a TransformerLens model with fold_ln / centred weights read the processed residual stream."));
    m_dictionary = new QComboBox(content);
    m_dictionary->setMinimumContentsLength(24);
    auto *open = new QPushButton(tr("Open\u2026"), content);
    m_headLabel = new QLabel(tr("Head"), content);
    m_head = new QSpinBox(content);
    m_headHook = new QLineEdit(content);
    m_headHook->setPlaceholderText(tr("hook the head reads, e.g. blocks.6.hook_resid_post"));
    m_info = new QLabel(content);
    m_info->setWordWrap(true);
    m_info->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_tabs = new QTabWidget(content);
    m_prompt = new FeaturesPromptTab(*m_state, m_tabs);
    m_dashboard = new FeaturesDashboardTab(*m_state, m_tabs);
    m_search = new FeaturesSearchTab(*m_state, m_tabs);
    m_steer = new FeaturesSteerTab(*m_state, m_tabs);
    m_scans = new FeaturesScanTab(*m_state, m_tabs);
    m_tabs->addTab(m_prompt, tr("Prompt"));
    m_tabs->addTab(m_dashboard, tr("Feature"));
    m_tabs->addTab(m_search, tr("Search"));
    m_tabs->addTab(m_steer, tr("Steer"));
    m_tabs->addTab(m_scans, tr("Scans"));

    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Model"), content));
    bar->addWidget(m_model);
    bar->addWidget(openModelButton);
    bar->addWidget(m_processing);
    bar->addSpacing(12);
    bar->addWidget(new QLabel(tr("Dictionary"), content));
    bar->addWidget(m_dictionary, 1);
    bar->addWidget(open);
    bar->addWidget(m_headLabel);
    bar->addWidget(m_head);
    bar->addWidget(m_headHook);
    auto *layout = new QVBoxLayout(content);
    layout->addLayout(bar);
    layout->addWidget(m_info);
    layout->addWidget(m_tabs, 1);
    setContent(content);

    auto *openModelEmpty = new QPushButton(tr("Open Model\u2026"), this);
    auto *openEmpty = new QPushButton(tr("Open Dictionary\u2026"), this);
    requirementLayout()->addWidget(openModelEmpty);
    requirementLayout()->addWidget(openEmpty);
    connect(openModelEmpty, &QPushButton::clicked, this, &FeaturesPage::chooseModelFolder);
    connect(openModelButton, &QPushButton::clicked, this, &FeaturesPage::chooseModelFolder);
    connect(openEmpty, &QPushButton::clicked, this, &FeaturesPage::chooseDictionaryFolder);
    connect(open, &QPushButton::clicked, this, &FeaturesPage::chooseDictionaryFolder);
    connect(m_model, &QComboBox::currentIndexChanged, this, &FeaturesPage::applyTarget);
    connect(m_processing, &QComboBox::currentIndexChanged, this, &FeaturesPage::applyTarget);
    connect(m_dictionary, &QComboBox::activated, this, [this](int i) { openDictionary(m_dictionary->itemData(i).toString()); });
    connect(m_head, &QSpinBox::editingFinished, this, &FeaturesPage::applyTarget);
    connect(m_headHook, &QLineEdit::editingFinished, this, &FeaturesPage::applyTarget);
    connect(m_state, &FeaturesState::openFeature, this, [this](qint64 f) {
        m_tabs->setCurrentWidget(m_dashboard);
        m_dashboard->showFeature(f);
    });
    connect(&ctx, &AppContext::modelsChanged, this, &FeaturesPage::refreshModels);
    connect(&ctx, &AppContext::artifactsChanged, this, &FeaturesPage::refreshModels);
    connect(&ctx, &AppContext::artifactsChanged, this, &FeaturesPage::refreshDictionaries);
    connect(&ctx, &AppContext::workspaceChanged, this, &FeaturesPage::openFromWorkspace);
    connect(&ctx, &AppContext::openArtifactRequested, this, [this](qint64 id) {
        if (const Workspace *ws = this->ctx().workspace())
            if (const auto a = ws->artifact(id); a && a->kind == "dictionary")
                openDictionary(QString::fromStdString(a->path));
    });
    connect(&ctx, &AppContext::showFeatureRequested, this, &FeaturesPage::showFeature);
    openFromWorkspace();
}

// The model and dictionary of the workspace's latest finished scan, so its dashboards open
// filled (the Scans tab selects that scan); without a scan, the latest registered ones.
void FeaturesPage::openFromWorkspace()
{
    m_state->setTarget(FeatureTarget{}, DictionarySummary{}); // the previous workspace's
    m_pendingDictionary.clear();
    m_pendingHead = -1;
    m_headHook->clear();
    const Workspace *ws = ctx().workspace();
    if (const auto scan = ws ? latestScan(*ws) : std::nullopt) {
        m_pendingModel = scan->model;
        m_pendingDictionary = scan->dictionary;
        m_pendingHead = scan->head;
        m_headHook->setText(scan->headHook);
        setProcessing(scan->processing);
    }
    refreshModels();
    refreshDictionaries();
}

void FeaturesPage::showFeature(const QString &dictionaryPath, int head, qint64 feature, const QString &modelPath, const QString &hook)
{
    const QString dict = QFileInfo(dictionaryPath).absoluteFilePath();
    const QString model = modelPath.isEmpty() ? QString() : QFileInfo(modelPath).absoluteFilePath();
    auto ready = [this, dict, model] {
        return m_state->dictionary().path == dict && (model.isEmpty() || m_model->currentData().toString() == model);
    };
    // Every target change clears the dashboard, so the feature is asked for only once the loads
    // it waits for are done. A newer request replaces a pending one.
    auto show = [this, head, feature, hook] {
        if (head >= 0 && !m_state->dictionary().headNames.isEmpty()) {
            m_head->setValue(head);
            if (!hook.isEmpty())
                m_headHook->setText(hook);
            applyTarget();
        }
        m_tabs->setCurrentWidget(m_dashboard);
        m_dashboard->showFeature(feature);
    };
    disconnect(m_pendingFeature);
    if (!model.isEmpty() && m_model->currentData().toString() != model) {
        if (const int i = m_model->findData(model); i >= 0)
            m_model->setCurrentIndex(i); // registered or loaded: the page's jobs load it on use
        else
            openModel(model);
    }
    if (m_state->dictionary().path != dict)
        openDictionary(dict);
    if (ready()) {
        show();
        return;
    }
    m_pendingFeature = connect(m_state, &FeaturesState::targetChanged, this, [this, ready, show] {
        if (!ready())
            return;
        disconnect(m_pendingFeature);
        show();
    });
}

void FeaturesPage::chooseDictionaryFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Dictionary Folder"));
    if (!dir.isEmpty())
        openDictionary(dir);
}

void FeaturesPage::chooseModelFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Model Folder"));
    if (!dir.isEmpty())
        openModel(dir);
}

void FeaturesPage::openModel(const QString &path)
{
    m_pendingModel = QFileInfo(path).absoluteFilePath();
    ctx().loadModel(m_pendingModel, m_processing->currentData().toString()); // modelsChanged selects it
}

void FeaturesPage::setProcessing(const QString &processing)
{
    m_processing->setCurrentIndex(std::max(0, m_processing->findData(processing)));
}

void FeaturesPage::refreshModels()
{
    const QString current = m_pendingModel.isEmpty() ? m_model->currentData().toString() : m_pendingModel;
    m_model->blockSignals(true);
    m_model->clear();
    // Loaded models and the workspace's registered ones (loaded on first use).
    auto add = [this](const QString &path, const QString &tip) {
        if (m_model->findData(path) >= 0)
            return;
        m_model->addItem(QFileInfo(path).fileName(), path);
        m_model->setItemData(m_model->count() - 1, tip, Qt::ToolTipRole);
    };
    for (const ModelCache::Summary &s : ctx().models().loaded())
        add(QString::fromStdString(s.path), QString::fromStdString(s.path + "\n" + s.description));
    if (const Workspace *ws = ctx().workspace())
        for (const Artifact &a : ws->artifacts("model"))
            add(QString::fromStdString(a.path), QString::fromStdString(a.path));
    const int keep = m_model->findData(current);
    if (keep >= 0)
        m_pendingModel.clear();
    m_model->setCurrentIndex(keep >= 0 ? keep : m_model->count() - 1); // else the latest registered
    m_model->blockSignals(false);
    applyTarget();
}

void FeaturesPage::refreshDictionaries()
{
    const QString current = m_state->dictionary().path;
    const bool none = current.isEmpty() && m_loadingDictionary.isEmpty();
    m_dictionary->clear();
    if (const Workspace *ws = ctx().workspace())
        for (const Artifact &a : ws->artifacts("dictionary")) {
            const QString path = QString::fromStdString(a.path);
            m_dictionary->addItem(QFileInfo(path).fileName(), path);
            m_dictionary->setItemData(m_dictionary->count() - 1, path, Qt::ToolTipRole);
        }
    if (!current.isEmpty() && m_dictionary->findData(current) < 0)
        m_dictionary->addItem(QFileInfo(current).fileName(), current);
    m_dictionary->setCurrentIndex(m_dictionary->findData(current));
    // A dictionary registered through File > Open Dictionary becomes current if none is.
    if (none && !m_pendingDictionary.isEmpty())
        openDictionary(std::exchange(m_pendingDictionary, QString()));
    else if (none && m_dictionary->count() > 0)
        openDictionary(m_dictionary->itemData(m_dictionary->count() - 1).toString());
    updateEmptyState();
}

void FeaturesPage::openDictionary(const QString &path)
{
    if (path.isEmpty())
        return;
    const QString absolute = QFileInfo(path).absoluteFilePath();
    auto session = m_state->session();
    m_loadingDictionary = absolute;
    ctx().showStatus(tr("Loading dictionary %1\u2026").arg(QFileInfo(absolute).fileName()));
    ctx().jobs().submit(
        tr("Open dictionary %1").arg(QFileInfo(absolute).fileName()), QStringLiteral("features-dictionary"),
        [session, absolute](Progress &, const CancelToken &) -> std::any { return session->openDictionary(absolute); }, this,
        [this, absolute](std::any result) {
            const auto summary = std::any_cast<DictionarySummary>(std::move(result));
            m_loadingDictionary.clear();
            const Workspace *ws = ctx().workspace();
            if (ws && !ws->artifactByPath(absolute.toStdString()))
                ctx().registerArtifact(absolute); // for labels and scans; refreshDictionaries follows
            if (m_dictionary->findData(absolute) < 0)
                m_dictionary->addItem(QFileInfo(absolute).fileName(), absolute);
            m_dictionary->setCurrentIndex(m_dictionary->findData(absolute));
            const bool crosscoder = !summary.headNames.isEmpty();
            m_headLabel->setVisible(crosscoder);
            m_head->setVisible(crosscoder);
            m_headHook->setVisible(crosscoder);
            if (crosscoder) {
                m_head->setRange(0, int(summary.headNames.size()) - 1);
                // The scanned head, else the last snapshot: the trained model.
                m_head->setValue(m_pendingHead >= 0 ? m_pendingHead : int(summary.headNames.size()) - 1);
                m_pendingHead = -1;
                if (m_headHook->text().isEmpty())
                    m_headHook->setText(summary.hookIn.isEmpty() ? QStringLiteral("blocks.6.hook_resid_post") : summary.hookIn);
            }
            m_state->setTarget(FeatureTarget{}, summary);
            applyTarget();
        },
        [this](const QString &message, bool) {
            m_loadingDictionary.clear();
            ctx().reportError(message);
        });
}

void FeaturesPage::applyTarget()
{
    const DictionarySummary d = m_state->dictionary();
    FeatureTarget t;
    t.modelPath = m_model->currentData().toString();
    t.processing = m_processing->currentData().toString();
    t.dictionaryPath = d.path;
    if (!d.headNames.isEmpty()) {
        t.head = m_head->value();
        t.headHook = m_headHook->text().trimmed();
    }
    QString info = d.path.isEmpty() ? QString() : d.describe();
    if (t.head >= 0)
        info += tr("  \u00B7  head %1 (%2) read at %3").arg(t.head).arg(d.headNames.value(t.head), t.headHook);
    for (const QString &w : d.warnings)
        info += QStringLiteral("\n\u26A0 ") + w;
    m_info->setText(info);
    const FeatureTarget &old = m_state->target();
    if (t.modelPath != old.modelPath || t.processing != old.processing || t.dictionaryPath != old.dictionaryPath || t.head != old.head
        || t.headHook != old.headHook)
        m_state->setTarget(t, d);
    updateEmptyState();
}

void FeaturesPage::updateEmptyState()
{
    if (m_model->count() == 0)
        showRequirement(tr("Open a language model folder (File \u25B8 Open Model Folder) and a sparse dictionary to see which features fire on your prompt."));
    else if (m_state->dictionary().path.isEmpty())
        showRequirement(tr("Open a sparse dictionary (SAELens, OpenMOSS, Gemma Scope or a crosscoder) for the loaded model."));
    else
        showContent();
}

} // namespace gb
