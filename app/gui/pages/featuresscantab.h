// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTreeWidget;

namespace gb {

class FeaturesState;

/// Corpus scans: start (or resume) a scan of a text / JSONL corpus with the chosen model and
/// dictionary, as a cancellable job with tokens/s and ETA in the Jobs dock; list the scans of
/// this dictionary and pick the one dashboards and search use.
class FeaturesScanTab : public QWidget {
    Q_OBJECT
public:
    explicit FeaturesScanTab(FeaturesState &state, QWidget *parent = nullptr);

    void setCorpus(const QString &path);
    void startScan();
    /// Re-reads the scan runs of the current dictionary from the workspace.
    void refresh();

private:
    FeaturesState &m_state;
    QLineEdit *m_corpus;
    QComboBox *m_format;
    QSpinBox *m_context;
    QSpinBox *m_topK;
    QCheckBox *m_bos;
    QLabel *m_status;
    QTreeWidget *m_runs;
};

} // namespace gb
