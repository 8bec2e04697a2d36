// SPDX-License-Identifier: MIT
#pragma once

#include <QFrame>

class QLabel;

namespace gb {

/// Inline, non-modal message strip at the top of the window: errors stay until dismissed,
/// never block the user and never steal focus.
class ErrorBanner : public QFrame {
    Q_OBJECT
public:
    explicit ErrorBanner(QWidget *parent = nullptr);
    void showError(const QString &message);
    QString message() const;

private:
    QLabel *m_label;
};

} // namespace gb
