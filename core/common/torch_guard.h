// SPDX-License-Identifier: MIT
// Core-internal: include only from core .cpp files.
#pragma once

#include "common/error.h"

#include <c10/util/Exception.h>

#include <string>
#include <utility>

namespace gb {

/// The one place where libtorch errors become ours: runs `f`, and turns a c10::Error into a
/// gb::Error of `kind` prefixed with `context` (file, tensor, shape...). Nothing above core sees
/// c10 types.
template<typename F>
auto torchGuard(const std::string &context, F &&f, Error::Kind kind = Error::Kind::Internal) -> decltype(f())
{
    try {
        return std::forward<F>(f)();
    } catch (const c10::Error &e) {
        throw Error(kind, context + ": " + e.what_without_backtrace());
    } catch (const std::bad_alloc &) {
        throw Error(Error::Kind::BadInput, context + ": out of memory");
    }
}

} // namespace gb
