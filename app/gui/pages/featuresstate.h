// SPDX-License-Identifier: MIT
#pragma once

#include "featuresjobs.h"

#include <QObject>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace gb {

class AppContext;
class Json;

/// What the Features page's tabs share: the chosen model and dictionary, the scan whose
/// statistics the dashboards use, and the worker-side session. Tabs react to its signals.
class FeaturesState : public QObject {
    Q_OBJECT
public:
    FeaturesState(AppContext &ctx, QObject *parent = nullptr);

    AppContext &ctx() { return m_ctx; }
    const FeatureTarget &target() const { return m_target; }
    const DictionarySummary &dictionary() const { return m_dictionary; }
    std::shared_ptr<FeatureSession> session() const { return m_session; }
    qint64 scanRun() const { return m_scanRun; }
    /// Notes scope of the dictionary's labels ("dictionary:<artifact id>"), empty until the
    /// dictionary is registered in the workspace.
    QString notesScope() const;
    /// The user's label of a feature (empty when none).
    QString label(qint64 feature) const;
    QString note(qint64 feature) const;
    void setLabel(qint64 feature, const QString &label, const QString &note);

    /// Stores a finished run of the page (inputs: the current model and dictionary) with the
    /// figure it shows as its "figure" result, so that `glassbox-cli render --run` re-renders
    /// it without recomputing. Returns the run id; 0 without a workspace or on error (reported).
    qint64 recordRun(const std::string &kind, const Json &params, const plots::Figure &figure);
    /// Replaces the stored figure of a run whose view changed (re-sorted, filtered).
    void updateFigure(qint64 runId, const plots::Figure &figure);
    /// What an export of run `runId`'s figure carries: the inputs with their hashes, parameters.
    plots::Provenance provenance(const QString &title, qint64 runId) const;

    void setTarget(const FeatureTarget &t, const DictionarySummary &d);
    void setScanRun(qint64 run);

Q_SIGNALS:
    void targetChanged();
    void scanChanged();
    /// A view asks for a feature's dashboard.
    void openFeature(qint64 feature);
    void labelsChanged();

private:
    /// The model and dictionary as registered workspace artifacts (run inputs).
    std::vector<std::pair<std::int64_t, std::string>> inputs() const;

    AppContext &m_ctx;
    FeatureTarget m_target;
    DictionarySummary m_dictionary;
    std::shared_ptr<FeatureSession> m_session;
    qint64 m_scanRun = 0;
};

} // namespace gb
