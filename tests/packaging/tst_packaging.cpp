// SPDX-License-Identifier: MIT
// Desktop integration files: the man page lists every command the CLI has, the AppStream
// metainfo validates, and the desktop entry, icon name and metainfo agree.
#include "testutils.h"

#include <QProcess>
#include <QRegularExpression>
#include <QSettings>
#include <QStandardPaths>

namespace {

QString run(const QString &program, const QStringList &args, int *code = nullptr)
{
    QProcess p;
    p.start(program, args);
    p.waitForFinished(120000);
    if (code)
        *code = p.exitCode();
    return QString::fromUtf8(p.readAllStandardOutput()) + QString::fromUtf8(p.readAllStandardError());
}

QString sourceFile(const QString &relative)
{
    return QStringLiteral(GLASSBOX_SOURCE_DIR "/") + relative;
}

} // namespace

class TestPackaging : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void manPageListsEveryCommand();
    void metainfoValidates();
    void desktopEntryMatchesMetainfo();
};

void TestPackaging::manPageListsEveryCommand()
{
    const QString help = run(gbtest::buildDir() + QStringLiteral("/app/glassbox-cli"), {QStringLiteral("--help")});
    QStringList commands;
    const QRegularExpression line(QStringLiteral("^  ([a-z][a-z0-9-]*)\\s"), QRegularExpression::MultilineOption);
    for (auto it = line.globalMatch(help); it.hasNext();)
        commands << it.next().captured(1);
    QVERIFY2(commands.contains(QStringLiteral("render")) && commands.contains(QStringLiteral("info")), qPrintable(help));
    const QString man = QString::fromStdString(gbtest::readFile(gbtest::buildDir() + QStringLiteral("/packaging/glassbox-cli.1")));
    QVERIFY(man.startsWith(QStringLiteral(".TH GLASSBOX\\-CLI 1")));
    for (const QString &c : commands) {
        QString roffName = c;
        roffName.replace(QLatin1String("-"), QLatin1String("\\-"));
        QVERIFY2(man.contains(QStringLiteral(".B %1\n").arg(roffName)), qPrintable(c));
        QVERIFY2(man.contains(QStringLiteral(".SS \"glassbox\\-cli %1\"").arg(roffName)), qPrintable(c));
    }
    // A command's options are in the man page exactly as its --help shows them.
    QVERIFY(man.contains(QStringLiteral("\\-\\-diverging\\-map <NAME>")));
}

void TestPackaging::metainfoValidates()
{
    const QString appstream = QStandardPaths::findExecutable(QStringLiteral("appstreamcli"));
    QVERIFY2(!appstream.isEmpty(), "appstreamcli not found: install the Debian package appstream (packaging/setup.sh deps)");
    int code = -1;
    const QString out = run(appstream, {QStringLiteral("validate"), QStringLiteral("--no-net"), QStringLiteral("--strict"),
                                        sourceFile(QStringLiteral("packaging/app.glassbox.Glassbox.metainfo.xml"))},
                            &code);
    QVERIFY2(code == 0, qPrintable(out));
}

void TestPackaging::desktopEntryMatchesMetainfo()
{
    QSettings desktop(sourceFile(QStringLiteral("packaging/app.glassbox.Glassbox.desktop")), QSettings::IniFormat);
    desktop.beginGroup(QStringLiteral("Desktop Entry"));
    QCOMPARE(desktop.value(QStringLiteral("Type")).toString(), QStringLiteral("Application"));
    QCOMPARE(desktop.value(QStringLiteral("Exec")).toString(), QStringLiteral("glassbox %f"));
    QCOMPARE(desktop.value(QStringLiteral("Icon")).toString(), QStringLiteral("app.glassbox.Glassbox"));
    const QString meta = QString::fromStdString(gbtest::readFile(sourceFile(QStringLiteral("packaging/app.glassbox.Glassbox.metainfo.xml"))));
    QVERIFY(meta.contains(QStringLiteral("<id>app.glassbox.Glassbox</id>")));
    QVERIFY(meta.contains(QStringLiteral("<launchable type=\"desktop-id\">app.glassbox.Glassbox.desktop</launchable>")));
    QVERIFY(meta.contains(QStringLiteral("<binary>glassbox-cli</binary>")));
}

QTEST_GUILESS_MAIN(TestPackaging)
#include "tst_packaging.moc"
