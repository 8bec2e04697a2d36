// SPDX-License-Identifier: MIT
#include "jobs/progress.h"

#include <cmath>

namespace gb {

namespace {
constexpr double MinFractionStep = 0.001;
constexpr auto MinInterval = std::chrono::milliseconds(50);
} // namespace

Progress::Progress(Sink sink)
    : m_sink(std::move(sink))
{
}

Progress &Progress::null()
{
    static thread_local Progress p;
    return p;
}

void Progress::beginStage(const std::string &name, double begin, double end, const std::string &unit)
{
    m_stageBegin = begin;
    m_stageEnd = end;
    m_current = ProgressUpdate{name, begin, 0.0, unit, -1.0, {}};
    m_stageStart = std::chrono::steady_clock::now();
    emitNow();
}

void Progress::update(std::int64_t done, std::int64_t total)
{
    if (!m_sink)
        return;
    const auto now = std::chrono::steady_clock::now();
    const double inStage = total > 0 ? std::min(1.0, double(done) / double(total)) : 0.0;
    const double fraction = m_stageBegin + (m_stageEnd - m_stageBegin) * inStage;
    if (std::fabs(fraction - m_lastSentFraction) < MinFractionStep || now - m_lastSent < MinInterval) {
        m_current.fraction = fraction;
        return;
    }
    const double elapsed = std::chrono::duration<double>(now - m_stageStart).count();
    m_current.fraction = fraction;
    m_current.rate = elapsed > 0 ? double(done) / elapsed : 0.0;
    m_current.etaSeconds = (done > 0 && total > done) ? elapsed * double(total - done) / double(done) : -1.0;
    emitNow();
}

Progress Progress::nested(double begin, double end) const
{
    if (!m_sink)
        return Progress();
    const Sink *parent = &m_sink;
    return Progress([parent, begin, end](const ProgressUpdate &u) {
        ProgressUpdate mapped = u;
        if (u.fraction >= 0)
            mapped.fraction = begin + (end - begin) * u.fraction;
        (*parent)(mapped);
    });
}

void Progress::setValue(const std::string &name, double value)
{
    for (auto &[n, v] : m_current.values) {
        if (n == name) {
            v = value;
            return;
        }
    }
    m_current.values.emplace_back(name, value);
}

void Progress::flush()
{
    emitNow();
}

void Progress::emitNow()
{
    if (!m_sink)
        return;
    m_lastSent = std::chrono::steady_clock::now();
    m_lastSentFraction = m_current.fraction;
    m_sink(m_current);
}

} // namespace gb
