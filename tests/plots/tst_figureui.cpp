// SPDX-License-Identifier: MIT
// The figure widgets: FigureView paints its figure and puts it on the clipboard; ExportDialog
// exports one figure or a batch with the chosen options and shows errors inline.
#include "exportdialog.h"
#include "figureview.h"
#include "plots/barfigure.h"
#include "plots/heatmapfigure.h"
#include "plots/xyfigure.h"
#include "testutils.h"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QLabel>
#include <QMimeData>
#include <QStandardPaths>
#include <QTemporaryDir>

using namespace gb;

class TestFigureUi : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void viewPaintsFigure();
    void copyImagePutsPngAndSvg();
    void dialogExportsOneFigure();
    void dialogShowsErrorsAndStaysOpen();
    void dialogFormatChangesSuffix();
    void dialogExportsBatch();

private:
    QTemporaryDir m_dir;
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

plots::ExportOptions pngOptions()
{
    plots::ExportOptions o;
    o.format = plots::ExportFormat::Png;
    o.preset = QStringLiteral("single-column");
    o.dpi = 100;
    o.writeData = true;
    return o;
}
} // namespace

void TestFigureUi::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // the dialog's QSettings stay out of the user's
    QVERIFY(m_dir.isValid());
}

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
    plots::Provenance p;
    p.runId = 7;
    view.setProvenance(p);
    view.resize(480, 320);
    view.copyImage();
    const QMimeData *mime = QApplication::clipboard()->mimeData();
    QVERIFY(mime);
    QVERIFY(mime->hasImage());
    const QImage img = qvariant_cast<QImage>(mime->imageData());
    // 480 x 320 px at 96 dpi = 360 x 240 pt = 1500 x 1000 px at 300 dpi.
    QCOMPARE(img.size(), QSize(1500, 1000));
    const QByteArray svg = mime->data(QStringLiteral("image/svg+xml"));
    QVERIFY(svg.contains("<text"));
    QVERIFY(svg.contains("run_id&quot;:7"));
    view.copyData();
    QVERIFY(QApplication::clipboard()->text().startsWith(QStringLiteral("kind,name,x,y,lo,hi\n")));
}

void TestFigureUi::dialogExportsOneFigure()
{
    ExportDialog dialog({{plots::XYFigure::example(), QStringLiteral("pdp")}}, plots::Provenance(), false);
    dialog.setOptions(pngOptions());
    const QString path = m_dir.filePath(QStringLiteral("pdp.png"));
    dialog.setTarget(path);
    dialog.resize(900, 520);
    dialog.grab().save(gbtest::buildDir() + QStringLiteral("/exportdialog.png"));
    // 252 x 168 pt at 100 dpi.
    const auto size = dialog.findChildren<QLabel *>();
    bool sizeShown = false;
    for (const QLabel *l : size)
        sizeShown = sizeShown || l->text().contains(QStringLiteral("252 \u00D7 168 pt (3.50 \u00D7 2.33 in), 350 \u00D7 233 px"));
    QVERIFY(sizeShown);
    const plots::ExportResult r = dialog.exportNow();
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(QImage(path).size(), QSize(350, 233));
    QVERIFY(QFile::exists(m_dir.filePath(QStringLiteral("pdp.csv"))));
    QVERIFY(dialog.errorText().isEmpty());
}

void TestFigureUi::dialogShowsErrorsAndStaysOpen()
{
    ExportDialog dialog({{plots::XYFigure::example(), QStringLiteral("pdp")}}, plots::Provenance(), false);
    dialog.setOptions(pngOptions());
    dialog.setTarget(QStringLiteral("/nonexistent/folder/pdp.png"));
    dialog.show();
    dialog.accept();
    QVERIFY(dialog.isVisible());
    QVERIFY(dialog.result() != QDialog::Accepted);
    QVERIFY2(dialog.errorText().contains(QStringLiteral("cannot write")), qPrintable(dialog.errorText()));
    dialog.setTarget(QString());
    QVERIFY(!dialog.exportNow().ok);
    QVERIFY(dialog.errorText().contains(QStringLiteral("Choose a file")));
}

void TestFigureUi::dialogFormatChangesSuffix()
{
    ExportDialog dialog({{plots::XYFigure::example(), QStringLiteral("pdp")}}, plots::Provenance(), false);
    dialog.setTarget(m_dir.filePath(QStringLiteral("curve.svg")));
    plots::ExportOptions o = pngOptions();
    o.format = plots::ExportFormat::Pdf;
    dialog.setOptions(o);
    QCOMPARE(dialog.target(), m_dir.filePath(QStringLiteral("curve.pdf")));
    QCOMPARE(dialog.options().format, plots::ExportFormat::Pdf);
    QCOMPARE(dialog.options().dpi, 100.0);
}

void TestFigureUi::dialogExportsBatch()
{
    std::vector<NamedFigure> figures;
    for (int i = 0; i < 3; ++i)
        figures.push_back({plots::BarFigure::example(), QStringLiteral("feature_%1").arg(100 + i)});
    ExportDialog dialog(std::move(figures), plots::Provenance(), true);
    QVERIFY(dialog.isBatch());
    plots::ExportOptions o = pngOptions();
    o.writeData = false;
    dialog.setOptions(o);
    const QString folder = m_dir.filePath(QStringLiteral("dashboards"));
    dialog.setTarget(folder);
    const plots::ExportResult r = dialog.exportNow();
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(QDir(folder).entryList(QDir::Files).size(), 3);
    QVERIFY(QFile::exists(folder + QStringLiteral("/feature_102.png")));
}

QTEST_MAIN(TestFigureUi)
#include "tst_figureui.moc"
