// SPDX-License-Identifier: MIT
#pragma once

#include <QDockWidget>

class QStandardItemModel;
class QTreeView;

namespace gb {

class AppContext;

/// The workspace at a glance: models, dictionaries, data sets, corpora and runs, grouped by kind.
/// Double-clicking an artifact asks the page that handles it to open it.
class Navigator : public QDockWidget {
    Q_OBJECT
public:
    Navigator(AppContext &ctx, QWidget *parent = nullptr);

    QStandardItemModel *model() const { return m_model; }
    void refresh();

private:
    AppContext &m_ctx;
    QStandardItemModel *m_model;
    QTreeView *m_view;
};

} // namespace gb
