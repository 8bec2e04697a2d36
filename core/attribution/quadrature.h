// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

namespace gb {

/// How the path integral of Integrated Gradients is approximated (spec-facts 9.1). Each rule
/// gives points alpha_k in [0, 1] and weights w_k, and IG = (x - x') * sum_k w_k grad F(x' + alpha_k (x - x')).
enum class Quadrature {
    RiemannLeft,      ///< alpha = k/n, k = 0..n-1; w = 1/n
    RiemannRight,     ///< alpha = k/n, k = 1..n (the IG paper's sum); w = 1/n
    RiemannMiddle,    ///< alpha = (k + 1/2)/n; w = 1/n
    /// The composite trapezoid rule: alpha = linspace(0, 1, n), w = 1/(n-1) with both ends
    /// halved, so the weights sum to 1 and a linear F is integrated exactly.
    RiemannTrapezoid,
    /// Captum's "riemann_trapezoid" reproduced bit for bit: alpha = linspace(0, 1, n) but w = 1/n
    /// with both ends halved. Those weights sum to 1 - 1/n, so every attribution is scaled by
    /// about (1 - 1/n) and completeness fails by |F(x) - F(x')|/n even for a linear F. Offered only
    /// to compare numbers with Captum.
    CaptumTrapezoid,
    GaussLegendre,    ///< n-point Gauss-Legendre mapped to [0, 1] (Captum's default)
    /// The (2n+1)-point Gauss-Kronrod extension of n-point Gauss-Legendre mapped to [0, 1]:
    /// "steps" is n, the rule evaluates 2n + 1 points.
    GaussKronrod,
};

struct QuadratureRule {
    std::vector<double> alphas;
    std::vector<double> weights;
};

/// Points and weights of `q` with n points (Gauss-Kronrod: 2n + 1 points on the n-point
/// Gauss-Legendre rule). Riemann rules and the trapezoids need n >= 2 (Captum's rule), the
/// Gauss rules n >= 1; anything else is a BadInput error.
QuadratureRule quadratureRule(Quadrature q, int n);

/// n-point Gauss-Legendre nodes (ascending) and weights on [-1, 1], by Newton's method on the
/// Legendre recurrence, accurate to a few ulps for n up to several thousands.
QuadratureRule gaussLegendre(int n);

/// The (2n+1)-point Gauss-Kronrod rule on [-1, 1] (ascending): the n Gauss-Legendre nodes, which
/// are the odd-indexed points and bit-identical to gaussLegendre(n)'s, interlaced with the n + 1
/// zeros of the Stieltjes polynomial E_{n+1}; exact for polynomials of degree 3n + 1 (and
/// 3n + 2 for odd n, where that degree is odd and the rule symmetric). Weights are positive.
/// Accurate to a few ulps for n up to a few hundred.
QuadratureRule gaussKronrod(int n);

/// `r` (on [-1, 1]) mapped to [0, 1]: alpha = (1 + x)/2, weights halved so that they sum to 1.
QuadratureRule toUnitInterval(QuadratureRule r);

/// Command-line / JSON names: "riemann_left", "riemann_right", "riemann_middle",
/// "riemann_trapezoid", "captum_trapezoid", "gausslegendre", "gausskronrod".
std::string toString(Quadrature q);
/// Parses a name given by toString; unknown names are a BadInput error listing the valid ones.
Quadrature parseQuadrature(const std::string &name);

} // namespace gb
