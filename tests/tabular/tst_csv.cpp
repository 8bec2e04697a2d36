// SPDX-License-Identifier: MIT
#include "tabular_testdata.h"
#include "testutils.h"

#include "io/csv.h"

#include <QTemporaryDir>

#include <clocale>

using gb::ColumnRoles;
using gb::CsvReader;

class TestCsv : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void records_data();
    void records();
    void numbers_data();
    void numbers();
    void numbersIgnoreLocale();
    void fixtureWithSidecar();
    void labelledLevels();
    void commandLineRolesMerge();
    void errors_data();
    void errors();
    void sidecarErrors();
    void featureIndexErrors();
};

void TestCsv::records_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QList<QByteArray>>("expected"); // records joined with '|', fields with ';'
    QTest::addColumn<QList<qint64>>("lines");
    QTest::addRow("plain") << QByteArray("a,b\n1,2\n") << QList<QByteArray>{"a;b", "1;2"} << QList<qint64>{1, 2};
    QTest::addRow("crlf") << QByteArray("a,b\r\n1,2\r\n") << QList<QByteArray>{"a;b", "1;2"} << QList<qint64>{1, 2};
    QTest::addRow("no final newline") << QByteArray("a,b\n1,2") << QList<QByteArray>{"a;b", "1;2"} << QList<qint64>{1, 2};
    QTest::addRow("bom") << QByteArray("\xEF\xBB\xBF" "a,b\n1,2\n") << QList<QByteArray>{"a;b", "1;2"} << QList<qint64>{1, 2};
    QTest::addRow("quoted comma") << QByteArray("\"x, y\",b\n") << QList<QByteArray>{"x, y;b"} << QList<qint64>{1};
    QTest::addRow("doubled quote") << QByteArray("\"say \"\"hi\"\"\",2\n") << QList<QByteArray>{"say \"hi\";2"} << QList<qint64>{1};
    QTest::addRow("quoted newline") << QByteArray("\"two\nlines\",1\n3,4\n") << QList<QByteArray>{"two\nlines;1", "3;4"}
                                    << QList<qint64>{1, 3};
    QTest::addRow("empty fields") << QByteArray("a,,\n,\"\",x\n") << QList<QByteArray>{"a;;", ";;x"} << QList<qint64>{1, 2};
    QTest::addRow("blank lines skipped") << QByteArray("a\n\n\r\nb\n\n") << QList<QByteArray>{"a", "b"} << QList<qint64>{1, 4};
}

void TestCsv::records()
{
    QFETCH(QByteArray, text);
    QFETCH(QList<QByteArray>, expected);
    QFETCH(QList<qint64>, lines);
    CsvReader reader(std::string_view(text.constData(), std::size_t(text.size())), "t.csv");
    std::vector<std::string> fields;
    QList<QByteArray> got;
    QList<qint64> gotLines;
    while (reader.next(fields)) {
        QByteArrayList f;
        for (const auto &s : fields)
            f << QByteArray::fromStdString(s);
        got << f.join(';');
        gotLines << reader.line();
    }
    QCOMPARE(got, expected);
    QCOMPARE(gotLines, lines);
}

void TestCsv::numbers_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<double>("value");
    QTest::addRow("integer") << QByteArray("42") << true << 42.0;
    QTest::addRow("decimal") << QByteArray("-2.5") << true << -2.5;
    QTest::addRow("spaces") << QByteArray("  7.25 ") << true << 7.25;
    QTest::addRow("plus") << QByteArray("+3") << true << 3.0;
    QTest::addRow("exponent") << QByteArray("1.5e-3") << true << 0.0015;
    QTest::addRow("leading dot") << QByteArray(".5") << true << 0.5;
    QTest::addRow("decimal comma") << QByteArray("1,5") << false << 0.0;
    QTest::addRow("word") << QByteArray("abc") << false << 0.0;
    QTest::addRow("trailing junk") << QByteArray("12kg") << false << 0.0;
    QTest::addRow("infinity") << QByteArray("inf") << false << 0.0;
    QTest::addRow("nan") << QByteArray("nan") << false << 0.0;
    QTest::addRow("hex") << QByteArray("0x10") << false << 0.0;
    QTest::addRow("empty") << QByteArray("") << false << 0.0;
}

void TestCsv::numbers()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, ok);
    QFETCH(double, value);
    double v = 0;
    QCOMPARE(gb::parseNumber(text.toStdString(), v), ok);
    if (ok)
        QCOMPARE(v, value);
}

