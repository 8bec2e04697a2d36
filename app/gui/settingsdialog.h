// SPDX-License-Identifier: MIT
#pragma once

#include <QDialog>

class QComboBox;
class QSpinBox;
class QTableWidget;

namespace gb {

/// Compute threads, default colour maps and keyboard shortcuts; persisted in QSettings on OK.
class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    SettingsDialog(const QList<QAction *> &actions, QWidget *parent = nullptr);
    void accept() override;

private:
    QList<QAction *> m_actions;
    QSpinBox *m_threads;
    QComboBox *m_sequential;
    QComboBox *m_diverging;
    QTableWidget *m_shortcuts;
};

} // namespace gb
