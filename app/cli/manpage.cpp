// SPDX-License-Identifier: MIT
// glassbox-cli(1), generated from the command registry (help2man-style) so that every command
// is listed with exactly the options --help shows.
#include "cli.h"

#include "common/version.h"

#include <QStringList>

namespace gb::cli {

namespace {

// Roff-safe text: backslashes escaped, hyphens made literal minus signs (so copied options
// work), lines starting with a control character neutralised.
QString roff(const QString &text)
{
    QStringList lines = text.split(QLatin1Char('\n'));
    for (QString &l : lines) {
        l.replace(QLatin1String("\\"), QLatin1String("\\e")).replace(QLatin1String("-"), QLatin1String("\\-"));
        if (l.startsWith(QLatin1Char('.')) || l.startsWith(QLatin1Char('\'')))
            l.prepend(QLatin1String("\\&"));
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace

QString manPage()
{
    const QString version = QString::fromLatin1(appVersion());
    QString m;
    m += QStringLiteral(".TH GLASSBOX\\-CLI 1 \"\" \"Glassbox %1\" \"User Commands\"\n").arg(version);
    m += QStringLiteral(".SH NAME\nglassbox\\-cli \\- Glassbox interpretability workflows without a window\n");
    m += QStringLiteral(".SH SYNOPSIS\n.B glassbox\\-cli\n.I command\n[\\fIoptions\\fR]\n.br\n"
                        ".B glassbox\\-cli\n.I command\n\\-\\-help\n");
    m += QStringLiteral(".SH DESCRIPTION\nThe command\\-line twin of the Glassbox desktop application: each workflow "
                        "of the app has a command here. Every command prints JSON (with a \"timing\" object holding "
                        "load_s and compute_s) to standard output or to \\-\\-out; progress goes to standard error. "
                        "Commands that compute a run accept \\-\\-workspace FILE, record their inputs (with content "
                        "hashes) and the run in that workspace, and report its \"run_id\"; \\fBrender\\fR re\\-renders "
                        "a stored figure without recomputing.\n");
    m += QStringLiteral(".SH COMMANDS\n");
    for (const Command &c : commands())
        m += QStringLiteral(".TP\n.B %1\n%2\n").arg(roff(c.name), roff(c.summary));
    m += QStringLiteral(".SH \"COMMON OPTIONS\"\n.TP\n\\-\\-threads N\nIntra\\-op compute threads.\n"
                        ".TP\n\\-\\-workspace FILE\nRecord inputs and the run in this workspace file.\n"
                        ".TP\n\\-\\-out FILE\nOutput file (default: JSON to standard output).\n"
                        ".TP\n\\-\\-quiet\nNo progress on standard error.\n");
    m += QStringLiteral(".SH \"COMMAND OPTIONS\"\n");
    for (const Command &c : commands())
        m += QStringLiteral(".SS \"glassbox\\-cli %1\"\n.nf\n%2\n.fi\n").arg(roff(c.name), roff(commandHelp(c).trimmed()));
    m += QStringLiteral(".SH \"EXIT STATUS\"\n.TP\n0\nSuccess.\n.TP\n1\nInternal failure (a bug: please report it).\n"
                        ".TP\n2\nBad input or bad usage; the message on standard error says what and where.\n");
    m += QStringLiteral(".SH EXAMPLES\n.nf\nglassbox\\-cli info \\-\\-system\n"
                        "glassbox\\-cli render \\-\\-workspace ws.gbx \\-\\-list\n"
                        "glassbox\\-cli render \\-\\-workspace ws.gbx \\-\\-run 7 \\-\\-preset single\\-column \\-\\-out fig.pdf\n.fi\n");
    m += QStringLiteral(".SH \"SEE ALSO\"\n\\fBglassbox\\fR, the desktop application.\n");
    return m;
}

} // namespace gb::cli
