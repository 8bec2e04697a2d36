// SPDX-License-Identifier: MIT
#include "io/inspect.h"
#include "io/safetensors.h"
#include "testutils.h"

#include <ATen/ATen.h>

#include <QDir>

#include <cstring>

using gb::DType;
using gb::inspectPath;
using gb::PathKind;
using gb::SafetensorsFile;
using gb::WeightStore;

namespace {

template <typename T> std::string le(std::initializer_list<T> values)
{
    std::string out;
    for (T v : values)
        out.append(reinterpret_cast<const char *>(&v), sizeof v);
    return out;
}

/// A safetensors file written byte by byte from the format description (spec-facts 4), so the
/// reader is checked against the format rather than against our own writer.
QByteArray stFile(const std::string &header, const std::string &data)
{
    std::string out = le<std::uint64_t>({ header.size() }) + header + data;
    return QByteArray(out.data(), qsizetype(out.size()));
}

QByteArray oneTensor(const std::string &dtype, const std::string &shape, const std::string &data)
{
    const std::string header = R"({"t":{"dtype":")" + dtype + R"(","shape":)" + shape + R"(,"data_offsets":[0,)"
        + std::to_string(data.size()) + "]}}";
    return stFile(header, data);
}

std::vector<double> values(const at::Tensor &t)
{
    const at::Tensor d = t.to(at::kDouble).contiguous().reshape({ -1 });
    return std::vector<double>(d.data_ptr<double>(), d.data_ptr<double>() + d.numel());
}

} // namespace

Q_DECLARE_METATYPE(at::ScalarType)
Q_DECLARE_METATYPE(std::vector<double>)
Q_DECLARE_METATYPE(std::vector<std::int64_t>)

class TestSafetensors : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void readsHandBuiltFile_data();
    void readsHandBuiltFile();
    void roundTrip_data();
    void roundTrip();
    void writerLayout();
    void zeroCopy();
    void unalignedDataIsCopied();
    void rejectsMalformed_data();
    void rejectsMalformed();
    void parseHeaderFromMemory();
    void floatTensorChecksShape();
    void shardedFolder();
    void shardedFolderErrors_data();
    void shardedFolderErrors();
    void writeIsAtomic();

private:
    QString file(const char *name) const { return m_dir->filePath(QLatin1String(name)); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestSafetensors::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
}

void TestSafetensors::readsHandBuiltFile_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<at::ScalarType>("type");
    QTest::addColumn<std::vector<std::int64_t>>("shape");
    QTest::addColumn<std::vector<double>>("expected");
    QTest::addRow("F32") << oneTensor("F32", "[2]", le<float>({ 1.5f, -2.0f })) << at::kFloat
                         << std::vector<std::int64_t> { 2 } << std::vector<double> { 1.5, -2.0 };
    QTest::addRow("F64") << oneTensor("F64", "[1,1]", le<double>({ 0.1 })) << at::kDouble
                         << std::vector<std::int64_t> { 1, 1 } << std::vector<double> { 0.1 };
    // IEEE half 0x3C00 = 1, 0xC000 = -2, 0x3555 = 1365/4096; bfloat16 0x3F80 = 1, 0x4049 = 3.140625.
    QTest::addRow("F16 widened") << oneTensor("F16", "[3]", le<std::uint16_t>({ 0x3C00, 0xC000, 0x3555 })) << at::kFloat
                                 << std::vector<std::int64_t> { 3 }
                                 << std::vector<double> { 1.0, -2.0, 1365.0 / 4096.0 };
    QTest::addRow("BF16 widened") << oneTensor("BF16", "[2]", le<std::uint16_t>({ 0x3F80, 0x4049 })) << at::kFloat
                                  << std::vector<std::int64_t> { 2 } << std::vector<double> { 1.0, 3.140625 };
    QTest::addRow("I64") << oneTensor("I64", "[2]", le<std::int64_t>({ -5, std::int64_t(1) << 40 })) << at::kLong
                         << std::vector<std::int64_t> { 2 } << std::vector<double> { -5.0, 1099511627776.0 };
    QTest::addRow("I32") << oneTensor("I32", "[2,1]", le<std::int32_t>({ 7, -8 })) << at::kInt
                         << std::vector<std::int64_t> { 2, 1 } << std::vector<double> { 7, -8 };
    QTest::addRow("I16") << oneTensor("I16", "[1]", le<std::int16_t>({ -300 })) << at::kShort
                         << std::vector<std::int64_t> { 1 } << std::vector<double> { -300 };
    QTest::addRow("I8") << oneTensor("I8", "[2]", le<std::int8_t>({ -7, 100 })) << at::kChar
                        << std::vector<std::int64_t> { 2 } << std::vector<double> { -7, 100 };
    QTest::addRow("U8") << oneTensor("U8", "[1]", le<std::uint8_t>({ 250 })) << at::kByte
                        << std::vector<std::int64_t> { 1 } << std::vector<double> { 250 };
    QTest::addRow("BOOL") << oneTensor("BOOL", "[2]", le<std::uint8_t>({ 1, 0 })) << at::kBool
                          << std::vector<std::int64_t> { 2 } << std::vector<double> { 1, 0 };
    QTest::addRow("scalar") << oneTensor("F32", "[]", le<float>({ 42.0f })) << at::kFloat
                            << std::vector<std::int64_t> {} << std::vector<double> { 42.0 };
    QTest::addRow("empty") << oneTensor("F32", "[0,3]", "") << at::kFloat << std::vector<std::int64_t> { 0, 3 }
                           << std::vector<double> {};
}

