// SPDX-License-Identifier: MIT
#include "jobs/cancel.h"

#include "common/error.h"

namespace gb {

void CancelToken::throwIfCancelled() const
{
    if (isCancelled())
        throw Error::cancelled();
}

} // namespace gb