void TestCsv::numbersIgnoreLocale()
{
    // A user locale with a decimal comma must not change how "2.5" reads.
    const char *previous = std::setlocale(LC_NUMERIC, nullptr);
    const std::string saved = previous ? previous : "C";
    if (!std::setlocale(LC_NUMERIC, "de_DE.UTF-8") && !std::setlocale(LC_NUMERIC, "de_DE"))
        QSKIP("no German locale installed");
    double v = 0;
    const bool ok = gb::parseNumber("2.5", v);
    std::setlocale(LC_NUMERIC, saved.c_str());
    QVERIFY(ok);
    QCOMPARE(v, 2.5);
}

void TestCsv::fixtureWithSidecar()
{
    const gb::TabularData d = gb::loadTabularData(gbtest::tabularFixture("data.csv"), {}, {});
    QCOMPARE(d.rows, 60);
    QCOMPARE(d.names, (std::vector<std::string>{"age", "bmi (kg/m²)", "bp", "group"}));
    QCOMPARE(d.categorical, (std::vector<bool>{false, false, false, true}));
    QCOMPARE(d.targetName, std::string("y"));
    QCOMPARE(d.target.front(), std::string("9.743"));
    QCOMPARE(d.ignoredNames, std::vector<std::string>{"id"});
    QCOMPARE(d.lines.front(), 2);
    QCOMPARE(d.lines.back(), 61);
    QCOMPARE(d.at(0, 0), 49.8f);
    QCOMPARE(d.at(0, 1), 27.56f);
    QCOMPARE(d.at(1, 3), 2.0f);
}

void TestCsv::labelledLevels()
{
    ColumnRoles roles;
    roles.levels["region"] = {"north", "south", "east"};
    const gb::TabularData d = gb::parseTabularCsv("x,region\n1,south\n2, east \n3,north\n", "t.csv", roles);
    QCOMPARE(d.categorical, (std::vector<bool>{false, true}));
    QCOMPARE(d.column(1), (std::vector<double>{1, 2, 0}));
    QCOMPARE(d.cellText(1, 1), std::string("east"));
    QCOMPARE(d.cellText(1, 0), std::string("2"));
    GB_VERIFY_THROWS(gb::parseTabularCsv("x,region\n1,west\n", "t.csv", roles),
                     "t.csv:2: \"west\" is not a level of column 'region' (levels: north, south, east)");
}

void TestCsv::commandLineRolesMerge()
{
    QTemporaryDir dir;
    const QString csv = dir.filePath(QStringLiteral("d.csv"));
    gbtest::writeFile(csv, "id;a;b;y\n1;2;3;4\n");
    gbtest::writeFile(csv + QStringLiteral(".json"), R"({"target": "y", "delimiter": ";"})");
    ColumnRoles extra;
    extra.ignored = {"id"};
    const gb::TabularData d = gb::loadTabularData(csv.toStdString(), {}, extra);
    QCOMPARE(d.names, (std::vector<std::string>{"a", "b"}));
    extra.target = "b";
    const gb::TabularData e = gb::loadTabularData(csv.toStdString(), {}, extra);
    QCOMPARE(e.names, (std::vector<std::string>{"a", "y"}));
}