void TestSafetensors::readsHandBuiltFile()
{
    QFETCH(QByteArray, bytes);
    QFETCH(at::ScalarType, type);
    QFETCH(std::vector<std::int64_t>, shape);
    QFETCH(std::vector<double>, expected);
    gbtest::writeFile(file("t.safetensors"), bytes.toStdString());
    const auto f = SafetensorsFile::open(file("t.safetensors").toStdString());
    QCOMPARE(f->entries().size(), std::size_t(1));
    QCOMPARE(f->entry("t").shape, shape);
    const at::Tensor t = f->tensor("t");
    QCOMPARE(t.scalar_type(), type);
    QCOMPARE(t.sizes().vec(), shape);
    QCOMPARE(values(t), expected);
    const PathKind k = inspectPath(file("t.safetensors").toStdString());
    QCOMPARE(k.summary.find("tensors")->toInt(), std::int64_t(1));
    QCOMPARE(k.summary.find("elements")->find(gb::toString(f->entry("t").dtype))->toInt(), t.numel());
}

void TestSafetensors::roundTrip_data()
{
    QTest::addColumn<at::ScalarType>("type");
    QTest::addColumn<QString>("dtypeName");
    QTest::addRow("F64") << at::kDouble << "F64";
    QTest::addRow("F32") << at::kFloat << "F32";
    QTest::addRow("F16") << at::kHalf << "F16";
    QTest::addRow("BF16") << at::kBFloat16 << "BF16";
    QTest::addRow("I64") << at::kLong << "I64";
    QTest::addRow("I32") << at::kInt << "I32";
    QTest::addRow("I16") << at::kShort << "I16";
    QTest::addRow("I8") << at::kChar << "I8";
    QTest::addRow("U8") << at::kByte << "U8";
    QTest::addRow("BOOL") << at::kBool << "BOOL";
}

void TestSafetensors::roundTrip()
{
    QFETCH(at::ScalarType, type);
    QFETCH(QString, dtypeName);
    at::manual_seed(7);
    const at::Tensor src = (at::randn({ 3, 5, 2 }) * 50).to(type);
    const at::Tensor scalar = at::ones({}, at::TensorOptions().dtype(type));
    const at::Tensor empty = at::zeros({ 0, 4 }, at::TensorOptions().dtype(type));
    const std::string path = file("rt.safetensors").toStdString();
    gb::writeSafetensors(path, { { "x", src }, { "s", scalar }, { "e", empty }, { "strided", src.transpose(0, 2) } },
        { { "format", "pt" } });

    const auto f = SafetensorsFile::open(path);
    QCOMPARE(QString::fromLatin1(gb::toString(f->entry("x").dtype)), dtypeName);
    QCOMPARE(f->metadata().at("format"), std::string("pt"));
    const bool widened = type == at::kHalf || type == at::kBFloat16;
    const auto expect = [&](const at::Tensor &t) { return widened ? t.to(at::kFloat) : t; };
    QVERIFY(at::equal(f->tensor("x"), expect(src)));
    QVERIFY(at::equal(f->tensor("strided"), expect(src.transpose(0, 2))));
    QCOMPARE(f->tensor("s").dim(), int64_t(0));
    QVERIFY(at::equal(f->tensor("s"), expect(scalar)));
    QCOMPARE(f->tensor("e").sizes().vec(), (std::vector<std::int64_t> { 0, 4 }));
    QVERIFY(at::equal(f->floatTensor("x", { 3, 5, 2 }), src.to(at::kFloat)));
}

