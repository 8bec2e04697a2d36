// SPDX-License-Identifier: MIT
// The plot kit's maths (ticks, scales, colour scales, legend placement, heatmap cells) against
// hand-worked values. (Layout of rendered figures is checked in tests/export for every kind.)
#include "plots/axis.h"
#include "plots/colormap.h"
#include "plots/heatmapfigure.h"
#include "plots/legend.h"
#include "plots/scale.h"
#include "plots/ticks.h"
#include "plots/xyfigure.h"
#include "testutils.h"

#include <QGuiApplication>
#include <QImage>
#include <QPainter>

#include <cmath>

using namespace gb::plots;

namespace {

QString join(const std::vector<Tick> &ticks, bool majorOnly = true)
{
    QStringList parts;
    for (const Tick &t : ticks)
        if (t.major || !majorOnly)
            parts << QStringLiteral("%1:%2").arg(t.value).arg(t.label);
    return parts.join(QLatin1Char(' '));
}

} // namespace

class TestPlots : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void niceStep_data();
    void niceStep();
    void linearTicks_data();
    void linearTicks();
    void integerTicks_data();
    void integerTicks();
    void logTicks_data();
    void logTicks();
    void logMinorTicks();
    void categoryTicks();
    void niceBounds_data();
    void niceBounds();
    void scaleMapping_data();
    void scaleMapping();
    void logZeroSlot();
    void fitScale_data();
    void fitScale();
    void colorScale_data();
    void colorScale();
    void colorMapEnds();
    void legendAutoPlacement();
    void heatmapCells();
    void heatmapReducesBigGrids();
    void logAxisFromStepZero();
    void heatmapRejectsWrongSize();
};

void TestPlots::niceStep_data()
{
    QTest::addColumn<double>("span");
    QTest::addColumn<int>("intervals");
    QTest::addColumn<bool>("integer");
    QTest::addColumn<double>("step");
    QTest::addRow("unit/5") << 1.0 << 5 << false << 0.2;
    QTest::addRow("10/5") << 10.0 << 5 << false << 2.0;
    QTest::addRow("10/4 quarter") << 10.0 << 4 << false << 2.5;
    QTest::addRow("7/10") << 7.0 << 10 << false << 1.0;
    QTest::addRow("0.03/5") << 0.03 << 5 << false << 0.01;
    QTest::addRow("int 100/3") << 100.0 << 3 << true << 50.0;
    QTest::addRow("int 10/4 no quarter") << 10.0 << 4 << true << 5.0;
    QTest::addRow("int never below 1") << 3.0 << 10 << true << 1.0;
    QTest::addRow("empty span") << 0.0 << 5 << false << 0.0;
}

void TestPlots::niceStep()
{
    QFETCH(double, span);
    QFETCH(int, intervals);
    QFETCH(bool, integer);
    QFETCH(double, step);
    QVERIFY2(gbtest::isClose(gb::plots::niceStep(span, intervals, integer), step, 1e-12),
             qPrintable(QString::number(gb::plots::niceStep(span, intervals, integer))));
}

void TestPlots::linearTicks_data()
{
    QTest::addColumn<double>("lo");
    QTest::addColumn<double>("hi");
    QTest::addColumn<int>("count");
    QTest::addColumn<QString>("ticks");
    QTest::addRow("unit") << 0.0 << 1.0 << 5 << "0:0.0 0.2:0.2 0.4:0.4 0.6:0.6 0.8:0.8 1:1.0";
    QTest::addRow("symmetric has zero") << -1.0 << 1.0 << 4 << QStringLiteral("-1:−1.0 -0.5:−0.5 0:0.0 0.5:0.5 1:1.0");
    QTest::addRow("inside only") << 0.13 << 0.92 << 5 << "0.2:0.2 0.4:0.4 0.6:0.6 0.8:0.8";
    QTest::addRow("quarter steps") << 0.0 << 10.0 << 4 << "0:0.0 2.5:2.5 5:5.0 7.5:7.5 10:10.0";
    QTest::addRow("reversed input") << 10.0 << 0.0 << 2 << "0:0 5:5 10:10";
    QTest::addRow("large uses powers") << 0.0 << 250000.0 << 5
                                       << QStringLiteral("0:0 50000:5×10⁴ 100000:10⁵ 150000:1.5×10⁵ 200000:2×10⁵ 250000:2.5×10⁵");
    QTest::addRow("small uses powers") << 0.0 << 0.0004 << 4 << QStringLiteral("0:0 0.0001:10⁻⁴ 0.0002:2×10⁻⁴ 0.0003:3×10⁻⁴ 0.0004:4×10⁻⁴");
    QTest::addRow("negative large") << -300000.0 << -100000.0 << 2 << QStringLiteral("-300000:−3×10⁵ -200000:−2×10⁵ -100000:−10⁵");
    QTest::addRow("flat range") << 3.0 << 3.0 << 5 << "3:3";
}

