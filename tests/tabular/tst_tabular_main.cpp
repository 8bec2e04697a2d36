// SPDX-License-Identifier: MIT
// One executable for the tabular area (libtorch start-up costs ~0.5 s per process).
#include "tabular_testdata.h"

#include <QCoreApplication>
#include <QTest>

#include <memory>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int failures = 0;
    for (auto make : {newCsvTests, newTabularModelTests, newEstimatorTests, newReferenceTests, newTabularCliTests, newLineWalkTests}) {
        std::unique_ptr<QObject> tests(make());
        failures += QTest::qExec(tests.get(), argc, argv);
    }
    return failures;
}
