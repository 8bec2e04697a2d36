// SPDX-License-Identifier: MIT
#include "jobsdock.h"

#include "jobrunner.h"

#include <QHeaderView>
#include <QProgressBar>
#include <QPushButton>
#include <QTreeWidget>

namespace gb {

namespace {
enum Column { NameCol, StateCol, ProgressCol, RateCol, CancelCol, ColumnCount };

QString humanNumber(double v)
{
    if (v >= 1e6)
        return QString::number(v / 1e6, 'f', 1) + QLatin1Char('M');
    if (v >= 1e3)
        return QString::number(v / 1e3, 'f', 1) + QLatin1Char('k');
    return QString::number(v, 'f', v < 10 ? 1 : 0);
}
} // namespace

JobsDock::JobsDock(JobRunner &runner, QWidget *parent)
    : QDockWidget(tr("Jobs"), parent)
    , m_runner(runner)
    , m_tree(new QTreeWidget(this))
{
    setObjectName(QStringLiteral("jobsDock"));
    m_tree->setColumnCount(ColumnCount);
    m_tree->setHeaderLabels({tr("Job"), tr("State"), tr("Progress"), tr("Speed"), QString()});
    m_tree->setRootIsDecorated(false);
    m_tree->setUniformRowHeights(true);
    QHeaderView *header = m_tree->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(NameCol, QHeaderView::Interactive);
    header->setSectionResizeMode(ProgressCol, QHeaderView::Stretch);
    header->setSectionResizeMode(CancelCol, QHeaderView::ResizeToContents);
    header->resizeSection(NameCol, 320);
    header->resizeSection(StateCol, 180);
    header->resizeSection(RateCol, 220);
    setWidget(m_tree);
    connect(&m_runner, &JobRunner::jobAdded, this, &JobsDock::addJob);
    connect(&m_runner, &JobRunner::jobChanged, this, &JobsDock::updateJob);
}

QString JobsDock::formatRate(double rate, const QString &unit, double etaSeconds)
{
    QString s;
    if (rate > 0)
        s = humanNumber(rate) + QLatin1Char(' ') + (unit.isEmpty() ? tr("items") : unit) + tr("/s");
    if (etaSeconds >= 0) {
        const QString eta = etaSeconds < 90 ? tr("%1 s left").arg(qRound(etaSeconds))
                                            : tr("%1 min left").arg(qRound(etaSeconds / 60));
        s = s.isEmpty() ? eta : s + QStringLiteral(", ") + eta;
    }
    return s;
}

void JobsDock::addJob(quint64 id)
{
    const JobInfo *info = m_runner.job(id);
    if (!info)
        return;
    // Newest first; the item must be in the tree before it gets its widgets.
    auto *item = new QTreeWidgetItem();
    item->setText(NameCol, info->name);
    m_tree->insertTopLevelItem(0, item);
    auto *bar = new QProgressBar(m_tree);
    bar->setRange(0, 1000); // per-mille: fractional percents display smoothly
    bar->setFormat(QStringLiteral("%p%"));
    m_tree->setItemWidget(item, ProgressCol, bar);
    auto *cancel = new QPushButton(tr("Cancel"), m_tree);
    cancel->setObjectName(QStringLiteral("cancelJob%1").arg(id));
    connect(cancel, &QPushButton::clicked, this, [this, id] { m_runner.cancel(id); });
    m_tree->setItemWidget(item, CancelCol, cancel);
    m_items.insert(id, item);
    updateJob(id);
}

void JobsDock::updateJob(quint64 id)
{
    const JobInfo *info = m_runner.job(id);
    QTreeWidgetItem *item = m_items.value(id);
    if (!info || !item)
        return;
    QString state = toDisplayString(info->state);
    if (info->state == JobInfo::State::Running && !info->progress.stage.empty())
        state = QString::fromStdString(info->progress.stage);
    item->setText(StateCol, state);
    item->setToolTip(StateCol, info->error);
    if (info->state == JobInfo::State::Failed) {
        item->setText(StateCol, tr("failed: %1").arg(info->error));
        item->setForeground(StateCol, QColor(0xB0, 0x20, 0x20));
    }
    if (auto *bar = qobject_cast<QProgressBar *>(m_tree->itemWidget(item, ProgressCol))) {
        const double f = info->progress.fraction;
        if (info->state == JobInfo::State::Running && f < 0) {
            bar->setRange(0, 0); // busy indicator
        } else {
            bar->setRange(0, 1000);
            bar->setValue(int(std::clamp(f, 0.0, 1.0) * 1000));
        }
    }
    const bool active = info->state == JobInfo::State::Queued || info->state == JobInfo::State::Running;
    item->setText(RateCol, active ? formatRate(info->progress.rate, QString::fromStdString(info->progress.unit),
                                               info->progress.etaSeconds)
                                  : QString());
    if (auto *button = m_tree->itemWidget(item, CancelCol))
        button->setEnabled(active);
}

} // namespace gb
