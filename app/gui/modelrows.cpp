// SPDX-License-Identifier: MIT
#include "modelrows.h"

#include "appcontext.h"
#include "common/error.h"
#include "io/json.h"
#include "models/modelconfig.h"
#include "store/workspace.h"

#include <QDir>
#include <QMenu>
#include <QStandardItem>
#include <QStandardItemModel>
#include <QTreeView>

namespace gb::modelrows {

namespace {

enum Role { ModelPathRole = Qt::UserRole + 20, FactRowRole };

struct Facts {
    QString type;
    qint64 layers = 0, dModel = 0, heads = 0, vocab = 0, parameters = 0;
    bool known = false;
};

Facts factsFromJson(const std::string &summaryJson)
{
    Facts f;
    try {
        const Json s = Json::parse(summaryJson);
        const auto number = [&s](const char *key) {
            const Json *v = s.find(key);
            return v && v->isNumber() ? qint64(v->toInt()) : qint64(0);
        };
        if (const Json *t = s.find("model_type"); t && t->isString())
            f.type = QString::fromStdString(t->toString());
        f.layers = number("n_layers");
        f.dModel = number("d_model");
        f.heads = number("n_heads");
        f.vocab = number("vocab_size");
        f.parameters = number("parameters");
        f.known = f.layers > 0;
    } catch (const Error &) {
    }
    return f;
}

Facts factsOf(const ModelCache::Summary &s)
{
    Facts f;
    f.layers = s.layers;
    f.dModel = s.dModel;
    f.heads = s.heads;
    f.vocab = s.vocab;
    f.parameters = s.parameters;
    f.type = QString::fromStdString(s.description).section(QLatin1Char(':'), 0, 0);
    f.known = true;
    return f;
}

QString canonical(const std::string &path)
{
    return QDir::cleanPath(QDir(QString::fromStdString(path)).absolutePath());
}

void addFactRow(QStandardItem *name, const QString &text, const QString &path)
{
    auto *row = new QStandardItem(text);
    row->setData(true, FactRowRole);
    row->setData(path, ModelPathRole);
    row->setToolTip(text);
    QFont small = row->font();
    small.setPointSizeF(small.pointSizeF() * 0.92);
    row->setFont(small);
    row->setForeground(QColor(0x55, 0x5b, 0x66));
    name->appendRow({row, new QStandardItem()});
}

/// Short names: the dock is narrow.
QString processingLabel(const std::string &processing)
{
    if (processing == "none")
        return QObject::tr("raw weights");
    QStringList parts;
    for (const QString &p : QString::fromStdString(processing).split(QLatin1Char(','))) {
        if (p == QLatin1String("fold_ln"))
            parts << QObject::tr("folded LN");
        else if (p == QLatin1String("center_writing_weights"))
            parts << QObject::tr("centred writers");
        else if (p == QLatin1String("center_unembed"))
            parts << QObject::tr("centred unembed");
        else
            parts << p;
    }
    return parts.join(QStringLiteral(", "));
}

void fill(AppContext &ctx, QStandardItem *name, QStandardItem *details, const std::string &path, const Facts &f)
{
    const QString folder = canonical(path);
    name->setData(folder, ModelPathRole);
    QStringList variants;
    for (const ModelCache::Summary &s : ctx.models().loaded()) {
        if (QString::fromStdString(s.path) != folder)
            continue;
        if (s.processing == "none")
            variants.prepend(processingLabel(s.processing));
        else
            variants << processingLabel(s.processing);
    }
    if (f.known) {
        // The fact rows carry the description; the narrow Details column keeps only the size.
        details->setToolTip(details->text());
        details->setText(details->text().section(QStringLiteral(" \u2014 "), -1));
        addFactRow(name, QObject::tr("%1, %2 layers, %3 heads").arg(f.type).arg(f.layers).arg(f.heads), folder);
        addFactRow(name, QObject::tr("d_model %1, vocabulary %2").arg(f.dModel).arg(f.vocab), folder);
        addFactRow(name,
                   QObject::tr("%1 parameters").arg(QString::fromStdString(formatParameterCount(f.parameters))),
                   folder);
    }
    for (const QString &v : variants)
        addFactRow(name, QObject::tr("loaded: %1").arg(v), folder);
    if (variants.isEmpty())
        return;
    details->setText(details->text().isEmpty() ? QObject::tr("loaded")
                                               : QObject::tr("loaded \u00B7 %1").arg(details->text()));
    QFont bold = name->font();
    bold.setBold(true);
    name->setFont(bold);
}

} // namespace

void decorate(AppContext &ctx, QStandardItem *name, QStandardItem *details, const std::string &path,
              const std::string &summaryJson)
{
    fill(ctx, name, details, path, factsFromJson(summaryJson));
}

void appendUnregistered(AppContext &ctx, QStandardItem *group)
{
    const Workspace *ws = ctx.workspace();
    QStringList shown;
    for (const ModelCache::Summary &s : ctx.models().loaded()) {
        const QString path = QString::fromStdString(s.path);
        if (shown.contains(path) || (ws && ws->artifactByPath(s.path)))
            continue;
        shown << path;
        auto *name = new QStandardItem(path.section(QLatin1Char('/'), -1));
        name->setToolTip(QObject::tr("%1 (not in the workspace)").arg(path));
        auto *details = new QStandardItem();
        fill(ctx, name, details, s.path, factsOf(s));
        group->appendRow({name, details});
    }
}

void spanFactRows(QTreeView *view)
{
    auto *model = qobject_cast<QStandardItemModel *>(view->model());
    if (!model)
        return;
    for (int g = 0; g < model->rowCount(); ++g) {
        QStandardItem *group = model->item(g);
        for (int r = 0; r < group->rowCount(); ++r) {
            QStandardItem *item = group->child(r);
            for (int f = 0; f < item->rowCount(); ++f)
                if (item->child(f)->data(FactRowRole).toBool())
                    view->setFirstColumnSpanned(f, item->index(), true);
        }
    }
}

QString pathOf(const QModelIndex &index)
{
    return index.siblingAtColumn(0).data(ModelPathRole).toString();
}

void addActions(AppContext &ctx, QMenu *menu, const QString &path)
{
    menu->addAction(QObject::tr("Load Model"), &ctx, [&ctx, path] { ctx.loadModel(path); });
    menu->addAction(QObject::tr("Load with TransformerLens Processing"), &ctx, [&ctx, path] {
        ctx.loadModel(path, QStringLiteral("fold_ln,center_writing_weights,center_unembed"));
    });
    QAction *unload = menu->addAction(QObject::tr("Unload Model"), &ctx, [&ctx, path] { ctx.unloadModel(path); });
    unload->setEnabled(ctx.models().isLoaded(path.toStdString()));
}

} // namespace gb::modelrows
