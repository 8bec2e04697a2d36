// SPDX-License-Identifier: MIT
#include "featuressteertab.h"

#include "appcontext.h"
#include "featuresstate.h"
#include "jobrunner.h"

#include "io/json.h"

#include "figureview.h"
#include "plots/steeringfigure.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace gb {

namespace {

enum Column { FeatureCol, ModeCol, ValueCol, PositionsCol };

} // namespace

FeaturesSteerTab::FeaturesSteerTab(FeaturesState &state, QWidget *parent)
    : QWidget(parent)
    , m_state(state)
{
    m_prompt = new QLineEdit(this);
    m_prompt->setPlaceholderText(tr("prompt to steer"));
    m_bos = new QCheckBox(tr("Start with BOS"), this);
    m_bos->setChecked(true);
    m_edits = new QTableWidget(0, 4, this);
    m_edits->setHorizontalHeaderLabels({tr("feature"), tr("edit"), tr("value"), tr("positions (empty = all)")});
    m_edits->horizontalHeader()->setStretchLastSection(true);
    m_edits->setMaximumHeight(130);
    auto *add = new QPushButton(tr("Add Edit"), this);
    auto *remove = new QPushButton(tr("Remove"), this);
    m_topK = new QSpinBox(this);
    m_topK->setRange(1, 50);
    m_topK->setValue(8);
    m_tokens = new QSpinBox(this);
    m_tokens->setRange(0, 200);
    m_tokens->setValue(20);
    auto *go = new QPushButton(tr("Run"), this);
    m_status = new QLabel(this);
    m_view = new FigureView(this);
    m_view->setExportName(QStringLiteral("steering"));

    auto *promptRow = new QHBoxLayout;
    promptRow->addWidget(m_prompt, 1);
    promptRow->addWidget(m_bos);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch();
    buttons->addWidget(new QLabel(tr("next tokens shown"), this));
    buttons->addWidget(m_topK);
    buttons->addWidget(new QLabel(tr("tokens generated"), this));
    buttons->addWidget(m_tokens);
    buttons->addWidget(go);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(promptRow);
    layout->addWidget(m_edits);
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    layout->addWidget(m_view, 1);

    connect(add, &QPushButton::clicked, this, [this] { addEdit(0, QStringLiteral("zero"), 0); });
    connect(remove, &QPushButton::clicked, this, [this] { m_edits->removeRow(m_edits->currentRow()); });
    connect(go, &QPushButton::clicked, this, &FeaturesSteerTab::run);
    connect(m_prompt, &QLineEdit::returnPressed, this, &FeaturesSteerTab::run);
}

void FeaturesSteerTab::setPrompt(const QString &text) { m_prompt->setText(text); }

void FeaturesSteerTab::addEdit(qint64 feature, const QString &mode, double value)
{
    const int row = m_edits->rowCount();
    m_edits->insertRow(row);
    auto *id = new QSpinBox(m_edits);
    id->setRange(0, int(std::max<qint64>(0, m_state.dictionary().dSae - 1)));
    id->setValue(int(feature));
    m_edits->setCellWidget(row, FeatureCol, id);
    auto *modes = new QComboBox(m_edits);
    modes->addItem(tr("clamp to"), QStringLiteral("clamp"));
    modes->addItem(tr("scale by"), QStringLiteral("scale"));
    modes->addItem(tr("zero"), QStringLiteral("zero"));
    modes->setCurrentIndex(modes->findData(mode));
    m_edits->setCellWidget(row, ModeCol, modes);
    auto *v = new QDoubleSpinBox(m_edits);
    v->setRange(-1000, 1000);
    v->setDecimals(3);
    v->setValue(value);
    m_edits->setCellWidget(row, ValueCol, v);
    m_edits->setItem(row, PositionsCol, new QTableWidgetItem());
}

void FeaturesSteerTab::run()
{
    if (m_prompt->text().isEmpty() || !m_state.target().valid())
        return;
    std::vector<FeatureSession::Edit> edits;
    for (int r = 0; r < m_edits->rowCount(); ++r) {
        FeatureSession::Edit e;
        e.feature = static_cast<QSpinBox *>(m_edits->cellWidget(r, FeatureCol))->value();
        e.mode = static_cast<QComboBox *>(m_edits->cellWidget(r, ModeCol))->currentData().toString();
        e.value = static_cast<QDoubleSpinBox *>(m_edits->cellWidget(r, ValueCol))->value();
        const QTableWidgetItem *pos = m_edits->item(r, PositionsCol);
        for (const QString &p : (pos ? pos->text() : QString()).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            bool ok = false;
            const qint64 v = p.trimmed().toLongLong(&ok);
            if (!ok) {
                m_status->setText(tr("Positions must be token positions like 3, 5 (row %1).").arg(r + 1));
                return;
            }
            e.positions.push_back(v);
        }
        edits.push_back(e);
    }
    const FeatureTarget target = m_state.target();
    const QString prompt = m_prompt->text();
    const bool bos = m_bos->isChecked();
    const int topK = m_topK->value(), tokens = m_tokens->value();
    auto session = m_state.session();
    m_status->setText(tr("Generating\u2026"));
    m_state.ctx().jobs().submit(
        tr("Steering"), QStringLiteral("features-steer"),
        [session, target, prompt, bos, edits, topK, tokens](Progress &, const CancelToken &cancel) -> std::any {
            return session->steer(target, prompt, bos, edits, topK, tokens, cancel);
        },
        this,
        [this, prompt, bos, edits, topK, tokens](std::any result) {
            auto figure = std::make_shared<plots::SteeringFigure>(std::any_cast<plots::SteeringData>(std::move(result)));
            Json editsJson = Json::array();
            for (const FeatureSession::Edit &e : edits)
                editsJson.push(Json::object()
                                   .set("feature", e.feature)
                                   .set("mode", e.mode.toStdString())
                                   .set("value", e.value)
                                   .set("positions", Json::arrayOf(e.positions)));
            Json params = Json::object();
            params.set("prompt", prompt.toStdString()).set("bos", bos).set("edits", editsJson).set("top_k", topK).set("tokens", tokens);
            m_runId = m_state.recordRun("steering", params, *figure);
            m_view->setProvenance(m_state.provenance(tr("Steering"), m_runId));
            m_view->setFigure(std::move(figure));
            m_status->clear();
        },
        [this](const QString &message, bool) { m_status->setText(message); });
}

} // namespace gb