void TestSafetensors::writerLayout()
{
    const std::string path = file("layout.safetensors").toStdString();
    gb::writeSafetensors(path,
        { { "b_u8", at::ones({ 3 }, at::kByte) }, { "a_f32", at::ones({ 2 }, at::kFloat) },
            { "c_f64", at::ones({ 1 }, at::kDouble) } });
    const std::string bytes = gbtest::readFile(QString::fromStdString(path));
    std::uint64_t n = 0;
    std::memcpy(&n, bytes.data(), 8);
    QCOMPARE(n % 8, std::uint64_t(0));
    const std::string header = bytes.substr(8, n);
    QCOMPARE(header.substr(header.find_last_not_of(' ')),
        std::string("}") + std::string(n - 1 - header.find_last_not_of(' '), ' '));
    // Names sorted in the header; data by descending element size, so each stays aligned.
    QVERIFY(header.find("\"a_f32\"") < header.find("\"b_u8\""));
    QVERIFY(header.find("\"b_u8\"") < header.find("\"c_f64\""));
    const auto f = SafetensorsFile::open(path);
    QCOMPARE(f->entry("c_f64").begin, std::uint64_t(0));
    QCOMPARE(f->entry("a_f32").begin, std::uint64_t(8));
    QCOMPARE(f->entry("b_u8").begin, std::uint64_t(16));
    QCOMPARE(bytes.size(), std::size_t(8 + n + 19));
}

void TestSafetensors::zeroCopy()
{
    const std::string path = file("zc.safetensors").toStdString();
    const at::Tensor w = at::arange(1000, at::kFloat).reshape({ 10, 100 });
    gb::writeSafetensors(path, { { "w", w }, { "ids", at::arange(7, at::kLong) }, { "h", w.to(at::kHalf) } });
    auto f = SafetensorsFile::open(path);
    const auto *begin = f->mappedData();
    const auto *end = begin + f->fileSize();
    at::Tensor t = f->tensor("w");
    const auto *p = static_cast<const unsigned char *>(t.data_ptr());
    QVERIFY(p >= begin && p + t.nbytes() <= end);
    QCOMPARE(f->tensor("w").data_ptr(), t.data_ptr());
    const auto *ids = static_cast<const unsigned char *>(f->tensor("ids").data_ptr());
    QVERIFY(ids >= begin && ids < end);
    // Widened half tensors are necessarily copies.
    const auto *h = static_cast<const unsigned char *>(f->tensor("h").data_ptr());
    QVERIFY(h < begin || h >= end);
    // The tensor keeps the mapping alive after the file object is gone.
    f.reset();
    QVERIFY(at::equal(t, w));
}

void TestSafetensors::unalignedDataIsCopied()
{
    // Header length 9 puts the data at offset 17 of a page-aligned mapping: not 4-aligned.
    std::string header = R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
    header.append(9 - header.size() % 8, ' ');
    QCOMPARE((8 + header.size()) % 4 != 0, true);
    gbtest::writeFile(file("u.safetensors"), stFile(header, le<float>({ 3.25f, -1.0f })).toStdString());
    const auto f = SafetensorsFile::open(file("u.safetensors").toStdString());
    const at::Tensor t = f->tensor("t");
    QCOMPARE(values(t), (std::vector<double> { 3.25, -1.0 }));
    const auto *p = static_cast<const unsigned char *>(t.data_ptr());
    QVERIFY(p < f->mappedData() || p >= f->mappedData() + f->fileSize());
    QCOMPARE(reinterpret_cast<std::uintptr_t>(p) % 4, std::uintptr_t(0));
}

