// SPDX-License-Identifier: MIT
#include "dictionaries/shapecheck.h"

#include "common/error.h"
#include "io/dtype.h"

namespace gb {

void ShapeCheck::require(const at::Tensor &t, const std::string &name, const std::vector<std::int64_t> &shape) const
{
    if (!t.defined())
        throw Error::badInput(m_source + ": tensor '" + name + "' is missing (expected shape " + shapeText(shape) + ")");
    optional(t, name, shape);
}

void ShapeCheck::optional(const at::Tensor &t, const std::string &name, const std::vector<std::int64_t> &shape) const
{
    if (!t.defined())
        return;
    const std::vector<std::int64_t> actual = t.sizes().vec();
    if (actual != shape)
        throw Error::badInput(m_source + ": tensor '" + name + "' has shape " + shapeText(actual) + ", expected "
                              + shapeText(shape));
}

} // namespace gb
