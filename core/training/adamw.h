// SPDX-License-Identifier: MIT
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gb {

/// AdamW (Loshchilov & Hutter) over named tensors, with the moments exposed so trainers can save
/// and restore them for resume. Decoupled weight decay applies only to tensors added with decay.
class AdamW {
public:
    struct Options {
        double beta1 = 0.9;
        double beta2 = 0.999;
        double epsilon = 1e-8;
        double weightDecay = 0.0;
    };

    explicit AdamW(Options options) : m_o(options) {}

    /// Registers a parameter (a leaf requiring grad) under a name; `lrScale` multiplies the
    /// learning rate for it (e.g. 0.1 for JumpReLU thresholds).
    void add(const std::string &name, const at::Tensor &param, bool decay, double lrScale = 1.0);
    /// Scales all gradients so their global L2 norm is at most maxNorm (<= 0: no clipping);
    /// returns the norm before clipping.
    double clipGradNorm(double maxNorm);
    /// One update at learning rate `lr` (bias-corrected); zeroes the gradients afterwards.
    void step(double lr);

    std::int64_t steps() const { return m_t; }
    void setSteps(std::int64_t t) { m_t = t; }
    const std::vector<std::string> &names() const { return m_names; }
    const std::vector<at::Tensor> &params() const { return m_params; }
    std::vector<at::Tensor> &firstMoments() { return m_m; }
    std::vector<at::Tensor> &secondMoments() { return m_v; }
    const std::vector<at::Tensor> &firstMoments() const { return m_m; }
    const std::vector<at::Tensor> &secondMoments() const { return m_v; }

private:
    Options m_o;
    std::int64_t m_t = 0;
    std::vector<std::string> m_names;
    std::vector<at::Tensor> m_params, m_m, m_v;
    std::vector<bool> m_decay;
    std::vector<double> m_lrScale;
};

} // namespace gb
