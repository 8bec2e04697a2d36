// SPDX-License-Identifier: MIT
// Quadrature rules of Integrated Gradients against published nodes and weights and against the
// polynomials each rule must integrate exactly.
#include "attribution/quadrature.h"
#include "testutils.h"

#include <QTest>

#include <cmath>

Q_DECLARE_METATYPE(gb::Quadrature)
Q_DECLARE_METATYPE(std::vector<double>)

class TestQuadrature : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void gaussLegendreKnownNodes_data();
    void gaussLegendreKnownNodes();
    void gaussLegendreIntegratesPolynomials();
    void gaussKronrodPublishedRule();
    void gaussKronrodProperties_data();
    void gaussKronrodProperties();
    void riemannRules_data();
    void riemannRules();
    void quadratureNames();
};

void TestQuadrature::gaussLegendreKnownNodes_data()
{
    QTest::addColumn<int>("n");
    QTest::addColumn<std::vector<double>>("nodes");
    QTest::addColumn<std::vector<double>>("weights");
    QTest::addRow("1") << 1 << std::vector<double>{0.0} << std::vector<double>{2.0};
    const double r3 = 1.0 / std::sqrt(3.0);
    QTest::addRow("2") << 2 << std::vector<double>{-r3, r3} << std::vector<double>{1.0, 1.0};
    const double s35 = std::sqrt(0.6);
    QTest::addRow("3") << 3 << std::vector<double>{-s35, 0.0, s35} << std::vector<double>{5.0 / 9, 8.0 / 9, 5.0 / 9};
    const double a = std::sqrt(3.0 / 7 - 2.0 / 7 * std::sqrt(1.2)), b = std::sqrt(3.0 / 7 + 2.0 / 7 * std::sqrt(1.2));
    const double wa = (18 + std::sqrt(30.0)) / 36, wb = (18 - std::sqrt(30.0)) / 36;
    QTest::addRow("4") << 4 << std::vector<double>{-b, -a, a, b} << std::vector<double>{wb, wa, wa, wb};
    const double c = std::sqrt(5 - 2 * std::sqrt(10.0 / 7)) / 3, e = std::sqrt(5 + 2 * std::sqrt(10.0 / 7)) / 3;
    const double wc = (322 + 13 * std::sqrt(70.0)) / 900, we = (322 - 13 * std::sqrt(70.0)) / 900;
    QTest::addRow("5") << 5 << std::vector<double>{-e, -c, 0.0, c, e}
                       << std::vector<double>{we, wc, 128.0 / 225, wc, we};
}

void TestQuadrature::gaussLegendreKnownNodes()
{
    QFETCH(int, n);
    QFETCH(std::vector<double>, nodes);
    QFETCH(std::vector<double>, weights);
    const gb::QuadratureRule r = gb::gaussLegendre(n);
    QVERIFY(gbtest::maxAbsDiff(r.alphas, nodes) < 1e-15);
    QVERIFY(gbtest::maxAbsDiff(r.weights, weights) < 1e-15);
}

void TestQuadrature::gaussLegendreIntegratesPolynomials()
{
    // n points integrate every polynomial of degree <= 2n - 1 exactly; x^k over [-1, 1] is
    // 2/(k+1) for even k and 0 for odd k.
    for (const int n : {1, 2, 7, 16, 64, 300}) {
        const gb::QuadratureRule r = gb::gaussLegendre(n);
        for (int k = 0; k <= std::min(2 * n - 1, 40); ++k) {
            double sum = 0.0;
            for (int i = 0; i < n; ++i)
                sum += r.weights[std::size_t(i)] * std::pow(r.alphas[std::size_t(i)], k);
            const double exact = k % 2 ? 0.0 : 2.0 / (k + 1);
            QVERIFY2(std::fabs(sum - exact) < 1e-13, qPrintable(QStringLiteral("n=%1 k=%2: %3").arg(n).arg(k).arg(sum)));
        }
        QVERIFY(std::is_sorted(r.alphas.begin(), r.alphas.end()));
    }
    // Mapped to [0, 1] for IG: weights halve and sum to 1.
    const gb::QuadratureRule m = gb::quadratureRule(gb::Quadrature::GaussLegendre, 3);
    QVERIFY(gbtest::isClose(m.alphas[0], 0.5 * (1 - std::sqrt(0.6)), 0, 1e-15));
    QVERIFY(gbtest::isClose(std::accumulate(m.weights.begin(), m.weights.end(), 0.0), 1.0, 0, 1e-15));
}

void TestQuadrature::gaussKronrodPublishedRule()
{
    // G7-K15 (Piessens et al., QUADPACK's qk15): the non-negative nodes and their weights.
    const std::vector<double> nodes{0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
                                    0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
                                    0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
                                    0.207784955007898467600689403773245, 0.0};
    const std::vector<double> weights{0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
                                      0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
                                      0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
                                      0.204432940075298892414161999234649, 0.209482141084727828012999174891714};
    const gb::QuadratureRule r = gb::gaussKronrod(7);
    QCOMPARE(r.alphas.size(), std::size_t(15));
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        QVERIFY2(std::fabs(r.alphas[14 - i] - nodes[i]) < 1e-15 && std::fabs(r.alphas[i] + nodes[i]) < 1e-15,
                 qPrintable(QStringLiteral("node %1: %2").arg(i).arg(r.alphas[14 - i], 0, 'g', 17)));
        QVERIFY2(std::fabs(r.weights[14 - i] - weights[i]) < 1e-15 && std::fabs(r.weights[i] - weights[i]) < 1e-15,
                 qPrintable(QStringLiteral("weight %1: %2").arg(i).arg(r.weights[14 - i], 0, 'g', 17)));
    }
}

