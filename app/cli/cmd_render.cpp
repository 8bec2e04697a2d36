// SPDX-License-Identifier: MIT
// glassbox-cli render: re-renders a figure stored with a run, without recomputing anything.
#include "cli.h"

#include "common/error.h"
#include "plots/colormap.h"
#include "plots/figureexporter.h"
#include "plots/figureregistry.h"
#include "store/workspace.h"

#include <QFileInfo>

#include <cmath>

namespace gb::cli {

namespace {

using namespace gb::plots;

QString names(const QStringList &list)
{
    return list.join(QStringLiteral(", "));
}

QStringList presetNames()
{
    QStringList n;
    for (const SizePreset &p : sizePresets())
        n << p.name;
    return n;
}

ExportFormat chooseFormat(Context &ctx, const QString &out)
{
    const QString given = ctx.isSet(QStringLiteral("format")) ? ctx.value(QStringLiteral("format")) : QFileInfo(out).suffix();
    const auto f = formatFromName(given);
    if (!f)
        throw Error::badInput("--format must be svg, pdf or png (or --out must end in one of them), not \"" + given.toStdString() + "\"");
    return *f;
}

void checkName(const QString &value, const QStringList &allowed, const char *option)
{
    if (!allowed.contains(value))
        throw Error::badInput(std::string("--") + option + " must be one of " + names(allowed).toStdString() + ", not \""
                              + value.toStdString() + "\"");
}

ExportOptions exportOptions(Context &ctx, const QString &out)
{
    ExportOptions o;
    o.format = chooseFormat(ctx, out);
    if (ctx.isSet(QStringLiteral("preset"))) {
        o.preset = ctx.value(QStringLiteral("preset"));
        checkName(o.preset, presetNames(), "preset");
    }
    if (ctx.isSet(QStringLiteral("width")) || ctx.isSet(QStringLiteral("height"))) {
        o.preset = QStringLiteral("custom");
        o.customSize = QSizeF(ctx.doubleValue(QStringLiteral("width"), 360), ctx.doubleValue(QStringLiteral("height"), 240));
        if (!(o.customSize.width() >= 36 && o.customSize.height() >= 36 && o.customSize.width() <= 14400
              && o.customSize.height() <= 14400))
            throw Error::badInput("--width and --height must be between 36 and 14400 points");
    }
    o.dpi = ctx.doubleValue(QStringLiteral("dpi"), 300);
    if (!(o.dpi >= 10 && o.dpi <= 2400))
        throw Error::badInput("--dpi must be between 10 and 2400");
    o.fontFamily = ctx.value(QStringLiteral("font"));
    o.fontPointSize = ctx.doubleValue(QStringLiteral("font-size"), 0);
    if (o.fontPointSize < 0 || o.fontPointSize > 72)
        throw Error::badInput("--font-size must be between 1 and 72 points");
    o.transparentBackground = ctx.isSet(QStringLiteral("transparent"));
    if (ctx.isSet(QStringLiteral("colormap"))) {
        o.sequentialMap = ctx.value(QStringLiteral("colormap"));
        checkName(o.sequentialMap, ColorMap::sequentialNames(), "colormap");
    }
    if (ctx.isSet(QStringLiteral("diverging-map"))) {
        o.divergingMap = ctx.value(QStringLiteral("diverging-map"));
        checkName(o.divergingMap, ColorMap::divergingNames(), "diverging-map");
    }
    o.writeData = ctx.isSet(QStringLiteral("data"));
    return o;
}

Workspace &existingWorkspace(Context &ctx)
{
    const QString path = ctx.required(QStringLiteral("workspace"));
    if (!QFileInfo(path).isFile())
        throw Error::badInput(path.toStdString() + ": no such workspace file");
    return *ctx.workspace();
}

// The run's provenance: inputs with their content hashes, parameters, where it is stored.
Provenance provenanceOf(const Workspace &ws, const RunRecord &run)
{
    Provenance p;
    p.title = QStringLiteral("%1 (run %2)").arg(QString::fromStdString(run.kind)).arg(run.id);
    p.method = QString::fromStdString(run.kind);
    p.parametersJson = QString::fromStdString(run.paramsJson);
    for (const auto &[artifactId, role] : run.inputs)
        if (const auto a = ws.artifact(artifactId))
            p.inputs.append({QString::fromStdString(a->path), QString::fromStdString(a->sha256)});
    p.runId = run.id;
    p.workspace = QFileInfo(QString::fromStdString(ws.path())).absoluteFilePath();
    return p;
}

int listFigures(Context &ctx, Stopwatch &watch)
{
    Json kinds = Json::array();
    for (const FigureKind &k : figureKinds())
        kinds.push(k.kind);
    if (!ctx.isSet(QStringLiteral("workspace"))) {
        ctx.writeJson(Json::object().set("figure_kinds", std::move(kinds)), watch.lap(), 0.0);
        return 0;
    }
    const Workspace &ws = existingWorkspace(ctx);
    Json runs = Json::array();
    for (const RunRecord &r : ws.runs()) {
        Json figures = Json::array();
        for (const std::string &name : ws.resultNames(r.id))
            if (name == "figure" || name.rfind("figure:", 0) == 0)
                figures.push(name);
        if (figures.size() > 0)
            runs.push(Json::object().set("run_id", r.id).set("kind", r.kind).set("status", toString(r.status)).set("figures", std::move(figures)));
    }
    ctx.writeJson(Json::object().set("runs", std::move(runs)).set("figure_kinds", std::move(kinds)), watch.lap(), 0.0);
    return 0;
}

// The built-in example of a figure kind: to preview presets, fonts and colour maps.
int renderExample(Context &ctx, Stopwatch &watch)
{
    const QString kind = ctx.value(QStringLiteral("example"));
    const FigureKind *k = findFigureKind(kind);
    if (!k) {
        QStringList known;
        for (const FigureKind &e : figureKinds())
            known << QString::fromLatin1(e.kind);
        throw Error::badInput("--example must be one of " + names(known).toStdString() + ", not \"" + kind.toStdString() + "\"");
    }
    const QString out = ctx.required(QStringLiteral("out"));
    ExportOptions options = exportOptions(ctx, out);
    options.provenance.title = QStringLiteral("Example %1 figure").arg(kind);
    const std::unique_ptr<Figure> figure = k->example();
    const double loadSeconds = watch.lap();
    const ExportResult r = FigureExporter::exportFigure(*figure, out, options);
    if (!r.ok)
        throw Error::badInput(r.error.toStdString());
    const QSizeF pt = FigureExporter::sizeFor(*figure, options);
    ctx.writeJson(Json::object().set("figure_kind", kind.toStdString()).set("format", formatName(options.format).toStdString())
                      .set("out", out.toStdString()).set("width_pt", pt.width()).set("height_pt", pt.height()),
                  loadSeconds, watch.lap(), false);
    return 0;
}

int runRender(Context &ctx)
{
    Stopwatch watch;
    if (ctx.isSet(QStringLiteral("list")))
        return listFigures(ctx, watch);
    if (ctx.isSet(QStringLiteral("example")))
        return renderExample(ctx, watch);
    const QString out = ctx.required(QStringLiteral("out"));
    ExportOptions options = exportOptions(ctx, out);
    Workspace &ws = existingWorkspace(ctx);
    const int runId = ctx.intValue(QStringLiteral("run"), 0);
    const auto run = ws.run(runId);
    if (!run)
        throw Error::badInput("run " + std::to_string(runId) + " is not in " + ws.path()
                              + " (glassbox-cli render --workspace FILE --list shows the runs with figures)");
    const std::string resultName = ctx.isSet(QStringLiteral("result")) ? ctx.value(QStringLiteral("result")).toStdString() : "figure";
    const auto stored = ws.result(runId, resultName);
    if (!stored) {
        std::string have;
        for (const std::string &n : ws.resultNames(runId))
            have += (have.empty() ? "" : ", ") + n;
        throw Error::badInput("run " + std::to_string(runId) + " has no result \"" + resultName + "\" (it has: "
                              + (have.empty() ? "none" : have) + ")");
    }
    const std::unique_ptr<Figure> figure = figureFromJson(QByteArray::fromStdString(*stored),
                                                          "run " + std::to_string(runId) + " result \"" + resultName + "\"");
    options.provenance = provenanceOf(ws, *run);
    const double loadSeconds = watch.lap();

    const ExportResult r = FigureExporter::exportFigure(*figure, out, options);
    if (!r.ok)
        throw Error::badInput(r.error.toStdString());
    const QSizeF pt = FigureExporter::sizeFor(*figure, options);
    Json files = Json::array();
    for (const QString &f : r.files)
        files.push(f.toStdString());
    Json result = Json::object();
    result.set("run_id", runId).set("run_kind", run->kind).set("result", resultName).set("figure_kind", figure->kind().toStdString())
        .set("format", formatName(options.format).toStdString()).set("out", out.toStdString()).set("files", std::move(files))
        .set("width_pt", pt.width()).set("height_pt", pt.height());
    if (options.format == ExportFormat::Png)
        result.set("width_px", std::lround(pt.width() * options.dpi / 72)).set("height_px", std::lround(pt.height() * options.dpi / 72));
    ctx.writeJson(result, loadSeconds, watch.lap(), false);
    return 0;
}

void addRenderOptions(QCommandLineParser &p)
{
    p.addOption({QStringLiteral("run"), QStringLiteral("Run whose stored figure to render."), QStringLiteral("ID")});
    p.addOption({QStringLiteral("result"), QStringLiteral("Stored result holding the figure (default: figure)."), QStringLiteral("NAME")});
    p.addOption({QStringLiteral("format"), QStringLiteral("svg, pdf or png (default: from --out's suffix)."), QStringLiteral("FMT")});
    p.addOption({QStringLiteral("preset"),
                 QStringLiteral("Size: natural, single-column (3.5 in), double-column (7 in), slide (16:9)."), QStringLiteral("NAME")});
    p.addOption({QStringLiteral("width"), QStringLiteral("Custom width in points (1/72 in)."), QStringLiteral("PT")});
    p.addOption({QStringLiteral("height"), QStringLiteral("Custom height in points."), QStringLiteral("PT")});
    p.addOption({QStringLiteral("dpi"), QStringLiteral("PNG resolution (default 300)."), QStringLiteral("N")});
    p.addOption({QStringLiteral("font"), QStringLiteral("Font family (default DejaVu Sans)."), QStringLiteral("FAMILY")});
    p.addOption({QStringLiteral("font-size"), QStringLiteral("Body font size in points (default: the preset's)."), QStringLiteral("PT")});
    p.addOption({QStringLiteral("transparent"), QStringLiteral("Transparent background instead of white.")});
    p.addOption({QStringLiteral("colormap"), QStringLiteral("Sequential colour map: viridis, cividis."), QStringLiteral("NAME")});
    p.addOption({QStringLiteral("diverging-map"), QStringLiteral("Diverging colour map: blue-red, orange-purple."), QStringLiteral("NAME")});
    p.addOption({QStringLiteral("data"), QStringLiteral("Also write the plotted data as <out>.csv and <out>.json.")});
    p.addOption({QStringLiteral("list"), QStringLiteral("List the figure kinds, and with --workspace the runs that stored figures.")});
    p.addOption({QStringLiteral("example"),
                 QStringLiteral("Render the built-in example of a figure kind instead of a run (no workspace needed)."),
                 QStringLiteral("KIND")});
}

Command renderCommand()
{
    Command c{QStringLiteral("render"), 90,
              QStringLiteral("Re-render a run's stored figure as SVG, PDF or PNG with provenance, without recomputing."),
              addRenderOptions, runRender};
    c.paints = true;
    return c;
}

[[maybe_unused]] const bool registered = registerCommand(renderCommand());

} // namespace

} // namespace gb::cli