void TestPlots::linearTicks()
{
    QFETCH(double, lo);
    QFETCH(double, hi);
    QFETCH(int, count);
    QFETCH(QString, ticks);
    QCOMPARE(join(gb::plots::linearTicks(lo, hi, count)), ticks);
}

void TestPlots::integerTicks_data()
{
    QTest::addColumn<double>("lo");
    QTest::addColumn<double>("hi");
    QTest::addColumn<int>("count");
    QTest::addColumn<QString>("ticks");
    QTest::addRow("few epochs") << 0.0 << 3.0 << 10 << "0:0 1:1 2:2 3:3";
    QTest::addRow("cell centres") << -0.5 << 9.5 << 4 << "0:0 5:5";
    QTest::addRow("steps") << 0.0 << 1000.0 << 5 << "0:0 200:200 400:400 600:600 800:800 1000:1000";
}

void TestPlots::integerTicks()
{
    QFETCH(double, lo);
    QFETCH(double, hi);
    QFETCH(int, count);
    QFETCH(QString, ticks);
    QCOMPARE(join(gb::plots::integerTicks(lo, hi, count)), ticks);
}

void TestPlots::logTicks_data()
{
    QTest::addColumn<double>("lo");
    QTest::addColumn<double>("hi");
    QTest::addColumn<int>("count");
    QTest::addColumn<bool>("zero");
    QTest::addColumn<QString>("ticks");
    QTest::addRow("plain decades") << 1.0 << 1000.0 << 10 << false << "1:1 10:10 100:100 1000:1000";
    QTest::addRow("fractions") << 0.01 << 1.0 << 10 << false << "0.01:0.01 0.1:0.1 1:1";
    QTest::addRow("wide range: powers everywhere") << 1e-6 << 1.0 << 10 << false
                                                   << QStringLiteral("1e-06:10⁻⁶ 1e-05:10⁻⁵ 0.0001:10⁻⁴ 0.001:10⁻³ 0.01:10⁻² 0.1:10⁻¹ 1:10⁰");
    QTest::addRow("thinned decades") << 1.0 << 1e8 << 4 << false << QStringLiteral("1:10⁰ 1000:10³ 1e+06:10⁶");
    QTest::addRow("under a decade: 1-2-5") << 2.0 << 8.0 << 5 << false << "2:2 5:5";
    QTest::addRow("narrow: linear") << 3.0 << 4.0 << 5 << false << "3:3.00 3.25:3.25 3.5:3.50 3.75:3.75 4:4.00";
    QTest::addRow("training steps from 0") << 1.0 << 1e4 << 10 << true << "0:0 1:1 10:10 100:100 1000:1000 10000:10000";
    QTest::addRow("padded ends stay plain") << 0.83 << 1.2e4 << 10 << false << "1:1 10:10 100:100 1000:1000 10000:10000";
}

void TestPlots::logTicks()
{
    QFETCH(double, lo);
    QFETCH(double, hi);
    QFETCH(int, count);
    QFETCH(bool, zero);
    QFETCH(QString, ticks);
    QCOMPARE(join(gb::plots::logTicks(lo, hi, count, zero)), ticks);
}

void TestPlots::logMinorTicks()
{
    const auto ticks = gb::plots::logTicks(1.0, 100.0, 10);
    QCOMPARE(ticks.size(), std::size_t(3 + 16)); // 3 decades + 2..9 in each of two decades
    int minors = 0;
    for (const Tick &t : ticks)
        if (!t.major) {
            ++minors;
            QVERIFY(t.label.isEmpty());
        }
    QCOMPARE(minors, 16);
}

void TestPlots::categoryTicks()
{
    const QStringList cats = {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d"),
                              QStringLiteral("e"), QStringLiteral("f"), QStringLiteral("g")};
    QCOMPARE(join(gb::plots::categoryTicks(cats, 10)), QStringLiteral("0:a 1:b 2:c 3:d 4:e 5:f 6:g"));
    QCOMPARE(join(gb::plots::categoryTicks(cats, 3)), QStringLiteral("0:a 3:d 6:g"));
}

