// SPDX-License-Identifier: MIT
#include "store/sqlite.h"
#include "store/workspace.h"
#include "testutils.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

using gb::Workspace;

class TestWorkspace : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void createAndReopen();
    void runsAndResults();
    void rejectsBadFiles_data();
    void rejectsBadFiles();
    void rejectsNewerSchema();
    void migratesOlderSchema();
    void survivesKillDuringWrite();

private:
    QString path(const char *name) const { return m_dir->filePath(QString::fromLatin1(name)); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestWorkspace::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestWorkspace::createAndReopen()
{
    const std::string file = path("w.gbx").toStdString();
    {
        auto ws = Workspace::open(file, true);
        gb::Artifact a;
        a.path = "/data/model";
        a.kind = "model";
        a.sha256 = "abc";
        a.size = 42;
        const auto id = ws.addArtifact(a);
        a.size = 43; // re-registering the same path updates, not duplicates
        QCOMPARE(ws.addArtifact(a), id);
    }
    auto ws = Workspace::open(file);
    const auto list = ws.artifacts();
    QCOMPARE(list.size(), std::size_t(1));
    QCOMPARE(list[0].size, 43);
    QCOMPARE(list[0].kind, std::string("model"));
    QCOMPARE(Workspace::schemaVersionOf(file), Workspace::SchemaVersion);
    QVERIFY(ws.checkIntegrity());
}

void TestWorkspace::runsAndResults()
{
    auto ws = Workspace::open(path("w.gbx").toStdString(), true);
    gb::Artifact a;
    a.path = "/data/x.csv";
    a.kind = "dataset";
    a.sha256 = "h";
    const auto aid = ws.addArtifact(a);
    const auto rid = ws.beginRun("pdp", R"({"feature":"x"})", {{aid, "data"}});
    ws.putResult(rid, "curve", "json", "[1,2,3]");
    ws.putResult(rid, "curve", "json", "[4]");
    QCOMPARE(ws.run(rid)->status, gb::RunRecord::Status::Running);
    ws.finishRun(rid);
    const auto r = ws.run(rid);
    QVERIFY(r);
    QCOMPARE(r->status, gb::RunRecord::Status::Finished);
    QCOMPARE(r->inputs.size(), std::size_t(1));
    QCOMPARE(r->inputs[0].second, std::string("data"));
    QCOMPARE(*ws.result(rid, "curve"), std::string("[4]"));
    QVERIFY(!ws.result(rid, "missing"));
    const auto failed = ws.beginRun("pdp", "{}");
    ws.failRun(failed, "model returned NaN");
    QCOMPARE(ws.run(failed)->error, std::string("model returned NaN"));
    QCOMPARE(ws.runs("pdp").size(), std::size_t(2));
    ws.setNote("dictionary:1", "17", "fires on brackets");
    QCOMPARE(*ws.note("dictionary:1", "17"), std::string("fires on brackets"));
}

void TestWorkspace::rejectsBadFiles_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("needle");
    QTest::addRow("empty") << QByteArray() << "not an SQLite database";
    QTest::addRow("text") << QByteArray("hello, I am a CSV\n1,2,3\n") << "not an SQLite database";
    QByteArray truncated("SQLite format 3\0", 16);
    truncated.append(QByteArray(200, '\x07'));
    QTest::addRow("corrupt sqlite") << truncated << "damaged";
}

void TestWorkspace::rejectsBadFiles()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, needle);
    const QString file = path("bad.gbx");
    gbtest::writeFile(file, content.toStdString());
    GB_VERIFY_THROWS(Workspace::open(file.toStdString()), needle.toStdString());
    // Never modified.
    QCOMPARE(QByteArray::fromStdString(gbtest::readFile(file)), content);
}

void TestWorkspace::rejectsNewerSchema()
{
    const std::string file = path("future.gbx").toStdString();
    Workspace::open(file, true);
    {
        gb::sql::Connection db(file, gb::sql::Connection::Mode::ReadWrite);
        db.exec("PRAGMA user_version=99");
    }
    const std::string before = gbtest::readFile(QString::fromStdString(file));
    GB_VERIFY_THROWS(Workspace::open(file), "newer Glassbox (schema 99");
    QCOMPARE(gbtest::readFile(QString::fromStdString(file)), before);

    const std::string foreign = path("foreign.db").toStdString();
    {
        gb::sql::Connection db(foreign, gb::sql::Connection::Mode::Create);
        db.exec("CREATE TABLE t(x)");
    }
    GB_VERIFY_THROWS(Workspace::open(foreign), "not a Glassbox workspace");
}

void TestWorkspace::migratesOlderSchema()
{
    // A version-0 file is a bare database carrying our application id: opening runs every
    // migration and keeps what was there.
    const std::string file = path("old.gbx").toStdString();
    {
        gb::sql::Connection db(file, gb::sql::Connection::Mode::Create);
        db.exec("PRAGMA application_id=" + std::to_string(Workspace::ApplicationId));
        db.exec("CREATE TABLE legacy(x)");
        db.exec("INSERT INTO legacy VALUES (7)");
    }
    QCOMPARE(Workspace::schemaVersionOf(file), 0);
    {
        auto ws = Workspace::open(file);
        QCOMPARE(ws.runs().size(), std::size_t(0));
    }
    QCOMPARE(Workspace::schemaVersionOf(file), Workspace::SchemaVersion);
    gb::sql::Connection db(file, gb::sql::Connection::Mode::ReadOnly);
    QCOMPARE(db.queryInt("SELECT x FROM legacy"), 7);
}

void TestWorkspace::survivesKillDuringWrite()
{
    const std::string file = path("kill.gbx").toStdString();
    Workspace::open(file, true);
    const pid_t child = fork();
    QVERIFY(child >= 0);
    if (child == 0) {
        // Child: write runs with sizeable results forever; every finished run is committed.
        try {
            auto ws = Workspace::open(file);
            const std::string blob(256 * 1024, 'x');
            for (int i = 0;; ++i) {
                const auto id = ws.beginRun("stress", "{\"i\":" + std::to_string(i) + "}");
                ws.putResult(id, "a", "bin", blob);
                ws.putResult(id, "b", "bin", blob);
                ws.finishRun(id);
            }
        } catch (...) {
        }
        _exit(3);
    }
    // Parent: wait until a few runs finished, then kill the writer mid-flight.
    int finished = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (finished < 20 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        try {
            gb::sql::Connection db(file, gb::sql::Connection::Mode::ReadOnly);
            finished = int(db.queryInt("SELECT count(*) FROM runs WHERE status='finished'"));
        } catch (const gb::Error &) {
        }
    }
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    QVERIFY(WIFSIGNALED(status));
    QVERIFY2(finished >= 20, "the writer did not get going");

    auto ws = Workspace::open(file);
    QVERIFY(ws.checkIntegrity());
    int complete = 0;
    for (const auto &r : ws.runs("stress")) {
        if (r.status != gb::RunRecord::Status::Finished)
            continue;
        ++complete;
        QCOMPARE(ws.result(r.id, "a")->size(), std::size_t(256 * 1024));
        QCOMPARE(ws.result(r.id, "b")->size(), std::size_t(256 * 1024));
    }
    QVERIFY(complete >= finished);
}

QTEST_GUILESS_MAIN(TestWorkspace)
#include "tst_workspace.moc"
