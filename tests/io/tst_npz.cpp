// SPDX-License-Identifier: MIT
// Real archives come from tests/fixtures/npz/make_npz_fixtures.py (numpy); malformed ones are
// assembled here from PKWARE's APPNOTE layout so each validation rule gets its own case.
#include "io/npz.h"
#include "testutils.h"

#include <ATen/ATen.h>
#include <zlib.h>

#include <QDir>

#include <cstring>

using gb::NpzFile;

namespace {

QString fixture(const char *name)
{
    return gbtest::fixturesDir() + QStringLiteral("/npz/") + QLatin1String(name);
}

template <typename T> std::string le(T v)
{
    return std::string(reinterpret_cast<const char *>(&v), sizeof v);
}

std::string npy(const std::string &dict, const std::string &data, unsigned major = 1)
{
    const std::string text = dict + "\n";
    std::string out = std::string("\x93NUMPY", 6) + char(major) + '\0';
    out += major == 1 ? le<std::uint16_t>(std::uint16_t(text.size())) : le<std::uint32_t>(std::uint32_t(text.size()));
    return out + text + data;
}

std::string floats(std::initializer_list<float> v)
{
    std::string s;
    for (float f : v)
        s += le(f);
    return s;
}

std::string rawDeflate(const std::string &in)
{
    z_stream z {};
    deflateInit2(&z, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&z, uLong(in.size())), '\0');
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.data()));
    z.avail_in = uInt(in.size());
    z.next_out = reinterpret_cast<Bytef *>(out.data());
    z.avail_out = uInt(out.size());
    deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

struct Item {
    std::string name;
    std::string data; // uncompressed
    std::uint16_t method = 0;
};

/// A minimal zip writer. `patch` may edit each central record (46 bytes + name) before it is
/// appended, which is how the malformed cases are made.
std::string makeZip(const std::vector<Item> &items, const std::function<void(std::size_t, std::string &)> &patch = {})
{
    std::string body, central;
    for (std::size_t i = 0; i < items.size(); ++i) {
        const Item &it = items[i];
        const std::string stored = it.method == 8 ? rawDeflate(it.data) : it.data;
        const auto crc = std::uint32_t(crc32(0, reinterpret_cast<const Bytef *>(it.data.data()), uInt(it.data.size())));
        const std::string common = le<std::uint16_t>(0) + le<std::uint16_t>(it.method) + le<std::uint32_t>(0) + le(crc)
            + le<std::uint32_t>(std::uint32_t(stored.size())) + le<std::uint32_t>(std::uint32_t(it.data.size()))
            + le<std::uint16_t>(std::uint16_t(it.name.size())) + le<std::uint16_t>(0);
        std::string record = le<std::uint32_t>(0x02014b50) + le<std::uint16_t>(20) + le<std::uint16_t>(20) + common
            + le<std::uint16_t>(0) + le<std::uint16_t>(0) + le<std::uint16_t>(0) + le<std::uint32_t>(0)
            + le<std::uint32_t>(std::uint32_t(body.size())) + it.name;
        if (patch)
            patch(i, record);
        central += record;
        body += le<std::uint32_t>(0x04034b50) + le<std::uint16_t>(20) + common + it.name + stored;
    }
    const std::string end = le<std::uint32_t>(0x06054b50) + le<std::uint32_t>(0)
        + le<std::uint16_t>(std::uint16_t(items.size())) + le<std::uint16_t>(std::uint16_t(items.size()))
        + le<std::uint32_t>(std::uint32_t(central.size())) + le<std::uint32_t>(std::uint32_t(body.size()))
        + le<std::uint16_t>(0);
    return body + central + end;
}

template <typename T> void put(std::string &s, std::size_t pos, T v)
{
    std::memcpy(s.data() + pos, &v, sizeof v);
}

