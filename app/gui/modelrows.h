// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <string>

class QMenu;
class QModelIndex;
class QStandardItem;
class QTreeView;

namespace gb {

class AppContext;

/// How the navigator shows language models: the config facts (layers, d_model, heads,
/// vocabulary, parameters) as child rows, whether and how the model is loaded, and a context
/// menu to load or unload it.
namespace modelrows {

/// Decorates a registered model's row; `summaryJson` is the artifact's stored summary
/// (inspectPath's config facts).
void decorate(AppContext &ctx, QStandardItem *name, QStandardItem *details, const std::string &path,
              const std::string &summaryJson);
/// Adds loaded models that are not workspace artifacts (pages may load models directly).
void appendUnregistered(AppContext &ctx, QStandardItem *group);
/// Fact rows span both columns: the dock is narrow.
void spanFactRows(QTreeView *view);
/// The model folder behind a row (name or fact row), or "".
QString pathOf(const QModelIndex &index);
/// Load / load processed / unload actions for a model folder.
void addActions(AppContext &ctx, QMenu *menu, const QString &path);

} // namespace modelrows
} // namespace gb
