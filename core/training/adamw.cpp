// SPDX-License-Identifier: MIT
#include "training/adamw.h"

#include <ATen/ATen.h>

#include <cmath>

namespace gb {

void AdamW::add(const std::string &name, const at::Tensor &param, bool decay, double lrScale)
{
    m_lrScale.push_back(lrScale);
    m_names.push_back(name);
    m_params.push_back(param);
    m_m.push_back(at::zeros_like(param));
    m_v.push_back(at::zeros_like(param));
    m_decay.push_back(decay);
}

double AdamW::clipGradNorm(double maxNorm)
{
    double sq = 0.0;
    for (const auto &p : m_params)
        if (p.grad().defined())
            sq += p.grad().pow(2).sum().item<double>();
    const double norm = std::sqrt(sq);
    if (maxNorm > 0 && norm > maxNorm)
        for (const auto &p : m_params)
            if (p.grad().defined())
                p.mutable_grad().mul_(maxNorm / (norm + 1e-12));
    return norm;
}

void AdamW::step(double lr)
{
    at::NoGradGuard noGrad;
    ++m_t;
    const double c1 = 1.0 - std::pow(m_o.beta1, double(m_t)), c2 = 1.0 - std::pow(m_o.beta2, double(m_t));
    for (std::size_t i = 0; i < m_params.size(); ++i) {
        auto &p = m_params[i];
        if (!p.grad().defined())
            continue;
        const auto &g = p.grad();
        const double lri = lr * m_lrScale[i];
        if (m_decay[i] && m_o.weightDecay > 0)
            p.mul_(1.0 - lri * m_o.weightDecay);
        m_m[i].mul_(m_o.beta1).add_(g, 1.0 - m_o.beta1);
        m_v[i].mul_(m_o.beta2).addcmul_(g, g, 1.0 - m_o.beta2);
        p.addcdiv_(m_m[i], (m_v[i] / c2).sqrt_().add_(m_o.epsilon), -lri / c1);
        p.mutable_grad().zero_();
    }
}

} // namespace gb
