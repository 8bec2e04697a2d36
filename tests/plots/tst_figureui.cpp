// SPDX-License-Identifier: MIT
// The figure widgets: FigureView paints its figure and puts it on the clipboard.
#include "figureview.h"
#include "plots/heatmapfigure.h"
#include "plots/xyfigure.h"
#include "testutils.h"

#include <QApplication>
#include <QClipboard>
#include <QMimeData>

using namespace gb;

class TestFigureUi : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void viewPaintsFigure();
    void copyImagePutsPngAndSvg();
};

namespace {
// Fraction of pixels that differ from the top-left (background) pixel.
double inkFraction(const QImage &img)
{
    const QRgb bg = img.pixel(0, 0);
    qint64 ink = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x)
            ink += img.pixel(x, y) != bg;
    return double(ink) / (double(img.width()) * img.height());
}
} // namespace

void TestFigureUi::viewPaintsFigure()
{
    FigureView view;
    std::shared_ptr<plots::Figure> fig = plots::HeatmapFigure::example();
    view.setFigure(fig);
    QVERIFY(view.sizeHint().width() > 300);
    view.resize(640, 420);
    const QImage shot = view.grab().toImage();
    shot.save(gbtest::buildDir() + QStringLiteral("/figureview.png"));
    QVERIFY2(inkFraction(shot) > 0.3, "the heatmap covers a good part of the view");
}

void TestFigureUi::copyImagePutsPngAndSvg()
{
    FigureView view;
    view.setFigure(plots::XYFigure::example());
    view.resize(480, 320);
    view.copyImage();
    const QMimeData *mime = QApplication::clipboard()->mimeData();
    QVERIFY(mime);
    QVERIFY(mime->hasImage());
    const QImage img = qvariant_cast<QImage>(mime->imageData());
    // 480 x 320 px at 96 dpi = 360 x 240 pt = 1500 x 1000 px at 300 dpi.
    QCOMPARE(img.size(), QSize(1500, 1000));
    QVERIFY(mime->data(QStringLiteral("image/svg+xml")).contains("<text"));
    view.copyData();
    QVERIFY(QApplication::clipboard()->text().startsWith(QStringLiteral("kind,name,x,y,lo,hi\n")));
}

QTEST_MAIN(TestFigureUi)
#include "tst_figureui.moc"
