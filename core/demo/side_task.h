// SPDX-License-Identifier: MIT
#pragma once

#include <future>
#include <utility>

namespace gb::demo {

/// Sets the calling thread's libtorch intra-op threads and restores them on destruction.
///
/// The demo runs every tensor task on one intra-op thread: its tensors are too small for more to
/// pay (and when the cores are shared, OpenMP threads waiting for each other cost several times
/// the work), and one thread per task makes every number of the build the same on any machine.
/// The cores are used by running independent stages side by side (SideTask) instead.
class IntraOpThreads {
public:
    explicit IntraOpThreads(int threads);
    ~IntraOpThreads();
    IntraOpThreads(const IntraOpThreads &) = delete;
    IntraOpThreads &operator=(const IntraOpThreads &) = delete;

private:
    int m_previous;
};

/// Runs `f` on its own thread (one intra-op thread) from construction; `get()` waits for it and
/// returns its result or rethrows its exception. Destroying it waits too (std::async's future),
/// so a side task never outlives the stage that started it, even when the main path throws.
template<typename R>
class SideTask {
public:
    template<typename F>
    explicit SideTask(F &&f)
        : m_future(std::async(std::launch::async, [f = std::forward<F>(f)]() mutable {
            IntraOpThreads one(1);
            return f();
        }))
    {
    }
    R get() { return m_future.get(); }

private:
    std::future<R> m_future;
};

} // namespace gb::demo
