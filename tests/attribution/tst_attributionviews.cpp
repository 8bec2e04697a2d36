// SPDX-License-Identifier: MIT
// Attribution figures and views: layout maths, data round trips, hover, and screenshots to look
// at (written to the build folder).
#include "plots/attributionfigures.h"
#include "plots/figureregistry.h"
#include "plots/tokenstripfigure.h"
#include "io/json.h"
#include "testutils.h"
#include "tokenstripview.h"

#include <QImage>
#include <QPainter>

#include <cmath>

using gb::plots::TokenStripFigure;
using gb::plots::TokenStripRow;

Q_DECLARE_METATYPE(gb::plots::TokenText)

namespace {

QImage imageAt(double dpi, QSize size)
{
    QImage img(size, QImage::Format_ARGB32_Premultiplied);
    img.setDotsPerMeterX(int(std::lround(dpi / 0.0254)));
    img.setDotsPerMeterY(int(std::lround(dpi / 0.0254)));
    img.fill(Qt::white);
    return img;
}

/// Renders at `widthPt` points and `dpi`; token strips get the height they need.
QImage render(const gb::plots::Figure &f, double widthPt, double dpi)
{
    const int w = int(std::lround(widthPt * dpi / 72));
    QImage probe = imageAt(dpi, QSize(1, 1));
    const auto *strip = dynamic_cast<const TokenStripFigure *>(&f);
    const int h = strip ? int(std::ceil(strip->heightFor(&probe, w)))
                        : int(std::lround(f.naturalSize().height() * widthPt / f.naturalSize().width() * dpi / 72));
    QImage img = imageAt(dpi, QSize(w, h));
    QPainter p(&img);
    f.render(&p, QRectF(0, 0, w, h));
    return img;
}

void save(const QImage &img, const QString &name)
{
    QVERIFY(img.save(gbtest::buildDir() + QStringLiteral("/attribution_%1.png").arg(name)));
}

gb::AttributionOutcome sampleOutcome()
{
    gb::AttributionOutcome o;
    o.ids = {464, 412, 733, 417, 8765, 318, 5140, 287, 262, 1748, 286};
    o.position = 10;
    const std::vector<std::vector<double>> scores{
        {0.08, 1.10, 0.42, 0.95, 0.71, -0.10, 0.18, 0.31, -0.05, 0.52, 0.22},
        {0.15, 0.92, 0.55, 0.61, 0.80, -0.28, 0.04, 0.39, 0.01, 0.31, 0.37},
        {0.05, 1.31, 0.20, 0.88, 0.64, -0.02, 0.11, 0.25, -0.12, 0.47, 0.05},
        {0.91, 2.40, 1.10, 1.95, 1.30, 0.30, 0.42, 0.66, 0.28, 1.15, 0.83},
    };
    const gb::AttributionMethod methods[] = {gb::AttributionMethod::IntegratedGradients, gb::AttributionMethod::Occlusion,
                                             gb::AttributionMethod::KernelShap, gb::AttributionMethod::Saliency};
    for (std::size_t i = 0; i < scores.size(); ++i) {
        gb::MethodResult r;
        r.method = methods[i];
        r.scores = scores[i];
        r.fX = -1.2;
        r.fBaseline = -5.8;
        r.delta = 0.004;
        r.steps = i == 0 ? 50 : 11;
        r.exact = i == 2;
        o.results.push_back(r);
        gb::Faithfulness f;
        for (int k = 0; k <= 11; ++k) {
            const double x = k / 11.0;
            f.deletion.fractions.push_back(x);
            f.insertion.fractions.push_back(x);
            f.deletion.values.push_back(-1.2 - 4.6 * (1 - std::exp(-(3.5 - 0.5 * double(i)) * x)) / (1 - std::exp(-(3.5 - 0.5 * double(i)))));
            f.insertion.values.push_back(-5.8 + 4.6 * (1 - std::exp(-(3.0 - 0.5 * double(i)) * x)) / (1 - std::exp(-(3.0 - 0.5 * double(i)))));
        }
        f.deletion.auc = 0.25 * double(i) - 3.9;
        f.insertion.auc = -2.6 - 0.2 * double(i);
        o.faithfulness.push_back(f);
    }
    o.agreement = gb::methodAgreement(o.results);
    return o;
}

QStringList sampleTokens()
{
    return {QStringLiteral("The"), QStringLiteral(" E"), QStringLiteral("iff"), QStringLiteral("el"), QStringLiteral(" Tower"),
            QStringLiteral(" is"), QStringLiteral(" located"), QStringLiteral(" in"), QStringLiteral(" the"),
            QStringLiteral(" city"), QStringLiteral(" of")};
}

} // namespace

class TestAttributionViews : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void tokenTexts_data();
    void tokenTexts();
    void stripLayout();
    void stripScales();
    void stripRoundTrips();
    void stripRejectsBadRows();
    void viewHoverAndHeight();
    void generationMatrix();
    void faithfulnessPlot();
    void screenshots();
};

