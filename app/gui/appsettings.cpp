// SPDX-License-Identifier: MIT
#include "appsettings.h"

#include <QDir>
#include <QSettings>
#include <QStandardPaths>

namespace gb::AppSettings {

namespace {
constexpr int MaxRecent = 8;
}

int computeThreads()
{
    return QSettings().value(QStringLiteral("compute/threads"), 0).toInt();
}

void setComputeThreads(int n)
{
    QSettings().setValue(QStringLiteral("compute/threads"), n);
}

QString sequentialColorMap()
{
    return QSettings().value(QStringLiteral("plots/sequentialColorMap"), QStringLiteral("viridis")).toString();
}

void setSequentialColorMap(const QString &name)
{
    QSettings().setValue(QStringLiteral("plots/sequentialColorMap"), name);
}

QString divergingColorMap()
{
    return QSettings().value(QStringLiteral("plots/divergingColorMap"), QStringLiteral("blue-red")).toString();
}

void setDivergingColorMap(const QString &name)
{
    QSettings().setValue(QStringLiteral("plots/divergingColorMap"), name);
}

QStringList recentWorkspaces()
{
    return QSettings().value(QStringLiteral("workspace/recent")).toStringList();
}

void addRecentWorkspace(const QString &path)
{
    QStringList list = recentWorkspaces();
    list.removeAll(path);
    list.prepend(path);
    while (list.size() > MaxRecent)
        list.removeLast();
    QSettings s;
    s.setValue(QStringLiteral("workspace/recent"), list);
    s.setValue(QStringLiteral("workspace/last"), path);
}

QString lastWorkspace()
{
    return QSettings().value(QStringLiteral("workspace/last")).toString();
}

QString defaultWorkspacePath()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(dir);
    return dir + QStringLiteral("/workspace.gbx");
}

} // namespace gb::AppSettings
