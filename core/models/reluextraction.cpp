// SPDX-License-Identifier: MIT
#include "models/reluextraction.h"

#include "tabular/relunetwork.h"

#include <ATen/ATen.h>
#include <torch/csrc/jit/ir/constants.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/script.h>

#include <optional>
#include <vector>

namespace gb {

namespace {

using torch::jit::Node;
using torch::jit::Value;

// y = x W^T + b as double tensors; relu stages carry nothing.
struct Stage {
    bool relu = false;
    at::Tensor weight; // [out, in]
    at::Tensor bias;   // [out]
};

std::optional<c10::IValue> constant(const Value *v)
{
    if (v->node()->kind() != c10::prim::Constant)
        return std::nullopt;
    auto iv = torch::jit::toIValue(v);
    return iv ? std::optional<c10::IValue>(*iv) : std::nullopt;
}

std::optional<at::Tensor> constantTensor(const Value *v, std::int64_t dims)
{
    const auto iv = constant(v);
    if (!iv || !iv->isTensor())
        return std::nullopt;
    const at::Tensor t = iv->toTensor();
    if (t.dim() != dims || !at::isFloatingType(t.scalar_type()) || t.is_complex())
        return std::nullopt;
    return t.to(at::kDouble).contiguous();
}

bool isConstantNumber(const Value *v, double expected)
{
    const auto iv = constant(v);
    return iv && (iv->isInt() || iv->isDouble()) && iv->toScalar().toDouble() == expected;
}

// One node of the chain, consuming `x`; false when it is not part of a ReLU network.
bool addNode(const Node *node, const Value *x, std::vector<Stage> &stages)
{
    const auto kind = node->kind();
    const auto in = node->inputs();
    if ((kind == c10::aten::relu || kind == c10::aten::relu_) && in.size() == 1 && in[0] == x) {
        stages.push_back({true, {}, {}});
        return true;
    }
    if (kind == c10::aten::linear && in.size() == 3 && in[0] == x) {
        const auto w = constantTensor(in[1], 2);
        if (!w)
            return false;
        at::Tensor b = at::zeros({w->size(0)}, at::kDouble);
        if (!in[2]->type()->cast<c10::NoneType>()) {
            const auto given = constantTensor(in[2], 1);
            if (!given)
                return false;
            b = *given;
        }
        stages.push_back({false, *w, b});
        return true;
    }
    if (kind == c10::aten::addmm && in.size() == 5 && in[1] == x && isConstantNumber(in[3], 1)
        && isConstantNumber(in[4], 1)) {
        const auto b = constantTensor(in[0], 1);
        const auto wt = constantTensor(in[2], 2);
        if (!b || !wt)
            return false;
        stages.push_back({false, wt->t().contiguous(), *b});
        return true;
    }
    if (kind == c10::aten::matmul && in.size() == 2 && in[0] == x) {
        const auto wt = constantTensor(in[1], 2);
        if (!wt)
            return false;
        stages.push_back({false, wt->t().contiguous(), at::zeros({wt->size(1)}, at::kDouble)});
        return true;
    }
    // A bias added to the affine stage just before (matmul then add).
    if (kind == c10::aten::add && in.size() == 3 && in[0] == x && isConstantNumber(in[2], 1) && !stages.empty()
        && !stages.back().relu) {
        const auto b = constantTensor(in[1], 1);
        if (!b)
            return false;
        stages.back().bias = stages.back().bias + *b;
        return true;
    }
    return false;
}

// Folds consecutive affine stages and repeated ReLUs; null unless affine (relu affine)*.
std::shared_ptr<tabular::ReluNetwork> toNetwork(const std::vector<Stage> &stages)
{
    std::vector<Stage> chain;
    for (const Stage &s : stages) {
        if (s.relu) {
            if (chain.empty())
                return nullptr; // a ReLU of the raw input
            if (!chain.back().relu)
                chain.push_back(s);
            continue;
        }
        if (!chain.empty() && !chain.back().relu) {
            Stage &prev = chain.back();
            if (s.weight.size(1) != prev.weight.size(0))
                return nullptr;
            prev.bias = at::matmul(s.weight, prev.bias) + s.bias;
            prev.weight = at::matmul(s.weight, prev.weight);
            continue;
        }
        chain.push_back(s);
    }
    if (chain.empty() || chain.back().relu)
        return nullptr;
    auto net = std::make_shared<tabular::ReluNetwork>();
    for (const Stage &s : chain) {
        if (s.relu)
            continue;
        const at::Tensor w = s.weight.contiguous(), b = s.bias.contiguous();
        if (b.size(0) != w.size(0) || (!net->layers.empty() && net->layers.back().outputs != w.size(1)))
            return nullptr;
        net->addLayer(w.size(1), w.size(0), w.data_ptr<double>(), b.data_ptr<double>());
    }
    return net;
}

} // namespace

std::shared_ptr<tabular::ReluNetwork> extractReluNetwork(const torch::jit::Module &frozen)
{
    try {
        const auto method = frozen.find_method("forward");
        if (!method)
            return nullptr;
        const std::shared_ptr<torch::jit::Graph> graph = method->graph();
        if (graph->inputs().size() != 2 || graph->outputs().size() != 1)
            return nullptr;
        const Value *x = graph->inputs()[1];
        std::vector<Stage> stages;
        bool squeezed = false;
        for (const Node *node : graph->nodes()) {
            if (node->kind() == c10::prim::Constant)
                continue;
            // Each intermediate feeds exactly the next op: a second use (a residual, a side
            // computation) is not a plain chain.
            if (squeezed || x->uses().size() != 1 || node->outputs().size() != 1)
                return nullptr;
            if (node->kind() == c10::aten::squeeze && node->inputs().size() == 2 && node->inputs()[0] == x
                && (isConstantNumber(node->inputs()[1], 1) || isConstantNumber(node->inputs()[1], -1))) {
                squeezed = true; // [N, 1] -> [N]: the same numbers
            } else if (!addNode(node, x, stages)) {
                return nullptr;
            }
            x = node->output();
        }
        if (graph->outputs()[0] != x)
            return nullptr;
        return toNetwork(stages);
    } catch (const std::exception &) {
        return nullptr; // an unexpected graph shape: the module still runs as it is
    }
}

} // namespace gb
