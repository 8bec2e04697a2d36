// SPDX-License-Identifier: MIT
// App cold start: spawns `glassbox --report-startup` on a fresh workspace and settings folder,
// and times from spawn to the first painted frame (the app prints it after that frame and quits).
// Usage: bench_startup [runs=10]   (set QT_QPA_PLATFORM=offscreen without a display)
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdlib>
#include <cstdio>
#include <vector>

namespace {

struct Sample {
    double spawnToPaintMs;
    double mainToPaintMs;
};

Sample runOnce(const QString &app)
{
    QTemporaryDir home;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    QProcess p;
    p.setProcessEnvironment(env);
    QElapsedTimer t;
    t.start();
    p.start(app, {QStringLiteral("--report-startup"), home.filePath(QStringLiteral("bench.gbx"))});
    QByteArray out;
    while (!out.contains('\n') && p.waitForReadyRead(60000))
        out += p.readAllStandardOutput();
    const double spawnToPaint = t.nsecsElapsed() / 1e6;
    p.waitForFinished(60000);
    const int colon = out.indexOf(':');
    if (colon < 0) {
        std::fprintf(stderr, "no startup report from %s: %s\n", qPrintable(app), p.readAllStandardError().constData());
        std::exit(1);
    }
    return {spawnToPaint, out.mid(colon + 1, out.indexOf('}') - colon - 1).trimmed().toDouble()};
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication qapp(argc, argv);
    const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 10;
    const QString app = QStringLiteral(GLASSBOX_APP);
    std::vector<double> spawn, inMain;
    runOnce(app); // the first run warms the page cache; every later run is equally warm
    for (int i = 0; i < runs; ++i) {
        const Sample s = runOnce(app);
        spawn.push_back(s.spawnToPaintMs);
        inMain.push_back(s.mainToPaintMs);
    }
    std::printf("runs %d (after one warm-up)\n", runs);
    std::printf("spawn -> first painted frame: median %.0f ms, min %.0f, max %.0f\n", median(spawn),
                *std::min_element(spawn.begin(), spawn.end()), *std::max_element(spawn.begin(), spawn.end()));
    std::printf("main() -> first painted frame: median %.0f ms, min %.0f, max %.0f\n", median(inMain),
                *std::min_element(inMain.begin(), inMain.end()), *std::max_element(inMain.begin(), inMain.end()));
    return 0;
}