void TestSafetensors::rejectsMalformed_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("needle");
    const auto entry = [](const std::string &name, const std::string &dtype, const std::string &shape, std::uint64_t b,
                           std::uint64_t e) {
        return "\"" + name + R"(":{"dtype":")" + dtype + R"(","shape":)" + shape + R"(,"data_offsets":[)"
            + std::to_string(b) + "," + std::to_string(e) + "]}";
    };
    const std::string f8 = le<float>({ 1, 2 });
    QTest::addRow("too small") << QByteArray("\x05\0\0\0", 4) << "file is too small (4 bytes)";
    QTest::addRow("header past end") << stFile("{}", "").left(9) << "header length 2 runs past the end of the 9-byte";
    QTest::addRow("header over 100 MB") << QByteArray::fromStdString(le<std::uint64_t>({ 200'000'000 }) + "{}")
                                        << "header length 200000000 exceeds the 100 MB limit";
    QTest::addRow("invalid utf8") << stFile("{\"\xc3\x28\":1}", "") << "invalid UTF-8";
    QTest::addRow("invalid json") << stFile("{\"t\":", "") << "invalid JSON";
    QTest::addRow("not an object") << stFile("[1,2]", "") << "header must be a JSON object";
    QTest::addRow("duplicate name") << stFile(
        "{" + entry("t", "F32", "[1]", 0, 4) + "," + entry("t", "F32", "[1]", 4, 8) + "}", f8)
                                    << "duplicate key \"t\"";
    QTest::addRow("unknown dtype") << stFile("{" + entry("t", "F33", "[2]", 0, 8) + "}", f8)
                                   << "tensor 't': unknown dtype \"F33\"";
    QTest::addRow("unsupported dtype") << stFile("{" + entry("t", "U32", "[2]", 0, 8) + "}", f8)
                                       << "tensor 't': dtype U32 is not supported";
    QTest::addRow("dtype not string") << stFile(R"({"t":{"dtype":4,"shape":[2],"data_offsets":[0,8]}})", f8)
                                      << "tensor 't': dtype must be a string";
    QTest::addRow("missing shape") << stFile(R"({"t":{"dtype":"F32","data_offsets":[0,8]}})", f8)
                                   << "tensor 't': missing \"shape\"";
    QTest::addRow("negative shape") << stFile("{" + entry("t", "F32", "[-2]", 0, 8) + "}", f8)
                                    << "tensor 't': shape must hold non-negative integers, got -2";
    QTest::addRow("fractional shape") << stFile("{" + entry("t", "F32", "[2.5]", 0, 8) + "}", f8)
                                      << "tensor 't': shape must hold non-negative integers, got 2.5";
    QTest::addRow("shape not array") << stFile("{" + entry("t", "F32", "2", 0, 8) + "}", f8)
                                     << "tensor 't': shape must be an array";
    QTest::addRow("offsets not pair") << stFile(R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0]}})", f8)
                                      << "tensor 't': data_offsets must be [begin, end]";
    QTest::addRow("end before begin") << stFile("{" + entry("t", "F32", "[0]", 8, 0) + "}", f8)
                                      << "tensor 't': data_offsets end 0 is before begin 8";
    QTest::addRow("size mismatch") << stFile("{" + entry("t", "F32", "[3]", 0, 8) + "}", f8)
                                   << "tensor 't': byte range [0, 8) holds 8 bytes but shape [3] x F32 needs 12";
    QTest::addRow("numel overflow") << stFile("{" + entry("t", "F32", "[4294967296,4294967296]", 0, 8) + "}", f8)
                                    << "tensor 't': shape [4294967296,4294967296] overflows the element count";
    QTest::addRow("bytes overflow") << stFile("{" + entry("t", "F64", "[4611686018427387904]", 0, 8) + "}", f8)
                                    << "tensor 't': shape [4611686018427387904] overflows the byte count";
    QTest::addRow("outside data") << stFile("{" + entry("t", "F32", "[4]", 0, 16) + "}", f8)
                                  << "tensor 't' byte range [0, 16) lies outside the 8-byte data section";
    QTest::addRow("gap") << stFile("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}",
        f8 + f8) << "gap of 4 bytes in the data section before tensor 'b'";
    QTest::addRow("gap at start") << stFile("{" + entry("a", "F32", "[1]", 4, 8) + "}", f8)
                                  << "gap of 4 bytes in the data section before tensor 'a'";
    QTest::addRow("overlap") << stFile(
        "{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[1]", 4, 8) + "}", f8)
                             << "tensor 'b' overlaps tensor 'a'";
    QTest::addRow("trailing bytes") << stFile("{" + entry("a", "F32", "[1]", 0, 4) + "}", f8)
                                    << "4 trailing bytes after the last tensor's data";
    QTest::addRow("metadata not strings")
        << stFile(R"({"__metadata__":{"step":3}})", "") << "__metadata__ value for \"step\" must be a string, got 3";
    QTest::addRow("metadata not object") << stFile(R"({"__metadata__":"x"})", "")
                                         << "__metadata__ must be an object of strings";
}

