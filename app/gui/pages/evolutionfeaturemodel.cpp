// SPDX-License-Identifier: MIT
#include "evolutionfeaturemodel.h"

#include "evolutionresult.h"

#include <QLocale>

#include <cmath>

namespace gb {

namespace {

constexpr double None = -1e300; // "no value" sorts below everything

QString percent(double v)
{
    return QStringLiteral("%1%").arg(v * 100.0, 0, 'f', 0);
}

} // namespace

EvolutionFeatureModel::EvolutionFeatureModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void EvolutionFeatureModel::setResult(std::shared_ptr<const EvolutionResult> result)
{
    beginResetModel();
    m_result = std::move(result);
    if (m_result && m_result->modelDiff)
        m_columns = {Column::Feature, Column::RelativeNorm, Column::Cosine, Column::NormA, Column::NormB, Column::Label};
    else
        m_columns = {Column::Feature,  Column::Psi,     Column::PeakStep, Column::EmergenceStep,
                     Column::Lifetime, Column::MaxNorm, Column::Label};
    endResetModel();
}

void EvolutionFeatureModel::setLabels(QHash<qint64, QString> labels)
{
    m_labels = std::move(labels);
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, sectionOf(Column::Label)), index(rowCount() - 1, sectionOf(Column::Label)));
}

int EvolutionFeatureModel::sectionOf(Column c) const
{
    for (std::size_t i = 0; i < m_columns.size(); ++i)
        if (m_columns[i] == c)
            return int(i);
    return -1;
}

int EvolutionFeatureModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_result ? 0 : int(m_result->data->features);
}

int EvolutionFeatureModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_columns.size());
}

QVariant EvolutionFeatureModel::display(qint64 f, Column c) const
{
    const EvolutionSummary &s = m_result->summary;
    const auto i = std::size_t(f);
    const QString none = QStringLiteral("\u2014");
    switch (c) {
    case Column::Feature: return QString::number(f);
    case Column::Psi: return s.peakIndex[i] < 0 ? none : QString::number(s.peakIndex[i]);
    case Column::PeakStep: return s.peakIndex[i] < 0 ? none : headLabel(*m_result, s.peakIndex[i]);
    case Column::EmergenceStep: return s.emergenceIndex[i] < 0 ? none : headLabel(*m_result, s.emergenceIndex[i]);
    case Column::Lifetime: return s.peakIndex[i] < 0 ? none : percent(s.lifetime[i]);
    case Column::MaxNorm: return QString::number(double(s.maxNorm[i]), 'g', 4);
    case Column::NormA:
    case Column::NormB: return QString::number(double(m_result->data->norm(c == Column::NormA ? 0 : 1, f)), 'g', 4);
    case Column::RelativeNorm:
    case Column::Cosine: {
        const float v = c == Column::RelativeNorm ? m_result->modelDiff->relativeNorm[i] : m_result->modelDiff->cosine[i];
        return std::isnan(v) ? none : QString::number(double(v), 'f', 3);
    }
    case Column::Label: return m_labels.value(f);
    }
    return {};
}

double EvolutionFeatureModel::sortValue(qint64 f, Column c) const
{
    const EvolutionSummary &s = m_result->summary;
    const auto i = std::size_t(f);
    switch (c) {
    case Column::Feature: return double(f);
    case Column::Psi:
    case Column::PeakStep: return s.peakIndex[i] < 0 ? None : s.peakIndex[i];
    case Column::EmergenceStep: return s.emergenceIndex[i] < 0 ? None : s.emergenceIndex[i];
    case Column::Lifetime: return s.peakIndex[i] < 0 ? None : s.lifetime[i];
    case Column::MaxNorm: return std::isfinite(s.maxNorm[i]) ? s.maxNorm[i] : None;
    case Column::NormA:
    case Column::NormB: {
        const float v = m_result->data->norm(c == Column::NormA ? 0 : 1, f);
        return std::isfinite(v) ? v : None;
    }
    case Column::RelativeNorm:
    case Column::Cosine: {
        const float v = c == Column::RelativeNorm ? m_result->modelDiff->relativeNorm[i] : m_result->modelDiff->cosine[i];
        return std::isnan(v) ? None : v;
    }
    case Column::Label: return None;
    }
    return None;
}

QVariant EvolutionFeatureModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || !m_result || index.row() >= rowCount() || index.column() >= columnCount())
        return {};
    const qint64 f = index.row();
    const Column c = column(index.column());
    switch (role) {
    case Qt::DisplayRole: return display(f, c);
    case Qt::EditRole: return c == Column::Label ? m_labels.value(f) : display(f, c);
    case SortRole: return c == Column::Label ? QVariant(m_labels.value(f)) : QVariant(sortValue(f, c));
    case FeatureRole: return f;
    case Qt::TextAlignmentRole:
        return c == Column::Label ? QVariant(int(Qt::AlignLeft | Qt::AlignVCenter))
                                  : QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
    case Qt::ToolTipRole:
        if (c == Column::PeakStep || c == Column::EmergenceStep || c == Column::Psi) {
            const int h = c == Column::EmergenceStep ? m_result->summary.emergenceIndex[std::size_t(f)]
                                                     : m_result->summary.peakIndex[std::size_t(f)];
            if (h >= 0)
                return tr("snapshot %1: %2").arg(h).arg(QString::fromStdString(m_result->data->headNames[std::size_t(h)]));
        }
        return {};
    default: return {};
    }
}

