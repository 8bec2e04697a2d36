// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gb {

namespace sql {
class Connection;
}

/// A file registered in the workspace: a model folder, dictionary, data set, corpus...
struct Artifact {
    std::int64_t id = 0;
    std::string path;
    std::string kind;        ///< "model", "dictionary", "dataset", "tabular_model", "corpus", ...
    std::string sha256;      ///< content hash (of all files for a folder)
    std::int64_t size = 0;   ///< bytes
    std::int64_t mtime = 0;  ///< seconds since epoch
    std::string summaryJson; ///< what the loader detected (architecture, shapes...)
    std::string addedAt;
};

/// One computation: its kind, parameters, inputs, outcome and where it ran.
struct RunRecord {
    enum class Status { Running, Finished, Failed, Cancelled };
    std::int64_t id = 0;
    std::string kind;        ///< "attribution", "pdp", "scan", ...
    std::string paramsJson;
    Status status = Status::Running;
    std::string createdAt;
    std::string finishedAt;
    std::string error;
    std::string softwareVersion;
    std::vector<std::pair<std::int64_t, std::string>> inputs; ///< (artifact id, role)
};

const char *toString(RunRecord::Status s);

/// The SQLite workspace (one `.gbx` file): artifacts, runs with provenance, results, notes.
///
/// Opening never modifies a file that is not a healthy Glassbox workspace of this or an older
/// schema: such files are rejected with a BadInput error before any write. Every write is one
/// transaction (WAL journal), so a process killed mid-write leaves all earlier runs intact.
///
/// Not thread-safe: use one Workspace object per thread (SQLite serialises writers between them).
class Workspace {
public:
    static constexpr int SchemaVersion = 1;
    static constexpr std::int32_t ApplicationId = 0x47424F58; // "GBOX"

    /// Opens an existing workspace; with `create`, makes a new one when `path` does not exist.
    static Workspace open(const std::string &path, bool create = false);
    /// Reads the schema version of `path` without changing anything (0 if not a workspace).
    static int schemaVersionOf(const std::string &path);

    Workspace(Workspace &&) noexcept;
    Workspace &operator=(Workspace &&) noexcept;
    ~Workspace();

    const std::string &path() const { return m_path; }

    // Artifacts --------------------------------------------------------------------------------
    /// Registers (or updates, keyed by path) an artifact and returns its id.
    std::int64_t addArtifact(const Artifact &a);
    std::vector<Artifact> artifacts(const std::string &kind = {}) const;
    std::optional<Artifact> artifact(std::int64_t id) const;
    std::optional<Artifact> artifactByPath(const std::string &path) const;

    // Runs -------------------------------------------------------------------------------------
    std::int64_t beginRun(const std::string &kind, const std::string &paramsJson,
                          const std::vector<std::pair<std::int64_t, std::string>> &inputs = {});
    void finishRun(std::int64_t runId);
    void failRun(std::int64_t runId, const std::string &error, bool cancelled = false);
    /// Sets a run's status back to running (a resumed scan).
    void reopenRun(std::int64_t runId);
    std::optional<RunRecord> run(std::int64_t runId) const;
    std::vector<RunRecord> runs(const std::string &kind = {}) const;

    /// Stores (replaces) a named result of a run. `format` says how to read the bytes
    /// ("json", "safetensors", "f32", ...).
    void putResult(std::int64_t runId, const std::string &name, const std::string &format,
                   const std::string &bytes);
    std::optional<std::string> result(std::int64_t runId, const std::string &name) const;
    std::vector<std::string> resultNames(std::int64_t runId) const;

    // Notes (e.g. feature labels: scope "dictionary:<artifact id>", key "<feature>") -----------
    void setNote(const std::string &scope, const std::string &key, const std::string &value);
    std::optional<std::string> note(const std::string &scope, const std::string &key) const;
    std::vector<std::pair<std::string, std::string>> notes(const std::string &scope) const;

    /// Runs `PRAGMA quick_check`; true when the database is consistent.
    bool checkIntegrity() const;

private:
    explicit Workspace(std::unique_ptr<sql::Connection> db, std::string path);

    std::unique_ptr<sql::Connection> m_db;
    std::string m_path;
};

} // namespace gb
