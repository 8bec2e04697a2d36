// SPDX-License-Identifier: MIT
#include "store/workspace.h"

#include "common/error.h"
#include "common/version.h"
#include "store/sqlite.h"

#include <array>
#include <filesystem>
#include <fstream>

namespace gb {

namespace fs = std::filesystem;

namespace {

// Forward migrations: entry i takes schema version i to i + 1. Never edit a shipped entry;
// append a new one and bump Workspace::SchemaVersion.
const std::array<const char *, Workspace::SchemaVersion> Migrations = {
    // 0 -> 1
    R"sql(
    CREATE TABLE artifacts (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime INTEGER NOT NULL,
        summary TEXT NOT NULL DEFAULT '{}',
        added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
    );
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        params TEXT NOT NULL DEFAULT '{}',
        status TEXT NOT NULL CHECK (status IN ('running','finished','failed','cancelled')),
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
        finished_at TEXT,
        error TEXT,
        software_version TEXT NOT NULL
    );
    CREATE TABLE run_inputs (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
        role TEXT NOT NULL,
        PRIMARY KEY (run_id, artifact_id, role)
    );
    CREATE TABLE run_results (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        format TEXT NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (run_id, name)
    );
    CREATE TABLE notes (
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
        PRIMARY KEY (scope, key)
    );
    CREATE INDEX runs_by_kind ON runs(kind);
    )sql",
};

bool hasSqliteMagic(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    char magic[16] = {};
    in.read(magic, sizeof magic);
    return in.gcount() == 16 && std::string(magic, 16) == std::string("SQLite format 3\0", 16);
}

RunRecord::Status statusFromString(const std::string &s)
{
    if (s == "finished")
        return RunRecord::Status::Finished;
    if (s == "failed")
        return RunRecord::Status::Failed;
    if (s == "cancelled")
        return RunRecord::Status::Cancelled;
    return RunRecord::Status::Running;
}

// Validates an existing file read-only; returns its schema version. Throws BadInput for anything
// that is not a healthy Glassbox workspace we can open.
int validateExisting(const std::string &path)
{
    std::error_code ec;
    if (fs::is_directory(path, ec))
        throw Error::badInput(path + ": is a directory, not a workspace file");
    if (fs::file_size(path, ec) == 0 || !hasSqliteMagic(path))
        throw Error::badInput(path + ": not a Glassbox workspace (not an SQLite database)");
    sql::Connection db(path, sql::Connection::Mode::ReadOnly);
    std::int64_t appId = 0, version = 0;
    std::string check;
    try {
        appId = db.queryInt("PRAGMA application_id");
        version = db.queryInt("PRAGMA user_version");
        check = db.queryText("PRAGMA quick_check");
    } catch (const Error &e) {
        throw Error::badInput(path + ": workspace is damaged and cannot be read (" + e.what() + ")");
    }
    if (appId != Workspace::ApplicationId)
        throw Error::badInput(path + ": an SQLite database, but not a Glassbox workspace");
    if (check != "ok")
        throw Error::badInput(path + ": workspace is damaged (integrity check: " + check + ")");
    if (version > Workspace::SchemaVersion)
        throw Error::badInput(path + ": workspace was written by a newer Glassbox (schema "
                              + std::to_string(version) + ", this version reads up to "
                              + std::to_string(Workspace::SchemaVersion) + "); it was not modified");
    return int(version);
}

void configure(sql::Connection &db)
{
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("PRAGMA synchronous=NORMAL");
    db.exec("PRAGMA foreign_keys=ON");
}

void migrate(sql::Connection &db, int from)
{
    for (int v = from; v < Workspace::SchemaVersion; ++v) {
        sql::Transaction tx(db);
        db.exec(Migrations[std::size_t(v)]);
        db.exec("PRAGMA user_version=" + std::to_string(v + 1));
        tx.commit();
    }
}

} // namespace

const char *toString(RunRecord::Status s)
{
    switch (s) {
    case RunRecord::Status::Running: return "running";
    case RunRecord::Status::Finished: return "finished";
    case RunRecord::Status::Failed: return "failed";
    case RunRecord::Status::Cancelled: return "cancelled";
    }
    return "running";
}

Workspace::Workspace(std::unique_ptr<sql::Connection> db, std::string path)
    : m_db(std::move(db))
    , m_path(std::move(path))
{
}

Workspace::Workspace(Workspace &&) noexcept = default;
Workspace &Workspace::operator=(Workspace &&) noexcept = default;
Workspace::~Workspace() = default;

