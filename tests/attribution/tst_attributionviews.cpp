// SPDX-License-Identifier: MIT
// Attribution figures and views: layout maths, data round trips, and screenshots to look at.
#include "plots/tokenstripfigure.h"
#include "io/json.h"
#include "testutils.h"

#include <QGuiApplication>
#include <QImage>
#include <QPainter>

using gb::plots::TokenStripFigure;
using gb::plots::TokenStripRow;

namespace {

QImage renderAt(const gb::plots::Figure &f, double widthPt, double dpi)
{
    const QSizeF pt(widthPt, f.naturalSize().height() * widthPt / f.naturalSize().width());
    QImage img(QSize(int(std::lround(pt.width() * dpi / 72)), 10), QImage::Format_ARGB32_Premultiplied);
    img.setDotsPerMeterX(int(std::lround(dpi / 0.0254)));
    img.setDotsPerMeterY(int(std::lround(dpi / 0.0254)));
    const auto *strip = dynamic_cast<const TokenStripFigure *>(&f);
    const int h = strip ? int(std::ceil(strip->heightFor(&img, img.width()))) : int(std::lround(pt.height() * dpi / 72));
    QImage out(QSize(img.width(), h), QImage::Format_ARGB32_Premultiplied);
    out.setDotsPerMeterX(img.dotsPerMeterX());
    out.setDotsPerMeterY(img.dotsPerMeterY());
    out.fill(Qt::transparent);
    QPainter p(&out);
    f.render(&p, QRectF(QPointF(0, 0), QSizeF(out.size())));
    return out;
}

} // namespace

class TestAttributionViews : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void tokenStripScreenshot();
};

void TestAttributionViews::tokenStripScreenshot()
{
    auto f = TokenStripFigure::example();
    for (const double width : {480.0, 220.0}) {
        const QImage img = renderAt(*f, width, 192);
        QVERIFY(img.save(gbtest::buildDir() + QStringLiteral("/attribution_tokenstrip_%1.png").arg(int(width))));
    }
}

QTEST_MAIN(TestAttributionViews)
#include "tst_attributionviews.moc"