std::vector<double> values(const at::Tensor &t)
{
    const at::Tensor d = t.to(at::kDouble).contiguous().reshape({ -1 });
    return std::vector<double>(d.data_ptr<double>(), d.data_ptr<double>() + d.numel());
}

const std::string kGood = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", floats({ 1.5f, -2.f }));

} // namespace

Q_DECLARE_METATYPE(at::ScalarType)
Q_DECLARE_METATYPE(std::vector<double>)
Q_DECLARE_METATYPE(std::vector<std::int64_t>)

class TestNpz : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() { m_dir = std::make_unique<QTemporaryDir>(); }
    void readsNumpyArchives_data();
    void readsNumpyArchives();
    void storedArraysAreZeroCopy();
    void gemmaScopeParams();
    void headerVersions();
    void plainNpy();
    void rejectsNpy_data();
    void rejectsNpy();
    void rejectsArchive_data();
    void rejectsArchive();
    void corruptDataFoundOnRead_data();
    void corruptDataFoundOnRead();
    void lookupErrors();

private:
    std::string write(const std::string &bytes, const char *name = "a.npz")
    {
        const QString path = m_dir->filePath(QLatin1String(name));
        gbtest::writeFile(path, bytes);
        return path.toStdString();
    }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestNpz::readsNumpyArchives_data()
{
    QTest::addColumn<QString>("array");
    QTest::addColumn<at::ScalarType>("type");
    QTest::addColumn<std::vector<std::int64_t>>("shape");
    QTest::addColumn<std::vector<double>>("expected");
    std::vector<double> quarter;
    for (int i = 0; i < 12; ++i)
        quarter.push_back(i / 4.0);
    const std::vector<std::pair<const char *, const char *>> files { { "stored", "stored.npz" },
        { "compressed", "compressed.npz" } };
    for (const auto &[label, f] : files) {
        const auto row = [&](const char *a) -> QTestData & {
            return QTest::addRow("%s %s", label, a) << QString::fromLatin1(f + std::string("|") + a);
        };
        row("f4") << at::kFloat << std::vector<std::int64_t> { 3, 4 } << quarter;
        row("f2") << at::kFloat << std::vector<std::int64_t> { 3 } << std::vector<double> { 1, -2, 0.5 };
        row("f8") << at::kDouble << std::vector<std::int64_t> { 1, 2 } << std::vector<double> { 0.1, -0.2 };
        row("i4") << at::kInt << std::vector<std::int64_t> { 3 } << std::vector<double> { 7, -8, 2147483647 };
        row("i8") << at::kLong << std::vector<std::int64_t> { 2 } << std::vector<double> { -5, 1099511627776.0 };
        row("u1") << at::kByte << std::vector<std::int64_t> { 2 } << std::vector<double> { 0, 250 };
        row("b1") << at::kBool << std::vector<std::int64_t> { 3 } << std::vector<double> { 1, 0, 1 };
        row("scalar") << at::kFloat << std::vector<std::int64_t> {} << std::vector<double> { 3.5 };
        row("empty") << at::kFloat << std::vector<std::int64_t> { 0, 3 } << std::vector<double> {};
    }
}

void TestNpz::readsNumpyArchives()
{
    QFETCH(QString, array);
    QFETCH(at::ScalarType, type);
    QFETCH(std::vector<std::int64_t>, shape);
    QFETCH(std::vector<double>, expected);
    const QStringList parts = array.split(QLatin1Char('|'));
    const auto npz = NpzFile::open(fixture(parts[0].toLatin1().constData()).toStdString());
    QCOMPARE(npz->arrays().size(), std::size_t(9));
    const std::string name = parts[1].toStdString();
    QCOMPARE(npz->info(name).shape, shape);
    QCOMPARE(npz->info(name).compressed, parts[0].startsWith(QLatin1String("compressed")));
    const at::Tensor t = npz->tensor(name);
    QCOMPARE(t.scalar_type(), type);
    QCOMPARE(t.sizes().vec(), shape);
    // The f8 values are exact doubles; f2 and f4 values are exactly representable.
    QCOMPARE(values(t), expected);
    QCOMPARE(npz->floatTensor(name).scalar_type(), at::kFloat);
}

