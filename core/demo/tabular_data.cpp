// SPDX-License-Identifier: MIT
#include "demo/tabular_data.h"

#include "common/error.h"
#include "io/atomic_file.h"
#include "common/random.h"

#include <cmath>

namespace gb::demo {

namespace {
constexpr double Pi = 3.14159265358979323846;
}

void TabularDataset::writeCsv(const std::string &path) const
{
    std::string text;
    for (const auto &f : features)
        text += f + ",";
    text += target + "\n";
    const int d = columns();
    for (int r = 0; r < rows(); ++r) {
        for (int c = 0; c < d; ++c)
            text += formatNumber(x[std::size_t(r * d + c)]) + ",";
        text += formatNumber(y[std::size_t(r)]) + "\n";
    }
    AtomicFile f(path);
    f.write(text.data(), text.size());
    f.commit();
}

Json TabularDataset::sidecar() const
{
    return Json::object().set("target", target).set("categorical", Json::arrayOf(categorical));
}

Json TabularDataset::about() const
{
    Json j = Json::object();
    j.set("name", name).set("task", classification ? "classification" : "regression").set("features", Json::arrayOf(features));
    if (classification)
        j.set("classes", Json::arrayOf(classes));
    return j.set("description", description);
}

double friedman1Function(const float *x)
{
    return 10.0 * std::sin(Pi * x[0] * x[1]) + 20.0 * (x[2] - 0.5) * (x[2] - 0.5) + 10.0 * x[3] + 5.0 * x[4];
}

TabularDataset friedman1(int rows, double noise, std::uint64_t seed)
{
    require(rows > 0, "friedman1", "rows must be positive");
    TabularDataset d;
    d.name = "friedman1";
    d.description = "Friedman #1: y = 10 sin(pi x1 x2) + 20 (x3 - 0.5)^2 + 10 x4 + 5 x5 + "
                    + formatNumber(noise) + " N(0,1); x1..x10 ~ U(0,1), x6..x10 do not enter y.";
    for (int i = 1; i <= 10; ++i)
        d.features.push_back("x" + std::to_string(i));
    Rng rng(seed);
    d.x.resize(std::size_t(rows) * 10);
    d.y.resize(std::size_t(rows));
    for (int r = 0; r < rows; ++r) {
        float *row = &d.x[std::size_t(r) * 10];
        for (int c = 0; c < 10; ++c)
            row[c] = float(rng.uniform());
        d.y[std::size_t(r)] = float(friedman1Function(row) + noise * rng.normal());
    }
    return d;
}

std::vector<double> classificationLogits(const float *x)
{
    // Columns: f1..f4 ~ N(0,1), group in {0,1,2,3}, n1, n2 noise.
    static const double groupShift[4] = {0.0, 1.0, -1.0, 0.5};
    const double g = groupShift[int(x[4])];
    return {0.0, 2.0 * x[0] - 1.0 * x[1] + 1.5 * x[0] * x[2] + g,
            -1.5 * x[0] + 2.5 * std::sin(Pi * x[3] / 2.0) + 0.5 * x[1] - g};
}

TabularDataset classificationSet(int rows, std::uint64_t seed)
{
    require(rows > 0, "classification set", "rows must be positive");
    TabularDataset d;
    d.name = "classes3";
    d.classification = true;
    d.classes = {"a", "b", "c"};
    d.features = {"f1", "f2", "f3", "f4", "group", "n1", "n2"};
    d.categorical = {"group"};
    d.description = "Three classes drawn from softmax(logits): logit_a = 0; "
                    "logit_b = 2 f1 - f2 + 1.5 f1 f3 + s(group); logit_c = -1.5 f1 + 2.5 sin(pi f4 / 2) + 0.5 f2 - s(group); "
                    "s = (0, 1, -1, 0.5) by group; f1..f4, n1, n2 ~ N(0,1); group uniform on {0,1,2,3}; n1, n2 do not enter.";
    Rng rng(seed);
    const int c = d.columns();
    d.x.resize(std::size_t(rows) * std::size_t(c));
    d.y.resize(std::size_t(rows));
    for (int r = 0; r < rows; ++r) {
        float *row = &d.x[std::size_t(r * c)];
        for (int j = 0; j < c; ++j)
            row[j] = j == 4 ? float(rng.below(4)) : float(rng.normal());
        const auto logits = classificationLogits(row);
        std::vector<double> p;
        for (double l : logits)
            p.push_back(std::exp(l));
        d.y[std::size_t(r)] = float(rng.categorical(p));
    }
    return d;
}

} // namespace gb::demo