void TestSafetensors::rejectsMalformed()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, needle);
    const QString path = file("bad.safetensors");
    gbtest::writeFile(path, bytes.toStdString());
    std::string message;
    QVERIFY(gbtest::throwsErrorContaining(
        [&] { SafetensorsFile::open(path.toStdString()); }, needle.toStdString(), &message));
    QVERIFY2(message.rfind(path.toStdString(), 0) == 0, message.c_str());
    try {
        SafetensorsFile::open(path.toStdString());
    } catch (const gb::Error &e) {
        QCOMPARE(e.kind(), gb::Error::Kind::BadInput);
    }
    // `glassbox-cli info` and the navigator describe the file with the same reason.
    const PathKind k = inspectPath(path.toStdString());
    QCOMPARE(k.kind, std::string("tensors"));
    QVERIFY2(k.description.find("cannot be read: " + message) != std::string::npos, k.description.c_str());
    QCOMPARE(k.summary.find("error")->toString(), message);
}

void TestSafetensors::parseHeaderFromMemory()
{
    const std::string header = R"({"__metadata__":{"k":"v"},"b":{"dtype":"I8","shape":[2],"data_offsets":[4,6]},)"
                               R"("a":{"dtype":"F32","shape":[],"data_offsets":[0,4]}})";
    std::map<std::string, std::string> meta;
    const auto entries = SafetensorsFile::parseHeader(header.data(), header.size(), "mem", &meta);
    QCOMPARE(entries.size(), std::size_t(2));
    QCOMPARE(entries[0].name, std::string("a")); // data-section order
    QCOMPARE(entries[1].dtype, DType::I8);
    QCOMPARE(entries[1].end, std::uint64_t(6));
    QCOMPARE(meta.at("k"), std::string("v"));
    GB_VERIFY_THROWS(SafetensorsFile::parseHeader("{", 1, "mem"), "mem (safetensors header): invalid JSON");
}

void TestSafetensors::floatTensorChecksShape()
{
    const std::string path = file("f.safetensors").toStdString();
    gb::writeSafetensors(path, { { "ids", at::tensor({ 3, -4 }, at::kInt) } });
    const auto f = SafetensorsFile::open(path);
    QCOMPARE(values(f->floatTensor("ids")), (std::vector<double> { 3, -4 }));
    QCOMPARE(f->floatTensor("ids").scalar_type(), at::kFloat);
    GB_VERIFY_THROWS(f->floatTensor("ids", { 3 }), path + ": tensor 'ids' has shape [2], expected [3]");
    GB_VERIFY_THROWS(f->tensor("nope"), path + ": tensor 'nope' not found");
    const WeightStore s = WeightStore::openFile(path);
    GB_VERIFY_THROWS(s.floatTensor("ids", { 1, 2 }), "tensor 'ids' has shape [2], expected [1, 2]");
    GB_VERIFY_THROWS(s.entry("nope"), path + ": tensor 'nope' not found");
}

void TestSafetensors::shardedFolder()
{
    const std::string dir = m_dir->path().toStdString();
    gb::writeSafetensors(
        dir + "/model-00001-of-00002.safetensors", { { "a", at::ones({ 2, 3 }) }, { "b", at::arange(4, at::kLong) } });
    gb::writeSafetensors(dir + "/model-00002-of-00002.safetensors", { { "c", at::full({ 5 }, 2.5, at::kHalf) } });
    gbtest::writeFile(file("model.safetensors.index.json"),
        R"({"metadata":{"total_size":66},"weight_map":{"a":"model-00001-of-00002.safetensors",)"
        R"("b":"model-00001-of-00002.safetensors","c":"model-00002-of-00002.safetensors"}})");
    const WeightStore s = WeightStore::openFolder(dir);
    QCOMPARE(s.names(), (std::vector<std::string> { "a", "b", "c" }));
    QVERIFY(s.contains("c") && !s.contains("d"));
    QCOMPARE(values(s.tensor("c")), std::vector<double>(5, 2.5));
    QCOMPARE(s.entry("c").dtype, DType::F16);
    QCOMPARE(values(s.floatTensor("b", { 4 })), (std::vector<double> { 0, 1, 2, 3 }));
    const auto size = [&](const char *n) { return std::uint64_t(QFileInfo(file(n)).size()); };
    QCOMPARE(s.fileBytes(), size("model-00001-of-00002.safetensors") + size("model-00002-of-00002.safetensors"));
    GB_VERIFY_THROWS(s.tensor("d"), "model.safetensors.index.json: tensor 'd' not found");

    // Without an index the single-file layout is used.
    QDir(m_dir->path()).remove(QStringLiteral("model.safetensors.index.json"));
    GB_VERIFY_THROWS(WeightStore::openFolder(dir), "neither model.safetensors nor model.safetensors.index.json");
    gb::writeSafetensors(dir + "/model.safetensors", { { "z", at::zeros({ 1 }) } });
    QCOMPARE(WeightStore::openFolder(dir).names(), std::vector<std::string> { "z" });
}

