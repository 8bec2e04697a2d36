// SPDX-License-Identifier: MIT
#pragma once

#include "modelcache.h"

#include <QObject>
#include <QString>

#include <memory>

namespace gb {

class JobRunner;
class Workspace;
struct Artifact;

/// What every panel shares: the job runner, the open workspace (GUI-thread connection) and the
/// app-wide error/status channels. Panels talk to each other only through this object's signals.
class AppContext : public QObject {
    Q_OBJECT
public:
    explicit AppContext(QObject *parent = nullptr);
    ~AppContext() override;

    JobRunner &jobs() { return *m_jobs; }
    /// The open workspace; never null once MainWindow is up.
    Workspace *workspace() const { return m_workspace.get(); }
    QString workspacePath() const;

    /// Opens (or creates) a workspace; on failure keeps the current one and returns the error.
    QString openWorkspace(const QString &path, bool create);
    /// Registers a file or folder as an artifact (hashing runs as a job) and announces it.
    void registerArtifact(const QString &path);

    void reportError(const QString &message) { Q_EMIT errorReported(message); }
    void showStatus(const QString &message) { Q_EMIT statusMessage(message); }
    /// Language models loaded so far (see ModelCache for the thread contract).
    ModelCache &models() { return *m_models; }
    /// The same cache, for jobs to capture (it must outlive a job that is still running).
    std::shared_ptr<ModelCache> modelCache() const { return m_models; }
    /// Loads a model folder as a job (progress per tensor, cancellable); announces it with
    /// modelsChanged(). `processing`: "fold_ln,center_writing_weights,center_unembed" or a subset.
    void loadModel(const QString &path, const QString &processing = QString());
    /// Forgets a loaded model (jobs using it keep their reference until they end).
    void unloadModel(const QString &path);
    /// Asks whichever page handles artifacts of this kind to open it.
    void requestOpenArtifact(qint64 artifactId) { Q_EMIT openArtifactRequested(artifactId); }
    /// Asks the feature explorer to open `feature` of the dictionary folder at `dictionaryPath` in
    /// its dashboard (the main window brings that page forward). A crosscoder is shown through
    /// head `head` (-1: the page's choice), read at `hook` of the model folder `modelPath` (empty:
    /// the page's current ones), e.g. a snapshot's checkpoint.
    void requestShowFeature(const QString &dictionaryPath, int head, qint64 feature, const QString &modelPath = QString(),
                            const QString &hook = QString())
    {
        Q_EMIT showFeatureRequested(dictionaryPath, head, feature, modelPath, hook);
    }

Q_SIGNALS:
    void workspaceChanged();
    void artifactsChanged();
    void runsChanged();
    void errorReported(const QString &message);
    void statusMessage(const QString &message);
    void openArtifactRequested(qint64 artifactId);
    void showFeatureRequested(const QString &dictionaryPath, int head, qint64 feature, const QString &modelPath,
                              const QString &hook);
    void modelsChanged();

private:
    JobRunner *m_jobs;
    std::unique_ptr<Workspace> m_workspace;
    /// Shared with running jobs, which may outlive this object's members during shutdown.
    std::shared_ptr<ModelCache> m_models = std::make_shared<ModelCache>();
};

} // namespace gb
