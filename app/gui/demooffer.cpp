// SPDX-License-Identifier: MIT
#include "demooffer.h"

#include "appcontext.h"
#include "demo/demo_builder.h"
#include "jobrunner.h"

#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStandardPaths>

namespace gb {

DemoOffer::DemoOffer(AppContext &ctx, QWidget *parent)
    : QFrame(parent)
    , m_ctx(ctx)
    , m_label(new QLabel(this))
    , m_build(new QPushButton(tr("Build the demo"), this))
    , m_dismiss(new QPushButton(tr("Not now"), this))
{
    setObjectName(QStringLiteral("demoOffer"));
    setStyleSheet(QStringLiteral("#demoOffer { background: #eaf2fb; border: 1px solid #9dbbe0; border-radius: 3px; }"));
    m_label->setWordWrap(true);
    m_label->setText(tr("<b>Welcome to Glassbox.</b> The built-in demo is a small language model trained here on a "
                        "synthetic corpus with planted structure, with its training checkpoints, an SAE, a crosscoder "
                        "over the checkpoints and two tabular models. Building it takes a few minutes, offline, "
                        "and the window stays usable meanwhile."));
    m_build->setObjectName(QStringLiteral("buildDemo"));
    m_build->setDefault(true);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    layout->addWidget(m_label, 1);
    layout->addWidget(m_build);
    layout->addWidget(m_dismiss);
    connect(m_build, &QPushButton::clicked, this, [this] {
        if (building())
            m_ctx.jobs().cancel(m_job);
        else
            build();
    });
    connect(m_dismiss, &QPushButton::clicked, this, &QWidget::hide);
    connect(&ctx.jobs(), &JobRunner::jobChanged, this, [this](quint64 id) {
        const JobInfo *info = m_ctx.jobs().job(id);
        if (id != m_job || !info)
            return;
        if (info->state == JobInfo::State::Cancelled)
            return stopped(tr("The build was cancelled."));
        if (info->state != JobInfo::State::Running)
            return;
        m_label->setText(tr("Building the demo: %1 (%2 %)")
                             .arg(QString::fromStdString(info->progress.stage))
                             .arg(int(100 * info->progress.fraction)));
    });
    hide();
}

QString DemoOffer::demoFolder()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/demo");
}

QString DemoOffer::demoWorkspace()
{
    return QString::fromStdString(demo::DemoPaths(demoFolder().toStdString()).workspace);
}

bool DemoOffer::demoBuilt()
{
    return demo::isDemoBuilt(demo::DemoPaths(demoFolder().toStdString()));
}

void DemoOffer::offer()
{
    show();
}

void DemoOffer::openOrBuild()
{
    if (demoBuilt())
        Q_EMIT demoReady(demoWorkspace());
    else
        build();
}

void DemoOffer::build()
{
    if (building())
        return;
    show();
    m_label->setText(tr("Building the demo in %1 \u2026 (progress in the Jobs panel)").arg(QDir::toNativeSeparators(demoFolder())));
    m_build->setText(tr("Cancel"));
    m_dismiss->hide();
    const std::string out = demoFolder().toStdString();
    const std::string config = m_configName.toStdString();
    m_job = m_ctx.jobs().submit(
        tr("Building the demo"), QStringLiteral("demo-build"),
        [out, config](Progress &progress, const CancelToken &cancel) -> std::any {
            demo::buildDemo(demo::DemoConfig::named(config), out, progress, cancel);
            return {};
        },
        this,
        [this](std::any) {
            m_job = 0;
            hide();
            Q_EMIT demoReady(demoWorkspace());
        },
        [this](const QString &message, bool) { stopped(tr("The demo was not built: %1.").arg(message)); });
}

void DemoOffer::stopped(const QString &why)
{
    m_job = 0;
    m_label->setText(why + tr(" Building again resumes the language model from its last checkpoint."));
    m_build->setText(tr("Build the demo"));
    m_dismiss->show();
}

} // namespace gb
