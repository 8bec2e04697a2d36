// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace gb {

/// One progress report: which stage, how far, and (when the job knows its unit) a throughput.
struct ProgressUpdate {
    std::string stage;      ///< e.g. "loading weights", "scanning"
    double fraction = 0.0;  ///< 0..1 over the whole job, or -1 when unknown
    double rate = 0.0;      ///< items per second in `unit`, 0 when unknown
    std::string unit;       ///< e.g. "tokens", "rows"
    double etaSeconds = -1; ///< estimated time left, -1 when unknown
    /// Live named values of the job (e.g. a trainer's "step" and "loss" for a live curve); each
    /// update carries the latest value of each name set so far in the stage.
    std::vector<std::pair<std::string, double>> values;
};

/// Progress sink handed to core jobs. Plain callbacks, no Qt: the app forwards updates to the GUI
/// thread, the CLI prints them. Reports are throttled here so a job may call `update` in its
/// inner loop without flooding the receiver: an update is passed on when the fraction moved by at
/// least 0.1 % and 50 ms passed, or the stage changed.
class Progress {
public:
    using Sink = std::function<void(const ProgressUpdate &)>;

    Progress() = default;
    explicit Progress(Sink sink);

    /// Starts a stage that spans [begin, end] of the whole job's fraction.
    void beginStage(const std::string &name, double begin = 0.0, double end = 1.0,
                    const std::string &unit = {});
    /// Reports `done` of `total` items within the current stage.
    void update(std::int64_t done, std::int64_t total);
    /// Sets a named value that the next updates carry (kept until the stage ends).
    void setValue(const std::string &name, double value);
    /// Forces the last state out (e.g. at the end of a stage).
    void flush();

    /// A progress for a sub-job (e.g. one trainer of a pipeline) that owns [begin, end] of this
    /// job's fraction: its updates reach this sink with the fraction mapped into that range and
    /// their stage names and values unchanged. Must not outlive this object.
    Progress nested(double begin, double end) const;

    /// A progress object that ignores everything (for callers that do not watch).
    static Progress &null();

private:
    void emitNow();

    Sink m_sink;
    ProgressUpdate m_current;
    double m_stageBegin = 0.0;
    double m_stageEnd = 1.0;
    double m_lastSentFraction = -1.0;
    std::chrono::steady_clock::time_point m_stageStart;
    std::chrono::steady_clock::time_point m_lastSent;
};

} // namespace gb