void TestAttributionViews::tokenTexts_data()
{
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("startsWord");
    QTest::addColumn<bool>("breaksLine");
    QTest::addRow("word") << QStringLiteral(" Paris") << QStringLiteral("Paris") << true << false;
    QTest::addRow("sub-word") << QStringLiteral("iff") << QStringLiteral("iff") << false << false;
    QTest::addRow("newline") << QStringLiteral("\n") << QStringLiteral("\u21B5") << true << true;
    QTest::addRow("spaces") << QStringLiteral("   ") << QStringLiteral("\u00B7\u00B7\u00B7") << true << false;
    QTest::addRow("tab") << QStringLiteral("\tx") << QStringLiteral("\u21E5x") << true << false;
    QTest::addRow("empty") << QString() << QStringLiteral("\u2205") << false << false;
}

void TestAttributionViews::tokenTexts()
{
    QFETCH(QString, token);
    QFETCH(QString, text);
    QFETCH(bool, startsWord);
    QFETCH(bool, breaksLine);
    const gb::plots::TokenText t = gb::plots::tokenText(token);
    QCOMPARE(t.text, text);
    QCOMPARE(t.startsWord, startsWord);
    QCOMPARE(t.breaksLine, breaksLine);
}

void TestAttributionViews::stripLayout()
{
    const auto f = gb::plots::attributionStrip(sampleTokens(), sampleOutcome(), QStringLiteral(" Paris"),
                                               QStringLiteral("title"), QStringLiteral("unit"));
    QImage probe = imageAt(96, QSize(1, 1));
    QPainter p(&probe);
    for (const double width : {900.0, 300.0}) {
        const QRectF rect(0, 0, width, 2000);
        const TokenStripFigure::Layout L = f->layout(&p, rect);
        QCOMPARE(L.boxes.size(), std::size_t(4 * (11 + 1))); // every token of every row, plus the target
        for (std::size_t i = 0; i < L.boxes.size(); ++i) {
            QVERIFY(rect.contains(L.boxes[i].rect));
            for (std::size_t j = i + 1; j < L.boxes.size(); ++j)
                QVERIFY(!L.boxes[i].rect.intersects(L.boxes[j].rect));
            if (L.boxes[i].token >= 0)
                QCOMPARE(f->hitTest(&probe, rect, L.boxes[i].rect.center()), std::make_pair(L.boxes[i].row, L.boxes[i].token));
        }
        QCOMPARE(f->hitTest(&probe, rect, QPointF(width - 1, 1999)), std::make_pair(-1, -1));
    }
    // Narrower means more lines, so taller.
    QVERIFY(f->heightFor(&probe, 300) > f->heightFor(&probe, 900) + 40);
}

