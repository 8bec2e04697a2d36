// SPDX-License-Identifier: MIT
#include "attribution/quadrature.h"

#include "common/error.h"

#include <array>
#include <cmath>
#include <utility>

namespace gb {

namespace {

constexpr double Pi = 3.14159265358979323846;

/// P_n(x) and P_n'(x) from the three-term recurrence.
std::pair<double, double> legendre(int n, double x)
{
    double p0 = 1.0;
    double p1 = x;
    for (int k = 2; k <= n; ++k) {
        const double p2 = ((2.0 * k - 1.0) * x * p1 - (k - 1.0) * p0) / k;
        p0 = p1;
        p1 = p2;
    }
    const double derivative = n * (x * p1 - p0) / (x * x - 1.0);
    return {p1, derivative};
}

QuadratureRule riemann(Quadrature q, int n)
{
    if (n < 2)
        throw Error::badInput(toString(q) + " needs at least 2 steps, got " + std::to_string(n));
    QuadratureRule r;
    r.alphas.resize(n);
    r.weights.assign(n, 1.0 / n);
    for (int k = 0; k < n; ++k) {
        switch (q) {
        case Quadrature::RiemannLeft: r.alphas[k] = double(k) / n; break;
        case Quadrature::RiemannRight: r.alphas[k] = double(k + 1) / n; break;
        case Quadrature::RiemannMiddle: r.alphas[k] = (k + 0.5) / n; break;
        default: r.alphas[k] = double(k) / (n - 1); break;
        }
    }
    if (q == Quadrature::RiemannTrapezoid)
        r.weights.assign(n, 1.0 / (n - 1));
    if (q == Quadrature::RiemannTrapezoid || q == Quadrature::CaptumTrapezoid) {
        r.weights.front() /= 2.0;
        r.weights.back() /= 2.0;
    }
    return r;
}

} // namespace

QuadratureRule gaussLegendre(int n)
{
    if (n < 1)
        throw Error::badInput("gausslegendre needs at least 1 step, got " + std::to_string(n));
    QuadratureRule r;
    r.alphas.resize(n);
    r.weights.resize(n);
    // Roots are symmetric: solve for the positive half, starting from Tricomi's estimate of the
    // k-th root, which Newton refines quadratically.
    for (int k = 0; k < (n + 1) / 2; ++k) {
        double x = std::cos(Pi * (k + 0.75) / (n + 0.5));
        for (int it = 0; it < 100; ++it) {
            const auto [p, d] = legendre(n, x);
            const double dx = p / d;
            x -= dx;
            // Quadratic convergence: a step of 1e-15 leaves an error far below one ulp.
            if (std::fabs(dx) <= 1e-15)
                break;
        }
        const double dp = legendre(n, x).second;
        const double w = 2.0 / ((1.0 - x * x) * dp * dp);
        r.alphas[k] = -x;
        r.alphas[n - 1 - k] = x;
        r.weights[k] = w;
        r.weights[n - 1 - k] = w;
    }
    if (n % 2 == 1)
        r.alphas[n / 2] = 0.0;
    return r;
}

QuadratureRule quadratureRule(Quadrature q, int n)
{
    if (q != Quadrature::GaussLegendre)
        return riemann(q, n);
    QuadratureRule r = gaussLegendre(n);
    for (double &a : r.alphas)
        a = 0.5 * (1.0 + a);
    for (double &w : r.weights)
        w *= 0.5;
    return r;
}

namespace {
constexpr std::array<std::pair<Quadrature, const char *>, 6> Names{{
    {Quadrature::RiemannLeft, "riemann_left"},
    {Quadrature::RiemannRight, "riemann_right"},
    {Quadrature::RiemannMiddle, "riemann_middle"},
    {Quadrature::RiemannTrapezoid, "riemann_trapezoid"},
    {Quadrature::CaptumTrapezoid, "captum_trapezoid"},
    {Quadrature::GaussLegendre, "gausslegendre"},
}};
} // namespace

std::string toString(Quadrature q)
{
    for (const auto &[value, name] : Names)
        if (value == q)
            return name;
    return "unknown";
}

Quadrature parseQuadrature(const std::string &name)
{
    std::string valid;
    for (const auto &[value, n] : Names) {
        if (name == n)
            return value;
        valid += (valid.empty() ? "" : ", ") + std::string(n);
    }
    throw Error::badInput("unknown quadrature \"" + name + "\" (valid: " + valid + ")");
}

} // namespace gb
