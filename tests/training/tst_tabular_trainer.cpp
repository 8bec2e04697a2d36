// SPDX-License-Identifier: MIT
#include "demo/tabular_data.h"
#include "io/csv.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "training/tabular_trainer.h"
#include "testutils.h"

#include <torch/script.h>

#include <QTemporaryDir>

#include <cmath>
#include <memory>

using namespace gb::demo;

namespace {

at::Tensor features(const TabularDataset &d)
{
    return torch::from_blob(const_cast<float *>(d.x.data()), {d.rows(), d.columns()}, torch::kFloat).clone();
}

at::Tensor target(const TabularDataset &d)
{
    return torch::from_blob(const_cast<float *>(d.y.data()), {d.rows()}, torch::kFloat).clone();
}

} // namespace

class TestTabularTrainer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void friedmanMatchesFormula();
    void classificationFollowsLogits();
    void csvAndSidecar();
    void regressionMlpLearnsFriedman();
    void classifierBeatsMajority();
    void badInput();
};

// The residual y - f(x) is the planted noise: mean 0, standard deviation `noise`.
void TestTabularTrainer::friedmanMatchesFormula()
{
    const auto d = friedman1(4000, 1.0, 3);
    QCOMPARE(d.columns(), 10);
    double sum = 0, sq = 0;
    for (int r = 0; r < d.rows(); ++r) {
        const double e = d.y[std::size_t(r)] - friedman1Function(&d.x[std::size_t(r) * 10]);
        sum += e;
        sq += e * e;
    }
    const double mean = sum / d.rows(), sd = std::sqrt(sq / d.rows() - mean * mean);
    QVERIFY2(std::fabs(mean) < 0.06 && std::fabs(sd - 1.0) < 0.05, qPrintable(QStringLiteral("%1 %2").arg(mean).arg(sd)));
    // A hand-computed row: x = (0.5, 0.5, 0.5, 0.5, 0.5) -> 10 sin(pi/4) + 0 + 5 + 2.5.
    const float row[5] = {0.5f, 0.5f, 0.5f, 0.5f, 0.5f};
    QVERIFY(gbtest::isClose(friedman1Function(row), 10 * std::sin(M_PI / 4) + 7.5, 1e-6));
    QCOMPARE(friedman1(10, 1.0, 3).y, friedman1(10, 1.0, 3).y);
}

// Labels are drawn from softmax(logits): the Bayes classifier's accuracy on the sample must
// equal its expectation, the mean of max softmax probabilities, within sampling error.
void TestTabularTrainer::classificationFollowsLogits()
{
    const auto d = classificationSet(6000, 4);
    double hits = 0, expected = 0;
    for (int r = 0; r < d.rows(); ++r) {
        const auto l = classificationLogits(&d.x[std::size_t(r * d.columns())]);
        const double z = std::exp(l[0]) + std::exp(l[1]) + std::exp(l[2]);
        const int arg = int(std::max_element(l.begin(), l.end()) - l.begin());
        expected += std::exp(l[std::size_t(arg)]) / z;
        hits += int(d.y[std::size_t(r)]) == arg;
    }
    QVERIFY2(std::fabs(hits - expected) / d.rows() < 0.02, qPrintable(QString::number((hits - expected) / d.rows())));
    for (int r = 0; r < d.rows(); ++r)
        QVERIFY(d.x[std::size_t(r * d.columns() + 4)] == std::floor(d.x[std::size_t(r * d.columns() + 4)]));
}

void TestTabularTrainer::csvAndSidecar()
{
    QTemporaryDir dir;
    const auto d = friedman1(3, 0.0, 1);
    const QString path = dir.filePath(QStringLiteral("f.csv"));
    d.writeCsv(path.toStdString());
    const auto lines = QString::fromStdString(gbtest::readFile(path)).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 4);
    QCOMPARE(lines[0], QStringLiteral("x1,x2,x3,x4,x5,x6,x7,x8,x9,x10,y"));
    const auto cells = lines[1].split(QLatin1Char(','));
    QCOMPARE(cells.size(), 11);
    QCOMPARE(cells[0].toFloat(), d.x[0]);
    QCOMPARE(cells[10].toFloat(), d.y[0]);
    // The tabular loader reads the CSV with the sidecar and finds the planted columns.
    gbtest::writeFile(path + QStringLiteral(".json"), d.sidecar().dump());
    const auto data = gb::loadTabularData(path.toStdString(), "", gb::ColumnRoles());
    QCOMPARE(data.targetName, std::string("y"));
    QCOMPARE(data.cols(), std::int64_t(10));
    QCOMPARE(data.rows, std::int64_t(3));
    QCOMPARE(data.at(2, 9), d.x[29]);
    QCOMPARE(d.about().find("task")->toString(), std::string("regression"));
    const auto c = classificationSet(5, 1);
    const QString cpath = dir.filePath(QStringLiteral("c.csv"));
    c.writeCsv(cpath.toStdString());
    gbtest::writeFile(cpath + QStringLiteral(".json"), c.sidecar().dump());
    const auto cdata = gb::loadTabularData(cpath.toStdString(), "", gb::ColumnRoles());
    QVERIFY(cdata.categorical[std::size_t(cdata.featureIndex("group"))]);
}

