// SPDX-License-Identifier: MIT
#pragma once

#include "tabular/relunetwork.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace gb {
class CancelToken;
class Progress;
} // namespace gb

namespace gb::tabular {

/// Receives the response of data rows [begin, end): values[(row - begin) * points + point].
using TakeRowValues = std::function<void(std::int64_t begin, std::int64_t end, const float *values)>;

/// Exact PDP / ICE evaluation of a ReLU network without a forward per grid point.
///
/// Along a line x(t) = (row with feature j set to t) every pre-activation is affine in t inside
/// a linear region, z = a + s t. The walk keeps (a, s) of every unit, finds the next value of t
/// where a unit crosses zero (the next region boundary), answers every grid point before it with
/// the output's affine map, and at the boundary flips that one unit: the next layer's maps change
/// by the unit's weight column times its (a, s), deeper layers by that change through their
/// weights. Only the first layer's boundaries are known up front; deeper ones move with every
/// flip above them. Double precision throughout; the result equals the network's forward up to
/// rounding, the grid being only where it is read off.
///
/// With two features the point index is a * len(axes[1]) + b; each row's line along the first
/// feature (the second held at its first grid value) gives the starting state of the lines along
/// the second feature, one per first-feature grid value. Axis values may come in any order.
///
/// Rows run in parallel (libtorch's intra-op threads) within blocks; progress (done/total rows)
/// and cancellation between blocks.
void walkGrid(const ReluNetwork &network, const float *rows, std::int64_t n, std::int64_t width,
              const std::vector<int> &features, const std::vector<std::vector<double>> &axes, const TakeRowValues &take,
              Progress &progress, const CancelToken &cancel);

/// The sum over rows of the response at every grid point (index as in walkGrid), without per-row
/// values: a run of grid points inside one linear region costs O(1) for a raw single output.
std::vector<double> walkGridSums(const ReluNetwork &network, const float *rows, std::int64_t n, std::int64_t width,
                                 const std::vector<int> &features, const std::vector<std::vector<double>> &axes,
                                 Progress &progress, const CancelToken &cancel);

} // namespace gb::tabular