void TestQuadrature::gaussKronrodProperties_data()
{
    QTest::addColumn<int>("n");
    for (const int n : {1, 2, 3, 4, 5, 8, 10, 13, 16, 24, 33, 50, 64, 100, 101})
        QTest::addRow("n=%d", n) << n;
}

void TestQuadrature::gaussKronrodProperties()
{
    QFETCH(int, n);
    const gb::QuadratureRule k = gb::gaussKronrod(n);
    const gb::QuadratureRule g = gb::gaussLegendre(n);
    QCOMPARE(k.alphas.size(), std::size_t(2 * n + 1));
    QVERIFY(std::is_sorted(k.alphas.begin(), k.alphas.end()));
    QVERIFY(k.alphas.front() > -1 && k.alphas.back() < 1);
    // The Gauss nodes are the odd-indexed points: the Kronrod points interlace with them.
    for (int i = 0; i < n; ++i)
        QVERIFY(std::fabs(k.alphas[std::size_t(2 * i + 1)] - g.alphas[std::size_t(i)]) < 1e-15);
    // Legendre polynomials by their recurrence: int P_0 = 2, int P_m = 0 for m >= 1. Exact up to
    // degree 3n + 1 (3n + 2 for odd n, by symmetry), not beyond.
    auto rule = [&](int m) {
        double sum = 0.0;
        for (std::size_t i = 0; i < k.alphas.size(); ++i) {
            double p0 = 1.0, p1 = k.alphas[i];
            for (int j = 1; j < m; ++j)
                std::tie(p0, p1) = std::pair{p1, ((2.0 * j + 1.0) * k.alphas[i] * p1 - j * p0) / (j + 1.0)};
            sum += k.weights[i] * (m == 0 ? p0 : p1);
        }
        return sum;
    };
    const int exact = 3 * n + 1 + n % 2;
    for (int m = 0; m <= exact; ++m)
        QVERIFY2(std::fabs(rule(m) - (m == 0 ? 2.0 : 0.0)) < 1e-14, qPrintable(QStringLiteral("degree %1: %2").arg(m).arg(rule(m))));
    QVERIFY2(std::fabs(rule(exact + 1)) > 1e-8, qPrintable(QStringLiteral("degree %1: %2").arg(exact + 1).arg(rule(exact + 1))));
    // On [0, 1] for IG: positive weights summing to 1.
    const gb::QuadratureRule unit = gb::quadratureRule(gb::Quadrature::GaussKronrod, n);
    QVERIFY(*std::min_element(unit.weights.begin(), unit.weights.end()) > 0);
    QVERIFY(std::fabs(std::accumulate(unit.weights.begin(), unit.weights.end(), 0.0) - 1.0) < 1e-14);
    QVERIFY(unit.alphas.front() > 0 && unit.alphas.back() < 1);
}

void TestQuadrature::riemannRules_data()
{
    QTest::addColumn<gb::Quadrature>("q");
    QTest::addColumn<std::vector<double>>("alphas");
    QTest::addColumn<std::vector<double>>("weights");
    // Captum's approximation_methods.py for n = 4 (spec-facts 9.1).
    QTest::addRow("left") << gb::Quadrature::RiemannLeft << std::vector<double>{0, 0.25, 0.5, 0.75}
                          << std::vector<double>(4, 0.25);
    QTest::addRow("right") << gb::Quadrature::RiemannRight << std::vector<double>{0.25, 0.5, 0.75, 1}
                           << std::vector<double>(4, 0.25);
    QTest::addRow("middle") << gb::Quadrature::RiemannMiddle << std::vector<double>{0.125, 0.375, 0.625, 0.875}
                            << std::vector<double>(4, 0.25);
    QTest::addRow("trapezoid") << gb::Quadrature::RiemannTrapezoid << std::vector<double>{0, 1.0 / 3, 2.0 / 3, 1}
                               << std::vector<double>{1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6};
    QTest::addRow("captum trapezoid") << gb::Quadrature::CaptumTrapezoid << std::vector<double>{0, 1.0 / 3, 2.0 / 3, 1}
                                      << std::vector<double>{0.125, 0.25, 0.25, 0.125};
}

void TestQuadrature::riemannRules()
{
    QFETCH(gb::Quadrature, q);
    QFETCH(std::vector<double>, alphas);
    QFETCH(std::vector<double>, weights);
    const gb::QuadratureRule r = gb::quadratureRule(q, 4);
    QVERIFY(gbtest::maxAbsDiff(r.alphas, alphas) < 1e-15);
    QVERIFY(gbtest::maxAbsDiff(r.weights, weights) < 1e-15);
    GB_VERIFY_THROWS(gb::quadratureRule(q, 1), "at least 2 steps");
}

void TestQuadrature::quadratureNames()
{
    for (const auto q : {gb::Quadrature::RiemannLeft, gb::Quadrature::RiemannRight, gb::Quadrature::RiemannMiddle,
                         gb::Quadrature::RiemannTrapezoid, gb::Quadrature::CaptumTrapezoid, gb::Quadrature::GaussLegendre,
                         gb::Quadrature::GaussKronrod})
        QVERIFY(gb::parseQuadrature(gb::toString(q)) == q);
    GB_VERIFY_THROWS(gb::parseQuadrature("simpson"), "valid: riemann_left");
}

QTEST_GUILESS_MAIN(TestQuadrature)
#include "tst_quadrature.moc"