void TestNpz::storedArraysAreZeroCopy()
{
    auto stored = NpzFile::open(fixture("stored.npz").toStdString());
    const at::Tensor a = stored->tensor("f4");
    QCOMPARE(stored->tensor("f4").data_ptr(), a.data_ptr()); // a view of the mapping, not a copy
    stored.reset();
    QCOMPARE(values(a)[5], 1.25); // the view keeps the mapping alive
    const auto packed = NpzFile::open(fixture("compressed.npz").toStdString());
    QVERIFY(packed->tensor("f4").data_ptr() != packed->tensor("f4").data_ptr());
}

void TestNpz::gemmaScopeParams()
{
    const auto npz = NpzFile::open(fixture("params.npz").toStdString());
    const at::Tensor wEnc = npz->floatTensor("W_enc", { 4, 6 });
    QVERIFY(at::equal(wEnc, (at::arange(24, at::kFloat).reshape({ 4, 6 }) - 10) / 8));
    QVERIFY(at::equal(npz->floatTensor("W_dec", { 6, 4 }), (at::arange(24, at::kFloat).reshape({ 6, 4 }) + 1) / 16));
    QVERIFY(at::allclose(npz->floatTensor("b_enc", { 6 }), at::linspace(-1, 1, 6)));
    QCOMPARE(values(npz->floatTensor("threshold", { 6 })), std::vector<double>(6, 0.125));
    GB_VERIFY_THROWS(
        npz->floatTensor("W_enc", { 6, 4 }), "params.npz: array 'W_enc' has shape [4, 6], expected [6, 4]");
}

void TestNpz::headerVersions()
{
    const auto v2 = NpzFile::open(fixture("v2.npz").toStdString());
    QCOMPARE(values(v2->tensor("a")), (std::vector<double> { 0, 1, 2, 3, 4 }));
    const std::string v3 = npy("{'descr': '<i4', 'fortran_order': False, 'shape': (1, 1)}", le<std::int32_t>(-9), 3);
    const auto npz = NpzFile::open(write(makeZip({ { "ünï.npy", v3 }, { "notes.txt", "not an array" } })));
    QCOMPARE(npz->arrays().size(), std::size_t(1));
    QCOMPARE(values(npz->tensor("ünï")), std::vector<double> { -9 });
}

void TestNpz::plainNpy()
{
    QVERIFY(
        at::equal(gb::readNpy(fixture("plain.npy").toStdString()), at::arange(6, at::kFloat).reshape({ 2, 3 }) * 2));
    const std::string path = write(kGood.substr(0, kGood.size() - 1), "cut.npy");
    GB_VERIFY_THROWS(gb::readNpy(path), "cut.npy: holds 7 data bytes but shape [2] x F32 needs 8 (truncated?)");
}

