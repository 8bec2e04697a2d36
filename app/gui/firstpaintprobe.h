// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>

#include <functional>

namespace gb {

/// Calls `done` once, after the application has finished painting its first frame: the first
/// Paint event marks the start of a backing-store sync, and a zero-timer fires after that sync.
/// Cold start is measured to this point (docs/BENCHMARKS.md).
class FirstPaintProbe : public QObject {
public:
    explicit FirstPaintProbe(std::function<void()> done, QObject *parent = nullptr);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    std::function<void()> m_done;
};

} // namespace gb
