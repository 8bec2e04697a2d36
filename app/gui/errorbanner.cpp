// SPDX-License-Identifier: MIT
#include "errorbanner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

namespace gb {

ErrorBanner::ErrorBanner(QWidget *parent)
    : QFrame(parent)
    , m_label(new QLabel(this))
{
    setObjectName(QStringLiteral("errorBanner"));
    setStyleSheet(QStringLiteral("#errorBanner { background: #fdecea; border: 1px solid #e0a5a0; border-radius: 3px; }"
                                 "#errorBanner QLabel { color: #611a15; }"));
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *close = new QToolButton(this);
    close->setText(QStringLiteral("\u2715"));
    close->setAutoRaise(true);
    close->setToolTip(tr("Dismiss"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    layout->addWidget(m_label, 1);
    layout->addWidget(close);
    connect(close, &QToolButton::clicked, this, &QWidget::hide);
    hide();
}

void ErrorBanner::showError(const QString &message)
{
    m_label->setText(message);
    show();
}

QString ErrorBanner::message() const
{
    return isHidden() ? QString() : m_label->text();
}

} // namespace gb
