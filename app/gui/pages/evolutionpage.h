// SPDX-License-Identifier: MIT
#pragma once

#include "evolutionpick.h"
#include "workflowpage.h"

#include <QList>

#include <memory>

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableView;

namespace gb {

class DecoderSource;
class EvolutionFeatureFilter;
class EvolutionFeatureModel;
class EvolutionSnapshotTab;
class FigureView;
struct EvolutionResult;

/// Checkpoint evolution explorer (issue 9): a crosscoder's features through training.
///
/// Opening a crosscoder (button, File > Open Dictionary + Navigator, or a stored run of the
/// workspace) streams its decoder in a job; the page then shows a sortable, filterable feature
/// table (PSI, emergence, lifetime, max norm, label), the population picture (curves coloured by
/// Peak Snapshot Index, PSI histogram, turning point), the selected features' curves and the
/// current feature's S x S direction similarity; two-model crosscoders add relative-norm
/// histograms. Results are stored as an "evolution" run; changing the emergence level
/// recomputes the statistics from the stored norms without reading the crosscoder again.
class EvolutionPage : public WorkflowPage {
    Q_OBJECT
public:
    explicit EvolutionPage(AppContext &ctx, QWidget *parent = nullptr);
    ~EvolutionPage() override;

    /// Analyses the crosscoder folder at `path` (a job; errors go to the app's banner).
    void openCrosscoder(const QString &path);
    /// Shows the most recent evolution run of the open workspace, if any.
    void showLatestRun();
    void setLevel(double level);
    /// Plots these features' curves; the first one's similarity heatmap is shown.
    void selectFeatures(const QList<qint64> &features);

    bool isBusy() const { return m_busy > 0; }
    EvolutionFeatureModel *featureModel() const { return m_model; }
    EvolutionFeatureFilter *featureFilter() const { return m_filter; }
    QTableView *table() const { return m_table; }
    const EvolutionResult *result() const { return m_result.get(); }
    EvolutionSnapshotTab *snapshotTab() const { return m_snapshots; }
    QTabWidget *tabs() const { return m_tabs; }
    /// Asks the feature explorer for this feature, through the head of its peak snapshot (read
    /// from that snapshot's checkpoint when the time slider knows the series).
    void openInExplorer(qint64 feature);

    /// The feature whose curve is drawn at `at` (view coordinates) in the population or the
    /// selected-curves figure, or -1: what a click there picks.
    qint64 featureAt(const FigureView *view, QPointF at) const;

Q_SIGNALS:
    /// A result (new or recomputed) is on screen.
    void resultShown();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QWidget *buildContent();
    QWidget *buildTablePane();
    QWidget *buildFigurePane();
    void chooseFolder();
    void onArtifactRequested(qint64 id);
    void display(std::shared_ptr<const EvolutionResult> result);
    /// Summarises `base`'s data with the emergence `level` in a job, then shows it.
    void recompute(std::shared_ptr<const EvolutionResult> base, double level);
    /// Records the result as an "evolution" run of the workspace; returns it with its run id.
    std::shared_ptr<const EvolutionResult> storeRun(std::shared_ptr<EvolutionResult> result);
    /// Stamps the result's provenance on every view and offers them all as one batch export.
    void updateExports();
    QList<FigureView *> views() const;
    void refreshLabels();
    void updatePopulation();
    void updateSelection();
    void requestSimilarity(qint64 feature);
    void setBusy(bool busy, const QString &status);
    QString labelScope() const;

    std::shared_ptr<const EvolutionResult> m_result;
    std::shared_ptr<DecoderSource> m_source; ///< opened lazily for per-feature reads
    qint64 m_artifactId = 0;
    int m_busy = 0;

    EvolutionFeatureModel *m_model;
    EvolutionFeatureFilter *m_filter;
    QTableView *m_table = nullptr;
    QLabel *m_path = nullptr;
    QLabel *m_status = nullptr;
    QDoubleSpinBox *m_level = nullptr;
    QSpinBox *m_maxCurves = nullptr;
    QCheckBox *m_normalised = nullptr;
    QLineEdit *m_search = nullptr;
    QSpinBox *m_psiLo = nullptr;
    QSpinBox *m_psiHi = nullptr;
    QCheckBox *m_hideDead = nullptr;
    QTabWidget *m_tabs = nullptr;
    QWidget *m_diffTab = nullptr;
    FigureView *m_population = nullptr;
    FigureView *m_psiHistogram = nullptr;
    FigureView *m_turning = nullptr;
    FigureView *m_curves = nullptr;
    FigureView *m_similarity = nullptr;
    FigureView *m_relativeNorm = nullptr;
    FigureView *m_sharedCosine = nullptr;
    EvolutionSnapshotTab *m_snapshots = nullptr;
    QList<qint64> m_plotted;         ///< features on the curves figure
    PlottedCurves m_populationCurves, m_selectedCurves; ///< for picking a curve by clicking it
    qint64 m_similarityFeature = -1; ///< feature of the similarity heatmap
};

} // namespace gb
