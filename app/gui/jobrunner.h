// SPDX-License-Identifier: MIT
#pragma once

#include "jobs/cancel.h"
#include "jobs/progress.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>

#include <any>
#include <atomic>
#include <functional>
#include <map>
#include <memory>

class QThreadPool;

namespace gb {

/// What the Jobs dock shows about one job.
struct JobInfo {
    enum class State { Queued, Running, Finished, Failed, Cancelled, Stale };
    quint64 id = 0;
    QString name;
    QString slot;
    State state = State::Queued;
    ProgressUpdate progress;
    QString error;
    QDateTime started;
    QDateTime finished;
};

QString toDisplayString(JobInfo::State s);

/// Runs core jobs off the GUI thread.
///
/// A job is a pure function `work(progress, cancel) -> result`. JobRunner runs it on its single
/// compute worker (model work is serialised: libtorch uses the cores through its own intra-op
/// threads, so one worker avoids oversubscription), forwards throttled progress, and delivers the
/// result or the error on the GUI thread through queued calls to the `context` object; if the
/// context is gone by then, nothing is delivered.
///
/// Jobs submitted with the same non-empty `slot` (e.g. "attribution-view") supersede each other:
/// submitting a new one cancels the older one, and an older result that still arrives is dropped
/// as stale, never painted.
///
/// Thread contract: every public method must be called on the GUI thread.
class JobRunner : public QObject {
    Q_OBJECT
public:
    using Work = std::function<std::any(Progress &, const CancelToken &)>;
    using ResultHandler = std::function<void(std::any)>;
    using ErrorHandler = std::function<void(const QString &message, bool badInput)>;

    explicit JobRunner(QObject *parent = nullptr);
    ~JobRunner() override;

    quint64 submit(const QString &name, const QString &slot, Work work, QObject *context,
                   ResultHandler onResult, ErrorHandler onError = {});
    void cancel(quint64 id);
    void cancelAll();
    /// Blocks until the worker is idle (tests and shutdown only).
    bool waitForIdle(int msecs = -1);

    /// Intra-op threads libtorch uses inside jobs (0 = one per core). Applied on the worker
    /// thread before the next job starts, since OpenMP thread counts are per calling thread.
    void setComputeThreads(int n);
    int computeThreads() const;

    const JobInfo *job(quint64 id) const;
    QList<quint64> jobIds() const;
    int activeCount() const;

Q_SIGNALS:
    void jobAdded(quint64 id);
    void jobChanged(quint64 id);

private:
    struct Entry {
        JobInfo info;
        CancelToken cancel;
        QPointer<QObject> context;
        ResultHandler onResult;
        ErrorHandler onError;
    };

    void onStarted(quint64 id);
    void onProgress(quint64 id, const ProgressUpdate &u);
    void onDone(quint64 id, std::shared_ptr<std::any> result, const QString &error, int errorKind);

    QThreadPool *m_pool;
    std::map<quint64, Entry> m_jobs;
    QHash<QString, quint64> m_latestBySlot;
    quint64 m_nextId = 1;
    std::shared_ptr<std::atomic<int>> m_threads;
};

} // namespace gb
