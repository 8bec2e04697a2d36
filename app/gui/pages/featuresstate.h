// SPDX-License-Identifier: MIT
#pragma once

#include "featuresjobs.h"

#include <QObject>

#include <memory>

namespace gb {

class AppContext;

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

    void setTarget(const FeatureTarget &t, const DictionarySummary &d);
    void setScanRun(qint64 run);

Q_SIGNALS:
    void targetChanged();
    void scanChanged();
    /// A view asks for a feature's dashboard.
    void openFeature(qint64 feature);
    void labelsChanged();

private:
    AppContext &m_ctx;
    FeatureTarget m_target;
    DictionarySummary m_dictionary;
    std::shared_ptr<FeatureSession> m_session;
    qint64 m_scanRun = 0;
};

} // namespace gb
