// SPDX-License-Identifier: MIT
#include "attribution/quadrature.h"

#include "common/error.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>
#include <vector>

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

/// int_{-1}^{1} P_a P_b P_c dx (Adams' formula): 2/(2s+1) g(s-a) g(s-b) g(s-c) / g(s) with
/// s = (a+b+c)/2 and g(k) = binomial(2k, k)/4^k; zero unless a+b+c is even and a, b, c satisfy
/// the triangle inequality.
double legendreTriple(int a, int b, int c)
{
    if ((a + b + c) % 2 != 0 || a > b + c || b > a + c || c > a + b)
        return 0.0;
    const int s = (a + b + c) / 2;
    std::vector<double> g(std::size_t(s) + 1, 1.0);
    for (int k = 1; k <= s; ++k)
        g[std::size_t(k)] = g[std::size_t(k) - 1] * (2.0 * k - 1.0) / (2.0 * k);
    return 2.0 / (2.0 * s + 1.0) * g[std::size_t(s - a)] * g[std::size_t(s - b)] * g[std::size_t(s - c)] / g[std::size_t(s)];
}

/// Legendre coefficients c_0..c_{n+1} of the Stieltjes polynomial E_{n+1} (c_{n+1} = 1):
/// int P_n E P_k = 0 for k = 0..n. E has the parity of n + 1, so the rows with even k hold
/// trivially; row k (odd) involves c_j for j = n-k, n-k+2, ..., n+1 only (triangle rule), so
/// it gives c_{n-k} from the coefficients above it.
std::vector<double> stieltjesCoefficients(int n)
{
    std::vector<double> c(std::size_t(n) + 2, 0.0);
    c[std::size_t(n) + 1] = 1.0;
    for (int k = 1; k <= n; k += 2) {
        double rest = 0.0;
        for (int j = n - k + 2; j <= n + 1; j += 2)
            rest += c[std::size_t(j)] * legendreTriple(n, k, j);
        c[std::size_t(n - k)] = -rest / legendreTriple(n, k, n - k);
    }
    return c;
}

/// sum_j c_j P_j(x) and its derivative, with P_j' from P'_{j+1} = P'_{j-1} + (2j + 1) P_j.
std::pair<double, double> legendreSeries(const std::vector<double> &c, double x)
{
    double p0 = 1.0, p1 = x, d0 = 0.0, d1 = 1.0;
    double value = c[0] + (c.size() > 1 ? c[1] * x : 0.0);
    double derivative = c.size() > 1 ? c[1] : 0.0;
    for (std::size_t j = 1; j + 1 < c.size(); ++j) {
        const double p2 = ((2.0 * j + 1.0) * x * p1 - double(j) * p0) / double(j + 1);
        const double d2 = d0 + (2.0 * j + 1.0) * p1;
        value += c[j + 1] * p2;
        derivative += c[j + 1] * d2;
        p0 = p1;
        p1 = p2;
        d0 = d1;
        d1 = d2;
    }
    return {value, derivative};
}

/// The zero of `c`'s series in (lo, hi), where it changes sign: Newton from the middle,
/// falling back to bisection whenever a step leaves the shrinking bracket.
double bracketedZero(const std::vector<double> &c, double lo, double hi)
{
    const bool risingAtLo = legendreSeries(c, lo).first < 0;
    double x = 0.5 * (lo + hi);
    for (int it = 0; it < 200; ++it) {
        const auto [f, df] = legendreSeries(c, x);
        if (f == 0.0)
            break;
        ((f < 0) == risingAtLo ? lo : hi) = x;
        double next = x - f / df;
        if (!(next > lo && next < hi))
            next = 0.5 * (lo + hi);
        const double step = std::fabs(next - x);
        x = next;
        if (step <= 1e-16 * std::max(1.0, std::fabs(x)))
            break;
    }
    return x;
}

} // namespace

QuadratureRule gaussKronrod(int n)
{
    if (n < 1)
        throw Error::badInput("gausskronrod needs at least 1 step, got " + std::to_string(n));
    const QuadratureRule gauss = gaussLegendre(n);
    const std::vector<double> e = stieltjesCoefficients(n);
    std::vector<double> legendreN(std::size_t(n) + 1, 0.0), legendreN1(std::size_t(n) + 2, 0.0);
    legendreN.back() = 1.0;
    legendreN1.back() = 1.0;
    QuadratureRule r;
    r.alphas.assign(std::size_t(2 * n + 1), 0.0);
    r.weights.assign(std::size_t(2 * n + 1), 0.0);
    // The Kronrod nodes interlace with the Gauss nodes (Szego): one in each gap of
    // -1 < x_1 < ... < x_n < 1. Solve the upper half and mirror (E has the parity of n + 1).
    for (int i = n; i >= n / 2; --i) {
        const double lo = i == 0 ? -1.0 : gauss.alphas[std::size_t(i) - 1];
        const double hi = i == n ? 1.0 : gauss.alphas[std::size_t(i)];
        const double y = (n % 2 == 0 && i == n / 2) ? 0.0 : bracketedZero(e, lo, hi);
        // The rule is interpolatory on P_n E; with c_{n+1} = 1, int P_n E/(x - y) dx = 2/(n + 1).
        const double w = 2.0 / ((n + 1.0) * legendreSeries(legendreN, y).first * legendreSeries(e, y).second);
        r.alphas[std::size_t(2 * i)] = y;
        r.alphas[std::size_t(2 * (n - i))] = -y;
        r.weights[std::size_t(2 * i)] = r.weights[std::size_t(2 * (n - i))] = w;
    }
    for (int i = 0; i < n; ++i) {
        // At a Gauss node x_i, Gauss-Legendre integrates P_n/(x - x_i) (E - P_{n+1}) exactly
        // (degree 2n - 2) and P_n/(x - x_i) is orthogonal to P_{n+1}, so the interpolatory
        // weight is w_i^G (1 - P_{n+1}(x_i) / E(x_i)).
        const double x = gauss.alphas[std::size_t(i)];
        r.alphas[std::size_t(2 * i + 1)] = x;
        r.weights[std::size_t(2 * i + 1)] =
            gauss.weights[std::size_t(i)] * (1.0 - legendreSeries(legendreN1, x).first / legendreSeries(e, x).first);
    }
    return r;
}

QuadratureRule toUnitInterval(QuadratureRule r)
{
    for (double &a : r.alphas)
        a = 0.5 * (1.0 + a);
    for (double &w : r.weights)
        w *= 0.5;
    return r;
}

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
    if (q == Quadrature::GaussLegendre)
        return toUnitInterval(gaussLegendre(n));
    if (q == Quadrature::GaussKronrod)
        return toUnitInterval(gaussKronrod(n));
    return riemann(q, n);
}

namespace {
constexpr std::array<std::pair<Quadrature, const char *>, 7> Names{{
    {Quadrature::RiemannLeft, "riemann_left"},
    {Quadrature::RiemannRight, "riemann_right"},
    {Quadrature::RiemannMiddle, "riemann_middle"},
    {Quadrature::RiemannTrapezoid, "riemann_trapezoid"},
    {Quadrature::CaptumTrapezoid, "captum_trapezoid"},
    {Quadrature::GaussLegendre, "gausslegendre"},
    {Quadrature::GaussKronrod, "gausskronrod"},
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
