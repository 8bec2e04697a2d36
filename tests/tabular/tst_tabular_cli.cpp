// SPDX-License-Identifier: MIT
// The `pdp` and `ale` commands: the JSON contract of issue 4, run recording, errors.
#include "tabular_testdata.h"
#include "testutils.h"

#include "store/workspace.h"

#include <QFile>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>

using gbtest::expectedTabular;
using gbtest::numbers;

namespace {

struct Run {
    int exitCode = -1;
    QString err;
    gb::Json json;
};

QString fixture(const char *name)
{
    return QString::fromStdString(gbtest::tabularFixture(name));
}

Run cli(QStringList args, const QTemporaryDir &dir)
{
    const QString out = dir.filePath(QStringLiteral("out.json"));
    QFile::remove(out);
    args << QStringLiteral("--quiet") << QStringLiteral("--out") << out;
    const gbtest::CliResult c = gbtest::runCli(args);
    Run r;
    r.exitCode = c.exitCode;
    r.err = c.err;
    if (r.exitCode == 0)
        r.json = gb::Json::parseFile(out.toStdString());
    return r;
}

QStringList base(const char *command, const char *model = "mlp_reg.pt")
{
    return {QString::fromLatin1(command), QStringLiteral("--model"), fixture(model), QStringLiteral("--data"), fixture("data.csv")};
}

std::vector<double> rowOf(const gb::Json &matrix, std::size_t i)
{
    return numbers(matrix.toArray()[i]);
}

bool close(const std::vector<double> &a, const std::vector<double> &b, double scale = 0.0)
{
    QString why;
    const bool ok = gbtest::closeCurves(a, b, 1e-4, scale, &why);
    if (!ok)
        qWarning("%s", qPrintable(why));
    return ok;
}

} // namespace

class TestTabularCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void pdpContract();
    void pdpTwoFeatures();
    void pdpCentredAndSampled();
    void pdpEvaluationModesAgree();
    void aleContract();
    void aleTwoFeaturesAndCategorical();
    void rolesFromCommandLine();
    void workspaceRun();
    void errors_data();
    void errors();
};

void TestTabularCli::pdpContract()
{
    QTemporaryDir dir;
    const Run r = cli(base("pdp") << QStringLiteral("--feature") << QStringLiteral("age") << QStringLiteral("--grid-resolution")
                                  << QStringLiteral("20"),
                      dir);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const gb::Json &e = *expectedTabular().find("pdp_age_res20");
    QVERIFY(close(numbers(*r.json.find("grid")), numbers(*e.find("grid"))));
    QVERIFY(close(numbers(*r.json.find("average")), numbers(*e.find("average"))));
    const auto &individual = r.json.find("individual")->toArray();
    QCOMPARE(individual.size(), std::size_t(60)); // one list per data row, in data order
    for (std::size_t i = 0; i < individual.size(); i += 11)
        QVERIFY(close(numbers(individual[i]), rowOf(*e.find("individual"), i)));
    QVERIFY(!r.json.contains("ice_rows"));
    QVERIFY(r.json.find("timing")->find("compute_s")->isNumber());
    QVERIFY(!r.json.contains("run_id"));
}

void TestTabularCli::pdpTwoFeatures()
{
    QTemporaryDir dir;
    const Run r = cli(base("pdp") << QStringLiteral("--feature") << QStringLiteral("age") << QStringLiteral("--feature2")
                                  << QStringLiteral("bmi (kg/m²)") << QStringLiteral("--grid-resolution") << QStringLiteral("8")
                                  << QStringLiteral("--kind") << QStringLiteral("average"),
                      dir);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const gb::Json &e = *expectedTabular().find("pdp_age_bmi_res8");
    QCOMPARE(r.json.find("grid")->size(), std::size_t(2));
    QVERIFY(close(rowOf(*r.json.find("grid"), 1), rowOf(*e.find("grid"), 1)));
    QCOMPARE(r.json.find("average")->size(), std::size_t(8));
    for (std::size_t a = 0; a < 8; ++a)
        QVERIFY(close(rowOf(*r.json.find("average"), a), rowOf(*e.find("average"), a)));
    QVERIFY(!r.json.contains("individual"));
}

void TestTabularCli::pdpCentredAndSampled()
{
    QTemporaryDir dir;
    const Run r = cli(base("pdp") << QStringLiteral("--feature") << QStringLiteral("bp") << QStringLiteral("--centered")
                                  << QStringLiteral("--ice-sample") << QStringLiteral("5") << QStringLiteral("--seed")
                                  << QStringLiteral("3") << QStringLiteral("--bootstrap") << QStringLiteral("20"),
                      dir);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(r.json.find("average")->toArray()[0].toDouble(), 0.0);
    QCOMPARE(r.json.find("individual")->size(), std::size_t(5));
    QCOMPARE(r.json.find("ice_rows")->size(), std::size_t(5));
    QCOMPARE(r.json.find("band")->find("lower")->size(), r.json.find("grid")->size());
    QCOMPARE(r.json.find("anchor")->toDouble(), r.json.find("grid")->toArray()[0].toDouble());
}

