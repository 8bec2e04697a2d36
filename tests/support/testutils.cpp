// SPDX-License-Identifier: MIT
#include "testutils.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>

#include <algorithm>

namespace gbtest {

QString fixturesDir()
{
    return qEnvironmentVariable("GLASSBOX_TEST_DATA", QStringLiteral(GLASSBOX_SOURCE_DIR "/tests/fixtures"));
}

QString buildDir()
{
    return qEnvironmentVariable("GLASSBOX_BUILD_DIR", QDir::currentPath());
}

QString screenshotsDir()
{
    const QString dir = buildDir() + QStringLiteral("/screenshots");
    QDir().mkpath(dir);
    return dir;
}

template<typename T>
static double maxAbsDiffT(const std::vector<T> &a, const std::vector<T> &b)
{
    if (a.size() != b.size())
        return INFINITY;
    double m = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        m = std::max(m, std::fabs(double(a[i]) - double(b[i])));
    return m;
}

double maxAbsDiff(const std::vector<float> &a, const std::vector<float> &b) { return maxAbsDiffT(a, b); }
double maxAbsDiff(const std::vector<double> &a, const std::vector<double> &b) { return maxAbsDiffT(a, b); }

CliResult runCli(const QStringList &args, int timeoutMs)
{
    QProcess p;
    p.start(buildDir() + QStringLiteral("/app/glassbox-cli"), args);
    const bool finished = p.waitForFinished(timeoutMs);
    CliResult r;
    r.exitCode = finished && p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

void writeFile(const QString &path, const std::string &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    f.write(bytes.data(), qint64(bytes.size()));
}

std::string readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    const QByteArray b = f.readAll();
    return std::string(b.constData(), std::size_t(b.size()));
}

} // namespace gbtest