int Workspace::schemaVersionOf(const std::string &path)
{
    try {
        return validateExisting(path);
    } catch (const Error &) {
        return 0;
    }
}

Workspace Workspace::open(const std::string &path, bool create)
{
    std::error_code ec;
    const bool exists = fs::exists(path, ec);
    if (!exists && !create)
        throw Error::badInput(path + ": workspace file does not exist");
    if (!exists) {
        const fs::path parent = fs::path(path).parent_path();
        if (!parent.empty() && !fs::is_directory(parent, ec))
            throw Error::badInput(path + ": folder " + parent.string() + " does not exist");
        auto db = std::make_unique<sql::Connection>(path, sql::Connection::Mode::Create);
        db->exec("PRAGMA application_id=" + std::to_string(ApplicationId));
        configure(*db);
        migrate(*db, 0);
        return Workspace(std::move(db), path);
    }
    const int version = validateExisting(path);
    auto db = std::make_unique<sql::Connection>(path, sql::Connection::Mode::ReadWrite);
    configure(*db);
    migrate(*db, version);
    return Workspace(std::move(db), path);
}

std::int64_t Workspace::addArtifact(const Artifact &a)
{
    sql::Statement st(*m_db, R"sql(
        INSERT INTO artifacts (path, kind, sha256, size, mtime, summary) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
        ON CONFLICT(path) DO UPDATE SET kind = excluded.kind, sha256 = excluded.sha256,
            size = excluded.size, mtime = excluded.mtime, summary = excluded.summary
        RETURNING id)sql");
    st.bind(1, a.path).bind(2, a.kind).bind(3, a.sha256).bind(4, a.size).bind(5, a.mtime);
    st.bind(6, a.summaryJson.empty() ? std::string("{}") : a.summaryJson);
    if (!st.step())
        m_db->fail("cannot register artifact");
    return st.columnInt(0);
}

namespace {
constexpr const char *ArtifactColumns = "id, path, kind, sha256, size, mtime, summary, added_at";

Artifact readArtifact(const sql::Statement &st)
{
    Artifact a;
    a.id = st.columnInt(0);
    a.path = st.columnText(1);
    a.kind = st.columnText(2);
    a.sha256 = st.columnText(3);
    a.size = st.columnInt(4);
    a.mtime = st.columnInt(5);
    a.summaryJson = st.columnText(6);
    a.addedAt = st.columnText(7);
    return a;
}
} // namespace

std::vector<Artifact> Workspace::artifacts(const std::string &kind) const
{
    sql::Statement st(*m_db, std::string("SELECT ") + ArtifactColumns
                                 + " FROM artifacts WHERE (?1 = '' OR kind = ?1) ORDER BY id");
    st.bind(1, kind);
    std::vector<Artifact> out;
    while (st.step())
        out.push_back(readArtifact(st));
    return out;
}

std::optional<Artifact> Workspace::artifact(std::int64_t id) const
{
    sql::Statement st(*m_db, std::string("SELECT ") + ArtifactColumns + " FROM artifacts WHERE id = ?1");
    st.bind(1, id);
    if (!st.step())
        return std::nullopt;
    return readArtifact(st);
}

std::optional<Artifact> Workspace::artifactByPath(const std::string &path) const
{
    sql::Statement st(*m_db, std::string("SELECT ") + ArtifactColumns + " FROM artifacts WHERE path = ?1");
    st.bind(1, path);
    if (!st.step())
        return std::nullopt;
    return readArtifact(st);
}

std::int64_t Workspace::beginRun(const std::string &kind, const std::string &paramsJson,
                                 const std::vector<std::pair<std::int64_t, std::string>> &inputs)
{
    sql::Transaction tx(*m_db);
    sql::Statement st(*m_db, "INSERT INTO runs (kind, params, status, software_version) VALUES (?1, ?2, 'running', ?3)");
    st.bind(1, kind).bind(2, paramsJson.empty() ? std::string("{}") : paramsJson).bind(3, std::string(appVersion()));
    st.exec();
    const std::int64_t id = m_db->lastInsertId();
    sql::Statement in(*m_db, "INSERT OR IGNORE INTO run_inputs (run_id, artifact_id, role) VALUES (?1, ?2, ?3)");
    for (const auto &[artifactId, role] : inputs) {
        in.reset();
        in.bind(1, id).bind(2, artifactId).bind(3, role);
        in.exec();
    }
    tx.commit();
    return id;
}

void Workspace::finishRun(std::int64_t runId)
{
    sql::Statement st(*m_db, "UPDATE runs SET status = 'finished', error = NULL, "
                             "finished_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1");
    st.bind(1, runId).exec();
}