void TestNpz::rejectsNpy_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("needle");
    const auto row = [](const char *label, const std::string &b) -> QTestData & {
        return QTest::addRow("%s", label) << QByteArray(b.data(), qsizetype(b.size()));
    };
    const auto numpyFile = [](const char *name) { return gbtest::readFile(fixture(name)); };
    row("fortran (numpy)", numpyFile("fortran.npy")) << "Fortran-ordered arrays are not supported";
    row("big-endian (numpy)", numpyFile("bigendian.npy")) << "big-endian dtype '>f4' is not supported";
    row("complex (numpy)", numpyFile("complex.npy")) << "dtype '<c8' is not supported";
    row("bad magic", "\x93NUMPZ\x01\x00\x02\x00{}") << "not a .npy array (bad magic)";
    row("version 4", npy("{}", "", 4)) << "format version 4.0 is not supported";
    row("header past end", std::string("\x93NUMPY\x01\x00\xff\x00{", 11)) << "header length 265 exceeds the 11 bytes";
    row("missing shape", npy("{'descr': '<f4', 'fortran_order': False}", ""))
        << "exactly descr, fortran_order and shape";
    row("extra key", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), 'x': True}", floats({ 1 })))
        << "exactly descr, fortran_order and shape";
    row("structured", npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}", floats({ 1 })))
        << "structured dtypes are not supported";
    row("negative shape", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}", ""))
        << "shape entries must be non-negative integers";
    row("shape overflow", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4)}", ""))
        << "overflows the byte count";
    row("huge shape entry", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}", ""))
        << "shape entry too large";
    row("wrong type", npy("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}", floats({ 1 })))
        << "unexpected character";
    row("shape not tuple", npy("{'descr': '<f4', 'fortran_order': False, 'shape': 'x'}", floats({ 1 })))
        << "header field 'shape' has the wrong type";
    row("duplicate key", npy("{'descr': '<f4', 'descr': '<f4', 'shape': (1,)}", floats({ 1 })))
        << "duplicate key 'descr'";
    row("unterminated", npy("{'descr: '<f4'}", "")) << "malformed .npy header";
    row("trailing data", kGood + "xy") << "holds 10 data bytes but shape [2] x F32 needs 8";
}

void TestNpz::rejectsNpy()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, needle);
    const std::string path = write(bytes.toStdString(), "x.npy");
    GB_VERIFY_THROWS(gb::readNpy(path), path + ": ");
    GB_VERIFY_THROWS(gb::readNpy(path), needle.toStdString());
    // Inside an archive, stored or compressed, the same rule names the array.
    for (std::uint16_t method : { 0, 8 })
        GB_VERIFY_THROWS(
            NpzFile::open(write(makeZip({ { "w.npy", bytes.toStdString(), method } }))), "a.npz: array 'w': ");
}

void TestNpz::rejectsArchive_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("needle");
    const auto row = [](const char *label, const std::string &b) -> QTestData & {
        return QTest::addRow("%s", label) << QByteArray(b.data(), qsizetype(b.size()));
    };
    const std::string stored = gbtest::readFile(fixture("stored.npz"));
    row("empty file", "") << "too small (0 bytes) to be a zip archive";
    row("not a zip", std::string(100, 'x')) << "not a zip archive (no end-of-central-directory record)";
    row("cut in half", stored.substr(0, stored.size() / 2)) << "not a zip archive";
    std::string shifted = stored;
    put<std::uint32_t>(shifted, shifted.size() - 6, std::uint32_t(shifted.size()));
    row("directory past end", shifted) << "central directory runs past the end of the archive";
    row("method", makeZip({ { "w.npy", kGood } }, [](std::size_t, std::string &r) { put<std::uint16_t>(r, 10, 12); }))
        << "entry 'w.npy': compression method 12 is not supported";
    row("encrypted", makeZip({ { "w.npy", kGood } }, [](std::size_t, std::string &r) { put<std::uint16_t>(r, 8, 1); }))
        << "entry 'w.npy' is encrypted";
    row("duplicate", makeZip({ { "w.npy", kGood }, { "w.npy", kGood } })) << "entry 'w.npy' appears twice";
    row("overlap", makeZip({ { "a.npy", kGood }, { "b.npy", kGood } }, [](std::size_t i, std::string &r) {
        if (i == 1)
            put<std::uint32_t>(r, 42, 10);
    })) << "local header not found at offset 10";
    row("shared data", makeZip({ { "a.npy", kGood }, { "bb.npy", kGood } }, [](std::size_t i, std::string &r) {
        if (i == 1)
            put<std::uint32_t>(r, 42, 0);
    })) << "overlap";
    row("local offset past end", makeZip({ { "w.npy", kGood } }, [](std::size_t, std::string &r) {
        put<std::uint32_t>(r, 42, 1u << 30);
    })) << "local header of 'w.npy' runs past the end";
    row("size past end", makeZip({ { "w.npy", kGood } }, [](std::size_t, std::string &r) {
        put<std::uint32_t>(r, 20, 1u << 20);
        put<std::uint32_t>(r, 24, 1u << 20);
    })) << "data of 'w.npy' runs past the end";
    row("stored sizes differ", makeZip({ { "w.npy", kGood } }, [](std::size_t, std::string &r) {
        put<std::uint32_t>(r, 24, 9);
    })) << "stored entry with different compressed and uncompressed sizes";
    row("deflate bomb claim", makeZip({ { "w.npy", kGood, 8 } }, [](std::size_t, std::string &r) {
        put<std::uint32_t>(r, 24, 0xFFFFFFF0u);
    })) << "claims 4294967280 bytes from";
    row("entry shorter than header", makeZip({ { "w.npy", kGood.substr(0, 8), 8 } })) << "not a .npy array";
    row("entry truncated", makeZip({ { "w.npy", kGood.substr(0, kGood.size() - 4) } }))
        << "array 'w': holds 4 data bytes but shape [2] x F32 needs 8 (truncated?)";
}

