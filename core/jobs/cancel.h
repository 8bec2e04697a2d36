// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <memory>

namespace gb {

/// Shared cancellation flag. Copies observe the same flag; the job polls it between batches and
/// layers, the UI sets it. Cheap enough to check in inner loops.
class CancelToken {
public:
    CancelToken()
        : m_flag(std::make_shared<std::atomic<bool>>(false))
    {
    }

    void cancel() const { m_flag->store(true, std::memory_order_relaxed); }
    bool isCancelled() const { return m_flag->load(std::memory_order_relaxed); }
    /// Throws gb::Error(Cancelled) when cancellation was requested.
    void throwIfCancelled() const;

private:
    std::shared_ptr<std::atomic<bool>> m_flag;
};

} // namespace gb
