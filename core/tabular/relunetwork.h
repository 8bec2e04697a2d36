// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <vector>

namespace gb::tabular {

/// A model that is a chain of affine layers with a ReLU between consecutive ones, plus the
/// transform that turns its outputs into the explained response. Such a network is continuous
/// and piecewise affine in its input, which is what the exact line walk (linewalk.h) relies on.
/// Pure data in double precision, so maths and tests need no libtorch.
struct ReluNetwork {
    struct Layer {
        std::int64_t inputs = 0;
        std::int64_t outputs = 0;
        std::vector<double> weight;  ///< [outputs][inputs] row-major, as torch.nn.Linear
        /// The transpose, [inputs][outputs]: column h of `weight` is contiguous, which is what the
        /// forward (sum of the active units' columns) and a unit's flip during the walk read.
        std::vector<double> weightT;
        std::vector<double> bias; ///< [outputs]
    };
    /// ReLU after every layer but the last.
    std::vector<Layer> layers;

    enum class Response {
        Raw,     ///< output `column` as is
        Sigmoid, ///< sigmoid of output `column`
        Softmax  ///< softmax over all outputs, then `column`
    };
    Response response = Response::Raw;
    std::int64_t column = 0;

    std::int64_t inputWidth() const { return layers.empty() ? 0 : layers.front().inputs; }
    std::int64_t outputs() const { return layers.empty() ? 0 : layers.back().outputs; }

    /// Appends a layer from a usual [outputs][inputs] row-major weight (BadInput-free: shapes are
    /// the caller's contract; an inconsistent chain is an internal error).
    void addLayer(std::int64_t inputs, std::int64_t outputs, const double *weight, const double *bias);

    /// Drops every output but `column` (which becomes column 0): a raw or sigmoid response reads
    /// one output, so the walk need not carry the others.
    void keepOnlyOutput(std::int64_t column);

    /// The response for `n` row-major rows, layer by layer (the brute-force reference of the walk).
    void evaluate(const float *rows, std::int64_t n, float *out) const;
    /// The response from the output layer's values (length outputs()).
    double respond(const double *outputValues) const;
};

} // namespace gb::tabular
