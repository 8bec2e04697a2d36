// SPDX-License-Identifier: MIT
#include "mainwindow.h"

#include "appcontext.h"
#include "appsettings.h"
#include "common/version.h"
#include "demooffer.h"
#include "errorbanner.h"
#include "figureview.h"
#include "jobrunner.h"
#include "jobsdock.h"
#include "navigator.h"
#include "pages/attributionpage.h"
#include "pages/evolutionpage.h"
#include "pages/featurespage.h"
#include "pages/tabularpage.h"
#include "settingsdialog.h"
#include "system/compute.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QVBoxLayout>

namespace gb {

MainWindow::MainWindow(AppContext &ctx, QWidget *parent)
    : QMainWindow(parent)
    , m_ctx(ctx)
    , m_pages(new QTabWidget(this))
    , m_banner(new ErrorBanner(this))
    , m_demoOffer(new DemoOffer(ctx, this))
    , m_navigator(new Navigator(ctx, this))
    , m_jobsDock(new JobsDock(ctx.jobs(), this))
    , m_computeLabel(new QLabel(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowIcon(QIcon(QStringLiteral(":/glassbox/icons/glassbox.svg")));

    m_pages->setDocumentMode(true);
    auto *features = new FeaturesPage(ctx, m_pages);
    m_pages->addTab(features, tr("Features"));
    m_pages->addTab(new AttributionPage(ctx, m_pages), tr("Attribution"));
    m_pages->addTab(new TabularPage(ctx, m_pages), tr("Tabular"));
    m_pages->addTab(new EvolutionPage(ctx, m_pages), tr("Evolution"));

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(4, 4, 4, 0);
    layout->addWidget(m_banner);
    layout->addWidget(m_demoOffer);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);

    addDockWidget(Qt::LeftDockWidgetArea, m_navigator);
    addDockWidget(Qt::BottomDockWidgetArea, m_jobsDock);
    resizeDocks({m_navigator}, {280}, Qt::Horizontal);
    resizeDocks({m_jobsDock}, {140}, Qt::Vertical);

    statusBar()->addPermanentWidget(m_computeLabel);
    const ComputeInfo info = computeInfo();
    updateComputeLabel();
    m_computeLabel->setToolTip(QString::fromStdString(info.blasLibrary));
    if (!info.warning.empty())
        m_banner->showError(QString::fromStdString(info.warning));

    connect(&ctx, &AppContext::errorReported, m_banner, &ErrorBanner::showError);
    connect(&ctx, &AppContext::statusMessage, this, [this](const QString &m) { statusBar()->showMessage(m, 8000); });
    connect(&ctx, &AppContext::workspaceChanged, this, &MainWindow::updateTitle);
    // The page connects first, so it has started its loads when it comes forward.
    connect(&ctx, &AppContext::showFeatureRequested, this, [this, features] { m_pages->setCurrentWidget(features); });
    connect(m_demoOffer, &DemoOffer::demoReady, this, [this](const QString &path) { openWorkspace(path, false); });

    buildMenus();
    applyShortcutOverrides();
    QSettings s;
    restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    m_pages->setCurrentIndex(s.value(QStringLiteral("window/page"), 0).toInt());
    if (!s.contains(QStringLiteral("window/geometry")))
        resize(1280, 800);
    updateTitle();
}

MainWindow::~MainWindow() = default;

WorkflowPage *MainWindow::page(int index) const
{
    return qobject_cast<WorkflowPage *>(m_pages->widget(index));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    s.setValue(QStringLiteral("window/page"), m_pages->currentIndex());
    m_ctx.jobs().cancelAll();
    QMainWindow::closeEvent(event);
}

void MainWindow::buildMenus()
{
    const auto addAction = [this](QMenu *menu, const QString &name, const QString &text, const QKeySequence &key,
                                  auto slot) {
        QAction *a = menu->addAction(text);
        a->setObjectName(name);
        a->setShortcut(key);
        a->setShortcutContext(Qt::ApplicationShortcut);
        connect(a, &QAction::triggered, this, slot);
        return a;
    };

    QMenu *file = menuBar()->addMenu(tr("&File"));
    addAction(file, QStringLiteral("newWorkspace"), tr("&New Workspace\u2026"), QKeySequence::New, [this] { newWorkspace(); });
    addAction(file, QStringLiteral("openWorkspace"), tr("&Open Workspace\u2026"), QKeySequence::Open,
              [this] { openWorkspaceDialog(); });
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    rebuildRecentMenu();
    file->addSeparator();
    addAction(file, QStringLiteral("openModel"), tr("Open &Model Folder\u2026"), QKeySequence(tr("Ctrl+M")),
              [this] { openArtifactDialog(tr("Open Model Folder"), true, QString()); });
    addAction(file, QStringLiteral("openDictionary"), tr("Open &Dictionary\u2026"), QKeySequence(tr("Ctrl+D")),
              [this] { openArtifactDialog(tr("Open Dictionary Folder"), true, QString()); });
    addAction(file, QStringLiteral("openDataSet"), tr("Open Data &Set\u2026"), QKeySequence(tr("Ctrl+Shift+O")),
              [this] {
                  openArtifactDialog(tr("Open Data Set"), false,
                                     tr("Data (*.csv *.txt *.jsonl *.pt *.pth);;All files (*)"));
              });
    file->addSeparator();
    addAction(file, QStringLiteral("exportFigure"), tr("&Export Figure\u2026"), QKeySequence(tr("Ctrl+Shift+E")),
              [this] { exportFigure(); });
    file->addSeparator();
    addAction(file, QStringLiteral("settings"), tr("S&ettings\u2026"), QKeySequence::Preferences, [this] { showSettings(); });
    file->addSeparator();
    addAction(file, QStringLiteral("quit"), tr("&Quit"), QKeySequence::Quit, [this] { close(); });

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < m_pages->count(); ++i) {
        addAction(view, QStringLiteral("showPage%1").arg(i), m_pages->tabText(i), QKeySequence(tr("Ctrl+%1").arg(i + 1)),
                  [this, i] { m_pages->setCurrentIndex(i); });
    }
    view->addSeparator();
    view->addAction(m_navigator->toggleViewAction());
    view->addAction(m_jobsDock->toggleViewAction());

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    addAction(help, QStringLiteral("openDemo"), tr("Open the &Demo Workspace"), QKeySequence(),
              [this] { m_demoOffer->openOrBuild(); });
    addAction(help, QStringLiteral("systemInfo"), tr("&Compute Set-up\u2026"), QKeySequence(), [this] { showSystemInfo(); });
    addAction(help, QStringLiteral("about"), tr("&About Glassbox"), QKeySequence(), [this] {
        QMessageBox::about(this, tr("About Glassbox"),
                           tr("<b>Glassbox %1</b><p>A native, offline interpretability workbench.</p>")
                               .arg(QString::fromLatin1(appVersion())));
    });
}

