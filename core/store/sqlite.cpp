// SPDX-License-Identifier: MIT
#include "store/sqlite.h"

#include "common/error.h"

#include <sqlite3.h>

namespace gb::sql {

Connection::Connection(const std::string &path, Mode mode)
    : m_path(path)
{
    int flags = SQLITE_OPEN_NOMUTEX;
    switch (mode) {
    case Mode::ReadOnly: flags |= SQLITE_OPEN_READONLY; break;
    case Mode::ReadWrite: flags |= SQLITE_OPEN_READWRITE; break;
    case Mode::Create: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE; break;
    }
    const int rc = sqlite3_open_v2(path.c_str(), &m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        const std::string msg = m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
        sqlite3_close(m_db);
        m_db = nullptr;
        throw Error::badInput(path + ": cannot open workspace: " + msg);
    }
    sqlite3_extended_result_codes(m_db, 1);
    sqlite3_busy_timeout(m_db, 10000);
}

Connection::~Connection()
{
    sqlite3_close(m_db);
}

void Connection::fail(const std::string &what) const
{
    const int code = sqlite3_errcode(m_db);
    const std::string msg = m_path + ": " + what + ": " + sqlite3_errmsg(m_db);
    // A damaged or foreign file is the user's input; everything else is ours.
    if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB || (code & 0xFF) == SQLITE_CORRUPT
        || (code & 0xFF) == SQLITE_NOTADB || (code & 0xFF) == SQLITE_READONLY
        || (code & 0xFF) == SQLITE_CANTOPEN || (code & 0xFF) == SQLITE_FULL)
        throw Error::badInput(msg);
    throw Error::internal(msg);
}

void Connection::exec(std::string_view sql)
{
    char *err = nullptr;
    const std::string s(sql);
    if (sqlite3_exec(m_db, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        sqlite3_free(err);
        fail("SQL error");
    }
}

std::int64_t Connection::lastInsertId() const
{
    return sqlite3_last_insert_rowid(m_db);
}

std::int64_t Connection::queryInt(std::string_view sql)
{
    Statement st(*this, sql);
    if (!st.step())
        fail("query returned no row");
    return st.columnInt(0);
}

std::string Connection::queryText(std::string_view sql)
{
    Statement st(*this, sql);
    if (!st.step())
        fail("query returned no row");
    return st.columnText(0);
}

Statement::Statement(Connection &db, std::string_view sql)
    : m_db(db)
{
    if (sqlite3_prepare_v2(db.handle(), sql.data(), int(sql.size()), &m_stmt, nullptr) != SQLITE_OK)
        db.fail("cannot prepare statement");
}

Statement::~Statement()
{
    sqlite3_finalize(m_stmt);
}

Statement &Statement::bind(int index, std::int64_t v)
{
    if (sqlite3_bind_int64(m_stmt, index, v) != SQLITE_OK)
        m_db.fail("bind failed");
    return *this;
}

Statement &Statement::bind(int index, double v)
{
    if (sqlite3_bind_double(m_stmt, index, v) != SQLITE_OK)
        m_db.fail("bind failed");
    return *this;
}

Statement &Statement::bind(int index, std::string_view text)
{
    if (sqlite3_bind_text64(m_stmt, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8) != SQLITE_OK)
        m_db.fail("bind failed");
    return *this;
}

Statement &Statement::bindBlob(int index, std::string_view bytes)
{
    if (sqlite3_bind_blob64(m_stmt, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT) != SQLITE_OK)
        m_db.fail("bind failed");
    return *this;
}

Statement &Statement::bindNull(int index)
{
    if (sqlite3_bind_null(m_stmt, index) != SQLITE_OK)
        m_db.fail("bind failed");
    return *this;
}

bool Statement::step()
{
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    m_db.fail("statement failed");
}

void Statement::exec()
{
    while (step()) {
    }
}

void Statement::reset()
{
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

std::int64_t Statement::columnInt(int col) const
{
    return sqlite3_column_int64(m_stmt, col);
}

double Statement::columnDouble(int col) const
{
    return sqlite3_column_double(m_stmt, col);
}

std::string Statement::columnText(int col) const
{
    const auto *p = sqlite3_column_text(m_stmt, col);
    const int n = sqlite3_column_bytes(m_stmt, col);
    return p ? std::string(reinterpret_cast<const char *>(p), std::size_t(n)) : std::string();
}

std::string Statement::columnBlob(int col) const
{
    const void *p = sqlite3_column_blob(m_stmt, col);
    const int n = sqlite3_column_bytes(m_stmt, col);
    return p ? std::string(static_cast<const char *>(p), std::size_t(n)) : std::string();
}

bool Statement::columnIsNull(int col) const
{
    return sqlite3_column_type(m_stmt, col) == SQLITE_NULL;
}

Transaction::Transaction(Connection &db)
    : m_db(db)
{
    m_db.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction()
{
    if (!m_done)
        sqlite3_exec(m_db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit()
{
    m_db.exec("COMMIT");
    m_done = true;
}

} // namespace gb::sql
