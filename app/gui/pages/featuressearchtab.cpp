// SPDX-License-Identifier: MIT
#include "featuressearchtab.h"

#include "appcontext.h"
#include "featuresstate.h"
#include "jobrunner.h"

#include "figureview.h"
#include "plots/barfigure.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace gb {

FeaturesSearchTab::FeaturesSearchTab(FeaturesState &state, QWidget *parent)
    : QWidget(parent)
    , m_state(state)
{
    m_id = new QSpinBox(this);
    m_id->setRange(0, 0);
    auto *open = new QPushButton(tr("Open Dashboard"), this);
    m_text = new QLineEdit(this);
    m_text->setPlaceholderText(tr("a token or a piece of text, e.g. \" (\" or \"New York\""));
    auto *search = new QPushButton(tr("Search the Scanned Corpus"), this);
    m_status = new QLabel(tr("Finds the features that fire most where the text occurs in the corpus of the selected scan."), this);
    m_status->setWordWrap(true);
    m_table = new QTableWidget(0, 4, this);
    m_table->setHorizontalHeaderLabels({tr("feature"), tr("mean activation"), tr("fires on"), tr("label")});
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_chart = new FigureView(this);
    m_chart->setExportName(QStringLiteral("features-for-text"));

    auto *byId = new QHBoxLayout;
    byId->addWidget(new QLabel(tr("Feature id"), this));
    byId->addWidget(m_id);
    byId->addWidget(open);
    byId->addStretch();
    auto *byText = new QHBoxLayout;
    byText->addWidget(m_text, 1);
    byText->addWidget(search);
    auto *split = new QSplitter(this);
    split->addWidget(m_table);
    split->addWidget(m_chart);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(byId);
    layout->addLayout(byText);
    layout->addWidget(m_status);
    layout->addWidget(split, 1);

    connect(open, &QPushButton::clicked, this, [this] { Q_EMIT m_state.openFeature(m_id->value()); });
    connect(search, &QPushButton::clicked, this, [this] { searchText(m_text->text()); });
    connect(m_text, &QLineEdit::returnPressed, this, [this] { searchText(m_text->text()); });
    connect(m_table, &QTableWidget::cellDoubleClicked, this,
            [this](int row, int) { Q_EMIT m_state.openFeature(m_table->item(row, 0)->text().toLongLong()); });
    connect(&m_state, &FeaturesState::targetChanged, this,
            [this] { m_id->setRange(0, int(std::max<qint64>(0, m_state.dictionary().dSae - 1))); });
}

void FeaturesSearchTab::searchText(const QString &text)
{
    if (text.isEmpty() || !m_state.target().valid())
        return;
    m_text->setText(text);
    const FeatureTarget target = m_state.target();
    const QString ws = m_state.ctx().workspacePath();
    const qint64 run = m_state.scanRun();
    auto session = m_state.session();
    m_status->setText(tr("Searching\u2026"));
    m_state.ctx().jobs().submit(
        tr("Features for \"%1\"").arg(text), QStringLiteral("features-search"),
        [session, target, ws, run, text](Progress &, const CancelToken &cancel) -> std::any {
            return session->search(target, ws, run, text, cancel);
        },
        this,
        [this](std::any result) {
            const auto r = std::any_cast<FeatureSession::SearchResult>(std::move(result));
            m_status->setText(tr("%1 occurrences of %2 in %3 scanned windows (up to 64 windows re-run)")
                                  .arg(r.occurrences)
                                  .arg(r.pattern.join(QStringLiteral(" | ")))
                                  .arg(r.windows));
            m_table->setRowCount(int(r.features.size()));
            QStringList categories;
            plots::BarSeries series;
            series.name = tr("mean activation");
            for (std::size_t i = 0; i < r.features.size(); ++i) {
                const QString label = m_state.label(r.features[i]);
                m_table->setItem(int(i), 0, new QTableWidgetItem(QString::number(r.features[i])));
                m_table->setItem(int(i), 1, new QTableWidgetItem(QString::number(r.mean[i], 'f', 3)));
                m_table->setItem(int(i), 2, new QTableWidgetItem(QStringLiteral("%1 %").arg(100 * r.rate[i], 0, 'f', 0)));
                m_table->setItem(int(i), 3, new QTableWidgetItem(label));
                if (i < 15) {
                    categories << (label.isEmpty() ? QStringLiteral("#%1").arg(r.features[i]) : QStringLiteral("#%1 %2").arg(r.features[i]).arg(label));
                    series.values.push_back(r.mean[i]);
                }
            }
            auto bars = std::make_shared<plots::BarFigure>();
            bars->setCategories(categories);
            if (!categories.isEmpty())
                bars->addSeries(series);
            bars->setHorizontal(true);
            bars->setTitle(tr("Features firing on %1").arg(r.pattern.join(QString())));
            bars->setValueTitle(tr("mean activation at the occurrences"));
            bars->setLegend(plots::LegendPosition::None);
            m_chart->setFigure(bars);
        },
        [this](const QString &message, bool) { m_status->setText(message); });
}

} // namespace gb
