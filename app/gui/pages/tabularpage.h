// SPDX-License-Identifier: MIT
#pragma once

#include "tabularjobs.h"
#include "workflowpage.h"

#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QSpinBox;
class QStackedWidget;
class QTableWidget;
class QTreeWidget;

namespace gb {

class EffectPlotView;
class FigureView;

namespace plots {
class Figure;
}

/// Tabular effects: a TorchScript model and a CSV in, PDP / ICE / ALE out. Left: inputs, column
/// roles, response, the features ranked by effect spread and the plot options; right: the effect
/// plot (curves with ICE picking, a heatmap for two features, bars for a categorical one) and the
/// hovered row's values. Loading, ranking and every plot run as jobs; each plot is a workspace run
/// whose stored figure `glassbox-cli render` can re-render.
class TabularPage : public WorkflowPage {
    Q_OBJECT
public:
    explicit TabularPage(AppContext &ctx, QWidget *parent = nullptr);

    /// Uses these files (as the file dialogs do): reads the columns and starts loading.
    void openInputs(const QString &modelPath, const QString &dataPath);

    // For tests and screenshots.
    QTreeWidget *featureList() const { return m_features; }
    EffectPlotView *curveView() const { return m_curveView; }
    FigureView *figureView() const { return m_figureView; }
    /// The second-order ALE heatmap beside the 2-D PDP when both are computed.
    FigureView *aleFigureView() const { return m_aleFigureView; }
    QLabel *hoverInfo() const { return m_hover; }
    QLabel *statusLabel() const { return m_status; }
    QComboBox *secondFeature() const { return m_feature2; }
    QComboBox *method() const { return m_method; }
    QSpinBox *bootstrap() const { return m_bootstrap; }
    QCheckBox *centered() const { return m_centered; }
    /// The run recorded for the plot on show (0 without a workspace or plot).
    qint64 lastRunId() const { return m_runId; }

private:
    /// A workspace was opened: its latest tabular model and CSV data set, when it has both.
    void openFromWorkspace();
    QWidget *buildControls();
    QWidget *buildPlotArea();
    void connectControls();
    void refreshArtifacts();
    void chooseFile(bool model);
    void readColumns();
    void loadInputs();
    void applyResponse();
    void rankFeatures();
    void computeEffect();
    void showEffect(const EffectResult &r, double seconds);
    void recordRun(const EffectResult &r, const std::vector<std::shared_ptr<plots::Figure>> &figures);
    void showHoveredRow(int curve);
    ColumnRoles rolesFromTable() const;
    TabularResponse responseFromUi() const;
    EffectRequest requestFromUi() const;
    int selectedFeature() const;

    QString m_modelPath, m_dataPath;
    TabularInputs m_inputs;
    std::optional<EffectResult> m_result;
    qint64 m_runId = 0;
    bool m_updatingUi = false;

    QComboBox *m_model = nullptr;
    QComboBox *m_data = nullptr;
    QTableWidget *m_columns = nullptr;
    QLabel *m_modelInfo = nullptr;
    QSpinBox *m_class = nullptr;
    QComboBox *m_response = nullptr;
    QTreeWidget *m_features = nullptr;
    QComboBox *m_feature2 = nullptr;
    QComboBox *m_method = nullptr;
    QSpinBox *m_grid = nullptr;
    QSpinBox *m_bins = nullptr;
    QSpinBox *m_ice = nullptr;
    QSpinBox *m_bootstrap = nullptr;
    QCheckBox *m_centered = nullptr;
    QLabel *m_status = nullptr;
    QStackedWidget *m_plots = nullptr;
    EffectPlotView *m_curveView = nullptr;
    FigureView *m_figureView = nullptr;
    FigureView *m_aleFigureView = nullptr;
    QLabel *m_hover = nullptr;
};

} // namespace gb
