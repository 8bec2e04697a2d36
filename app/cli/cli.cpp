// SPDX-License-Identifier: MIT
#include "cli.h"

#include "common/error.h"
#include "common/version.h"
#include "io/artifact_info.h"
#include "store/workspace.h"
#include "system/compute.h"

#include <QCoreApplication>
#include <QGuiApplication>
#include <QFile>

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace gb::cli {

double Stopwatch::lap()
{
    const auto now = std::chrono::steady_clock::now();
    const double s = std::chrono::duration<double>(now - m_start).count();
    m_start = now;
    return s;
}

Context::Context(QCommandLineParser &parser)
    : m_parser(parser)
{
}

Context::~Context() = default;

QString Context::required(const QString &name) const
{
    if (!m_parser.isSet(name) || m_parser.value(name).isEmpty())
        throw Error::badInput("missing required option --" + name.toStdString());
    return m_parser.value(name);
}

int Context::intValue(const QString &name, int fallback) const
{
    if (!m_parser.isSet(name))
        return fallback;
    bool ok = false;
    const int v = m_parser.value(name).toInt(&ok);
    if (!ok)
        throw Error::badInput("--" + name.toStdString() + " must be an integer, not \"" + m_parser.value(name).toStdString() + "\"");
    return v;
}

double Context::doubleValue(const QString &name, double fallback) const
{
    if (!m_parser.isSet(name))
        return fallback;
    bool ok = false;
    const double v = m_parser.value(name).toDouble(&ok);
    if (!ok)
        throw Error::badInput("--" + name.toStdString() + " must be a number, not \"" + m_parser.value(name).toStdString() + "\"");
    return v;
}

Workspace *Context::workspace()
{
    if (!m_workspace && m_parser.isSet(QStringLiteral("workspace")))
        m_workspace = std::make_unique<Workspace>(
            Workspace::open(m_parser.value(QStringLiteral("workspace")).toStdString(), true));
    return m_workspace.get();
}

std::int64_t Context::registerInput(const std::string &path, const std::string &kind)
{
    Workspace *ws = workspace();
    if (!ws)
        return 0;
    Artifact a = describePath(path);
    a.kind = kind;
    if (const auto existing = ws->artifactByPath(a.path); existing && existing->sha256 == a.sha256)
        return existing->id;
    return ws->addArtifact(a);
}

std::int64_t Context::recordRun(const std::string &kind, const Json &params,
                                const std::vector<std::pair<std::int64_t, std::string>> &inputs,
                                const std::vector<std::pair<std::string, std::string>> &jsonResults)
{
    Workspace *ws = workspace();
    if (!ws)
        return 0;
    const std::int64_t id = ws->beginRun(kind, params.dump(), inputs);
    for (const auto &[name, json] : jsonResults)
        ws->putResult(id, name, "json", json);
    ws->finishRun(id);
    return id;
}

std::string Context::outPath() const
{
    return m_parser.isSet(QStringLiteral("out")) ? m_parser.value(QStringLiteral("out")).toStdString() : std::string();
}

void Context::writeJson(Json result, double loadSeconds, double computeSeconds, bool toOut)
{
    result.set("timing", Json::object().set("load_s", loadSeconds).set("compute_s", computeSeconds));
    const std::string text = result.dump(1) + "\n";
    const std::string out = outPath();
    if (toOut && !out.empty()) {
        QFile f(QString::fromStdString(out));
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            throw Error::badInput(out + ": cannot write output file");
        if (f.write(text.data(), qint64(text.size())) != qint64(text.size()))
            throw Error::badInput(out + ": write failed (disk full?)");
        return;
    }
    std::cout << text << std::flush;
}

std::function<void(const std::string &, double)> Context::progressPrinter()
{
    if (m_parser.isSet(QStringLiteral("quiet")))
        return [](const std::string &, double) {};
    return [](const std::string &stage, double fraction) {
        if (fraction >= 0)
            std::fprintf(stderr, "\r%-40s %5.1f%%", stage.c_str(), fraction * 100.0);
        else
            std::fprintf(stderr, "\r%-40s", stage.c_str());
        if (fraction >= 1.0)
            std::fputc('\n', stderr);
    };
}

namespace {

void addCommonOptions(QCommandLineParser &p)
{
    p.addHelpOption();
    p.addOption({QStringLiteral("threads"), QStringLiteral("Intra-op compute threads (default: one per core)."),
                 QStringLiteral("N")});
    p.addOption({QStringLiteral("workspace"), QStringLiteral("Record inputs and the run in this workspace file."),
                 QStringLiteral("FILE")});
    p.addOption({QStringLiteral("out"), QStringLiteral("Output file (default: JSON to stdout)."), QStringLiteral("FILE")});
    p.addOption({QStringLiteral("quiet"), QStringLiteral("No progress on stderr.")});
}

} // namespace

QString globalHelp()
{
    QString s = QStringLiteral("Usage: glassbox-cli <command> [options]\n\n"
                               "Glassbox %1, headless. Every command prints JSON (with \"timing\") to stdout\n"
                               "or to --out; errors go to stderr with exit code 2 (bad input) or 1 (internal).\n\n"
                               "Commands:\n")
                    .arg(QString::fromLatin1(appVersion()));
    qsizetype width = 0; // the longest name and two spaces: summaries start in one column
    for (const Command &c : commands())
        width = std::max(width, c.name.size() + 2);
    for (const Command &c : commands())
        s += QStringLiteral("  %1%2\n").arg(c.name, -int(width)).arg(c.summary);
    s += QStringLiteral("\nCommon options: --threads N, --workspace FILE, --out FILE, --quiet, --help\n"
                        "Run 'glassbox-cli <command> --help' for a command's options.\n");
    return s;
}

namespace {

int fail(int code, const std::string &message)
{
    std::cerr << "glassbox-cli: error: " << message << std::endl;
    return code;
}

} // namespace

namespace {
std::vector<Command> &registry()
{
    static std::vector<Command> all;
    return all;
}
} // namespace

namespace {
QCommandLineParser &prepareParser(QCommandLineParser &parser, const Command &command)
{
    parser.setApplicationDescription(command.summary);
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    addCommonOptions(parser);
    if (command.addOptions)
        command.addOptions(parser);
    return parser;
}
} // namespace

QString commandHelp(const Command &command)
{
    QCommandLineParser parser;
    QString text = prepareParser(parser, command).helpText();
    // Qt names the program by argv[0]; the usage line should name the command.
    const qsizetype eol = text.indexOf(QLatin1Char('\n'));
    return QStringLiteral("Usage: glassbox-cli %1 [options]").arg(command.name) + text.mid(eol);
}

bool registerCommand(Command command)
{
    registry().push_back(std::move(command));
    return true;
}

std::vector<Command> commands()
{
    std::vector<Command> all = registry();
    std::sort(all.begin(), all.end(), [](const Command &a, const Command &b) {
        return a.order != b.order ? a.order < b.order : a.name < b.name;
    });
    return all;
}

namespace {
bool commandPaints(const char *name)
{
    for (const Command &c : registry())
        if (c.paints && c.name == QLatin1String(name))
            return true;
    return false;
}
} // namespace

int run(int argc, char **argv)
{
    const bool paints = argc > 1 && commandPaints(argv[1]);
    if (paints && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen"); // files need no display, and there may be none
    const std::unique_ptr<QCoreApplication> app = paints ? std::make_unique<QGuiApplication>(argc, argv)
                                                         : std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("glassbox-cli"));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(appVersion()));
    const QStringList arguments = QCoreApplication::arguments();
    if (arguments.size() < 2 || arguments[1] == QLatin1String("--help") || arguments[1] == QLatin1String("-h")
        || arguments[1] == QLatin1String("help")) {
        std::cout << globalHelp().toStdString();
        return arguments.size() < 2 ? 2 : 0;
    }
    if (arguments[1] == QLatin1String("--man")) {
        std::cout << manPage().toStdString();
        return 0;
    }
    if (arguments[1] == QLatin1String("--version") || arguments[1] == QLatin1String("-v")) {
        std::cout << "glassbox-cli " << appVersion() << std::endl;
        return 0;
    }
    const QString name = arguments[1];
    const std::vector<Command> all = commands();
    const Command *command = nullptr;
    for (const Command &c : all)
        if (c.name == name)
            command = &c;
    if (!command)
        return fail(2, "unknown command \"" + name.toStdString() + "\"; run 'glassbox-cli --help'");

    QCommandLineParser parser;
    prepareParser(parser, *command);
    QStringList commandArgs = arguments;
    commandArgs.removeAt(1);
    commandArgs[0] = QStringLiteral("glassbox-cli ") + name;
    if (!parser.parse(commandArgs))
        return fail(2, parser.errorText().toStdString());
    if (parser.isSet(QStringLiteral("help"))) {
        std::cout << commandHelp(*command).toStdString();
        return 0;
    }
    try {
        Context ctx(parser);
        setComputeThreads(ctx.intValue(QStringLiteral("threads"), 0));
        return command->run(ctx);
    } catch (const Error &e) {
        return fail(e.kind() == Error::Kind::BadInput ? 2 : 1, e.what());
    } catch (const std::bad_alloc &) {
        return fail(1, "out of memory");
    } catch (const std::exception &e) {
        return fail(1, std::string("internal error: ") + e.what());
    } catch (...) {
        return fail(1, "internal error");
    }
}

} // namespace gb::cli
