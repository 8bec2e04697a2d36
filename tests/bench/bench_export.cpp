// SPDX-License-Identifier: MIT
// Figure export timings: a 1000 x 1000 heatmap and a 500-line ICE plot (plus a 4000 x 4000
// heatmap for scaling) written as SVG, PDF and PNG, and painted once at screen resolution.
// Prints a Markdown table (median of N runs) for docs/BENCHMARKS.md.
//     build/tests/bench/bench_export [runs [name filter]]
#include "plots/figureexporter.h"
#include "plots/heatmapfigure.h"
#include "plots/xyfigure.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QGuiApplication>
#include <QPainter>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <cstring>
#include <functional>
#include <memory>
#include <vector>

using namespace gb::plots;

namespace {

std::unique_ptr<Figure> heatmap(int n)
{
    std::vector<float> v(std::size_t(n) * std::size_t(n));
    for (int r = 0; r < n; ++r)
        for (int c = 0; c < n; ++c)
            v[std::size_t(r) * std::size_t(n) + std::size_t(c)] = float(std::sin(0.013 * r * c) * std::exp(-0.001 * std::abs(r - c)));
    auto f = std::make_unique<HeatmapFigure>(n, n, std::move(v));
    f->setTitle(QStringLiteral("%1 x %1 heatmap").arg(n));
    f->setXTitle(QStringLiteral("feature"));
    f->setYTitle(QStringLiteral("token"));
    f->setDiverging(true);
    return f;
}

std::unique_ptr<Figure> icePlot(int lines, int points)
{
    auto f = std::make_unique<XYFigure>();
    f->setTitle(QStringLiteral("ICE, %1 lines").arg(lines));
    f->xAxis().title = QStringLiteral("feature value");
    f->yAxis().title = QStringLiteral("prediction");
    std::vector<double> x(static_cast<std::size_t>(points)), mean(static_cast<std::size_t>(points), 0.0);
    for (int i = 0; i < points; ++i)
        x[std::size_t(i)] = double(i) / (points - 1);
    for (int l = 0; l < lines; ++l) {
        XYSeries s;
        s.x = x;
        s.alpha = 0.15;
        s.width = 0.5;
        s.color = QColor(0x0072B2);
        s.inLegend = false;
        for (int i = 0; i < points; ++i) {
            s.y.push_back(std::fmod(l * 0.618, 1.0) + 0.5 * std::tanh(6 * (x[std::size_t(i)] - std::fmod(l * 0.414, 1.0))));
            mean[std::size_t(i)] += s.y.back() / lines;
        }
        f->addSeries(std::move(s));
    }
    XYSeries pdp;
    pdp.name = QStringLiteral("PDP");
    pdp.x = x;
    pdp.y = mean;
    pdp.width = 2.0;
    f->addSeries(std::move(pdp));
    return f;
}

// Median wall and CPU milliseconds of `fn` (CPU time stays meaningful on a shared machine).
struct Timing {
    double wall, cpu;
};

Timing median(int runs, const std::function<void()> &fn)
{
    std::vector<double> wall, cpu;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer t;
        t.start();
        const std::clock_t c0 = std::clock();
        fn();
        cpu.push_back(double(std::clock() - c0) * 1000.0 / CLOCKS_PER_SEC);
        wall.push_back(t.nsecsElapsed() / 1e6);
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    return {wall[wall.size() / 2], cpu[cpu.size() / 2]};
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
    QTemporaryDir dir;

    struct Case {
        const char *name;
        std::unique_ptr<Figure> figure;
    };
    std::vector<Case> cases;
    cases.push_back({"heatmap 1000 x 1000", heatmap(1000)});
    cases.push_back({"ICE 500 lines x 50 points", icePlot(500, 50)});
    cases.push_back({"heatmap 4000 x 4000", heatmap(4000)});

    std::printf("Median of %d runs, wall / CPU milliseconds; single-column preset (3.5 in).\n\n", runs);
    std::printf("| figure | screen paint 800x600 | SVG | PDF | PNG 300 dpi | SVG size | PDF size | PNG size |\n");
    std::printf("|---|---|---|---|---|---|---|---|\n");
    const char *only = argc > 2 ? argv[2] : nullptr; // run only cases whose name contains this
    for (Case &c : cases) {
        if (only && !std::strstr(c.name, only))
            continue;
        ExportOptions o;
        o.preset = QStringLiteral("single-column");
        o.dpi = 300;
        QImage screen(800, 600, QImage::Format_ARGB32_Premultiplied);
        const Timing paint = median(runs, [&] {
            QPainter p(&screen);
            c.figure->render(&p, QRectF(0, 0, 800, 600));
        });
        Timing ms[3];
        qint64 bytes[3];
        const ExportFormat formats[] = {ExportFormat::Svg, ExportFormat::Pdf, ExportFormat::Png};
        for (int k = 0; k < 3; ++k) {
            o.format = formats[k];
            const QString path = dir.filePath(QStringLiteral("f.") + formatName(formats[k]));
            ms[k] = median(runs, [&] {
                const ExportResult r = FigureExporter::exportFigure(*c.figure, path, o);
                if (!r.ok)
                    std::fprintf(stderr, "export failed: %s\n", qPrintable(r.error));
            });
            bytes[k] = QFileInfo(path).size();
        }
        std::printf("| %s | %.0f / %.0f | %.0f / %.0f | %.0f / %.0f | %.0f / %.0f | %.0f KB | %.0f KB | %.0f KB |\n", c.name,
                    paint.wall, paint.cpu, ms[0].wall, ms[0].cpu, ms[1].wall, ms[1].cpu, ms[2].wall, ms[2].cpu,
                    bytes[0] / 1024.0, bytes[1] / 1024.0, bytes[2] / 1024.0);
        std::fflush(stdout);
    }
    return 0;
}