void Workspace::failRun(std::int64_t runId, const std::string &error, bool cancelled)
{
    sql::Statement st(*m_db, "UPDATE runs SET status = ?2, error = ?3, "
                             "finished_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1");
    st.bind(1, runId).bind(2, std::string(cancelled ? "cancelled" : "failed")).bind(3, error).exec();
}

void Workspace::reopenRun(std::int64_t runId)
{
    sql::Statement st(*m_db, "UPDATE runs SET status = 'running', error = NULL, finished_at = NULL WHERE id = ?1");
    st.bind(1, runId).exec();
}

namespace {
RunRecord readRun(const sql::Statement &st)
{
    RunRecord r;
    r.id = st.columnInt(0);
    r.kind = st.columnText(1);
    r.paramsJson = st.columnText(2);
    r.status = statusFromString(st.columnText(3));
    r.createdAt = st.columnText(4);
    r.finishedAt = st.columnText(5);
    r.error = st.columnText(6);
    r.softwareVersion = st.columnText(7);
    return r;
}
constexpr const char *RunColumns = "id, kind, params, status, created_at, finished_at, error, software_version";
} // namespace

std::optional<RunRecord> Workspace::run(std::int64_t runId) const
{
    sql::Statement st(*m_db, std::string("SELECT ") + RunColumns + " FROM runs WHERE id = ?1");
    st.bind(1, runId);
    if (!st.step())
        return std::nullopt;
    RunRecord r = readRun(st);
    sql::Statement in(*m_db, "SELECT artifact_id, role FROM run_inputs WHERE run_id = ?1 ORDER BY role");
    in.bind(1, runId);
    while (in.step())
        r.inputs.emplace_back(in.columnInt(0), in.columnText(1));
    return r;
}

std::vector<RunRecord> Workspace::runs(const std::string &kind) const
{
    sql::Statement st(*m_db, std::string("SELECT ") + RunColumns
                                 + " FROM runs WHERE (?1 = '' OR kind = ?1) ORDER BY id");
    st.bind(1, kind);
    std::vector<RunRecord> out;
    while (st.step())
        out.push_back(readRun(st));
    return out;
}

void Workspace::putResult(std::int64_t runId, const std::string &name, const std::string &format,
                          const std::string &bytes)
{
    sql::Statement st(*m_db, "INSERT OR REPLACE INTO run_results (run_id, name, format, data) VALUES (?1, ?2, ?3, ?4)");
    st.bind(1, runId).bind(2, name).bind(3, format).bindBlob(4, bytes).exec();
}

std::optional<std::string> Workspace::result(std::int64_t runId, const std::string &name) const
{
    sql::Statement st(*m_db, "SELECT data FROM run_results WHERE run_id = ?1 AND name = ?2");
    st.bind(1, runId).bind(2, name);
    if (!st.step())
        return std::nullopt;
    return st.columnBlob(0);
}

std::vector<std::string> Workspace::resultNames(std::int64_t runId) const
{
    sql::Statement st(*m_db, "SELECT name FROM run_results WHERE run_id = ?1 ORDER BY name");
    st.bind(1, runId);
    std::vector<std::string> out;
    while (st.step())
        out.push_back(st.columnText(0));
    return out;
}

void Workspace::setNote(const std::string &scope, const std::string &key, const std::string &value)
{
    sql::Statement st(*m_db, "INSERT INTO notes (scope, key, value) VALUES (?1, ?2, ?3) "
                             "ON CONFLICT(scope, key) DO UPDATE SET value = excluded.value, "
                             "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now')");
    st.bind(1, scope).bind(2, key).bind(3, value).exec();
}

std::optional<std::string> Workspace::note(const std::string &scope, const std::string &key) const
{
    sql::Statement st(*m_db, "SELECT value FROM notes WHERE scope = ?1 AND key = ?2");
    st.bind(1, scope).bind(2, key);
    if (!st.step())
        return std::nullopt;
    return st.columnText(0);
}

std::vector<std::pair<std::string, std::string>> Workspace::notes(const std::string &scope) const
{
    sql::Statement st(*m_db, "SELECT key, value FROM notes WHERE scope = ?1 ORDER BY key");
    st.bind(1, scope);
    std::vector<std::pair<std::string, std::string>> out;
    while (st.step())
        out.emplace_back(st.columnText(0), st.columnText(1));
    return out;
}

bool Workspace::checkIntegrity() const
{
    return m_db->queryText("PRAGMA quick_check") == "ok";
}

} // namespace gb
