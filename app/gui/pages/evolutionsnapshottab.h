// SPDX-License-Identifier: MIT
#pragma once

#include "featuresjobs.h"

#include <QStringList>
#include <QWidget>

#include <any>
#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSlider;
class QTreeWidget;

namespace gb {

class AppContext;
class FeatureDashboardView;
class FeatureHeatmapView;
struct EvolutionResult;

/// The time slider of the evolution page: pick a snapshot of the crosscoder, run that
/// snapshot's checkpoint (a folder of the checkpoint series) on a prompt and see the features
/// of that snapshot's head (CrosscoderDictionary::head, the other heads' inputs zero): a tokens
/// x top-features heatmap and the list of active features. When the workspace holds a corpus
/// scan of that checkpoint and head, the selected feature's top examples come from it. Model work
/// runs as jobs; a feature opens in the feature explorer on double-click or from the menu.
class EvolutionSnapshotTab : public QWidget {
    Q_OBJECT
public:
    explicit EvolutionSnapshotTab(AppContext &ctx, QWidget *parent = nullptr);
    ~EvolutionSnapshotTab() override;

    /// The crosscoder whose snapshots the slider walks; finds its checkpoint series (the
    /// workspace's remembered choice, an evolution run's or a registered series that matches).
    void setResult(std::shared_ptr<const EvolutionResult> result);
    /// A folder of step<N> model folders; reports what matches the crosscoder's hook points.
    void setCheckpoints(const QString &folder);
    /// The model hook each head reads, e.g. blocks.6.hook_resid_post.
    void setHook(const QString &hook);
    void setPrompt(const QString &text);
    void setSnapshot(int head);
    int snapshot() const;
    /// Runs the chosen snapshot's checkpoint on the prompt (what the Run button does).
    void run();
    /// Shows a feature's top examples from the scan of the chosen snapshot (or, with
    /// setExamplesAtEveryStep, the strongest few of every snapshot that has a scan).
    void showExamples(qint64 feature);
    void setExamplesAtEveryStep(bool every);

    /// The checkpoint folder of a snapshot ("" when the series has none).
    QString modelPath(int head) const;
    QString hook() const;
    /// Asks the feature explorer for this feature at the chosen snapshot.
    void openInExplorer(qint64 feature);

    const FeatureSession::Prompt &result() const { return m_result; }
    int resultHead() const { return m_resultHead; }
    FeatureHeatmapView *heatmap() const { return m_heatmap; }
    QTreeWidget *featureList() const { return m_features; }
    FeatureDashboardView *examples() const { return m_examples; }
    QLabel *status() const { return m_status; }
    /// The scan run used for the chosen snapshot's examples (0: none).
    qint64 scanRun() const { return m_scanRun; }

Q_SIGNALS:
    void resultShown();
    void examplesShown();

private:
    void chooseCheckpoints();
    void updateSnapshotLabel();
    void showResult();
    void showExamplesPerStep(qint64 feature);
    /// Shows a dashboard job's result; `titlePattern`'s %1 becomes the feature id.
    void showDashboard(std::any out, plots::Provenance prov, const QString &titlePattern);
    void showScanError(const QString &message, bool cancelled);
    void findScans();
    FeatureTarget target(int head) const;
    QString label(qint64 feature) const;

    AppContext &m_ctx;
    std::shared_ptr<FeatureSession> m_session;
    std::shared_ptr<const EvolutionResult> m_evolution;
    QStringList m_paths; ///< per head: checkpoint folder or ""
    QList<qint64> m_scans; ///< per head: finished scan run or 0
    FeatureSession::Prompt m_result;
    int m_resultHead = -1;
    qint64 m_scanRun = 0;

    QLineEdit *m_folder;
    QLineEdit *m_hook;
    QLabel *m_match;
    QSlider *m_slider;
    QLabel *m_step;
    QPlainTextEdit *m_prompt;
    QCheckBox *m_bos;
    QLabel *m_status;
    FeatureHeatmapView *m_heatmap;
    QTreeWidget *m_features;
    QLabel *m_scanInfo;
    QComboBox *m_examplesScope;
    FeatureDashboardView *m_examples;
};

} // namespace gb
