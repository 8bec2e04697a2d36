// SPDX-License-Identifier: MIT
#pragma once

#include <QMainWindow>

class QLabel;
class QMenu;
class QTabWidget;

namespace gb {

class AppContext;
class DemoOffer;
class ErrorBanner;
class JobsDock;
class Navigator;
class WorkflowPage;

/// The window: workspace navigator (left), one page per workflow (centre), Jobs dock (bottom),
/// inline error banner, status bar with the compute set-up. Owns no model logic: pages do.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(AppContext &ctx, QWidget *parent = nullptr);
    ~MainWindow() override;

    QTabWidget *pages() const { return m_pages; }
    WorkflowPage *page(int index) const;
    ErrorBanner *banner() const { return m_banner; }
    DemoOffer *demoOffer() const { return m_demoOffer; }
    Navigator *navigator() const { return m_navigator; }
    JobsDock *jobsDock() const { return m_jobsDock; }

    /// Every action that has a shortcut, for the settings dialog (object name = settings key).
    QList<QAction *> shortcutActions() const;

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildMenus();
    void rebuildRecentMenu();
    void newWorkspace();
    void openWorkspaceDialog();
    void openWorkspace(const QString &path, bool create);
    void openArtifactDialog(const QString &title, bool folder, const QString &filter);
    void showSettings();
    void showSystemInfo();
    void exportFigure();
    void applyShortcutOverrides();
    void updateTitle();
    void updateComputeLabel();

    AppContext &m_ctx;
    QTabWidget *m_pages;
    ErrorBanner *m_banner;
    DemoOffer *m_demoOffer;
    Navigator *m_navigator;
    JobsDock *m_jobsDock;
    QMenu *m_recentMenu = nullptr;
    QLabel *m_computeLabel;
};

} // namespace gb
