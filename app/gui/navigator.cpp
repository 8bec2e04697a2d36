// SPDX-License-Identifier: MIT
#include "navigator.h"

#include "appcontext.h"
#include "io/json.h"
#include "modelrows.h"
#include "store/workspace.h"

#include <QHeaderView>
#include <QLocale>
#include <QMenu>
#include <QStandardItemModel>
#include <QTreeView>

namespace gb {

namespace {

enum Role { ArtifactIdRole = Qt::UserRole + 1, RunIdRole };

struct Group {
    const char *kind;
    const char *label;
};

const Group Groups[] = {
    {"model", QT_TRANSLATE_NOOP("Navigator", "Models")},
    {"dictionary", QT_TRANSLATE_NOOP("Navigator", "Dictionaries")},
    {"checkpoint_series", QT_TRANSLATE_NOOP("Navigator", "Checkpoint series")},
    {"corpus", QT_TRANSLATE_NOOP("Navigator", "Corpora")},
    {"dataset", QT_TRANSLATE_NOOP("Navigator", "Data sets")},
    {"tabular_model", QT_TRANSLATE_NOOP("Navigator", "Tabular models")},
};

QString summaryText(const std::string &json)
{
    try {
        const Json s = Json::parse(json);
        if (const Json *d = s.find("description"); d && d->isString())
            return QString::fromStdString(d->toString());
    } catch (...) {
    }
    return {};
}

} // namespace

Navigator::Navigator(AppContext &ctx, QWidget *parent)
    : QDockWidget(tr("Workspace"), parent)
    , m_ctx(ctx)
    , m_model(new QStandardItemModel(this))
    , m_view(new QTreeView(this))
{
    setObjectName(QStringLiteral("navigatorDock"));
    m_view->setModel(m_model);
    m_view->setHeaderHidden(false);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setUniformRowHeights(true);
    setWidget(m_view);
    connect(&ctx, &AppContext::artifactsChanged, this, &Navigator::refresh);
    connect(&ctx, &AppContext::runsChanged, this, &Navigator::refresh);
    connect(&ctx, &AppContext::workspaceChanged, this, &Navigator::refresh);
    connect(&ctx, &AppContext::modelsChanged, this, &Navigator::refresh);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QTreeView::customContextMenuRequested, this, [this](const QPoint &pos) {
        const QString model = modelrows::pathOf(m_view->indexAt(pos));
        if (model.isEmpty())
            return;
        QMenu menu(this);
        modelrows::addActions(m_ctx, &menu, model);
        menu.exec(m_view->viewport()->mapToGlobal(pos));
    });
    connect(m_view, &QTreeView::doubleClicked, this, [this](const QModelIndex &index) {
        const QVariant id = index.siblingAtColumn(0).data(ArtifactIdRole);
        if (id.isValid())
            m_ctx.requestOpenArtifact(id.toLongLong());
    });
    refresh();
}

void Navigator::refresh()
{
    m_model->clear();
    m_model->setHorizontalHeaderLabels({tr("Name"), tr("Details")});
    const Workspace *ws = m_ctx.workspace();
    if (!ws)
        return;
    const QLocale locale;
    for (const Group &g : Groups) {
        auto *groupItem = new QStandardItem(tr(g.label));
        QFont bold = groupItem->font();
        bold.setBold(true);
        groupItem->setFont(bold);
        for (const Artifact &a : ws->artifacts(g.kind)) {
            const QString path = QString::fromStdString(a.path);
            auto *name = new QStandardItem(path.section(QLatin1Char('/'), -1));
            name->setToolTip(path + QLatin1Char('\n') + tr("sha256 %1").arg(QString::fromStdString(a.sha256)));
            name->setData(qint64(a.id), ArtifactIdRole);
            auto *details = new QStandardItem(summaryText(a.summaryJson) + QStringLiteral(" \u2014 ")
                                              + locale.formattedDataSize(a.size));
            if (a.kind == "model")
                modelrows::decorate(m_ctx, name, details, a.path, a.summaryJson);
            groupItem->appendRow({name, details});
        }
        if (std::string(g.kind) == "model")
            modelrows::appendUnregistered(m_ctx, groupItem);
        groupItem->setText(tr(g.label) + QStringLiteral(" (%1)").arg(groupItem->rowCount()));
        m_model->appendRow({groupItem, new QStandardItem()});
    }
    auto *runsItem = new QStandardItem();
    QFont bold = runsItem->font();
    bold.setBold(true);
    runsItem->setFont(bold);
    const auto runs = ws->runs();
    for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
        auto *name = new QStandardItem(QStringLiteral("#%1 %2").arg(it->id).arg(QString::fromStdString(it->kind)));
        name->setData(qint64(it->id), RunIdRole);
        auto *details = new QStandardItem(QString::fromLatin1(toString(it->status)) + QStringLiteral(" \u2014 ")
                                          + QString::fromStdString(it->createdAt));
        if (!it->error.empty())
            details->setToolTip(QString::fromStdString(it->error));
        runsItem->appendRow({name, details});
    }
    runsItem->setText(tr("Runs (%1)").arg(runsItem->rowCount()));
    m_model->appendRow({runsItem, new QStandardItem()});
    m_view->expandAll();
    modelrows::spanFactRows(m_view);
    m_view->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
}

} // namespace gb
