// SPDX-License-Identifier: MIT
#include "io/json.h"
#include "testutils.h"

using gb::Json;

class TestJson : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parsesValues_data();
    void parsesValues();
    void rejectsMalformed_data();
    void rejectsMalformed();
    void roundTrips();
    void integersAndDoubles();
};

void TestJson::parsesValues_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("dumped");
    QTest::addRow("null") << "null" << "null";
    QTest::addRow("nested") << R"( {"a": [1, 2.5, true, null], "b": {"c": "d"}} )"
                            << R"({"a":[1,2.5,true,null],"b":{"c":"d"}})";
    QTest::addRow("escapes") << R"("a\"b\\c\n\u00e9\ud83d\ude00")" << "\"a\\\"b\\\\c\\n\u00e9\U0001F600\"";
    QTest::addRow("negative exp") << "-1.5e-3" << "-0.0015";
    QTest::addRow("big int") << "9007199254740993" << "9007199254740993";
}

void TestJson::parsesValues()
{
    QFETCH(QString, text);
    QFETCH(QString, dumped);
    QCOMPARE(QString::fromStdString(Json::parse(text.toStdString()).dump()), dumped);
}

void TestJson::rejectsMalformed_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("needle");
    QTest::addRow("empty") << QByteArray("") << "unexpected end";
    QTest::addRow("trailing comma") << QByteArray("[1,]") << "unexpected character";
    QTest::addRow("duplicate key") << QByteArray(R"({"a":1,"a":2})") << "duplicate key \"a\"";
    QTest::addRow("bad utf8") << QByteArray("\"\xc3\x28\"") << "invalid UTF-8";
    QTest::addRow("overlong utf8") << QByteArray("\"\xc0\xaf\"") << "invalid UTF-8";
    QTest::addRow("lone surrogate") << QByteArray(R"("\ud800")") << "unpaired surrogate";
    QTest::addRow("control char") << QByteArray("\"a\nb\"") << "control character";
    QTest::addRow("garbage after") << QByteArray("{} x") << "after the JSON value";
    QTest::addRow("leading zero") << QByteArray("01") << "after the JSON value";
    QTest::addRow("deep") << QByteArray(1000, '[') << "nesting deeper";
    QTest::addRow("line col") << QByteArray("{\n  \"a\": tru }") << "line 2, column 8";
}

void TestJson::rejectsMalformed()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, needle);
    GB_VERIFY_THROWS(Json::parse(std::string_view(text.constData(), std::size_t(text.size())), "f.json"),
                     needle.toStdString());
}

void TestJson::roundTrips()
{
    Json j = Json::object();
    j.set("name", "glassbox").set("values", Json::arrayOf(std::vector<double>{0.1, -2.0, 1e-30}));
    j.set("nested", Json::object().set("k", 3));
    const Json back = Json::parse(j.dump(2));
    QCOMPARE(back.dump(), j.dump());
    QCOMPARE(back.find("values")->toArray()[0].toDouble(), 0.1);
    QCOMPARE(back.find("nested")->find("k")->toInt(), 3);
}

void TestJson::integersAndDoubles()
{
    QCOMPARE(Json::parse("3.0").toInt(), 3);
    GB_VERIFY_THROWS(Json::parse("3.5").toInt("n_layer"), "n_layer must be an integer");
    GB_VERIFY_THROWS(Json::parse("\"x\"").toInt("n_layer"), "n_layer must be an integer, not a string");
    QCOMPARE(Json(std::nan("")).dump(), std::string("null"));
}

QTEST_GUILESS_MAIN(TestJson)
#include "tst_json.moc"