void TestPlots::niceBounds_data()
{
    QTest::addColumn<double>("lo");
    QTest::addColumn<double>("hi");
    QTest::addColumn<double>("niceLo");
    QTest::addColumn<double>("niceHi");
    QTest::addRow("unit") << 0.13 << 0.92 << 0.0 << 1.0;
    QTest::addRow("negative") << -7.3 << 12.1 << -10.0 << 15.0;
}

void TestPlots::niceBounds()
{
    QFETCH(double, lo);
    QFETCH(double, hi);
    QFETCH(double, niceLo);
    QFETCH(double, niceHi);
    const auto [a, b] = gb::plots::niceBounds(lo, hi, 5);
    QVERIFY(gbtest::isClose(a, niceLo, 1e-12, 1e-12));
    QVERIFY(gbtest::isClose(b, niceHi, 1e-12, 1e-12));
}

void TestPlots::scaleMapping_data()
{
    QTest::addColumn<bool>("log");
    QTest::addColumn<double>("lo");
    QTest::addColumn<double>("hi");
    QTest::addColumn<double>("r0");
    QTest::addColumn<double>("r1");
    QTest::addColumn<double>("value");
    QTest::addColumn<double>("pixel");
    QTest::addRow("linear mid") << false << 0.0 << 10.0 << 100.0 << 300.0 << 5.0 << 200.0;
    QTest::addRow("linear outside extrapolates") << false << 0.0 << 10.0 << 100.0 << 300.0 << 15.0 << 400.0;
    QTest::addRow("y axis upwards") << false << -1.0 << 1.0 << 400.0 << 0.0 << 0.5 << 100.0;
    QTest::addRow("log decade") << true << 1.0 << 1000.0 << 0.0 << 300.0 << 10.0 << 100.0;
    QTest::addRow("log sqrt10") << true << 1.0 << 100.0 << 0.0 << 200.0 << std::sqrt(10.0) << 50.0;
    QTest::addRow("log reversed") << true << 0.1 << 10.0 << 200.0 << 0.0 << 1.0 << 100.0;
}

void TestPlots::scaleMapping()
{
    QFETCH(bool, log);
    QFETCH(double, lo);
    QFETCH(double, hi);
    QFETCH(double, r0);
    QFETCH(double, r1);
    QFETCH(double, value);
    QFETCH(double, pixel);
    Scale s = log ? Scale::log(lo, hi) : Scale::linear(lo, hi);
    s.setRange(r0, r1);
    QVERIFY2(gbtest::isClose(s.map(value), pixel, 1e-12, 1e-9), qPrintable(QString::number(s.map(value))));
    QVERIFY(gbtest::isClose(s.invert(pixel), value, 1e-12, 1e-12));
}

void TestPlots::logZeroSlot()
{
    Scale s = Scale::log(1.0, 1e4, true);
    s.setRange(0.0, 1000.0);
    // 0 at the start, the first decade after the 8% slot, then four equal decades in 920 px.
    QCOMPARE(s.map(0.0), 0.0);
    QVERIFY(gbtest::isClose(s.map(1.0), 80.0, 1e-12));
    QVERIFY(gbtest::isClose(s.map(100.0), 80.0 + 460.0, 1e-12));
    QVERIFY(gbtest::isClose(s.map(1e4), 1000.0, 1e-12));
    QVERIFY(gbtest::isClose(s.map(0.5), 40.0, 1e-12)); // (0, lo) fills the gap linearly
    QVERIFY(gbtest::isClose(s.invert(40.0), 0.5, 1e-12));
    QVERIFY(gbtest::isClose(s.invert(540.0), 100.0, 1e-12));
    QVERIFY(std::isnan(s.map(-1.0)));
    QVERIFY(std::isnan(Scale::log(1.0, 10.0).map(0.0))); // no slot: zero is not shown
    QVERIFY(s.contains(0.0) && !Scale::log(1.0, 10.0).contains(0.0));
}

