// SPDX-License-Identifier: MIT
#include "io/json.h"
#include "testutils.h"

#include <QProcess>

namespace {

struct CliResult {
    int exitCode = -1;
    QString out;
    QString err;
};

CliResult runCli(const QStringList &args)
{
    QProcess p;
    p.start(gbtest::buildDir() + QStringLiteral("/app/glassbox-cli"), args);
    p.waitForFinished(120000);
    CliResult r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

} // namespace

class TestCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void versionAndHelp();
    void exitCodes_data();
    void exitCodes();
    void infoSystem();
    void infoPaths();
};

void TestCli::versionAndHelp()
{
    const auto v = runCli({QStringLiteral("--version")});
    QCOMPARE(v.exitCode, 0);
    QVERIFY(v.out.startsWith(QStringLiteral("glassbox-cli ")));
    const auto h = runCli({QStringLiteral("--help")});
    QCOMPARE(h.exitCode, 0);
    QVERIFY(h.out.contains(QStringLiteral("info")));
    const auto ch = runCli({QStringLiteral("info"), QStringLiteral("--help")});
    QCOMPARE(ch.exitCode, 0);
    QVERIFY(ch.out.contains(QStringLiteral("--system")));
}

void TestCli::exitCodes_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("stderrNeedle");
    QTest::addRow("no command") << QStringList{} << 2 << "";
    QTest::addRow("unknown command") << QStringList{QStringLiteral("frobnicate")} << 2 << "unknown command";
    QTest::addRow("unknown option") << QStringList{QStringLiteral("info"), QStringLiteral("--bogus")} << 2
                                    << "Unknown option";
    QTest::addRow("missing path") << QStringList{QStringLiteral("info"), QStringLiteral("/no/such/path")} << 2
                                  << "no such file or folder";
    QTest::addRow("bad threads") << QStringList{QStringLiteral("info"), QStringLiteral("--system"),
                                                QStringLiteral("--threads"), QStringLiteral("many")}
                                 << 2 << "--threads must be an integer";
    QTest::addRow("bad workspace") << QStringList{QStringLiteral("info"), QStringLiteral("--system"),
                                                  QStringLiteral("--out"), QStringLiteral("/no/such/dir/x.json")}
                                   << 2 << "cannot write output file";
}

void TestCli::exitCodes()
{
    QFETCH(QStringList, args);
    QFETCH(int, code);
    QFETCH(QString, stderrNeedle);
    const auto r = runCli(args);
    QCOMPARE(r.exitCode, code);
    QVERIFY2(r.err.contains(stderrNeedle), qPrintable(r.err));
}

void TestCli::infoSystem()
{
    const auto r = runCli({QStringLiteral("info"), QStringLiteral("--system"), QStringLiteral("--threads"),
                           QStringLiteral("2")});
    QCOMPARE(r.exitCode, 0);
    const gb::Json j = gb::Json::parse(r.out.toStdString());
    QCOMPARE(j.find("system")->find("threads")->toInt(), 2);
    QVERIFY(!j.find("system")->find("blas")->toString().empty());
    QVERIFY(j.find("timing")->find("load_s")->isNumber());
}

void TestCli::infoPaths()
{
    QTemporaryDir dir;
    const QString csv = dir.filePath(QStringLiteral("d.csv"));
    gbtest::writeFile(csv, "a,b\n1,2\n");
    auto r = runCli({QStringLiteral("info"), csv});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(gb::Json::parse(r.out.toStdString()).find("kind")->toString(), std::string("dataset"));

    const QString model = dir.filePath(QStringLiteral("m"));
    gbtest::writeFile(model + QStringLiteral("/config.json"), R"({"model_type": "gpt2", "n_layer": 2})");
    r = runCli({QStringLiteral("info"), model});
    QCOMPARE(r.exitCode, 0);
    const gb::Json j = gb::Json::parse(r.out.toStdString());
    QCOMPARE(j.find("kind")->toString(), std::string("model"));
    QCOMPARE(j.find("summary")->find("n_layer")->toInt(), 2);
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
