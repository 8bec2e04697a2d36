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

std::vector<std::pair<std::int64_t, std::string>> FeaturesState::inputs() const
{
    std::vector<std::pair<std::int64_t, std::string>> out;
    if (const Workspace *ws = m_ctx.workspace())
        for (const auto &[path, role] : {std::pair{m_target.modelPath, "model"}, std::pair{m_target.dictionaryPath, "dictionary"}})
            if (const auto a = ws->artifactByPath(QFileInfo(path).absoluteFilePath().toStdString()))
                out.emplace_back(a->id, role);
    return out;
}

qint64 FeaturesState::recordRun(const std::string &kind, const Json &params, const plots::Figure &figure)
{
    Workspace *ws = m_ctx.workspace();
    if (!ws)
        return 0;
    Json p = params;
    p.set("processing", m_target.processing.toStdString());
    if (m_target.head >= 0)
        p.set("head", m_target.head).set("head_hook", m_target.headHook.toStdString());
    try {
        const std::int64_t run = ws->beginRun(kind, p.dump(), inputs());
        ws->putResult(run, "figure", "json", figure.dataJson().toStdString());
        ws->finishRun(run);
        Q_EMIT m_ctx.runsChanged();
        return run;
    } catch (const Error &e) {
        m_ctx.reportError(QString::fromStdString(e.what()));
        return 0;
    }
}

void FeaturesState::updateFigure(qint64 runId, const plots::Figure &figure)
{
    Workspace *ws = m_ctx.workspace();
    if (!ws || runId <= 0)
        return;
    try {
        ws->putResult(runId, "figure", "json", figure.dataJson().toStdString());
    } catch (const Error &e) {
        m_ctx.reportError(QString::fromStdString(e.what()));
    }
}

plots::Provenance FeaturesState::provenance(const QString &title, qint64 runId) const
{
    plots::Provenance p;
    p.title = title;
    p.runId = runId;
    p.workspace = m_ctx.workspacePath();
    const Workspace *ws = m_ctx.workspace();
    const auto run = ws && runId > 0 ? ws->run(runId) : std::nullopt;
    if (run) {
        p.method = QString::fromStdString(run->kind);
        p.parametersJson = QString::fromStdString(run->paramsJson);
    }
    for (const QString &path : {m_target.modelPath, m_target.dictionaryPath}) {
        const auto a = ws ? ws->artifactByPath(QFileInfo(path).absoluteFilePath().toStdString()) : std::nullopt;
        p.inputs.append({path, a ? QString::fromStdString(a->sha256) : QString()});
    }
    return p;
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