// An MLP on Friedman #1 explains most of the variance on held-out rows, and the saved
// TorchScript module (opened independently) returns the same numbers as the trained network
// and tracks the true function.
void TestTabularTrainer::regressionMlpLearnsFriedman()
{
    QTemporaryDir dir;
    const auto d = friedman1(1500, 0.5, 11);
    gb::MlpOptions o;
    o.epochs = 80;
    const QString path = dir.filePath(QStringLiteral("m.pt"));
    const auto r = gb::trainTabularMlp(features(d), target(d), 0, o, path.toStdString(), gb::Progress::null(), gb::CancelToken());
    QVERIFY2(r.validationScore > 0.9, qPrintable(QString::number(r.validationScore)));
    QVERIFY(r.trainLoss.back() < r.trainLoss.front());
    QVERIFY(r.exportMaxAbsDiff < 1e-4);
    auto m = torch::jit::load(path.toStdString());
    const auto x = features(d).slice(0, 0, 200);
    const auto out = m.forward({x}).toTensor();
    QCOMPARE(out.dim(), 1);
    QCOMPARE(out.size(0), 200);
    double err = 0;
    for (int i = 0; i < 200; ++i)
        err += std::pow(out[i].item<double>() - friedman1Function(&d.x[std::size_t(i) * 10]), 2);
    QVERIFY2(std::sqrt(err / 200) < 1.5, qPrintable(QString::number(std::sqrt(err / 200))));
    // The module checks its input width itself, so a mismatched CSV gets a readable error.
    bool widthChecked = false;
    try {
        m.forward({torch::zeros({2, 3})});
    } catch (const std::exception &e) { // torch::jit::JITException, not a c10::Error
        widthChecked = std::string(e.what()).find("expected float32 [N, 10]") != std::string::npos;
    }
    QVERIFY(widthChecked);
}

void TestTabularTrainer::classifierBeatsMajority()
{
    QTemporaryDir dir;
    const auto d = classificationSet(2000, 12);
    gb::MlpOptions o;
    o.epochs = 40;
    const QString path = dir.filePath(QStringLiteral("c.pt"));
    const auto r = gb::trainTabularMlp(features(d), target(d), 3, o, path.toStdString(), gb::Progress::null(), gb::CancelToken());
    QVERIFY2(r.validationScore > r.baselineScore + 0.2, qPrintable(QStringLiteral("%1 vs %2").arg(r.validationScore).arg(r.baselineScore)));
    const auto out = torch::jit::load(path.toStdString()).forward({features(d).slice(0, 0, 5)}).toTensor();
    QCOMPARE(out.sizes().vec(), (std::vector<std::int64_t>{5, 3}));
}

void TestTabularTrainer::badInput()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("m.pt")).toStdString();
    gb::MlpOptions o;
    GB_VERIFY_THROWS(gb::trainTabularMlp(torch::zeros({10, 3}), torch::zeros({9}), 0, o, path, gb::Progress::null(), gb::CancelToken()),
                     "y must be [N]");
    GB_VERIFY_THROWS(gb::trainTabularMlp(torch::zeros({10, 3}), torch::full({10}, 3.0), 3, o, path, gb::Progress::null(), gb::CancelToken()),
                     "class labels");
    auto x = torch::zeros({10, 3});
    x[2][1] = NAN;
    GB_VERIFY_THROWS(gb::trainTabularMlp(x, torch::zeros({10}), 0, o, path, gb::Progress::null(), gb::CancelToken()), "finite");
    GB_VERIFY_THROWS(gb::trainTabularMlp(torch::zeros({10, 3}), torch::zeros({10}), 0, o, "/nonexistent/dir/m.pt",
                                         gb::Progress::null(), gb::CancelToken()),
                     "/nonexistent/dir/m.pt");
}

std::unique_ptr<QObject> makeTabularTrainerTest() { return std::make_unique<TestTabularTrainer>(); }

#include "tst_tabular_trainer.moc"