void TestCsv::errors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QByteArray>("needle");
    QTest::addRow("empty file") << QByteArray("") << QByteArray("") << QByteArray("d.csv: empty file");
    QTest::addRow("only blank lines") << QByteArray("\n\n") << QByteArray("") << QByteArray("d.csv: empty file");
    QTest::addRow("header only") << QByteArray("a,b\n") << QByteArray("") << QByteArray("d.csv: no data rows");
    QTest::addRow("duplicate header") << QByteArray("a,b,a\n1,2,3\n") << QByteArray("") << QByteArray("d.csv:1: duplicate column name 'a' (columns 1 and 3)");
    QTest::addRow("unnamed column") << QByteArray("a,,c\n1,2,3\n") << QByteArray("") << QByteArray("d.csv:1: column 2 has no name");
    QTest::addRow("short row") << QByteArray("a,b,c\n1,2,3\n4,5\n") << QByteArray("") << QByteArray("d.csv:3: 2 fields, but the header has 3 columns");
    QTest::addRow("long row") << QByteArray("a,b\n1,2\n\n3,4,5\n") << QByteArray("") << QByteArray("d.csv:4: 3 fields, but the header has 2 columns");
    QTest::addRow("missing value") << QByteArray("a,b\n1,2\n3,\n") << QByteArray("") << QByteArray("d.csv:3: missing value in column 'b'");
    QTest::addRow("NA") << QByteArray("a,b\n1,NA\n") << QByteArray("") << QByteArray("d.csv:2: missing value in column 'b'");
    QTest::addRow("non-numeric") << QByteArray("a,b\n1,2\n3,abc\n") << QByteArray("") << QByteArray("d.csv:3: column 'b' is numeric but holds \"abc\"");
    QTest::addRow("decimal comma") << QByteArray("a,b\n1,\"2,5\"\n") << QByteArray("") << QByteArray("d.csv:2: column 'b' is numeric but holds \"2,5\"");
    QTest::addRow("too large") << QByteArray("a\n1e39\n") << QByteArray("") << QByteArray("outside the float32 range");
    QTest::addRow("unterminated quote") << QByteArray("a,b\n1,\"2\n3,4\n") << QByteArray("") << QByteArray("d.csv:2: unterminated quoted field (column 2)");
    QTest::addRow("text after quote") << QByteArray("a,b\n\"1\"x,2\n") << QByteArray("") << QByteArray("d.csv:2: text after the closing quote of column 1");
    QTest::addRow("stray quote") << QByteArray("a,b\n1,2\"3\n") << QByteArray("") << QByteArray("d.csv:2: quote inside unquoted column 2");
    QTest::addRow("unknown target") << QByteArray("a,b\n1,2\n") << QByteArray("y") << QByteArray("target column 'y' is not in the header (columns: a, b)");
    QTest::addRow("nothing left") << QByteArray("y\n1\n") << QByteArray("y") << QByteArray("no feature columns left");
    QTest::addRow("target text is fine, feature text is not") << QByteArray("a,y\nx,cat\n") << QByteArray("y")
                                                               << QByteArray("d.csv:2: column 'a' is numeric but holds \"x\"");
}

void TestCsv::errors()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, target);
    QFETCH(QByteArray, needle);
    ColumnRoles roles;
    roles.target = target.toStdString();
    GB_VERIFY_THROWS(gb::parseTabularCsv(std::string_view(text.constData(), std::size_t(text.size())), "d.csv", roles),
                     needle.toStdString());
}

void TestCsv::sidecarErrors()
{
    QTemporaryDir dir;
    const QString csv = dir.filePath(QStringLiteral("d.csv"));
    gbtest::writeFile(csv, "a,b\n1,2\n");
    const std::string path = csv.toStdString();
    const QString side = dir.filePath(QStringLiteral("roles.json"));
    gbtest::writeFile(side, R"({"target": "b", "targte": "a"})");
    GB_VERIFY_THROWS(gb::loadTabularData(path, side.toStdString(), {}), "unknown key \"targte\"");
    gbtest::writeFile(side, R"({"categorical": "a"})");
    GB_VERIFY_THROWS(gb::loadTabularData(path, side.toStdString(), {}), "\"categorical\"");
    gbtest::writeFile(side, R"({"ignore": ["zzz"]})");
    GB_VERIFY_THROWS(gb::loadTabularData(path, side.toStdString(), {}), "ignored column 'zzz' is not in the header");
    gbtest::writeFile(side, R"({"categorical": ["a"]})");
    gbtest::writeFile(csv, "a,b\nred,2\n");
    GB_VERIFY_THROWS(gb::loadTabularData(path, side.toStdString(), {}), "give this categorical column's labels as \"levels\"");
    GB_VERIFY_THROWS(gb::loadTabularData(path, dir.filePath(QStringLiteral("none.json")).toStdString(), {}), "none.json");
    GB_VERIFY_THROWS(gb::loadTabularData(dir.filePath(QStringLiteral("missing.csv")).toStdString(), {}, {}),
                     "missing.csv: no such file");
}

void TestCsv::featureIndexErrors()
{
    const gb::TabularData d = gb::loadTabularData(gbtest::tabularFixture("data.csv"), {}, {});
    QCOMPARE(d.featureIndex("bp"), 2);
    GB_VERIFY_THROWS(d.featureIndex("y"), "'y' is the target column");
    GB_VERIFY_THROWS(d.featureIndex("id"), "'id' is an ignored column");
    GB_VERIFY_THROWS(d.featureIndex("weight"), "no feature column 'weight' (features: age, bmi (kg/m²), bp, group)");
}

QObject *newCsvTests()
{
    return new TestCsv;
}

#include "tst_csv.moc"
