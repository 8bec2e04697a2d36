// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTreeWidget;

namespace gb {

class FeaturesState;

/// Corpus scans: start (or resume) a scan of a text / JSONL corpus with the chosen model and
/// dictionary, as a cancellable job (progress, tokens/s and ETA here and in the Jobs dock); list
/// the scans of this dictionary and pick the one dashboards and search use.
class FeaturesScanTab : public QWidget {
    Q_OBJECT
public:
    explicit FeaturesScanTab(FeaturesState &state, QWidget *parent = nullptr);

    void setCorpus(const QString &path);
    /// Tokens per window (at most the model's context).
    void setContext(int tokens);
    void startScan();
    /// Re-reads the scan runs of the current dictionary from the workspace.
    void refresh();
    /// Cancels the running scan; its progress so far stays in the workspace for a resume.
    void cancelScan();
    bool isScanning() const { return m_job != 0; }

private:
    void showJob(quint64 id);
    void finishJob();

    FeaturesState &m_state;
    QLineEdit *m_corpus;
    QComboBox *m_format;
    QSpinBox *m_context;
    QSpinBox *m_topK;
    QCheckBox *m_bos;
    QLabel *m_status;
    QPushButton *m_start;
    QPushButton *m_cancel;
    QProgressBar *m_progress;
    QTreeWidget *m_runs;
    quint64 m_job = 0;
};

} // namespace gb
