// SPDX-License-Identifier: MIT
// Core-internal helper of the dictionary loaders.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gb {

/// Checks tensors against the shapes a configuration implies; failures are BadInput errors
/// "<source>: tensor '<name>' ..." naming the expected and the actual shape.
class ShapeCheck {
public:
    explicit ShapeCheck(std::string source) : m_source(std::move(source)) {}

    /// The tensor must be present with exactly this shape.
    void require(const at::Tensor &t, const std::string &name, const std::vector<std::int64_t> &shape) const;
    /// When present, the tensor must have this shape.
    void optional(const at::Tensor &t, const std::string &name, const std::vector<std::int64_t> &shape) const;

private:
    std::string m_source;
};

} // namespace gb
