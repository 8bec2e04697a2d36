// SPDX-License-Identifier: MIT
#include "common/error.h"

namespace gb {

Error::Error(Kind kind, std::string message)
    : std::runtime_error(std::move(message))
    , m_kind(kind)
{
}

Error Error::withContext(const std::string &where) const
{
    return Error(m_kind, where + ": " + what());
}

} // namespace gb