// The figure the user means: the one with focus, else the first one showing on the current page.
void MainWindow::exportFigure()
{
    FigureView *view = nullptr;
    for (QWidget *w = QApplication::focusWidget(); w && !view; w = w->parentWidget())
        view = qobject_cast<FigureView *>(w);
    if (!view && m_pages->currentWidget())
        for (FigureView *v : m_pages->currentWidget()->findChildren<FigureView *>())
            if (!view && v->isVisible() && v->figure())
                view = v;
    if (view)
        view->openExportDialog();
    else
        m_ctx.showStatus(tr("This page shows no figure to export yet."));
}

QList<QAction *> MainWindow::shortcutActions() const
{
    QList<QAction *> out;
    for (QAction *a : findChildren<QAction *>())
        if (!a->objectName().isEmpty() && !a->menu())
            out.append(a);
    return out;
}

void MainWindow::applyShortcutOverrides()
{
    QSettings s;
    s.beginGroup(QStringLiteral("shortcuts"));
    for (QAction *a : shortcutActions())
        if (s.contains(a->objectName()))
            a->setShortcut(QKeySequence(s.value(a->objectName()).toString()));
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    for (const QString &path : AppSettings::recentWorkspaces())
        m_recentMenu->addAction(path, this, [this, path] { openWorkspace(path, false); });
    m_recentMenu->setEnabled(!m_recentMenu->isEmpty());
}

void MainWindow::newWorkspace()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("New Workspace"), QString(),
                                                      tr("Glassbox workspace (*.gbx)"));
    if (path.isEmpty())
        return;
    openWorkspace(path.endsWith(QStringLiteral(".gbx")) ? path : path + QStringLiteral(".gbx"), true);
}

void MainWindow::openWorkspaceDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Workspace"), QString(),
                                                      tr("Glassbox workspace (*.gbx);;All files (*)"));
    if (!path.isEmpty())
        openWorkspace(path, false);
}

void MainWindow::openWorkspace(const QString &path, bool create)
{
    const QString error = m_ctx.openWorkspace(path, create);
    if (!error.isEmpty()) {
        m_banner->showError(error);
        return;
    }
    AppSettings::addRecentWorkspace(path);
    rebuildRecentMenu();
}

void MainWindow::openArtifactDialog(const QString &title, bool folder, const QString &filter)
{
    const QString path = folder ? QFileDialog::getExistingDirectory(this, title)
                                : QFileDialog::getOpenFileName(this, title, QString(), filter);
    if (!path.isEmpty())
        m_ctx.registerArtifact(path);
}

void MainWindow::showSettings()
{
    SettingsDialog dialog(shortcutActions(), this);
    if (dialog.exec() == QDialog::Accepted) {
        applyShortcutOverrides();
        m_ctx.jobs().setComputeThreads(AppSettings::computeThreads());
        updateComputeLabel();
    }
}

void MainWindow::showSystemInfo()
{
    const ComputeInfo info = computeInfo();
    QMessageBox::information(this, tr("Compute Set-up"),
                             tr("<p>libtorch %1</p><p>BLAS: %2<br>%3</p><p>Intra-op threads: %4 of %5 cores</p>%6")
                                 .arg(QString::fromStdString(info.torchVersion), QString::fromStdString(info.blasKind),
                                      QString::fromStdString(info.blasLibrary))
                                 .arg(m_ctx.jobs().computeThreads())
                                 .arg(info.cores)
                                 .arg(info.warning.empty() ? QString()
                                                           : QStringLiteral("<p><b>%1</b></p>")
                                                                 .arg(QString::fromStdString(info.warning))));
}

void MainWindow::updateComputeLabel()
{
    m_computeLabel->setText(tr("BLAS: %1 \u00B7 %2 compute threads")
                                .arg(QString::fromStdString(computeInfo().blasKind))
                                .arg(m_ctx.jobs().computeThreads()));
}

void MainWindow::updateTitle()
{
    const QString path = m_ctx.workspacePath();
    setWindowTitle(path.isEmpty() ? QStringLiteral("Glassbox") : QStringLiteral("%1 \u2014 Glassbox").arg(path));
}

} // namespace gb
