// SPDX-License-Identifier: MIT
// AppContext's model loading: jobs on the compute worker that fill the ModelCache.
#include "appcontext.h"

#include "jobrunner.h"

#include <QFileInfo>

namespace gb {

void AppContext::loadModel(const QString &path, const QString &processing)
{
    const std::string p = path.toStdString(), proc = processing.toStdString();
    const QString name = QFileInfo(path).fileName();
    jobs().submit(
        tr("Load model %1").arg(name), QStringLiteral("load-model:%1|%2").arg(path, processing),
        [cache = m_models, p, proc](Progress &progress, const CancelToken &cancel) -> std::any {
            cache->obtain(p, proc, progress, cancel);
            return {};
        },
        this,
        [this, name](std::any) {
            showStatus(tr("Model %1 loaded").arg(name));
            Q_EMIT modelsChanged();
        },
        [this, name](const QString &message, bool) { reportError(tr("Loading model %1 failed: %2").arg(name, message)); });
}

void AppContext::unloadModel(const QString &path)
{
    const std::string p = path.toStdString();
    // Dropping the last reference frees tensors; that stays on the worker like all model work.
    jobs().submit(
        tr("Unload model %1").arg(QFileInfo(path).fileName()), QString(),
        [cache = m_models, p](Progress &, const CancelToken &) -> std::any {
            cache->remove(p);
            return {};
        },
        this, [this](std::any) { Q_EMIT modelsChanged(); });
}

} // namespace gb
