// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTableWidget;

namespace gb {

class FeaturesState;
class FigureView;

/// Steering and ablation: clamp, scale or zero chosen features at chosen positions (the
/// dictionary's error term kept), and compare the next-token top-k and greedy continuations
/// with and without the edits.
class FeaturesSteerTab : public QWidget {
    Q_OBJECT
public:
    explicit FeaturesSteerTab(FeaturesState &state, QWidget *parent = nullptr);

    /// Adds an edit row (from a dashboard: "steer this feature").
    void addEdit(qint64 feature, const QString &mode, double value);
    void setPrompt(const QString &text);
    void run();
    FigureView *view() const { return m_view; }
    /// The workspace run that stored the shown steering figure (0: none).
    qint64 runId() const { return m_runId; }

private:
    FeaturesState &m_state;
    QLineEdit *m_prompt;
    QCheckBox *m_bos;
    QTableWidget *m_edits;
    QSpinBox *m_topK;
    QSpinBox *m_tokens;
    QLabel *m_status;
    FigureView *m_view;
    qint64 m_runId = 0;
};

} // namespace gb
