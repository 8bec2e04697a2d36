// SPDX-License-Identifier: MIT
#pragma once

#include "workflowpage.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTabWidget;

namespace gb {

class FeaturesDashboardTab;
class FeaturesPromptTab;
class FeaturesScanTab;
class FeaturesSearchTab;
class FeaturesState;
class FeaturesSteerTab;

/// The feature explorer: a loaded model and a sparse dictionary (SAELens, OpenMOSS, Gemma
/// Scope; a crosscoder one head at a time), with the prompt view, feature dashboards, search,
/// steering and corpus scans as tabs sharing one FeaturesState.
class FeaturesPage : public WorkflowPage {
    Q_OBJECT
public:
    explicit FeaturesPage(AppContext &ctx, QWidget *parent = nullptr);

    FeaturesState &state() { return *m_state; }
    FeaturesPromptTab *promptTab() const { return m_prompt; }
    FeaturesDashboardTab *dashboardTab() const { return m_dashboard; }
    FeaturesSearchTab *searchTab() const { return m_search; }
    FeaturesSteerTab *steerTab() const { return m_steer; }
    FeaturesScanTab *scanTab() const { return m_scans; }
    QTabWidget *tabs() const { return m_tabs; }

    /// Loads (and registers) a dictionary folder and makes it current.
    void openDictionary(const QString &path);
    /// Loads a model folder (a job) and makes it current once loaded.
    void openModel(const QString &path);
    /// "" (weights as stored) or TransformerLens' processing, for dictionaries trained on it.
    void setProcessing(const QString &processing);
    /// Opens `feature` in the dashboard once the dictionary (and the model, when given) are
    /// current, loading them first if needed; for a crosscoder, through head `head` read at
    /// `hook` (kept as they are when -1 / empty). What AppContext::requestShowFeature asks for.
    void showFeature(const QString &dictionaryPath, int head, qint64 feature, const QString &modelPath = QString(),
                     const QString &hook = QString());

private:
    /// A workspace was opened: show what it was last used for (see openFromWorkspace in .cpp).
    void openFromWorkspace();
    void refreshModels();
    void refreshDictionaries();
    void applyTarget();
    void updateEmptyState();
    void chooseDictionaryFolder();
    void chooseModelFolder();

    FeaturesState *m_state;
    QComboBox *m_model;
    QComboBox *m_processing;
    QComboBox *m_dictionary;
    QSpinBox *m_head;
    QLineEdit *m_headHook;
    QLabel *m_headLabel;
    QLabel *m_info;
    QTabWidget *m_tabs;
    FeaturesPromptTab *m_prompt;
    FeaturesDashboardTab *m_dashboard;
    FeaturesSearchTab *m_search;
    FeaturesSteerTab *m_steer;
    FeaturesScanTab *m_scans;
    QString m_pendingModel; ///< opened by path, current once its artifact is registered
    QMetaObject::Connection m_pendingFeature; ///< a showFeature() waiting for its loads
    QString m_pendingDictionary; ///< to open when the dictionary list is refreshed
    int m_pendingHead = -1;      ///< crosscoder head to select once its dictionary is loaded
    QString m_loadingDictionary; ///< being opened by a job (counts as current meanwhile)
};

} // namespace gb