void TestAttributionViews::stripScales()
{
    TokenStripFigure f({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")},
                       {TokenStripRow{QStringLiteral("x"), {}, {-2.0, 0.0, 1.0}},
                        TokenStripRow{QStringLiteral("y"), {}, {0.5, 0.25, -0.1}}});
    QCOMPARE(f.colorScale().lower(), -2.0);
    QCOMPARE(f.colorScale().upper(), 2.0);
    // Zero is the diverging map's neutral middle.
    QCOMPARE(f.tokenColor(0, 1), f.colorMap().color(0.5));
    f.setScaleMode(TokenStripFigure::ScaleMode::PerRow);
    QCOMPARE(f.colorValue(1, 0), 1.0);
    QCOMPARE(f.colorValue(0, 0), -1.0);
    QVERIFY(f.describe(1, 2).contains(QStringLiteral("rank 3 of 3")));
    QVERIFY(f.describe(0, 2).contains(QStringLiteral("rank 1 of 3")));
}

void TestAttributionViews::stripRoundTrips()
{
    auto f = gb::plots::attributionStrip(sampleTokens(), sampleOutcome(), QStringLiteral(" Paris"), QStringLiteral("t"),
                                         QStringLiteral("u"));
    const QByteArray json = f->dataJson();
    const auto back = gb::plots::figureFromJson(json);
    QCOMPARE(back->dataJson(), json);
    const QString csv = f->dataCsv();
    QVERIFY(csv.startsWith(QStringLiteral("position,token,Integrated Gradients,Occlusion,KernelSHAP,Saliency\n")));
    QVERIFY(csv.contains(QStringLiteral("\n1, E,1.1,0.92,1.31,2.4\n")));
    // Saliency is not in the target's units: rows scale to their own maximum.
    QCOMPARE(dynamic_cast<TokenStripFigure &>(*back).scaleMode(), TokenStripFigure::ScaleMode::PerRow);
}

void TestAttributionViews::stripRejectsBadRows()
{
    GB_VERIFY_THROWS(TokenStripFigure({QStringLiteral("a")}, {TokenStripRow{QStringLiteral("IG"), {}, {1.0, 2.0}}}),
                     "row \"IG\" has 2 scores for 1 tokens");
    GB_VERIFY_THROWS(TokenStripFigure({QStringLiteral("a")}, {}), "at least one row");
}

void TestAttributionViews::viewHoverAndHeight()
{
    gb::TokenStripView view;
    view.resize(700, 100);
    std::shared_ptr<TokenStripFigure> strip = gb::plots::attributionStrip(
        sampleTokens(), sampleOutcome(), QStringLiteral(" Paris"), QStringLiteral("t"), QStringLiteral("u"));
    view.setStrip(strip);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(view.minimumHeight() >= view.heightForWidth(700) - 1);
    QImage probe = imageAt(view.logicalDpiX(), QSize(1, 1));
    QPainter p(&probe);
    const TokenStripFigure::Layout L = strip->layout(&p, QRectF(view.rect()));
    const QPoint tower = L.boxes[4].rect.center().toPoint();
    QCOMPARE(view.tokenAt(tower), std::make_pair(0, 4));
    const QString tip = view.toolTipAt(tower);
    QVERIFY2(tip.contains(QStringLiteral(" Tower")) && tip.contains(QStringLiteral("rank 3 of 11")), qPrintable(tip));
    QVERIFY(view.heightForWidth(250) > view.heightForWidth(700));
    QVERIFY(view.grab().save(gbtest::buildDir() + QStringLiteral("/attribution_view.png")));
}

void TestAttributionViews::generationMatrix()
{
    gb::GenerationAttribution g;
    g.ids = {10, 11, 12, 13, 14};
    g.promptLength = 3;
    for (int k = 0; k < 2; ++k) {
        gb::MethodResult r;
        r.scores.assign(std::size_t(3 + k), 0.5 * (k + 1));
        g.rows.push_back(r);
    }
    const auto f = gb::plots::generationMatrix({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d"),
                                                QStringLiteral("e")},
                                               g, QStringLiteral("t"), QStringLiteral("u"));
    QCOMPARE(f->rows(), 2);
    QCOMPARE(f->cols(), 4);
    QCOMPARE(f->value(0, 2), 0.5f);
    QVERIFY(std::isnan(f->value(0, 3)));
    QCOMPARE(f->value(1, 3), 1.0f);
    QVERIFY(f->dataCsv().startsWith(QStringLiteral("row,a,b,c,d\nd,")));
}

void TestAttributionViews::faithfulnessPlot()
{
    const auto f = gb::plots::faithfulnessPlot(sampleOutcome(), QStringLiteral("log p"));
    QCOMPARE(f->series().size(), std::size_t(8));
    QVERIFY(f->series()[0].name.startsWith(QStringLiteral("Integrated Gradients deletion (AUC")));
    QCOMPARE(f->series()[1].dash, Qt::DashLine);
}

void TestAttributionViews::screenshots()
{
    const gb::AttributionOutcome o = sampleOutcome();
    gb::AttributionOutcome single = o;
    single.results.resize(1);
    single.agreement.clear();
    const QString title = QStringLiteral("Attribution of log p(\u201C Paris\u201D)");
    save(render(*gb::plots::attributionStrip(sampleTokens(), single, QStringLiteral(" Paris"), title,
                                             QStringLiteral("contribution to log p (nats)")),
                480, 192),
         QStringLiteral("strip"));
    gb::AttributionOutcome three = o;
    three.results.resize(3);
    three.agreement = gb::methodAgreement(three.results);
    save(render(*gb::plots::attributionStrip(sampleTokens(), three, QStringLiteral(" Paris"), title,
                                             QStringLiteral("contribution to log p (nats)")),
                480, 192),
         QStringLiteral("comparison"));
    save(render(*gb::plots::attributionStrip(sampleTokens(), o, QStringLiteral(" Paris"), title, QString()), 260, 192),
         QStringLiteral("comparison_narrow"));
    gb::GenerationAttribution g;
    g.ids = {464, 412, 733, 417, 8765, 318, 5140, 287, 262, 1748, 286, 6342, 13, 632, 318};
    g.promptLength = 11;
    QStringList tokens = sampleTokens();
    tokens << QStringLiteral(" Paris") << QStringLiteral(",") << QStringLiteral(" which") << QStringLiteral(" is");
    for (int k = 0; k < 4; ++k) {
        gb::MethodResult r;
        for (int s = 0; s < 11 + k; ++s)
            r.scores.push_back(std::sin(0.7 * s + k) * std::exp(-0.15 * (10 + k - s)) * (s == 10 + k ? 2.0 : 1.0));
        g.rows.push_back(r);
    }
    save(render(*gb::plots::generationMatrix(tokens, g, QStringLiteral("Generated tokens attributed to their context"),
                                             QStringLiteral("contribution to log p")),
                480, 192),
         QStringLiteral("generation"));
    save(render(*gb::plots::faithfulnessPlot(o, QStringLiteral("log p(\u201C Paris\u201D)")), 480, 192),
         QStringLiteral("faithfulness"));
}

QTEST_MAIN(TestAttributionViews)
#include "tst_attributionviews.moc"
