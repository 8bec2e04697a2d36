// SPDX-License-Identifier: MIT
// Builds the .deb with CPack and inspects it without installing: the files a desktop program
// needs are in it, and its Depends cover every shared library the executables load.
// (packaging/install-test.sh installs it for real with dpkg -i.)
#include "testutils.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

namespace {

QString run(const QString &program, const QStringList &args, const QString &dir = {})
{
    QProcess p;
    if (!dir.isEmpty())
        p.setWorkingDirectory(dir);
    p.start(program, args);
    p.waitForFinished(900000);
    if (p.exitCode() != 0)
        qWarning("%s %s failed: %s", qPrintable(program), qPrintable(args.join(QLatin1Char(' '))),
                 p.readAllStandardError().constData());
    return QString::fromUtf8(p.readAllStandardOutput());
}

// Package owning the library a NEEDED soname resolves to (through symlinks and alternatives).
QString packageOf(const QString &soname)
{
    const QString cache = run(QStringLiteral("/sbin/ldconfig"), {QStringLiteral("-p")});
    const QRegularExpression line(QStringLiteral("^\\s+%1 \\(libc6,x86-64\\) => (\\S+)$").arg(QRegularExpression::escape(soname)),
                                  QRegularExpression::MultilineOption);
    const QRegularExpressionMatch m = line.match(cache);
    if (!m.hasMatch())
        return {};
    // Merged /usr: dpkg may have recorded the file under /lib rather than /usr/lib.
    const QString path = QFileInfo(m.captured(1)).canonicalFilePath();
    QProcess p;
    for (const QString &candidate : {path, path.startsWith(QStringLiteral("/usr/")) ? path.mid(4) : path}) {
        p.start(QStringLiteral("dpkg"), {QStringLiteral("-S"), candidate});
        p.waitForFinished();
        if (p.exitCode() == 0)
            return QString::fromUtf8(p.readAllStandardOutput()).section(QLatin1Char(':'), 0, 0).trimmed();
    }
    return {};
}

} // namespace

class TestPackageDeb : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void buildsAndHoldsWhatItShould();
};

void TestPackageDeb::buildsAndHoldsWhatItShould()
{
    QTemporaryDir out;
    QVERIFY(out.isValid());
    run(QStringLiteral("cpack"), {QStringLiteral("-G"), QStringLiteral("DEB"), QStringLiteral("-B"), out.path(), QStringLiteral("--config"),
                                  gbtest::buildDir() + QStringLiteral("/CPackConfig.cmake")},
        gbtest::buildDir());
    const QStringList debs = QDir(out.path()).entryList({QStringLiteral("glassbox_*_amd64.deb")});
    QCOMPARE(debs.size(), 1);
    const QString deb = out.filePath(debs.first());

    const QString files = run(QStringLiteral("dpkg-deb"), {QStringLiteral("-c"), deb});
    for (const char *f : {"./usr/bin/glassbox", "./usr/bin/glassbox-cli", "./usr/share/applications/app.glassbox.Glassbox.desktop",
                          "./usr/share/metainfo/app.glassbox.Glassbox.metainfo.xml",
                          "./usr/share/icons/hicolor/scalable/apps/app.glassbox.Glassbox.svg", "./usr/share/man/man1/glassbox-cli.1.gz"})
        QVERIFY2(files.contains(QString::fromLatin1(f) + QLatin1Char('\n')), f);

    QStringList depends;
    for (const QString &d : run(QStringLiteral("dpkg-deb"), {QStringLiteral("-f"), deb, QStringLiteral("Depends")}).split(QLatin1Char(',')))
        depends << d.trimmed().section(QLatin1Char(' '), 0, 0);
    QVERIFY(depends.contains(QStringLiteral("fonts-dejavu-core")));
    for (const char *exe : {"/app/glassbox", "/app/glassbox-cli"}) {
        const QString dynamic = run(QStringLiteral("readelf"), {QStringLiteral("-d"), gbtest::buildDir() + QString::fromLatin1(exe)});
        const QRegularExpression needed(QStringLiteral("\\(NEEDED\\)\\s+Shared library: \\[([^\\]]+)\\]"));
        for (auto it = needed.globalMatch(dynamic); it.hasNext();) {
            const QString soname = it.next().captured(1);
            if (soname.startsWith(QStringLiteral("ld-linux")) || soname == QLatin1String("libm.so.6"))
                continue; // part of libc6
            const QString package = packageOf(soname).section(QLatin1Char(':'), 0, 0);
            QVERIFY2(!package.isEmpty(), qPrintable(soname));
            QVERIFY2(depends.contains(package), qPrintable(QStringLiteral("%1 (%2) is not in Depends: %3").arg(soname, package, depends.join(QStringLiteral(", ")))));
        }
    }
}

QTEST_GUILESS_MAIN(TestPackageDeb)
#include "tst_package_deb.moc"
