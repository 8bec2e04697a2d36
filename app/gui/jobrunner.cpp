// SPDX-License-Identifier: MIT
#include "jobrunner.h"

#include "common/error.h"
#include "system/compute.h"

#include <QMetaObject>
#include <QThread>
#include <QThreadPool>

namespace gb {

QString toDisplayString(JobInfo::State s)
{
    switch (s) {
    case JobInfo::State::Queued: return QObject::tr("queued");
    case JobInfo::State::Running: return QObject::tr("running");
    case JobInfo::State::Finished: return QObject::tr("finished");
    case JobInfo::State::Failed: return QObject::tr("failed");
    case JobInfo::State::Cancelled: return QObject::tr("cancelled");
    case JobInfo::State::Stale: return QObject::tr("superseded");
    }
    return {};
}

JobRunner::JobRunner(QObject *parent)
    : QObject(parent)
    , m_pool(new QThreadPool(this))
    , m_threads(std::make_shared<std::atomic<int>>(0))
{
    m_pool->setMaxThreadCount(1);
    m_pool->setExpiryTimeout(-1);
}

JobRunner::~JobRunner()
{
    cancelAll();
    m_pool->waitForDone();
}

quint64 JobRunner::submit(const QString &name, const QString &slot, Work work, QObject *context,
                          ResultHandler onResult, ErrorHandler onError)
{
    Q_ASSERT(QThread::currentThread() == thread());
    const quint64 id = m_nextId++;
    if (!slot.isEmpty()) {
        const auto previous = m_latestBySlot.find(slot);
        if (previous != m_latestBySlot.end())
            cancel(previous.value());
        m_latestBySlot.insert(slot, id);
    }
    Entry &e = m_jobs[id];
    e.info.id = id;
    e.info.name = name;
    e.info.slot = slot;
    e.context = context;
    e.onResult = std::move(onResult);
    e.onError = std::move(onError);
    const CancelToken token = e.cancel;
    Q_EMIT jobAdded(id);

    QPointer<JobRunner> self(this);
    m_pool->start([self, id, token, threads = m_threads, work = std::move(work)]() {
        thread_local int applied = -1;
        if (const int wanted = threads->load(); wanted != applied) {
            gb::setComputeThreads(wanted);
            applied = wanted;
        }
        if (token.isCancelled()) {
            QMetaObject::invokeMethod(self, [self, id] {
                if (self)
                    self->onDone(id, nullptr, QString(), int(Error::Kind::Cancelled));
            }, Qt::QueuedConnection);
            return;
        }
        QMetaObject::invokeMethod(self, [self, id] {
            if (self)
                self->onStarted(id);
        }, Qt::QueuedConnection);
        Progress progress([self, id](const ProgressUpdate &u) {
            QMetaObject::invokeMethod(self, [self, id, u] {
                if (self)
                    self->onProgress(id, u);
            }, Qt::QueuedConnection);
        });
        auto result = std::make_shared<std::any>();
        QString error;
        int kind = -1;
        try {
            *result = work(progress, token);
            if (token.isCancelled())
                kind = int(Error::Kind::Cancelled);
        } catch (const Error &e) {
            error = QString::fromStdString(e.what());
            kind = int(e.kind());
        } catch (const std::exception &e) {
            error = QString::fromStdString(e.what());
            kind = int(Error::Kind::Internal);
        } catch (...) {
            error = QStringLiteral("unknown failure");
            kind = int(Error::Kind::Internal);
        }
        QMetaObject::invokeMethod(self, [self, id, result, error, kind] {
            if (self)
                self->onDone(id, result, error, kind);
        }, Qt::QueuedConnection);
    });
    return id;
}

void JobRunner::setComputeThreads(int n)
{
    m_threads->store(std::max(0, n));
}

int JobRunner::computeThreads() const
{
    const int n = m_threads->load();
    return n > 0 ? n : QThread::idealThreadCount();
}

void JobRunner::cancel(quint64 id)
{
    const auto it = m_jobs.find(id);
    if (it == m_jobs.end())
        return;
    it->second.cancel.cancel();
}

void JobRunner::cancelAll()
{
    for (auto &[id, e] : m_jobs)
        e.cancel.cancel();
}

bool JobRunner::waitForIdle(int msecs)
{
    return m_pool->waitForDone(msecs);
}

const JobInfo *JobRunner::job(quint64 id) const
{
    const auto it = m_jobs.find(id);
    return it == m_jobs.end() ? nullptr : &it->second.info;
}

QList<quint64> JobRunner::jobIds() const
{
    QList<quint64> ids;
    for (const auto &kv : m_jobs)
        ids.append(kv.first);
    return ids;
}

int JobRunner::activeCount() const
{
    int n = 0;
    for (const auto &kv : m_jobs)
        n += kv.second.info.state == JobInfo::State::Queued || kv.second.info.state == JobInfo::State::Running;
    return n;
}

void JobRunner::onStarted(quint64 id)
{
    auto it = m_jobs.find(id);
    if (it == m_jobs.end())
        return;
    it->second.info.state = JobInfo::State::Running;
    it->second.info.started = QDateTime::currentDateTime();
    Q_EMIT jobChanged(id);
}

void JobRunner::onProgress(quint64 id, const ProgressUpdate &u)
{
    auto it = m_jobs.find(id);
    if (it == m_jobs.end() || it->second.info.state != JobInfo::State::Running)
        return;
    it->second.info.progress = u;
    Q_EMIT jobChanged(id);
}

void JobRunner::onDone(quint64 id, std::shared_ptr<std::any> result, const QString &error, int errorKind)
{
    auto it = m_jobs.find(id);
    if (it == m_jobs.end())
        return;
    Entry &e = it->second;
    e.info.finished = QDateTime::currentDateTime();
    const bool stale = !e.info.slot.isEmpty() && m_latestBySlot.value(e.info.slot) != id;
    if (!e.info.slot.isEmpty() && !stale)
        m_latestBySlot.remove(e.info.slot);

    if (errorKind == int(Error::Kind::Cancelled)) {
        e.info.state = stale ? JobInfo::State::Stale : JobInfo::State::Cancelled;
    } else if (stale) {
        e.info.state = JobInfo::State::Stale;
    } else if (errorKind >= 0) {
        e.info.state = JobInfo::State::Failed;
        e.info.error = error;
        if (e.context && e.onError)
            e.onError(error, errorKind == int(Error::Kind::BadInput));
    } else {
        e.info.state = JobInfo::State::Finished;
        e.info.progress.fraction = 1.0;
        if (e.context && e.onResult)
            e.onResult(std::move(*result));
    }
    // Handlers may hold heavy captures; finished entries keep only what the dock shows.
    e.onResult = nullptr;
    e.onError = nullptr;
    Q_EMIT jobChanged(id);
}

} // namespace gb
