// SPDX-License-Identifier: MIT
#include "attribution/regression.h"

#include "common/error.h"

#include <Eigen/Dense>

namespace gb {

namespace {

Eigen::MatrixXd designMatrix(const std::vector<TokenMask> &masks)
{
    const Eigen::Index n = Eigen::Index(masks.size());
    const Eigen::Index p = masks.empty() ? 0 : Eigen::Index(masks.front().size());
    Eigen::MatrixXd x(n, p);
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j < p; ++j)
            x(i, j) = masks[std::size_t(i)][std::size_t(j)];
    return x;
}

void checkSizes(const std::vector<TokenMask> &masks, const std::vector<double> &y, const std::vector<double> &w)
{
    if (masks.empty() || masks.size() != y.size() || y.size() != w.size())
        throw Error::internal("regression: masks, targets and weights must be non-empty and of equal length");
}

} // namespace

LinearFit weightedRidge(const std::vector<TokenMask> &masks, const std::vector<double> &y,
                        const std::vector<double> &weights, double alpha)
{
    checkSizes(masks, y, weights);
    const Eigen::MatrixXd x = designMatrix(masks);
    const Eigen::VectorXd yv = Eigen::Map<const Eigen::VectorXd>(y.data(), Eigen::Index(y.size()));
    const Eigen::VectorXd w = Eigen::Map<const Eigen::VectorXd>(weights.data(), Eigen::Index(weights.size()));
    const double wsum = w.sum();
    const Eigen::RowVectorXd xMean = (w.transpose() * x) / wsum;
    const double yMean = w.dot(yv) / wsum;
    const Eigen::MatrixXd xc = x.rowwise() - xMean;
    const Eigen::VectorXd yc = yv.array() - yMean;
    Eigen::MatrixXd gram = xc.transpose() * w.asDiagonal() * xc;
    gram.diagonal().array() += alpha;
    const Eigen::VectorXd beta = gram.completeOrthogonalDecomposition().solve(xc.transpose() * (w.asDiagonal() * yc));

    LinearFit fit;
    fit.coefficients.assign(beta.data(), beta.data() + beta.size());
    fit.intercept = yMean - xMean.dot(beta);
    const Eigen::VectorXd residual = yc - xc * beta;
    const double ssTot = w.dot(yc.cwiseProduct(yc));
    fit.r2 = ssTot > 0 ? 1.0 - w.dot(residual.cwiseProduct(residual)) / ssTot : 1.0;
    return fit;
}

std::vector<double> constrainedLeastSquares(const std::vector<TokenMask> &masks, const std::vector<double> &y,
                                            const std::vector<double> &weights, double fEmpty, double fFull)
{
    checkSizes(masks, y, weights);
    const Eigen::MatrixXd x = designMatrix(masks);
    const Eigen::Index p = x.cols();
    const double total = fFull - fEmpty;
    if (p == 1)
        return {total};
    // phi_last = total - sum(others): y - fEmpty - z_last * total = sum_i phi_i (z_i - z_last).
    const Eigen::VectorXd last = x.col(p - 1);
    const Eigen::MatrixXd a = x.leftCols(p - 1).colwise() - last;
    const Eigen::VectorXd b = Eigen::Map<const Eigen::VectorXd>(y.data(), Eigen::Index(y.size())).array() - fEmpty
        - last.array() * total;
    const Eigen::VectorXd sw = Eigen::Map<const Eigen::VectorXd>(weights.data(), Eigen::Index(weights.size())).cwiseSqrt();
    const Eigen::VectorXd phi = (sw.asDiagonal() * a).completeOrthogonalDecomposition().solve(sw.asDiagonal() * b);
    std::vector<double> out(phi.data(), phi.data() + phi.size());
    out.push_back(total - phi.sum());
    return out;
}

} // namespace gb
