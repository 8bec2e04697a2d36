// SPDX-License-Identifier: MIT
#include "gui/firstpaintprobe.h"

#include <QCoreApplication>
#include <QEvent>
#include <QTimer>

namespace gb {

FirstPaintProbe::FirstPaintProbe(std::function<void()> done, QObject *parent)
    : QObject(parent)
    , m_done(std::move(done))
{
    QCoreApplication::instance()->installEventFilter(this);
}

bool FirstPaintProbe::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::Paint) {
        QCoreApplication::instance()->removeEventFilter(this);
        QTimer::singleShot(0, this, [this] { m_done(); });
    }
    return QObject::eventFilter(watched, event);
}

} // namespace gb
