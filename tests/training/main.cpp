// SPDX-License-Identifier: MIT
// One executable for the trainer suites (libtorch start-up is paid once).
#include <QCoreApplication>
#include <QTest>

#include <cstring>
#include <memory>

std::unique_ptr<QObject> makeCorpusTest();
std::unique_ptr<QObject> makeBpeTest();
std::unique_ptr<QObject> makeTabularTrainerTest();
std::unique_ptr<QObject> makeSchedulesTest();
std::unique_ptr<QObject> makeLmTrainerTest();
std::unique_ptr<QObject> makeDictionaryTrainersTest();

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int failed = 0;
    std::unique_ptr<QObject> tests[] = {makeCorpusTest(), makeBpeTest(), makeTabularTrainerTest(), makeSchedulesTest(),
                                         makeLmTrainerTest(), makeDictionaryTrainersTest()};
    // "tst_training TestBpe [QtTest options]" runs one class only.
    const bool pick = argc > 1 && argv[1][0] != '-';
    for (auto &test : tests) {
        if (pick && std::strcmp(test->metaObject()->className(), argv[1]) != 0)
            continue;
        failed += pick ? QTest::qExec(test.get(), argc - 1, argv + 1) : QTest::qExec(test.get(), argc, argv);
    }
    return failed == 0 ? 0 : 1;
}
