// SPDX-License-Identifier: MIT
#include "appcontext.h"

#include "common/error.h"
#include "io/artifact_info.h"
#include "io/inspect.h"
#include "jobrunner.h"
#include "store/workspace.h"

#include <QFileInfo>

namespace gb {

AppContext::AppContext(QObject *parent)
    : QObject(parent)
    , m_jobs(new JobRunner(this))
{
}

AppContext::~AppContext() = default;

QString AppContext::workspacePath() const
{
    return m_workspace ? QString::fromStdString(m_workspace->path()) : QString();
}

QString AppContext::openWorkspace(const QString &path, bool create)
{
    try {
        auto ws = std::make_unique<Workspace>(Workspace::open(path.toStdString(), create));
        m_workspace = std::move(ws);
    } catch (const Error &e) {
        return QString::fromStdString(e.what());
    }
    Q_EMIT workspaceChanged();
    Q_EMIT artifactsChanged();
    Q_EMIT runsChanged();
    return {};
}

void AppContext::registerArtifact(const QString &path)
{
    const std::string p = path.toStdString();
    jobs().submit(tr("Register %1").arg(QFileInfo(path).fileName()), QString(),
        [p](Progress &progress, const CancelToken &cancel) -> std::any {
            progress.beginStage("inspecting");
            const PathKind kind = inspectPath(p);
            if (kind.kind == "unknown")
                throw Error::badInput(p + ": " + kind.description);
            progress.beginStage("hashing contents");
            Artifact a = describePath(p, &cancel);
            a.kind = kind.kind;
            Json summary = kind.summary;
            summary.set("format", kind.format).set("description", kind.description);
            a.summaryJson = summary.dump();
            return a;
        },
        this,
        [this](std::any result) {
            if (!m_workspace)
                return;
            const auto a = std::any_cast<Artifact>(result);
            try {
                m_workspace->addArtifact(a);
            } catch (const Error &e) {
                reportError(QString::fromStdString(e.what()));
                return;
            }
            showStatus(tr("Registered %1 (%2)").arg(QString::fromStdString(a.path), QString::fromStdString(a.kind)));
            Q_EMIT artifactsChanged();
            if (a.kind == "model")
                loadModel(QString::fromStdString(a.path));
        },
        [this](const QString &message, bool) { reportError(message); });
}

} // namespace gb