void TestNpz::rejectsArchive()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, needle);
    const std::string path = write(bytes.toStdString());
    GB_VERIFY_THROWS(NpzFile::open(path), path + ": ");
    GB_VERIFY_THROWS(NpzFile::open(path), needle.toStdString());
}

void TestNpz::corruptDataFoundOnRead_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("needle");
    const auto row = [](const char *label, const std::string &b) -> QTestData & {
        return QTest::addRow("%s", label) << QByteArray(b.data(), qsizetype(b.size()));
    };
    // Flip the last data byte of the first stored array (its data ends where entry 2 begins).
    std::string stored = makeZip({ { "w.npy", kGood }, { "v.npy", kGood } });
    stored[30 + 5 + kGood.size() - 1] ^= 0x40;
    row("stored crc", stored) << "entry 'w.npy' is corrupt (CRC-32 mismatch)";
    // The header says 4 floats and the central record 4 floats, but the stream holds only 2.
    const std::string four = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", floats({ 1.5f, -2.f }));
    row("deflate ends early", makeZip({ { "w.npy", four, 8 } }, [&](std::size_t, std::string &r) {
        put<std::uint32_t>(r, 24, std::uint32_t(four.size() + 8));
    })) << "deflate stream ended early";
    row("deflate too long", makeZip({ { "w.npy", kGood + "extra", 8 } }, [](std::size_t, std::string &r) {
        put<std::uint32_t>(r, 24, std::uint32_t(kGood.size()));
    })) << "inflates to more bytes than its declared size";
    std::string crc = makeZip({ { "w.npy", kGood, 8 } });
    crc[crc.size() - 22 - (46 + 5) + 16] ^= 0x01; // the CRC field of the only central record
    row("deflate crc", crc) << "is corrupt (CRC-32 mismatch)";
}

void TestNpz::corruptDataFoundOnRead()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, needle);
    const auto npz = NpzFile::open(write(bytes.toStdString())); // the directory and headers are fine
    GB_VERIFY_THROWS(npz->tensor("w"), needle.toStdString());
}

void TestNpz::lookupErrors()
{
    const auto npz = NpzFile::open(fixture("params.npz").toStdString());
    GB_VERIFY_THROWS(
        npz->tensor("W_in"), "params.npz: array 'W_in' not found (has: W_enc, W_dec, b_enc, b_dec, threshold)");
    QVERIFY(npz->contains("b_dec") && !npz->contains("b_dec.npy"));
    GB_VERIFY_THROWS(NpzFile::open(m_dir->filePath(QStringLiteral("none.npz")).toStdString()), "none.npz: cannot open");
}

QTEST_GUILESS_MAIN(TestNpz)
#include "tst_npz.moc"
