// SPDX-License-Identifier: MIT
#pragma once

#include <stdexcept>
#include <string>

namespace gb {

/// The one error type that leaves core. `kind` decides how callers react: bad input is the
/// user's to fix (CLI exit code 2, inline banner), internal is ours (exit code 1), cancelled is
/// not an error to report at all.
class Error : public std::runtime_error {
public:
    enum class Kind { BadInput, Internal, Cancelled };

    Error(Kind kind, std::string message);

    Kind kind() const { return m_kind; }

    static Error badInput(std::string message) { return Error(Kind::BadInput, std::move(message)); }
    static Error internal(std::string message) { return Error(Kind::Internal, std::move(message)); }
    static Error cancelled() { return Error(Kind::Cancelled, "cancelled"); }

    /// "where: message" - prefixes location context while keeping the kind.
    Error withContext(const std::string &where) const;

private:
    Kind m_kind;
};

/// Throws a BadInput error naming `where` when `condition` is false.
inline void require(bool condition, const std::string &where, const std::string &what)
{
    if (!condition)
        throw Error::badInput(where.empty() ? what : where + ": " + what);
}

} // namespace gb
