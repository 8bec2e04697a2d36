// SPDX-License-Identifier: MIT
#include "workflowpage.h"

#include <QLabel>
#include <QStackedLayout>
#include <QVBoxLayout>

namespace gb {

WorkflowPage::WorkflowPage(AppContext &ctx, const QString &title, QWidget *parent)
    : QWidget(parent)
    , m_ctx(ctx)
    , m_title(title)
    , m_stack(new QStackedLayout(this))
    , m_requirement(new QLabel(this))
{
    auto *empty = new QWidget(this);
    auto *layout = new QVBoxLayout(empty);
    layout->addStretch(1);
    auto *heading = new QLabel(QStringLiteral("<h2>%1</h2>").arg(title), empty);
    heading->setAlignment(Qt::AlignCenter);
    layout->addWidget(heading);
    m_requirement->setParent(empty);
    m_requirement->setAlignment(Qt::AlignCenter);
    m_requirement->setWordWrap(true);
    layout->addWidget(m_requirement);
    m_requirementButtons = new QVBoxLayout();
    m_requirementButtons->setAlignment(Qt::AlignHCenter);
    layout->addLayout(m_requirementButtons);
    layout->addStretch(2);
    m_stack->addWidget(empty);
}

QString WorkflowPage::requirementText() const
{
    return m_stack->currentIndex() == 0 ? m_requirement->text() : QString();
}

void WorkflowPage::showRequirement(const QString &message)
{
    m_requirement->setText(message);
    m_stack->setCurrentIndex(0);
}

void WorkflowPage::setContent(QWidget *content)
{
    if (m_content) {
        m_stack->removeWidget(m_content);
        m_content->deleteLater();
    }
    m_content = content;
    m_stack->addWidget(content);
}

void WorkflowPage::showContent()
{
    if (m_content)
        m_stack->setCurrentWidget(m_content);
}

} // namespace gb
