// SPDX-License-Identifier: MIT
#include "settingsdialog.h"

#include "appsettings.h"
#include "plots/colormap.h"

#include <QAction>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QKeySequenceEdit>
#include <QSettings>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QThread>
#include <QVBoxLayout>

namespace gb {

SettingsDialog::SettingsDialog(const QList<QAction *> &actions, QWidget *parent)
    : QDialog(parent)
    , m_actions(actions)
    , m_threads(new QSpinBox(this))
    , m_sequential(new QComboBox(this))
    , m_diverging(new QComboBox(this))
    , m_shortcuts(new QTableWidget(this))
{
    setWindowTitle(tr("Settings"));
    auto *tabs = new QTabWidget(this);

    auto *general = new QWidget(tabs);
    auto *form = new QFormLayout(general);
    m_threads->setRange(0, 256);
    m_threads->setSpecialValueText(tr("one per core (%1)").arg(QThread::idealThreadCount()));
    m_threads->setValue(AppSettings::computeThreads());
    m_threads->setToolTip(tr("Intra-op threads of the compute worker. Jobs run one at a time and use these threads."));
    form->addRow(tr("Compute threads:"), m_threads);
    for (const QString &name : plots::ColorMap::sequentialNames())
        m_sequential->addItem(name);
    for (const QString &name : plots::ColorMap::divergingNames())
        m_diverging->addItem(name);
    m_sequential->setCurrentText(AppSettings::sequentialColorMap());
    m_diverging->setCurrentText(AppSettings::divergingColorMap());
    form->addRow(tr("Sequential colour map:"), m_sequential);
    form->addRow(tr("Diverging colour map:"), m_diverging);
    tabs->addTab(general, tr("General"));

    m_shortcuts->setColumnCount(2);
    m_shortcuts->setHorizontalHeaderLabels({tr("Action"), tr("Shortcut")});
    m_shortcuts->setRowCount(int(m_actions.size()));
    m_shortcuts->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    for (int row = 0; row < m_actions.size(); ++row) {
        QAction *a = m_actions[row];
        auto *label = new QTableWidgetItem(a->text().remove(QLatin1Char('&')).remove(QStringLiteral("\u2026")));
        label->setFlags(Qt::ItemIsEnabled);
        m_shortcuts->setItem(row, 0, label);
        m_shortcuts->setCellWidget(row, 1, new QKeySequenceEdit(a->shortcut(), m_shortcuts));
    }
    tabs->addTab(m_shortcuts, tr("Shortcuts"));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(tabs);
    layout->addWidget(buttons);
    resize(520, 420);
}

void SettingsDialog::accept()
{
    AppSettings::setComputeThreads(m_threads->value());
    AppSettings::setSequentialColorMap(m_sequential->currentText());
    AppSettings::setDivergingColorMap(m_diverging->currentText());
    QSettings s;
    s.beginGroup(QStringLiteral("shortcuts"));
    for (int row = 0; row < m_actions.size(); ++row) {
        const auto *edit = qobject_cast<QKeySequenceEdit *>(m_shortcuts->cellWidget(row, 1));
        if (edit && edit->keySequence() != m_actions[row]->shortcut())
            s.setValue(m_actions[row]->objectName(), edit->keySequence().toString());
    }
    QDialog::accept();
}

} // namespace gb
