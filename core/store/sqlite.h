// SPDX-License-Identifier: MIT
// Thin RAII over the sqlite3 C API, used only inside core/store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace gb::sql {

class Connection;

/// A prepared statement. Binding indices start at 1 as in SQLite.
class Statement {
public:
    Statement(Connection &db, std::string_view sql);
    ~Statement();
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;

    Statement &bind(int index, std::int64_t v);
    Statement &bind(int index, double v);
    Statement &bind(int index, std::string_view text);
    Statement &bindBlob(int index, std::string_view bytes);
    Statement &bindNull(int index);

    /// Advances; true while a row is available.
    bool step();
    /// Runs to completion (for statements without result rows).
    void exec();
    void reset();

    std::int64_t columnInt(int col) const;
    double columnDouble(int col) const;
    std::string columnText(int col) const;
    std::string columnBlob(int col) const;
    bool columnIsNull(int col) const;

private:
    Connection &m_db;
    sqlite3_stmt *m_stmt = nullptr;
};

class Connection {
public:
    enum class Mode { ReadOnly, ReadWrite, Create };
    Connection(const std::string &path, Mode mode);
    ~Connection();
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    void exec(std::string_view sql);
    std::int64_t lastInsertId() const;
    /// Runs a single-value query ("PRAGMA user_version").
    std::int64_t queryInt(std::string_view sql);
    std::string queryText(std::string_view sql);

    sqlite3 *handle() const { return m_db; }
    const std::string &path() const { return m_path; }
    [[noreturn]] void fail(const std::string &what) const;

private:
    sqlite3 *m_db = nullptr;
    std::string m_path;
};

/// BEGIN IMMEDIATE ... COMMIT, rolled back when the scope is left by an exception.
class Transaction {
public:
    explicit Transaction(Connection &db);
    ~Transaction();
    void commit();

private:
    Connection &m_db;
    bool m_done = false;
};

} // namespace gb::sql