void TestPlots::fitScale_data()
{
    QTest::addColumn<bool>("log");
    QTest::addColumn<double>("dataMin");
    QTest::addColumn<double>("dataMax");
    QTest::addColumn<double>("minPositive");
    QTest::addColumn<double>("lo");
    QTest::addColumn<double>("hi");
    QTest::addColumn<bool>("zeroSlot");
    QTest::addRow("padded 5 percent") << false << 0.0 << 10.0 << 1.0 << 0.0 << 10.5 << false; // 0 is never padded
    QTest::addRow("both sides") << false << 1.0 << 11.0 << 1.0 << 0.5 << 11.5 << false;
    QTest::addRow("positive stays positive") << false << 0.1 << 100.0 << 0.1 << 0.0 << 104.995 << false;
    QTest::addRow("flat value") << false << 2.0 << 2.0 << 2.0 << 1.78 << 2.22 << false; // ±10%, then padded
    QTest::addRow("log with zero") << true << 0.0 << 1000.0 << 1.0 << 1.0 / std::pow(10.0, 0.15) << 1000.0 * std::pow(10.0, 0.15) << true;
    QTest::addRow("log positive") << true << 10.0 << 1000.0 << 10.0 << 10.0 / std::pow(10.0, 0.1) << 1000.0 * std::pow(10.0, 0.1) << false;
}

void TestPlots::fitScale()
{
    QFETCH(bool, log);
    QFETCH(double, dataMin);
    QFETCH(double, dataMax);
    QFETCH(double, minPositive);
    QFETCH(double, lo);
    QFETCH(double, hi);
    QFETCH(bool, zeroSlot);
    AxisSpec spec;
    spec.log = log;
    const Scale s = gb::plots::fitScale(spec, dataMin, dataMax, minPositive, 0.05);
    QVERIFY2(gbtest::isClose(s.lo(), lo, 1e-9, 1e-12), qPrintable(QString::number(s.lo(), 'g', 17)));
    QVERIFY2(gbtest::isClose(s.hi(), hi, 1e-9, 1e-12), qPrintable(QString::number(s.hi(), 'g', 17)));
    QCOMPARE(s.hasZeroSlot(), zeroSlot);
}

void TestPlots::colorScale_data()
{
    QTest::addColumn<double>("lo");
    QTest::addColumn<double>("hi");
    QTest::addColumn<bool>("symmetric");
    QTest::addColumn<double>("value");
    QTest::addColumn<double>("t");
    QTest::addRow("sequential") << 2.0 << 6.0 << false << 3.0 << 0.25;
    QTest::addRow("clamped") << 2.0 << 6.0 << false << 9.0 << 1.0;
    QTest::addRow("diverging zero is centre") << -1.0 << 3.0 << true << 0.0 << 0.5;
    QTest::addRow("diverging mirrors max") << -1.0 << 3.0 << true << -3.0 << 0.0;
    QTest::addRow("diverging quarter") << -1.0 << 3.0 << true << 1.5 << 0.75;
    QTest::addRow("empty range") << 4.0 << 4.0 << false << 4.0 << 0.5;
}

void TestPlots::colorScale()
{
    QFETCH(double, lo);
    QFETCH(double, hi);
    QFETCH(bool, symmetric);
    QFETCH(double, value);
    QFETCH(double, t);
    QVERIFY(gbtest::isClose(ColorScale::fit(lo, hi, symmetric).normalize(value), t, 1e-12));
}

void TestPlots::colorMapEnds()
{
    QCOMPARE(ColorMap::viridis().rgb(0.0), qRgb(0x44, 0x01, 0x54));
    QCOMPARE(ColorMap::viridis().rgb(1.0), qRgb(0xFD, 0xE7, 0x25));
    QCOMPARE(ColorMap::cividis().rgb(0.0), qRgb(0x00, 0x20, 0x4D));
    // Diverging maps are exactly neutral at the centre (zero), and blue for negative values.
    QCOMPARE(ColorMap::blueRed().rgb(0.5), qRgb(0xF7, 0xF7, 0xF7));
    QCOMPARE(ColorMap::orangePurple().rgb(0.5), qRgb(0xF7, 0xF7, 0xF7));
    QVERIFY(qBlue(ColorMap::blueRed().rgb(0.1)) > qRed(ColorMap::blueRed().rgb(0.1)));
    QCOMPARE(ColorMap::byName(QStringLiteral("nonsense")).name(), QStringLiteral("viridis"));
    QCOMPARE(ColorMap::viridis().rgb(std::nan("")), qRgb(0xCC, 0xCC, 0xCC));
}

