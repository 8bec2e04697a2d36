// SPDX-License-Identifier: MIT
#pragma once

#include "io/csv.h"
#include "io/json.h"
#include "models/torchscript_model.h"
#include "tabular/pdp.h"

#include <QObject>
#include <QString>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace gbtest {

/// A data set of `rows` x `cols` values drawn by `value(row, col, rng01)` where rng01() is a
/// seeded uniform [0, 1) draw; columns are named x0, x1, ...
gb::TabularData syntheticData(std::int64_t rows, int cols, std::uint64_t seed,
                              const std::function<double(std::int64_t, int, const std::function<double()> &, const std::vector<double> &)> &value);
/// Uniform [0, 1) columns.
gb::TabularData uniformData(std::int64_t rows, int cols, std::uint64_t seed);

/// tests/fixtures/tabular/<name>
std::string tabularFixture(const char *name);
/// tests/fixtures/tabular/data.csv (4 feature columns), loaded once.
const gb::TabularData &fixtureData();
/// A TorchScript model of tests/fixtures/tabular over data.csv's columns, explaining `kind` of
/// output `column` (-1: the only one).
std::shared_ptr<gb::TabularModel> fixtureModel(const char *name, int column = -1,
                                               gb::TabularResponse::Kind kind = gb::TabularResponse::Kind::Raw);
/// tests/fixtures/tabular/expected.json, parsed once.
const gb::Json &expectedTabular();
/// The numbers of a JSON array, nested arrays flattened in row-major order.
std::vector<double> numbers(const gb::Json &array);
/// PDP of `model` on fixtureData() over `features` with a percentile grid of `resolution`.
gb::tabular::PdpResult fixturePdp(const gb::tabular::Predictor &model, std::vector<int> features, int resolution,
                                  bool individual = true,
                                  gb::tabular::PdpOptions::Evaluation evaluation =
                                      gb::tabular::PdpOptions::Evaluation::Auto);

/// |a - b| <= rtol * (|b| + scale): relative to the value, or to the curve's scale near zero.
bool closeCurves(const std::vector<double> &a, const std::vector<double> &b, double rtol, double scale, QString *why);

} // namespace gbtest

// Test classes of the tabular suite (run by tst_tabular_main.cpp).
QObject *newCsvTests();
QObject *newTabularModelTests();
QObject *newEstimatorTests();
QObject *newReferenceTests();
QObject *newTabularCliTests();
QObject *newLineWalkTests();