QVariant EvolutionFeatureModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= columnCount())
        return QAbstractTableModel::headerData(section, orientation, role);
    const Column c = column(section);
    if (role == Qt::ToolTipRole) {
        switch (c) {
        case Column::Psi: return tr("Peak Snapshot Index: the snapshot where the feature's decoder norm is largest");
        case Column::EmergenceStep: return tr("First snapshot whose normalised decoder norm reaches the emergence level");
        case Column::Lifetime: return tr("Fraction of snapshots at or above the emergence level");
        case Column::RelativeNorm:
            return tr("\u2016d_B\u2016 / (\u2016d_A\u2016 + \u2016d_B\u2016): 0 = only in the first model, 1 = only in the second");
        case Column::Label: return tr("Your label, saved in the workspace (double-click to edit)");
        default: return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    const auto headName = [this](int h) { return QString::fromStdString(m_result->data->headNames[std::size_t(h)]); };
    switch (c) {
    case Column::Feature: return tr("Feature");
    case Column::Psi: return tr("PSI");
    case Column::PeakStep: return tr("Peak step");
    case Column::EmergenceStep: return tr("Emerges");
    case Column::Lifetime: return tr("Lifetime");
    case Column::MaxNorm: return tr("Max norm");
    case Column::RelativeNorm: return tr("Rel. norm");
    case Column::Cosine: return tr("cos(%1, %2)").arg(headName(0), headName(1));
    case Column::NormA: return tr("\u2016d\u2016 %1").arg(headName(0));
    case Column::NormB: return tr("\u2016d\u2016 %1").arg(headName(1));
    case Column::Label: return tr("Label");
    }
    return {};
}

Qt::ItemFlags EvolutionFeatureModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.isValid() && column(index.column()) == Column::Label)
        f |= Qt::ItemIsEditable;
    return f;
}

bool EvolutionFeatureModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || !index.isValid() || column(index.column()) != Column::Label)
        return false;
    const qint64 f = index.row();
    const QString text = value.toString().trimmed();
    if (text == m_labels.value(f))
        return false;
    if (text.isEmpty())
        m_labels.remove(f);
    else
        m_labels.insert(f, text);
    Q_EMIT dataChanged(index, index);
    Q_EMIT labelEdited(f, text);
    return true;
}

EvolutionFeatureFilter::EvolutionFeatureFilter(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(EvolutionFeatureModel::SortRole);
}

void EvolutionFeatureFilter::setText(const QString &text)
{
    m_text = text.trimmed();
    invalidateFilter();
}

void EvolutionFeatureFilter::setPsiRange(int lo, int hi)
{
    m_psiLo = lo;
    m_psiHi = hi;
    invalidateFilter();
}

void EvolutionFeatureFilter::setHideDead(bool hide)
{
    m_hideDead = hide;
    invalidateFilter();
}

bool EvolutionFeatureFilter::filterAcceptsRow(int row, const QModelIndex &parent) const
{
    const auto *m = qobject_cast<const EvolutionFeatureModel *>(sourceModel());
    if (!m || !m->result())
        return true;
    const int psi = m->result()->summary.peakIndex[std::size_t(row)];
    if (psi < 0 ? m_hideDead || m_psiLo > 0 : psi < m_psiLo || psi > m_psiHi)
        return false;
    if (m_text.isEmpty())
        return true;
    bool isNumber = false;
    const qint64 id = m_text.toLongLong(&isNumber);
    if (isNumber)
        return id == row;
    const QModelIndex label = m->index(row, m->sectionOf(EvolutionFeatureModel::Column::Label), parent);
    return m->data(label).toString().contains(m_text, Qt::CaseInsensitive);
}

bool EvolutionFeatureFilter::lessThan(const QModelIndex &a, const QModelIndex &b) const
{
    const QVariant va = a.data(sortRole()), vb = b.data(sortRole());
    if (va.typeId() == QMetaType::Double && vb.typeId() == QMetaType::Double && va.toDouble() != vb.toDouble())
        return va.toDouble() < vb.toDouble();
    if (va.typeId() == QMetaType::QString && va.toString() != vb.toString())
        return QString::localeAwareCompare(va.toString(), vb.toString()) < 0;
    return a.row() < b.row(); // stable: ties keep feature order
}

} // namespace gb
