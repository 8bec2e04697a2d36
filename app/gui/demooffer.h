// SPDX-License-Identifier: MIT
#pragma once

#include <QFrame>

class QLabel;
class QPushButton;

namespace gb {

class AppContext;

/// The built-in demo (issue 8) from the app: a strip under the banner that offers to build it on
/// first start, builds it as a job (progress in the Jobs dock and on the strip, cancellable, the
/// window stays live) and announces its workspace when done. `openOrBuild` announces an already
/// built demo at once.
class DemoOffer : public QFrame {
    Q_OBJECT
public:
    DemoOffer(AppContext &ctx, QWidget *parent = nullptr);

    /// The demo's folder: the app's data folder + "/demo" (DemoPaths inside).
    static QString demoFolder();
    static QString demoWorkspace();
    static bool demoBuilt();

    /// Shows the offer (nothing is computed until the user accepts).
    void offer();
    /// Opens the demo workspace when it is built, else starts building it.
    void openOrBuild();
    /// Starts the build job (no-op while one runs); the workspace opens when it finishes.
    void build();
    bool building() const { return m_job != 0; }
    /// Which DemoConfig the build uses ("standard"; tests use "small").
    void setConfigName(const QString &name) { m_configName = name; }

Q_SIGNALS:
    /// The demo workspace is ready to open (built now or before).
    void demoReady(const QString &workspace);

private:
    void stopped(const QString &why);

    AppContext &m_ctx;
    QLabel *m_label;
    QPushButton *m_build;
    QPushButton *m_dismiss;
    quint64 m_job = 0;
    QString m_configName = QStringLiteral("standard");
};

} // namespace gb