void TestSafetensors::shardedFolderErrors_data()
{
    QTest::addColumn<QString>("index");
    QTest::addColumn<QString>("needle");
    QTest::addRow("missing shard") << R"({"weight_map":{"a":"one.safetensors","c":"three.safetensors"}})"
                                   << "shard 'three.safetensors' (listed for tensor 'c') is missing";
    QTest::addRow("tensor not in shard")
        << R"({"weight_map":{"a":"one.safetensors","c":"one.safetensors"}})"
        << "tensor 'c' is listed in shard 'one.safetensors', which does not contain it";
    QTest::addRow("tensor in no shard") << R"({"weight_map":{"a":"one.safetensors"}})"
                                        << "tensor 'b' in shard 'one.safetensors' is listed in no shard of the index";
    QTest::addRow("in two shards")
        << R"({"weight_map":{"a":"one.safetensors","b":"one.safetensors","x":"dup.safetensors"}})"
        << "tensor 'a' appears in shard 'dup.safetensors' too";
    QTest::addRow("path traversal") << R"({"weight_map":{"a":"../one.safetensors"}})"
                                    << "shard \"../one.safetensors\" for tensor 'a' must be a file name";
    QTest::addRow("no weight_map") << R"({"metadata":{}})"
                                   << "missing \"weight_map\" object";
    QTest::addRow("bad json") << R"({"weight_map":)"
                              << "model.safetensors.index.json: invalid JSON";
}

void TestSafetensors::shardedFolderErrors()
{
    QFETCH(QString, index);
    QFETCH(QString, needle);
    const std::string dir = m_dir->path().toStdString();
    gb::writeSafetensors(dir + "/one.safetensors", { { "a", at::ones({ 1 }) }, { "b", at::ones({ 1 }) } });
    gb::writeSafetensors(dir + "/dup.safetensors", { { "a", at::ones({ 1 }) }, { "x", at::ones({ 1 }) } });
    gbtest::writeFile(file("model.safetensors.index.json"), index.toStdString());
    GB_VERIFY_THROWS(WeightStore::openFolder(dir), needle.toStdString());
}

void TestSafetensors::writeIsAtomic()
{
    const std::string path = file("out.safetensors").toStdString();
    gb::writeSafetensors(path, { { "a", at::ones({ 4 }) } });
    const std::string before = gbtest::readFile(file("out.safetensors"));
    // A failure after validation started must leave the previous file and no temporary behind.
    GB_VERIFY_THROWS(
        gb::writeSafetensors(path, { { "a", at::zeros({ 4 }) }, { "b", at::Tensor() } }), "undefined tensor");
    GB_VERIFY_THROWS(
        gb::writeSafetensors(path, { { "a", at::zeros({ 4 }) }, { "a", at::zeros({ 4 }) } }), "used twice");
    GB_VERIFY_THROWS(
        gb::writeSafetensors(path, { { "c", at::zeros({ 2 }, at::kComplexFloat) } }), "no safetensors equivalent");
    QCOMPARE(gbtest::readFile(file("out.safetensors")), before);
    QCOMPARE(QDir(m_dir->path()).entryList(QDir::Files), QStringList { QStringLiteral("out.safetensors") });
    GB_VERIFY_THROWS(
        gb::writeSafetensors(file("no/such/dir/x.safetensors").toStdString(), { { "a", at::ones({ 1 }) } }),
        "x.safetensors: cannot create file");
}

QTEST_GUILESS_MAIN(TestSafetensors)
#include "tst_safetensors.moc"
