// SPDX-License-Identifier: MIT
#include "featuresstate.h"

#include "appcontext.h"

#include "common/error.h"
#include "io/json.h"
#include "store/workspace.h"

#include <QFileInfo>

namespace gb {

namespace {

Json noteJson(const Workspace *ws, const QString &scope, qint64 feature)
{
    if (!ws || scope.isEmpty())
        return Json::object();
    const auto v = ws->note(scope.toStdString(), std::to_string(feature));
    if (!v)
        return Json::object();
    try {
        const Json j = Json::parse(*v);
        return j.isObject() ? j : Json::object();
    } catch (const Error &) {
        return Json::object().set("label", *v); // a plain-text note written by hand
    }
}

QString field(const Json &j, const char *key)
{
    const Json *v = j.find(key);
    return v && v->isString() ? QString::fromStdString(v->toString()) : QString();
}

} // namespace

FeaturesState::FeaturesState(AppContext &ctx, QObject *parent)
    : QObject(parent)
    , m_ctx(ctx)
    , m_session(std::make_shared<FeatureSession>(ctx.modelCache()))
{
}

QString FeaturesState::notesScope() const
{
    const Workspace *ws = m_ctx.workspace();
    if (!ws || m_dictionary.path.isEmpty())
        return {};
    const auto a = ws->artifactByPath(QFileInfo(m_dictionary.path).absoluteFilePath().toStdString());
    return a ? QStringLiteral("dictionary:%1").arg(a->id) : QString();
}

QString FeaturesState::label(qint64 feature) const { return field(noteJson(m_ctx.workspace(), notesScope(), feature), "label"); }

QString FeaturesState::note(qint64 feature) const { return field(noteJson(m_ctx.workspace(), notesScope(), feature), "note"); }

void FeaturesState::setLabel(qint64 feature, const QString &label, const QString &note)
{
    Workspace *ws = m_ctx.workspace();
    const QString scope = notesScope();
    if (!ws || scope.isEmpty()) {
        m_ctx.reportError(tr("The dictionary is not registered in the workspace yet; try again in a moment."));
        return;
    }
    Json j = Json::object();
    j.set("label", label.toStdString()).set("note", note.toStdString());
    try {
        ws->setNote(scope.toStdString(), std::to_string(feature), j.dump());
    } catch (const Error &e) {
        m_ctx.reportError(QString::fromStdString(e.what()));
        return;
    }
    Q_EMIT labelsChanged();
}

void FeaturesState::setTarget(const FeatureTarget &t, const DictionarySummary &d)
{
    m_target = t;
    m_dictionary = d;
    m_scanRun = 0;
    Q_EMIT targetChanged();
}

void FeaturesState::setScanRun(qint64 run)
{
    if (run == m_scanRun)
        return;
    m_scanRun = run;
    Q_EMIT scanChanged();
}

} // namespace gb