void TestPlots::legendAutoPlacement()
{
    const QRectF plot(0, 0, 200, 100);
    const QSizeF size(50, 20);
    std::vector<QPointF> points;
    for (int i = 0; i < 20; ++i)
        points.emplace_back(190 - i, 5 + i * 0.2); // data crowd the top-right corner
    const QRectF r = Legend::place(LegendPosition::Auto, plot, size, 4, points);
    QCOMPARE(r.topLeft(), QPointF(4, 4)); // first free corner in the order TR, TL, BR, BL
    QCOMPARE(Legend::place(LegendPosition::BottomRight, plot, size, 4).bottomRight(), QPointF(196, 96));
}

void TestPlots::heatmapCells()
{
    HeatmapFigure f(2, 3, {0.f, 1.f, 2.f, 3.f, 4.f, NAN});
    const QImage img = f.cellImage();
    const int bw = img.width() / 3, bh = img.height() / 2;
    QVERIFY(bw >= 1 && img.width() == 3 * bw && img.height() == 2 * bh);
    const ColorMap map = ColorMap::viridis();
    for (int r = 0; r < 2; ++r)
        for (int c = 0; c < 3; ++c) {
            const QRgb expected = map.rgb(ColorScale::fit(0, 4, false).normalize(f.value(r, c)));
            // Every pixel of the cell's block has the cell's colour.
            QCOMPARE(img.pixel(c * bw, r * bh), expected);
            QCOMPARE(img.pixel(c * bw + bw - 1, r * bh + bh - 1), expected);
        }
}

void TestPlots::heatmapReducesBigGrids()
{
    // A 3 x 2000 grid: columns alternate 0 / 1, so averaging pairs gives the middle colour.
    std::vector<float> v;
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 2000; ++c)
            v.push_back(float(c % 2));
    HeatmapFigure f(3, 2000, std::move(v));
    const QImage full = f.cellImage();
    QCOMPARE(full.width(), 2000);
    const QImage small = f.cellImage(QSize(1000, 2000));
    QCOMPARE(small.size(), QSize(1000, full.height())); // rows untouched
    const QColor mid = ColorMap::viridis().color(0.5), got = small.pixelColor(500, 0);
    const QColor lo = ColorMap::viridis().color(0.0), hi = ColorMap::viridis().color(1.0);
    // Box average of the two end colours (viridis is not linear, so compare with their mean).
    QVERIFY2(std::abs(got.green() - (lo.green() + hi.green()) / 2) <= 3, qPrintable(got.name() + QLatin1Char(' ') + mid.name()));
    QCOMPARE(f.cellImage(QSize(4000, 4000)).size(), full.size());
}

// A training curve from step 0 on a log step axis: 0 gets its own slot, the curve is continuous.
void TestPlots::logAxisFromStepZero()
{
    XYFigure f;
    f.setTitle(QStringLiteral("Training loss"));
    f.xAxis().title = QStringLiteral("step");
    f.xAxis().log = true;
    f.xAxis().grid = true;
    f.yAxis().title = QStringLiteral("loss");
    XYSeries s;
    s.name = QStringLiteral("train");
    s.style = XYSeries::Style::LineMarkers;
    for (double step : {0.0, 1.0, 2.0, 5.0, 10.0, 30.0, 100.0, 300.0, 1000.0, 3000.0, 10000.0}) {
        s.x.push_back(step);
        s.y.push_back(1.0 + 4.0 / std::sqrt(step + 1.0));
    }
    f.addSeries(s);
    QImage img(900, 600, QImage::Format_ARGB32_Premultiplied);
    img.fill(Qt::transparent);
    img.setDotsPerMeterX(int(std::lround(150 / 0.0254)));
    img.setDotsPerMeterY(int(std::lround(150 / 0.0254)));
    {
        QPainter p(&img);
        f.render(&p, QRectF(0, 0, 900, 600));
    }
    img.save(gbtest::buildDir() + QStringLiteral("/tst_plots_log_zero.png"));
    // The step-0 marker is drawn left of the first decade: some ink in the zero slot's column band.
    const Scale fitted = gb::plots::fitScale(f.xAxis(), 0.0, 10000.0, 1.0, 0.02);
    QVERIFY(fitted.hasZeroSlot());
    int leftInk = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width() / 6; ++x)
            leftInk += qAlpha(img.pixel(x, y)) > 0;
    QVERIFY(leftInk > 0);
}

void TestPlots::heatmapRejectsWrongSize()
{
    GB_VERIFY_THROWS(HeatmapFigure(2, 3, std::vector<float>(5)), "needs 6 values, got 5");
    GB_VERIFY_THROWS(HeatmapFigure(0, 3, {}), "at least one row");
}

QTEST_MAIN(TestPlots)
#include "tst_plots.moc"
