// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

namespace gb {

/// Typed access to the persistent settings (QSettings): compute threads, colour maps, recent
/// workspaces. One place knows the keys.
namespace AppSettings {

/// 0 = one per core.
int computeThreads();
void setComputeThreads(int n);

QString sequentialColorMap();
void setSequentialColorMap(const QString &name);
QString divergingColorMap();
void setDivergingColorMap(const QString &name);

QStringList recentWorkspaces();
void addRecentWorkspace(const QString &path);

QString lastWorkspace();
/// Where the app keeps its default (and demo) workspace when the user has not chosen one.
QString defaultWorkspacePath();

} // namespace AppSettings
} // namespace gb