// A ReLU network is walked exactly by default; --evaluation brute runs the model on every point.
void TestTabularCli::pdpEvaluationModesAgree()
{
    QTemporaryDir dir;
    const QStringList args = base("pdp", "relu_reg.pt") << QStringLiteral("--feature") << QStringLiteral("bmi (kg/m²)")
                                                        << QStringLiteral("--grid-resolution") << QStringLiteral("30");
    const Run walked = cli(args, dir);
    QVERIFY2(walked.exitCode == 0, qPrintable(walked.err));
    const Run brute = cli(QStringList(args) << QStringLiteral("--evaluation") << QStringLiteral("brute"), dir);
    QVERIFY2(brute.exitCode == 0, qPrintable(brute.err));
    QCOMPARE(walked.json.find("evaluation")->toString(), std::string("exact walk"));
    QCOMPARE(brute.json.find("evaluation")->toString(), std::string("brute"));
    QCOMPARE(numbers(*walked.json.find("grid")), numbers(*brute.json.find("grid")));
    const auto scale = [](const std::vector<double> &v) {
        double m = 0.0;
        for (double x : v)
            m = std::max(m, std::fabs(x));
        return m;
    };
    const std::vector<double> average = numbers(*brute.json.find("average"));
    QString why;
    QVERIFY2(gbtest::closeCurves(numbers(*walked.json.find("average")), average, 1e-5, scale(average), &why),
             qPrintable(why));
    const auto &curves = brute.json.find("individual")->toArray();
    QCOMPARE(walked.json.find("individual")->toArray().size(), curves.size());
    for (std::size_t i = 0; i < curves.size(); ++i) {
        const std::vector<double> curve = numbers(curves[i]);
        QVERIFY2(gbtest::closeCurves(rowOf(*walked.json.find("individual"), i), curve, 1e-5, scale(curve), &why),
                 qPrintable(why));
    }
}

void TestTabularCli::aleContract()
{
    QTemporaryDir dir;
    for (const char *edges : {"aleplot", "pyale"}) {
        const Run r = cli(base("ale") << QStringLiteral("--feature") << QStringLiteral("age") << QStringLiteral("--bins")
                                      << QStringLiteral("7") << QStringLiteral("--edges") << QString::fromLatin1(edges),
                          dir);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const gb::Json &e = *expectedTabular().find(std::string("ale_age_k7_") + edges);
        QVERIFY(close(numbers(*r.json.find("edges")), numbers(*e.find("edges"))));
        const std::vector<double> ale = numbers(*e.find("ale"));
        QVERIFY(close(numbers(*r.json.find("ale")), ale, *std::max_element(ale.begin(), ale.end())));
        QCOMPARE(numbers(*r.json.find("counts")), numbers(*e.find("counts")));
        QCOMPARE(r.json.find("edge_convention")->toString(), std::string(edges));
    }
}

void TestTabularCli::aleTwoFeaturesAndCategorical()
{
    QTemporaryDir dir;
    const Run two = cli(base("ale") << QStringLiteral("--feature") << QStringLiteral("age") << QStringLiteral("--feature2")
                                    << QStringLiteral("bmi (kg/m²)") << QStringLiteral("--bins") << QStringLiteral("6"),
                        dir);
    QVERIFY2(two.exitCode == 0, qPrintable(two.err));
    QCOMPARE(two.json.find("ale")->size(), std::size_t(7));
    QCOMPARE(two.json.find("ale")->toArray()[0].size(), std::size_t(7));
    QCOMPARE(two.json.find("counts")->size(), std::size_t(6));
    const Run cat = cli(base("ale") << QStringLiteral("--feature") << QStringLiteral("group") << QStringLiteral("--bootstrap")
                                    << QStringLiteral("10"),
                        dir);
    QVERIFY2(cat.exitCode == 0, qPrintable(cat.err));
    QCOMPARE(numbers(*cat.json.find("edges")), numbers(*expectedTabular().find("ale_group")->find("edges")));
    QCOMPARE(cat.json.find("levels")->size(), std::size_t(4));
    QCOMPARE(cat.json.find("band")->find("upper")->size(), std::size_t(4));
}

