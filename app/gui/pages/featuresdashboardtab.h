// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

namespace gb {

class FeatureDashboardView;
class FeaturesState;

/// Feature dashboard: pick a feature by id (or arrive from any other view); see its top
/// examples with per-token highlights, histogram, density, logit effects and neighbours; give
/// it a label and a note, saved in the workspace.
class FeaturesDashboardTab : public QWidget {
    Q_OBJECT
public:
    explicit FeaturesDashboardTab(FeaturesState &state, QWidget *parent = nullptr);

    void showFeature(qint64 feature);
    FeatureDashboardView *view() const { return m_view; }
    /// The workspace run that stored the shown dashboard (0: none).
    qint64 runId() const { return m_runId; }
    /// Saves a label and note for the shown feature (what the Save Label button does).
    void saveLabel(const QString &label, const QString &note);

private:
    void refresh();
    void saveEditedLabel();

    FeaturesState &m_state;
    QSpinBox *m_feature;
    QLineEdit *m_label;
    QPlainTextEdit *m_note;
    QLabel *m_status;
    FeatureDashboardView *m_view;
    qint64 m_runId = 0;
};

} // namespace gb
