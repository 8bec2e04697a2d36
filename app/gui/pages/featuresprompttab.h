// SPDX-License-Identifier: MIT
#pragma once

#include "featuresjobs.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;

namespace gb {

class FeatureHeatmapView;
class FeaturesState;

/// Prompt view: type a prompt, see tokens x active features (virtualised heatmap), sort the
/// features by max / mean / count, filter by id, hover for values, click a feature for its
/// dashboard and a token for its strongest features; the reconstruction metrics underneath.
class FeaturesPromptTab : public QWidget {
    Q_OBJECT
public:
    explicit FeaturesPromptTab(FeaturesState &state, QWidget *parent = nullptr);

    /// Runs the prompt (what the Analyse button does).
    void analyse();
    FeatureHeatmapView *heatmap() const { return m_heatmap; }
    const FeatureSession::Prompt &result() const { return m_result; }
    /// The workspace run that stored the shown heatmap (0: none).
    qint64 runId() const { return m_runId; }
    /// Lists a token's strongest features (what clicking its label does).
    void showToken(int row);
    QListWidget *tokenFeatures() const { return m_tokenFeatures; }
    void setPrompt(const QString &text);

private:
    void showResult();

    FeaturesState &m_state;
    QPlainTextEdit *m_prompt;
    QCheckBox *m_bos;
    QComboBox *m_order;
    QLineEdit *m_filter;
    FeatureHeatmapView *m_heatmap;
    QListWidget *m_tokenFeatures;
    QLabel *m_tokenTitle;
    QLabel *m_metrics;
    FeatureSession::Prompt m_result;
    qint64 m_runId = 0;
};

} // namespace gb
