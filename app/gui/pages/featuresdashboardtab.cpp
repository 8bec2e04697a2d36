// SPDX-License-Identifier: MIT
#include "featuresdashboardtab.h"

#include "appcontext.h"
#include "featuresstate.h"
#include "jobrunner.h"

#include "io/json.h"

#include "featuredashboard.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace gb {

FeaturesDashboardTab::FeaturesDashboardTab(FeaturesState &state, QWidget *parent)
    : QWidget(parent)
    , m_state(state)
{
    m_feature = new QSpinBox(this);
    m_feature->setRange(0, 0);
    m_feature->setKeyboardTracking(false);
    m_label = new QLineEdit(this);
    m_label->setPlaceholderText(tr("label, e.g. \"closing parentheses\""));
    m_note = new QPlainTextEdit(this);
    m_note->setPlaceholderText(tr("notes"));
    m_note->setMaximumHeight(54);
    auto *save = new QPushButton(tr("Save Label"), this);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_view = new FeatureDashboardView(this);

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Feature"), this));
    top->addWidget(m_feature);
    top->addWidget(m_label, 1);
    top->addWidget(save);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_note);
    layout->addWidget(m_status);
    layout->addWidget(m_view, 1);

    connect(m_feature, &QSpinBox::valueChanged, this, &FeaturesDashboardTab::refresh);
    connect(save, &QPushButton::clicked, this, &FeaturesDashboardTab::saveEditedLabel);
    connect(m_label, &QLineEdit::returnPressed, this, &FeaturesDashboardTab::saveEditedLabel);
    connect(m_view, &FeatureDashboardView::featureClicked, this, &FeaturesDashboardTab::showFeature);
    connect(&m_state, &FeaturesState::targetChanged, this, [this] {
        m_feature->setRange(0, int(std::max<qint64>(0, m_state.dictionary().dSae - 1)));
        m_view->setDashboard(nullptr);
    });
    connect(&m_state, &FeaturesState::scanChanged, this, &FeaturesDashboardTab::refresh);
}

void FeaturesDashboardTab::showFeature(qint64 feature)
{
    if (m_feature->value() == int(feature))
        refresh();
    else
        m_feature->setValue(int(feature)); // refreshes
}

void FeaturesDashboardTab::refresh()
{
    if (!m_state.target().valid())
        return;
    const qint64 feature = m_feature->value();
    m_label->setText(m_state.label(feature));
    m_note->setPlainText(m_state.note(feature));
    FeatureSession::DashboardRequest r;
    r.feature = feature;
    r.workspacePath = m_state.ctx().workspacePath();
    r.scanRun = m_state.scanRun();
    const FeatureTarget target = m_state.target();
    auto session = m_state.session();
    m_status->setText(tr("Computing the dashboard of feature %1\u2026").arg(feature));
    m_state.ctx().jobs().submit(
        tr("Dashboard of feature %1").arg(feature), QStringLiteral("features-dashboard"),
        [session, target, r](Progress &, const CancelToken &cancel) -> std::any { return session->dashboard(target, r, cancel); },
        this,
        [this](std::any result) {
            auto figure = std::make_shared<plots::FeatureDashboardFigure>(std::any_cast<plots::FeatureDashboardData>(std::move(result)));
            Json params = Json::object();
            params.set("feature", figure->data().feature).set("scan_run", m_state.scanRun());
            m_runId = m_state.recordRun("feature_dashboard", params, *figure);
            m_view->setProvenance(m_state.provenance(tr("Feature %1").arg(figure->data().feature), m_runId));
            m_view->setDashboard(figure);
            m_status->clear();
        },
        [this](const QString &message, bool) { m_status->setText(message); });
}

void FeaturesDashboardTab::saveEditedLabel()
{
    saveLabel(m_label->text().trimmed(), m_note->toPlainText().trimmed());
}

void FeaturesDashboardTab::saveLabel(const QString &label, const QString &note)
{
    m_state.setLabel(m_feature->value(), label, note);
    refresh();
}

} // namespace gb
