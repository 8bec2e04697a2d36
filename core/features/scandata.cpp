// SPDX-License-Identifier: MIT
#include "features/scandata.h"

#include "common/error.h"
#include "store/workspace.h"

#include <cstring>

namespace gb {

namespace {

constexpr char CheckpointMagic[8] = {'G', 'B', 'S', 'C', 'A', 'N', 'C', '1'};

template<typename T>
void put(std::string &out, const T &v)
{
    out.append(reinterpret_cast<const char *>(&v), sizeof(T));
}

/// Bounds-checked reads from a blob; failures are "<source>: ... damaged".
class Cursor {
public:
    Cursor(const std::string &bytes, const std::string &source) : m_b(bytes), m_source(source) {}
    template<typename T>
    T get()
    {
        check(sizeof(T) <= m_b.size() - m_pos);
        T v;
        std::memcpy(&v, m_b.data() + m_pos, sizeof(T));
        m_pos += sizeof(T);
        return v;
    }
    void ints(std::vector<std::int32_t> &out, std::uint64_t n)
    {
        check(n <= (m_b.size() - m_pos) / 4);
        out.resize(std::size_t(n));
        std::memcpy(out.data(), m_b.data() + m_pos, std::size_t(n) * 4);
        m_pos += std::size_t(n) * 4;
    }
    void check(bool ok) const
    {
        if (!ok)
            throw Error::badInput(m_source + ": scan data damaged");
    }
    std::string rest() const { return m_b.substr(m_pos); }
    bool atEnd() const { return m_pos == m_b.size(); }

private:
    const std::string &m_b;
    const std::string &m_source;
    std::size_t m_pos = 0;
};

} // namespace

namespace scanstore {

std::string chunkName(std::int64_t chunk) { return "windows/" + std::to_string(chunk); }

std::string encodeCheckpoint(const ScanCursor &c, const FeatureStats &stats)
{
    std::string out(CheckpointMagic, 8);
    put(out, c.windows);
    put(out, c.corpusOffset);
    put(out, std::uint8_t(c.started));
    put(out, std::uint64_t(c.pending.size()));
    out.append(reinterpret_cast<const char *>(c.pending.data()), c.pending.size() * 4);
    return out + stats.toBytes();
}

void decodeCheckpoint(const std::string &bytes, const std::string &source, ScanCursor &c, FeatureStats &stats)
{
    Cursor r(bytes, source);
    r.check(bytes.size() >= 8 && std::memcmp(bytes.data(), CheckpointMagic, 8) == 0);
    r.get<std::uint64_t>();
    c.windows = r.get<std::uint64_t>();
    c.corpusOffset = r.get<std::uint64_t>();
    c.started = r.get<std::uint8_t>() != 0;
    r.ints(c.pending, r.get<std::uint64_t>());
    stats = FeatureStats::fromBytes(r.rest(), source);
}

std::string encodeChunk(const std::vector<std::vector<std::int32_t>> &windows)
{
    std::string out;
    put(out, std::uint32_t(windows.size()));
    for (const auto &w : windows) {
        put(out, std::uint32_t(w.size()));
        out.append(reinterpret_cast<const char *>(w.data()), w.size() * 4);
    }
    return out;
}

std::vector<std::vector<std::int32_t>> decodeChunk(const std::string &bytes, const std::string &source)
{
    Cursor r(bytes, source);
    const std::uint32_t n = r.get<std::uint32_t>();
    r.check(n <= WindowsPerChunk);
    std::vector<std::vector<std::int32_t>> windows(n);
    for (auto &w : windows)
        r.ints(w, r.get<std::uint32_t>());
    r.check(r.atEnd());
    return windows;
}

} // namespace scanstore

ScanData ScanData::load(const Workspace &ws, std::int64_t runId)
{
    const auto run = ws.run(runId);
    require(run && run->kind == "scan", "workspace", "run " + std::to_string(runId) + " is not a corpus scan");
    const std::string source = ws.path() + ": scan run " + std::to_string(runId);
    ScanData d;
    d.m_runId = runId;
    d.m_params = Json::parse(run->paramsJson, source);
    d.m_finished = run->status == RunRecord::Status::Finished;
    const auto checkpoint = ws.result(runId, scanstore::Checkpoint);
    require(checkpoint.has_value(), source, "no results yet (the scan has not reached its first checkpoint)");
    ScanCursor cursor;
    scanstore::decodeCheckpoint(*checkpoint, source, cursor, d.m_stats);
    const std::int64_t chunks = (std::int64_t(cursor.windows) + scanstore::WindowsPerChunk - 1) / scanstore::WindowsPerChunk;
    for (std::int64_t c = 0; c < chunks; ++c) {
        const auto blob = ws.result(runId, scanstore::chunkName(c));
        require(blob.has_value(), source, "tokens of windows chunk " + std::to_string(c) + " are missing");
        for (auto &w : scanstore::decodeChunk(*blob, source))
            d.m_windows.push_back(std::move(w));
    }
    // A chunk written just before a crash may hold windows past the checkpoint.
    require(d.m_windows.size() >= cursor.windows, source, "fewer stored windows than scanned");
    d.m_windows.resize(std::size_t(cursor.windows));
    return d;
}

const std::vector<std::int32_t> &ScanData::window(std::int64_t index) const
{
    static const std::vector<std::int32_t> none;
    return index >= 0 && index < windows() ? m_windows[std::size_t(index)] : none;
}

} // namespace gb
