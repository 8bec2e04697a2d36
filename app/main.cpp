// SPDX-License-Identifier: MIT
#include "gui/appcontext.h"
#include "gui/appsettings.h"
#include "gui/demooffer.h"
#include "gui/jobrunner.h"
#include "gui/errorbanner.h"
#include "gui/firstpaintprobe.h"
#include "gui/mainwindow.h"
#include "common/version.h"
#include "system/compute.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QTabWidget>
#include <QTimer>

#include <cstdio>
#include <cstring>

int main(int argc, char **argv)
{
    QElapsedTimer sinceStart;
    sinceStart.start();
    // --version and --help print and quit: they must work without a display (e.g. over ssh,
    // right after installing the package).
    for (int i = 1; i < argc; ++i)
        if ((!std::strcmp(argv[i], "--version") || !std::strcmp(argv[i], "-v") || !std::strcmp(argv[i], "--help")
             || !std::strcmp(argv[i], "-h"))
            && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Glassbox"));
    QApplication::setOrganizationName(QStringLiteral("Glassbox"));
    QApplication::setApplicationVersion(QString::fromLatin1(GLASSBOX_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/glassbox/icons/glassbox.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Glassbox interpretability workbench"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("workspace"), QStringLiteral("Workspace file (.gbx) to open."));
    parser.addOption({QStringLiteral("screenshot"), QStringLiteral("Save a screenshot of the window to FILE and quit."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("report-startup"),
                      QStringLiteral("Print the milliseconds from start to the first painted frame and quit.")});
    parser.addOption({QStringLiteral("page"), QStringLiteral("Page to show first (0-3)."), QStringLiteral("N")});
    parser.process(app);

    gb::AppContext ctx;
    ctx.jobs().setComputeThreads(gb::AppSettings::computeThreads());
    QString path = parser.positionalArguments().value(0);
    if (path.isEmpty())
        path = gb::AppSettings::lastWorkspace();
    // First start: the built-in demo when it is built, else the default workspace and the offer.
    const bool firstStart = path.isEmpty();
    if (firstStart)
        path = gb::DemoOffer::demoBuilt() ? gb::DemoOffer::demoWorkspace() : gb::AppSettings::defaultWorkspacePath();
    QString error = ctx.openWorkspace(path, true);
    if (!error.isEmpty() && path != gb::AppSettings::defaultWorkspacePath()) {
        // Keep going on the default workspace; the banner says what was wrong with the other.
        ctx.openWorkspace(gb::AppSettings::defaultWorkspacePath(), true);
    } else if (error.isEmpty()) {
        gb::AppSettings::addRecentWorkspace(path);
    }

    gb::MainWindow window(ctx);
    if (parser.isSet(QStringLiteral("page")))
        window.pages()->setCurrentIndex(parser.value(QStringLiteral("page")).toInt());
    if (!error.isEmpty())
        window.banner()->showError(error);
    if (firstStart && !gb::DemoOffer::demoBuilt())
        window.demoOffer()->offer();
    // --report-startup is for bench_startup: it prints the time from main() to the first painted
    // frame and quits.
    if (parser.isSet(QStringLiteral("report-startup"))) {
        new gb::FirstPaintProbe(
            [&sinceStart] {
                std::printf("{\"first_paint_ms\": %lld}\n", static_cast<long long>(sinceStart.elapsed()));
                std::fflush(stdout);
                QApplication::quit();
            },
            &window);
    }
    window.show();

    if (parser.isSet(QStringLiteral("screenshot"))) {
        const QString file = parser.value(QStringLiteral("screenshot"));
        QTimer::singleShot(500, &window, [&window, file] {
            window.grab().save(file);
            QApplication::quit();
        });
    }
    return app.exec();
}
