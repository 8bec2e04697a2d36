// SPDX-License-Identifier: MIT
#pragma once

#include "io/json.h"

#include <QCommandLineParser>
#include <QString>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace gb {

class Workspace;

namespace cli {

/// Measures the load and compute phases a command reports as "timing" in its JSON.
class Stopwatch {
public:
    Stopwatch() : m_start(std::chrono::steady_clock::now()) {}
    /// Seconds since construction or the previous lap.
    double lap();

private:
    std::chrono::steady_clock::time_point m_start;
};

/// What a command sees: its parsed options and the common services (output, workspace,
/// progress on stderr).
class Context {
public:
    explicit Context(QCommandLineParser &parser);
    ~Context();

    QCommandLineParser &args() { return m_parser; }
    QString value(const QString &name) const { return m_parser.value(name); }
    bool isSet(const QString &name) const { return m_parser.isSet(name); }
    /// Required option; missing is a BadInput error naming it.
    QString required(const QString &name) const;
    int intValue(const QString &name, int fallback) const;
    double doubleValue(const QString &name, double fallback) const;

    /// The workspace given by --workspace (opened or created on first use), or null.
    Workspace *workspace();
    /// Registers `path` as an artifact of `kind` in the workspace (if any); returns its id or 0.
    std::int64_t registerInput(const std::string &path, const std::string &kind);
    /// Records a finished run with its params/results in the workspace (if any); returns the run
    /// id or 0. `inputs` are (artifact id, role).
    std::int64_t recordRun(const std::string &kind, const Json &params,
                           const std::vector<std::pair<std::int64_t, std::string>> &inputs,
                           const std::vector<std::pair<std::string, std::string>> &jsonResults);

    /// Writes the JSON result, with "timing": {"load_s", "compute_s"} added, to --out when
    /// `toOut` and --out is given, else to stdout. Commands whose --out is a binary file
    /// (safetensors) pass toOut = false and print their summary.
    void writeJson(Json result, double loadSeconds, double computeSeconds, bool toOut = true);
    /// Where --out points ("" when absent).
    std::string outPath() const;

    /// Progress lines on stderr, throttled; silenced with --quiet.
    std::function<void(const std::string &stage, double fraction)> progressPrinter();

private:
    QCommandLineParser &m_parser;
    std::unique_ptr<Workspace> m_workspace;
};

struct Command {
    QString name;
    /// Where --help lists it (ascending), then by name.
    int order = 100;
    QString summary;
    /// Adds the command's own options to the parser.
    std::function<void(QCommandLineParser &)> addOptions;
    /// Runs the command; throws gb::Error on failure. Returns the process exit code.
    std::function<int(Context &)> run;
    /// Paints (fonts, images): the CLI then starts a QGuiApplication, on the offscreen platform
    /// unless QT_QPA_PLATFORM says otherwise, instead of a QCoreApplication.
    bool paints = false;
};

/// All registered commands, in the order --help lists them.
std::vector<Command> commands();
/// What `glassbox-cli --help` prints.
QString globalHelp();
/// What `glassbox-cli <name> --help` prints.
QString commandHelp(const Command &command);
/// A man page (roff) listing every command and its options, generated from the registry so it
/// is always complete (`glassbox-cli --man`; the package installs it as glassbox-cli(1)).
QString manPage();

/// Each command lives in its own cmd_<name>.cpp and registers itself at start-up:
///     [[maybe_unused]] const bool registered = gb::cli::registerCommand(myCommand());
/// (the CLI's sources are compiled into the executable, so these initialisers always run).
bool registerCommand(Command command);

/// Entry point shared by main() and tests: returns the exit code
/// (0 ok, 1 internal failure, 2 bad input or bad usage).
int run(int argc, char **argv);

} // namespace cli
} // namespace gb
