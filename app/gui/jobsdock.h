// SPDX-License-Identifier: MIT
#pragma once

#include <QDockWidget>
#include <QHash>

class QTreeWidget;
class QTreeWidgetItem;

namespace gb {

class JobRunner;

/// Lists running and finished jobs: name, state, a progress bar, throughput / ETA, a Cancel
/// button, and the error text of failed jobs.
class JobsDock : public QDockWidget {
    Q_OBJECT
public:
    JobsDock(JobRunner &runner, QWidget *parent = nullptr);

    /// Formats rate and ETA the way the dock shows them ("1.2k tokens/s, 12 s left").
    static QString formatRate(double rate, const QString &unit, double etaSeconds);

private:
    void addJob(quint64 id);
    void updateJob(quint64 id);

    JobRunner &m_runner;
    QTreeWidget *m_tree;
    QHash<quint64, QTreeWidgetItem *> m_items;
};

} // namespace gb
