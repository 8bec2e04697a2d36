// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <string>
#include <vector>

namespace gbtest {

/// Folder of committed fixtures (tests/fixtures), set by CTest.
QString fixturesDir();
/// Build folder (for screenshots and generated artefacts), set by CTest.
QString buildDir();
/// <build>/screenshots, created if needed: where GUI tests save what is to be looked at.
QString screenshotsDir();

/// |a - b| <= atol + rtol * |b|, the numpy.isclose rule.
inline bool isClose(double a, double b, double rtol = 1e-5, double atol = 1e-8)
{
    return std::fabs(a - b) <= atol + rtol * std::fabs(b);
}

/// Largest |a_i - b_i|; sizes must match.
double maxAbsDiff(const std::vector<float> &a, const std::vector<float> &b);
double maxAbsDiff(const std::vector<double> &a, const std::vector<double> &b);

/// Runs `fn` and checks that it throws gb::Error whose message contains `needle`.
template<typename F>
bool throwsErrorContaining(F &&fn, const std::string &needle, std::string *message = nullptr);

/// Outcome of one glassbox-cli run.
struct CliResult {
    int exitCode = -1; ///< -1 when the process crashed or timed out
    QString out;
    QString err;
};
/// Runs the built glassbox-cli with `args` (add_dependencies(<test> glassbox-cli) in CMake).
CliResult runCli(const QStringList &args, int timeoutMs = 120000);

/// Writes bytes to a file (creating parent folders).
void writeFile(const QString &path, const std::string &bytes);
std::string readFile(const QString &path);

} // namespace gbtest

#include "common/error.h"

template<typename F>
bool gbtest::throwsErrorContaining(F &&fn, const std::string &needle, std::string *message)
{
    try {
        fn();
    } catch (const gb::Error &e) {
        if (message)
            *message = e.what();
        if (std::string(e.what()).find(needle) == std::string::npos) {
            qWarning("error message \"%s\" does not contain \"%s\"", e.what(), needle.c_str());
            return false;
        }
        return true;
    }
    qWarning("no gb::Error thrown (expected one containing \"%s\")", needle.c_str());
    return false;
}

/// QVERIFY that an expression throws gb::Error mentioning `needle`.
#define GB_VERIFY_THROWS(expr, needle) QVERIFY(gbtest::throwsErrorContaining([&] { (void)(expr); }, needle))
