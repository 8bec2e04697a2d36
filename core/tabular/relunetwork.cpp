// SPDX-License-Identifier: MIT
#include "tabular/relunetwork.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>

namespace gb::tabular {

void ReluNetwork::addLayer(std::int64_t inputs, std::int64_t outputs, const double *weight, const double *bias)
{
    if (!layers.empty() && layers.back().outputs != inputs)
        throw Error::internal("ReluNetwork: layer takes " + std::to_string(inputs) + " inputs after a layer of "
                              + std::to_string(layers.back().outputs) + " outputs");
    Layer l;
    l.inputs = inputs;
    l.outputs = outputs;
    l.weight.assign(weight, weight + inputs * outputs);
    l.weightT.resize(std::size_t(inputs * outputs));
    for (std::int64_t o = 0; o < outputs; ++o)
        for (std::int64_t i = 0; i < inputs; ++i)
            l.weightT[std::size_t(i * outputs + o)] = weight[o * inputs + i];
    l.bias.assign(bias, bias + outputs);
    layers.push_back(std::move(l));
}

void ReluNetwork::keepOnlyOutput(std::int64_t column)
{
    Layer &last = layers.back();
    if (column < 0 || column >= last.outputs)
        throw Error::internal("ReluNetwork: no output " + std::to_string(column));
    std::vector<double> weight(last.weight.begin() + column * last.inputs, last.weight.begin() + (column + 1) * last.inputs);
    const double bias = last.bias[std::size_t(column)];
    const std::int64_t inputs = last.inputs;
    layers.pop_back();
    addLayer(inputs, 1, weight.data(), &bias);
    this->column = 0;
}

double ReluNetwork::respond(const double *y) const
{
    switch (response) {
    case Response::Raw: return y[column];
    case Response::Sigmoid: return 1.0 / (1.0 + std::exp(-y[column]));
    case Response::Softmax: {
        const double top = *std::max_element(y, y + outputs());
        double sum = 0.0;
        for (std::int64_t k = 0; k < outputs(); ++k)
            sum += std::exp(y[k] - top);
        return std::exp(y[column] - top) / sum;
    }
    }
    return y[column];
}

void ReluNetwork::evaluate(const float *rows, std::int64_t n, float *out) const
{
    std::vector<double> x, y;
    for (std::int64_t r = 0; r < n; ++r) {
        x.assign(rows + r * inputWidth(), rows + (r + 1) * inputWidth());
        for (std::size_t l = 0; l < layers.size(); ++l) {
            const Layer &L = layers[l];
            y = L.bias;
            for (std::int64_t i = 0; i < L.inputs; ++i) {
                const double v = x[std::size_t(i)];
                const double *w = L.weightT.data() + i * L.outputs;
                for (std::int64_t o = 0; o < L.outputs; ++o)
                    y[std::size_t(o)] += v * w[o];
            }
            if (l + 1 < layers.size())
                for (double &v : y)
                    v = std::max(v, 0.0);
            x.swap(y);
        }
        out[r] = float(respond(x.data()));
    }
}

} // namespace gb::tabular
