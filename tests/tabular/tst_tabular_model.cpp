// SPDX-License-Identifier: MIT
#include "tabular_testdata.h"
#include "testutils.h"

#include "models/torchscript_model.h"

#include <QTemporaryDir>

#include <cmath>

using gb::TabularModel;
using gb::TabularResponse;
using gbtest::tabularFixture;

namespace {

const gb::TabularData &fixtureData()
{
    static const gb::TabularData d = gb::loadTabularData(tabularFixture("data.csv"), {}, {});
    return d;
}

std::vector<float> predictAll(const TabularModel &m)
{
    const auto &d = fixtureData();
    std::vector<float> out(static_cast<std::size_t>(d.rows));
    m.predict(d.values.data(), d.rows, out.data());
    return out;
}

TabularResponse response(TabularResponse::Kind kind, int column)
{
    TabularResponse r;
    r.kind = kind;
    r.outputColumn = column;
    return r;
}

} // namespace

class TestTabularModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void regressionShapes();
    void batchingDoesNotChangePredictions();
    void classifierResponses();
    void sigmoidResponse();
    void loadErrors_data();
    void loadErrors();
    void responseErrors();
};

void TestTabularModel::regressionShapes()
{
    for (const char *name : {"mlp_reg.pt", "mlp_vec.pt"}) {
        const auto m = TabularModel::load(tabularFixture(name), 4);
        QCOMPARE(m->outputColumns(), 1);
        QCOMPARE(m->inputWidth(), 4);
        QVERIFY(m->preferredBatchRows() >= 256);
        QCOMPARE(m->describe(), std::string("regression (one output)"));
        for (float v : predictAll(*m))
            QVERIFY(std::isfinite(v));
    }
}

void TestTabularModel::batchingDoesNotChangePredictions()
{
    const auto m = TabularModel::load(tabularFixture("mlp_reg.pt"), 4);
    const std::vector<float> whole = predictAll(*m);
    m->setBatchRows(7);
    const std::vector<float> chunked = predictAll(*m);
    QVERIFY(gbtest::maxAbsDiff(whole, chunked) < 1e-6);
}

void TestTabularModel::classifierResponses()
{
    const std::string path = tabularFixture("mlp_cls.pt");
    GB_VERIFY_THROWS(TabularModel::load(path, 4), "the model has 3 output columns (a classifier?): choose the class to explain (0..2)");
    std::vector<std::vector<float>> raw, prob;
    for (int c = 0; c < 3; ++c) {
        const auto m = TabularModel::load(path, 4, response(TabularResponse::Kind::Raw, c));
        QCOMPARE(m->outputColumns(), 3);
        raw.push_back(predictAll(*m));
        prob.push_back(predictAll(*m->withResponse(response(TabularResponse::Kind::Probability, c))));
    }
    for (std::size_t i = 0; i < raw[0].size(); ++i) {
        double z = 0;
        for (int c = 0; c < 3; ++c)
            z += std::exp(double(raw[std::size_t(c)][i]));
        double total = 0;
        for (int c = 0; c < 3; ++c) {
            QVERIFY(gbtest::isClose(prob[std::size_t(c)][i], std::exp(double(raw[std::size_t(c)][i])) / z, 1e-5));
            total += prob[std::size_t(c)][i];
        }
        QVERIFY(gbtest::isClose(total, 1.0, 1e-5));
    }
}

void TestTabularModel::sigmoidResponse()
{
    const auto raw = TabularModel::load(tabularFixture("logit1.pt"), 4);
    const auto sig = raw->withResponse(response(TabularResponse::Kind::Sigmoid, -1));
    QCOMPARE(sig->describe(), std::string("1 output, sigmoid of output 0"));
    const std::vector<float> r = predictAll(*raw), s = predictAll(*sig);
    for (std::size_t i = 0; i < r.size(); ++i)
        QVERIFY(gbtest::isClose(s[i], 1.0 / (1.0 + std::exp(-double(r[i]))), 1e-5));
}

void TestTabularModel::loadErrors_data()
{
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<int>("width");
    QTest::addColumn<QByteArray>("needle");
    QTest::addRow("missing") << QByteArray("nope.pt") << 4 << QByteArray("nope.pt: no such file");
    QTest::addRow("not a zip") << QByteArray("data.csv") << 4 << QByteArray("data.csv: not a TorchScript archive");
    QTest::addRow("state dict") << QByteArray("state_dict.pt") << 4 << QByteArray("state_dict.pt: not a TorchScript module (a plain torch.save checkpoint");
    QTest::addRow("wider model") << QByteArray("width5.pt") << 4
                                 << QByteArray("the model expects 5 input columns (its first layer 'fc1.weight' is [4, 5]) but the data has 4 feature columns");
    QTest::addRow("narrower model") << QByteArray("mlp_reg.pt") << 6
                                    << QByteArray("the model expects 4 input columns (its first layer 'fc1.weight' is [8, 4]) but the data has 6 feature columns");
    QTest::addRow("bad output shape") << QByteArray("bad_shape.pt") << 4 << QByteArray("the model returned [3, 2, 2] for input [3, 4]");
}

void TestTabularModel::loadErrors()
{
    QFETCH(QByteArray, file);
    QFETCH(int, width);
    QFETCH(QByteArray, needle);
    std::string message;
    QVERIFY(gbtest::throwsErrorContaining([&] { TabularModel::load(tabularFixture(file.constData()), width); },
                                          needle.toStdString(), &message));
    QVERIFY2(message.find(file.toStdString()) != std::string::npos, message.c_str());
}

void TestTabularModel::responseErrors()
{
    const auto reg = TabularModel::load(tabularFixture("mlp_reg.pt"), 4);
    GB_VERIFY_THROWS(reg->withResponse(response(TabularResponse::Kind::Probability, 0)), "for a single logit use the sigmoid response");
    GB_VERIFY_THROWS(reg->withResponse(response(TabularResponse::Kind::Raw, 1)), "output column 1 does not exist (the model has 1 output column)");
    GB_VERIFY_THROWS(gb::responseKindFromString("logit"), "unknown response \"logit\"");
    QTemporaryDir dir;
    GB_VERIFY_THROWS(TabularModel::load(dir.path().toStdString(), 4), "is a folder");
}

QObject *newTabularModelTests()
{
    return new TestTabularModel;
}

#include "tst_tabular_model.moc"
