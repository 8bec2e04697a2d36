// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QSpinBox;
class QTableWidget;

namespace gb {

class FeaturesState;
class FigureView;

/// Search: open a feature by id, or find the features that fire most where a token or text
/// occurs in the scanned corpus (the model re-runs on the windows that contain it).
class FeaturesSearchTab : public QWidget {
    Q_OBJECT
public:
    explicit FeaturesSearchTab(FeaturesState &state, QWidget *parent = nullptr);
    void searchText(const QString &text);
    QTableWidget *table() const { return m_table; }
    FigureView *chart() const { return m_chart; }

private:
    FeaturesState &m_state;
    QSpinBox *m_id;
    QLineEdit *m_text;
    QLabel *m_status;
    QTableWidget *m_table;
    FigureView *m_chart;
};

} // namespace gb
