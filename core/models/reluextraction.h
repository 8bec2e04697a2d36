// SPDX-License-Identifier: MIT
#pragma once

#include <memory>

namespace torch::jit {
struct Module;
}

namespace gb::tabular {
struct ReluNetwork;
}

namespace gb {

/// The ReLU network a frozen TorchScript module computes, when its forward provably is one: the
/// graph is nothing but a chain from the input through aten::linear (or addmm, or matmul then
/// add) with constant parameters and aten::relu, ending in an affine layer (a final squeeze of the
/// output is allowed). Consecutive affine layers are folded into one. Anything else (another op,
/// a value used twice as in a residual, parameters that are not constants because the module did
/// not freeze) gives null, and callers evaluate the module itself. Never throws for an ineligible
/// graph.
std::shared_ptr<tabular::ReluNetwork> extractReluNetwork(const torch::jit::Module &frozen);

} // namespace gb