void TestTabularCli::rolesFromCommandLine()
{
    QTemporaryDir dir;
    const QString csv = dir.filePath(QStringLiteral("plain.csv"));
    QVERIFY(QFile::copy(fixture("data.csv"), csv));
    QStringList args{QStringLiteral("pdp"), QStringLiteral("--model"), fixture("mlp_reg.pt"), QStringLiteral("--data"), csv,
                     QStringLiteral("--feature"), QStringLiteral("group"), QStringLiteral("--kind"), QStringLiteral("average")};
    const Run noRoles = cli(args, dir);
    QCOMPARE(noRoles.exitCode, 2);
    QVERIFY2(noRoles.err.contains(QStringLiteral("the model expects 4 input columns")), qPrintable(noRoles.err));
    const Run withRoles = cli(args << QStringLiteral("--target-column") << QStringLiteral("y") << QStringLiteral("--ignore")
                                   << QStringLiteral("id") << QStringLiteral("--categorical") << QStringLiteral("group"),
                              dir);
    QVERIFY2(withRoles.exitCode == 0, qPrintable(withRoles.err));
    QVERIFY(close(numbers(*withRoles.json.find("average")),
                  numbers(*expectedTabular().find("pdp_group_categorical")->find("average"))));

    gbtest::writeFile(csv, "id,age,bmi,bp,group,y\n1,1,2,3,0,5\n2,4,,6,1,7\n");
    const Run bad = cli(args, dir);
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains(QStringLiteral("plain.csv:3: missing value in column 'bmi'")), qPrintable(bad.err));
}

void TestTabularCli::workspaceRun()
{
    QTemporaryDir dir;
    const QString ws = dir.filePath(QStringLiteral("w.gbx"));
    const Run r = cli(base("ale") << QStringLiteral("--feature") << QStringLiteral("bp") << QStringLiteral("--workspace") << ws, dir);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const std::int64_t id = r.json.find("run_id")->toInt();
    QVERIFY(id > 0);
    const gb::Workspace w = gb::Workspace::open(ws.toStdString());
    const auto run = w.run(id);
    QVERIFY(run);
    QCOMPARE(run->kind, std::string("ale"));
    QCOMPARE(run->inputs.size(), std::size_t(2));
    const gb::Json stored = gb::Json::parse(*w.result(id, "result"));
    QCOMPARE(numbers(*stored.find("ale")), numbers(*r.json.find("ale")));
    QCOMPARE(gb::Json::parse(run->paramsJson).find("feature")->toString(), std::string("bp"));

    // Both commands record the shared parameters next to their own.
    const Run p = cli(base("pdp") << QStringLiteral("--feature") << QStringLiteral("age") << QStringLiteral("--grid-resolution")
                                  << QStringLiteral("9") << QStringLiteral("--bootstrap") << QStringLiteral("20")
                                  << QStringLiteral("--workspace") << ws,
                      dir);
    QVERIFY2(p.exitCode == 0, qPrintable(p.err));
    const auto pdpRun = gb::Workspace::open(ws.toStdString()).run(p.json.find("run_id")->toInt());
    QVERIFY(pdpRun);
    QCOMPARE(pdpRun->kind, std::string("pdp"));
    const gb::Json params = gb::Json::parse(pdpRun->paramsJson);
    QCOMPARE(params.find("grid_resolution")->toInt(), std::int64_t(9));
    QCOMPARE(params.find("bootstrap")->toInt(), std::int64_t(20));
    QCOMPARE(params.find("confidence")->toDouble(), 0.95);
    QCOMPARE(params.find("rows")->toInt(), std::int64_t(60));
    QCOMPARE(p.json.find("confidence")->toDouble(), 0.95);
}

void TestTabularCli::errors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("needle");
    const QString feature = QStringLiteral("--feature");
    QTest::addRow("no feature") << base("pdp") << QStringLiteral("missing required option --feature");
    QTest::addRow("unknown feature") << (base("pdp") << feature << QStringLiteral("weight"))
                                     << QStringLiteral("no feature column 'weight'");
    QTest::addRow("target as feature") << (base("ale") << feature << QStringLiteral("y"))
                                       << QStringLiteral("'y' is the target column");
    QTest::addRow("width mismatch") << (base("pdp", "width5.pt") << feature << QStringLiteral("age"))
                                    << QStringLiteral("the model expects 5 input columns");
    QTest::addRow("classifier needs a class") << (base("pdp", "mlp_cls.pt") << feature << QStringLiteral("age"))
                                              << QStringLiteral("choose the class to explain (0..2)");
    QTest::addRow("bad kind") << (base("pdp") << feature << QStringLiteral("age") << QStringLiteral("--kind") << QStringLiteral("mean"))
                              << QStringLiteral("--kind must be average, individual or both");
    QTest::addRow("bad evaluation") << (base("pdp") << feature << QStringLiteral("age") << QStringLiteral("--evaluation")
                                    << QStringLiteral("fast"))
                                    << QStringLiteral("unknown evaluation \"fast\" (expected auto or brute)");
    QTest::addRow("bad edges") << (base("ale") << feature << QStringLiteral("age") << QStringLiteral("--edges") << QStringLiteral("r7"))
                               << QStringLiteral("unknown ALE edge convention");
}

void TestTabularCli::errors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, needle);
    QTemporaryDir dir;
    const Run r = cli(args, dir);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(needle), qPrintable(r.err));
}

QObject *newTabularCliTests()
{
    return new TestTabularCli;
}

#include "tst_tabular_cli.moc"
