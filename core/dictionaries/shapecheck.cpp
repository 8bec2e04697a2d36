// SPDX-License-Identifier: MIT
#include "dictionaries/shapecheck.h"

#include "common/error.h"

namespace gb {

namespace {

// TODO(features): use dictionaries/tensorchecks.h's shapeString once evolution lands it.
std::string shapeString(const std::vector<std::int64_t> &shape)
{
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

} // namespace

void ShapeCheck::require(const at::Tensor &t, const std::string &name, const std::vector<std::int64_t> &shape) const
{
    if (!t.defined())
        throw Error::badInput(m_source + ": tensor '" + name + "' is missing (expected shape " + shapeString(shape) + ")");
    optional(t, name, shape);
}

void ShapeCheck::optional(const at::Tensor &t, const std::string &name, const std::vector<std::int64_t> &shape) const
{
    if (!t.defined())
        return;
    const std::vector<std::int64_t> actual = t.sizes().vec();
    if (actual != shape)
        throw Error::badInput(m_source + ": tensor '" + name + "' has shape " + shapeString(actual) + ", expected "
                              + shapeString(shape));
}

} // namespace gb
