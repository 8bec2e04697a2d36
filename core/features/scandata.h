// SPDX-License-Identifier: MIT
#pragma once

#include "features/featurestats.h"
#include "io/json.h"

#include <cstdint>
#include <string>
#include <vector>

namespace gb {

class Workspace;

/// Where a scan stands: what a resumed scan needs besides the statistics.
struct ScanCursor {
    std::uint64_t windows = 0;        ///< windows folded into the statistics
    std::uint64_t corpusOffset = 0;   ///< byte offset of the next unread document
    bool started = false;             ///< a document was read (the next one gets a separator)
    std::vector<std::int32_t> pending; ///< tokens read but not yet in a window
};

/// Names and encodings of a scan's results in the workspace (one place, used by the scan
/// writer and by every reader).
namespace scanstore {
constexpr int WindowsPerChunk = 256;
constexpr const char *Checkpoint = "checkpoint"; ///< cursor + FeatureStats, one blob
constexpr const char *Summary = "summary";       ///< JSON, written when the scan finishes
std::string chunkName(std::int64_t chunk);       ///< "windows/<chunk>"

std::string encodeCheckpoint(const ScanCursor &cursor, const FeatureStats &stats);
void decodeCheckpoint(const std::string &bytes, const std::string &source, ScanCursor &cursor, FeatureStats &stats);
std::string encodeChunk(const std::vector<std::vector<std::int32_t>> &windows);
std::vector<std::vector<std::int32_t>> decodeChunk(const std::string &bytes, const std::string &source);
} // namespace scanstore

/// A scan's results as stored in a workspace: the statistics, the tokens of every scanned window
/// and the parameters. Damaged blobs are BadInput naming the run.
class ScanData {
public:
    static ScanData load(const Workspace &ws, std::int64_t runId);

    std::int64_t runId() const { return m_runId; }
    const Json &params() const { return m_params; }
    bool finished() const { return m_finished; }
    const FeatureStats &stats() const { return m_stats; }
    std::int64_t windows() const { return std::int64_t(m_windows.size()); }
    /// Tokens of a window ("" for an index out of range).
    const std::vector<std::int32_t> &window(std::int64_t index) const;

private:
    std::int64_t m_runId = 0;
    Json m_params;
    bool m_finished = false;
    FeatureStats m_stats;
    std::vector<std::vector<std::int32_t>> m_windows;
};

} // namespace gb
