// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>

class QLabel;
class QStackedLayout;
class QVBoxLayout;

namespace gb {

class AppContext;

/// Base of the central pages (Features, Attribution, Tabular, Evolution). A page shows an
/// "empty state" telling the user what it needs to start until its inputs are there, then its
/// content. Pages talk to the rest of the app only through AppContext.
class WorkflowPage : public QWidget {
    Q_OBJECT
public:
    WorkflowPage(AppContext &ctx, const QString &title, QWidget *parent = nullptr);

    QString title() const { return m_title; }
    /// What the empty state currently asks for (for tests and the status bar).
    QString requirementText() const;

protected:
    AppContext &ctx() { return m_ctx; }
    /// Shows the empty state with a message and optional action buttons.
    void showRequirement(const QString &message);
    /// Shows the page's content widget.
    void showContent();
    void setContent(QWidget *content);
    QVBoxLayout *requirementLayout() const { return m_requirementButtons; }

private:
    AppContext &m_ctx;
    QString m_title;
    QStackedLayout *m_stack;
    QLabel *m_requirement;
    QVBoxLayout *m_requirementButtons;
    QWidget *m_content = nullptr;
};

} // namespace gb
