// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QSortFilterProxyModel>

#include <memory>
#include <vector>

namespace gb {

struct EvolutionResult;

/// One row per crosscoder feature: id, Peak Snapshot Index, peak step, emergence step, lifetime
/// and max decoder norm (two-model crosscoders: relative norm, cosine of the two decoder
/// directions and each model's norm instead), and the user's label from the workspace notes,
/// editable in place. Display text is formatted; SortRole gives the
/// number to sort by ("none" sorts below every value).
class EvolutionFeatureModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum class Column { Feature, Psi, PeakStep, EmergenceStep, Lifetime, MaxNorm, RelativeNorm, Cosine, NormA, NormB, Label };
    static constexpr int SortRole = Qt::UserRole + 1;
    static constexpr int FeatureRole = Qt::UserRole + 2;

    explicit EvolutionFeatureModel(QObject *parent = nullptr);

    void setResult(std::shared_ptr<const EvolutionResult> result);
    void setLabels(QHash<qint64, QString> labels);
    const EvolutionResult *result() const { return m_result.get(); }
    Column column(int section) const { return m_columns[std::size_t(section)]; }
    int sectionOf(Column c) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;

Q_SIGNALS:
    /// The user edited a label (the page stores it as a workspace note).
    void labelEdited(qint64 feature, const QString &label);

private:
    QVariant display(qint64 f, Column c) const;
    double sortValue(qint64 f, Column c) const;

    std::shared_ptr<const EvolutionResult> m_result;
    std::vector<Column> m_columns;
    QHash<qint64, QString> m_labels;
};

/// Sorting plus the table's filters: text (a feature id, or part of a label), a range of Peak
/// Snapshot Indices, and hiding dead features.
class EvolutionFeatureFilter : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit EvolutionFeatureFilter(QObject *parent = nullptr);

    void setText(const QString &text);
    void setPsiRange(int lo, int hi);
    void setHideDead(bool hide);

protected:
    bool filterAcceptsRow(int row, const QModelIndex &parent) const override;
    bool lessThan(const QModelIndex &a, const QModelIndex &b) const override;

private:
    QString m_text;
    int m_psiLo = 0, m_psiHi = 1 << 30;
    bool m_hideDead = false;
};

} // namespace gb
