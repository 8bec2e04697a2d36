// SPDX-License-Identifier: MIT
// The parts of a corpus scan that do not need a model: corpus reading, token windows, and the
// per-feature statistics (top-k, histogram, density, quantile-band samples).
#include "features/corpus.h"
#include "features/featurestats.h"
#include "features/tokenwindows.h"
#include "testutils.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

using gb::BatchLayout;
using gb::FeatureExample;
using gb::FeatureStats;

namespace {

/// A layout for `windows` windows of `length` tokens starting at window `first`, all counted
/// except position 0 when `skipFirst`.
BatchLayout layout(std::uint32_t first, int windows, int length, bool skipFirst = false)
{
    BatchLayout l;
    for (int w = 0; w < windows; ++w)
        for (int p = 0; p < length; ++p) {
            l.window.push_back(first + std::uint32_t(w));
            l.position.push_back(std::uint16_t(p));
            l.counted.push_back(skipFirst && p == 0 ? 0 : 1);
        }
    return l;
}

/// Sparse random activations [rows, F] with a few exact ties.
at::Tensor sparseActs(std::int64_t rows, std::int64_t F, std::uint64_t seed)
{
    at::manual_seed(seed);
    at::Tensor a = at::rand({rows, F}) * 10;
    a = a * (at::rand({rows, F}) < 0.08);
    a.index_put_({at::indexing::Slice(0, at::indexing::None, 7), 3}, 2.5f); // ties on feature 3
    return a.contiguous();
}

FeatureStats scanInBatches(const at::Tensor &acts, int windowLength, int windowsPerBatch, int topK = 5)
{
    FeatureStats::Options o;
    o.features = acts.size(1);
    o.topK = topK;
    FeatureStats s(o);
    const int windows = int(acts.size(0) / windowLength);
    for (int w = 0; w < windows; w += windowsPerBatch) {
        const int n = std::min(windowsPerBatch, windows - w);
        const at::Tensor part = acts.narrow(0, std::int64_t(w) * windowLength, std::int64_t(n) * windowLength).contiguous();
        s.addBatch(part.data_ptr<float>(), layout(std::uint32_t(w), n, windowLength, true));
    }
    return s;
}

} // namespace

class TestFeatureStats : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void byHand();
    void tiesAndOrdering();
    void histogramBins_data();
    void histogramBins();
    void batchingAndThreadsDoNotMatter();
    void roundTripAndDamage();
    void quantileBands();
    void tokenWindows();
    void tokenWindowsResume();
    void corpusFormats();
    void corpusResumeAndErrors();
};

void TestFeatureStats::byHand()
{
    // Two windows of 3 tokens, 2 features; position 0 (BOS) is not counted.
    //            w0: p0   p1   p2     w1: p0   p1   p2
    // feature 0:     9    1    0          0    4    4
    // feature 1:     0    0    0.5        0    0    0
    const float acts[] = {9, 0, 1, 0, 0, 0.5f, 0, 0, 4, 0, 4, 0};
    FeatureStats::Options o;
    o.features = 2;
    o.topK = 3;
    FeatureStats s(o);
    s.addBatch(acts, layout(0, 2, 3, true));
    QCOMPARE(s.tokens(), std::uint64_t(4));
    QCOMPARE(s.count(0), std::uint64_t(3)); // 1, 4, 4 (the 9 sits on BOS)
    QCOMPARE(s.count(1), std::uint64_t(1));
    QCOMPARE(s.density(0), 0.75);
    QCOMPARE(s.meanActive(0), 3.0);
    QCOMPARE(s.meanActive(1), 0.5);
    // One example per window: its best position, the first on ties.
    const auto top = s.top(0);
    QCOMPARE(top.size(), std::size_t(2));
    QCOMPARE(top[0].value, 4.0f);
    QCOMPARE(top[0].window, 1u);
    QCOMPARE(top[0].position, std::uint16_t(1));
    QCOMPARE(top[1].value, 1.0f);
    QCOMPARE(top[1].window, 0u);
    QCOMPARE(s.maxActivation(1), 0.5);
    QCOMPARE(s.top(1)[0].position, std::uint16_t(2));
}

void TestFeatureStats::tiesAndOrdering()
{
    // Five windows, each with the same value 2 for the feature: top-3 keeps the earliest windows.
    FeatureStats::Options o;
    o.features = 1;
    o.topK = 3;
    FeatureStats s(o);
    const std::vector<float> acts{2, 2, 2, 2, 2};
    s.addBatch(acts.data(), layout(10, 5, 1));
    const auto top = s.top(0);
    QCOMPARE(top.size(), std::size_t(3));
    QCOMPARE(top[0].window, 10u);
    QCOMPARE(top[1].window, 11u);
    QCOMPARE(top[2].window, 12u);
    // A larger value later displaces the last.
    const std::vector<float> more{3};
    s.addBatch(more.data(), layout(15, 1, 1));
    QCOMPARE(s.top(0)[0].window, 15u);
    QCOMPARE(s.top(0)[2].window, 11u);
}

void TestFeatureStats::histogramBins_data()
{
    QTest::addColumn<float>("value");
    QTest::addColumn<int>("bin");
    // Defaults: bins from 10^-3, 5 per decade, 40 bins.
    QTest::addRow("1e-3 starts bin 0") << 1e-3f << 0;
    QTest::addRow("below the range") << 1e-6f << 0;
    QTest::addRow("1 = 3 decades up") << 1.0f << 15;
    QTest::addRow("just below 1") << 0.99f << 14;
    QTest::addRow("100") << 100.0f << 25;
    QTest::addRow("above the range") << 1e9f << 39;
}

void TestFeatureStats::histogramBins()
{
    QFETCH(float, value);
    QFETCH(int, bin);
    FeatureStats::Options o;
    o.features = 1;
    const FeatureStats s(o);
    QCOMPARE(s.binOf(value), bin);
    QVERIFY(gbtest::isClose(s.binLowerEdge(15), 1.0));
}

void TestFeatureStats::batchingAndThreadsDoNotMatter()
{
    const at::Tensor acts = sparseActs(64 * 16, 300, 11);
    const FeatureStats whole = scanInBatches(acts, 16, 64);
    const FeatureStats split = scanInBatches(acts, 16, 5);
    QVERIFY(whole == split);
    const int threads = at::get_num_threads();
    at::set_num_threads(1);
    const FeatureStats single = scanInBatches(acts, 16, 7);
    at::set_num_threads(threads);
    QVERIFY(single == whole);
    // And the statistics are right: counts and sums against torch (position 0 excluded).
    const at::Tensor counted = acts.reshape({64, 16, 300}).narrow(1, 1, 15).reshape({-1, 300});
    const at::Tensor counts = (counted > 0).sum(0);
    for (int f : {0, 3, 150, 299}) {
        QCOMPARE(whole.count(f), std::uint64_t(counts[f].item<std::int64_t>()));
        QVERIFY(gbtest::isClose(whole.meanActive(f) * double(whole.count(f)), counted.select(1, f).sum().item<double>(), 1e-5));
        // Top-1 is the largest counted value.
        QCOMPARE(double(whole.top(f)[0].value), counted.select(1, f).max().item<double>());
        std::uint64_t total = 0;
        for (auto c : whole.histogram(f))
            total += c;
        QCOMPARE(total, whole.count(f));
    }
    // Feature 3 has exact ties at 2.5 among lower values: the top list is ordered by value, then window.
    const auto top = whole.top(3);
    for (std::size_t i = 1; i < top.size(); ++i)
        QVERIFY(top[i - 1].value > top[i].value || (top[i - 1].value == top[i].value && top[i - 1].window < top[i].window));
}

void TestFeatureStats::roundTripAndDamage()
{
    const FeatureStats s = scanInBatches(sparseActs(8 * 16, 50, 2), 16, 3);
    const std::string bytes = s.toBytes();
    QVERIFY(FeatureStats::fromBytes(bytes, "state") == s);
    GB_VERIFY_THROWS(FeatureStats::fromBytes(bytes.substr(0, bytes.size() - 3), "state"), "state: feature statistics damaged (truncated)");
    GB_VERIFY_THROWS(FeatureStats::fromBytes("GBXXXXXX" + bytes.substr(8), "state"), "not a feature statistics blob");
    std::string badIndex = bytes;
    // The first histogram entry's index lies right after the histogram entry count; corrupt it.
    const std::size_t histStart = 8 + 8 + 4 + 4 + 8 + 4 + 4 + 8 + 50 * (8 + 8 + 1);
    std::size_t topBytes = 0;
    for (int f = 0; f < 50; ++f)
        topBytes += s.top(f).size() * 10;
    std::memset(&badIndex[histStart + topBytes + 8], 0xFF, 8);
    GB_VERIFY_THROWS(FeatureStats::fromBytes(badIndex, "state"), "histogram index");
}

void TestFeatureStats::quantileBands()
{
    // 1000 firings of one feature spread over 1..1000: four bands by quantile hold increasing values.
    FeatureStats::Options o;
    o.features = 1;
    o.samplesPerBin = 4;
    FeatureStats s(o);
    std::vector<float> acts;
    for (int i = 1; i <= 1000; ++i)
        acts.push_back(float(i));
    s.addBatch(acts.data(), layout(0, 1000, 1));
    const auto bands = s.quantileBandExamples(0, 4, 3);
    QCOMPARE(bands.size(), std::size_t(4));
    float lastMax = 0;
    for (const auto &band : bands) {
        QVERIFY(!band.empty());
        QVERIFY(band.size() <= 3);
        QVERIFY(band.back().value >= lastMax * 0.999f); // bands do not overlap (band sorted descending)
        lastMax = band.front().value;
    }
    QVERIFY(bands[0].front().value < 400);
    QVERIFY(bands[3].back().value > 400);
}

void TestFeatureStats::tokenWindows()
{
    // Documents [1 2 3], [4 5], [6]; BOS = separator = 0; context 4 -> BOS + 3 stream tokens.
    // Stream: 1 2 3 0 4 5 0 6 -> windows [0 1 2 3], then the stream starts with the separator 0,
    // dropped after the window's BOS: [0 4 5 0], then the rest [0 6].
    gb::TokenWindower w({4, true, 0, 0});
    w.addDocument({1, 2, 3});
    w.addDocument({4, 5});
    w.addDocument({6});
    QVERIFY(w.hasWindow());
    QCOMPARE(w.takeWindow(), (std::vector<std::int32_t>{0, 1, 2, 3}));
    QVERIFY(w.hasWindow());
    QCOMPARE(w.takeWindow(), (std::vector<std::int32_t>{0, 4, 5, 0}));
    QVERIFY(!w.hasWindow());
    QCOMPARE(w.takeRest(), (std::vector<std::int32_t>{0, 6}));
    QVERIFY(w.takeRest().empty());
    // Without BOS: plain cuts of the stream.
    gb::TokenWindower plain({3, false, -1, 9});
    plain.addDocument({1, 2});
    plain.addDocument({3, 4, 5});
    QCOMPARE(plain.takeWindow(), (std::vector<std::int32_t>{1, 2, 9}));
    QCOMPARE(plain.takeWindow(), (std::vector<std::int32_t>{3, 4, 5}));
    GB_VERIFY_THROWS(gb::TokenWindower({1, true, 0, 0}), "at least one token after BOS");
}

void TestFeatureStats::tokenWindowsResume()
{
    const std::vector<std::vector<std::int32_t>> docs{{1, 2, 3, 4, 5}, {6, 7}, {8, 9, 10, 11}, {12}};
    gb::TokenWindower a({3, true, 0, 0});
    std::vector<std::vector<std::int32_t>> straight;
    for (const auto &d : docs) {
        a.addDocument(d);
        while (a.hasWindow())
            straight.push_back(a.takeWindow());
    }
    straight.push_back(a.takeRest());
    // Stop after document 2, save, restore into a fresh windower.
    gb::TokenWindower b({3, true, 0, 0});
    std::vector<std::vector<std::int32_t>> resumed;
    for (int i = 0; i < 2; ++i) {
        b.addDocument(docs[std::size_t(i)]);
        while (b.hasWindow())
            resumed.push_back(b.takeWindow());
    }
    gb::TokenWindower c({3, true, 0, 0});
    c.restore(b.pending(), b.started());
    for (std::size_t i = 2; i < docs.size(); ++i) {
        c.addDocument(docs[i]);
        while (c.hasWindow())
            resumed.push_back(c.takeWindow());
    }
    resumed.push_back(c.takeRest());
    QCOMPARE(resumed, straight);
}

void TestFeatureStats::corpusFormats()
{
    QTemporaryDir tmp;
    const QString lines = tmp.filePath(QStringLiteral("c.txt"));
    gbtest::writeFile(lines, "first doc\n\n  \nsecond doc\r\nthird");
    gb::CorpusReader r(lines.toStdString(), gb::CorpusFormat::Lines);
    std::string d;
    std::vector<std::string> docs;
    while (r.next(d))
        docs.push_back(d);
    QCOMPARE(docs, (std::vector<std::string>{"first doc", "second doc", "third"}));
    QCOMPARE(r.offset(), r.size());

    gb::CorpusReader whole(lines.toStdString(), gb::CorpusFormat::WholeText);
    QVERIFY(whole.next(d));
    QCOMPARE(d, std::string("first doc\n\n  \nsecond doc\r\nthird"));
    QVERIFY(!whole.next(d));

    const QString jsonl = tmp.filePath(QStringLiteral("c.jsonl"));
    gbtest::writeFile(jsonl, "{\"text\":\"a \\\"quoted\\\" line\",\"meta\":1}\n{\"text\":\"\"}\n{\"text\":\"b\"}\n");
    QCOMPARE(gb::corpusFormatFor(jsonl.toStdString()), gb::CorpusFormat::Jsonl);
    gb::CorpusReader j(jsonl.toStdString(), gb::CorpusFormat::Jsonl);
    QVERIFY(j.next(d));
    QCOMPARE(d, std::string("a \"quoted\" line"));
    QVERIFY(j.next(d));
    QCOMPARE(d, std::string("b"));
    QVERIFY(!j.next(d));
}

void TestFeatureStats::corpusResumeAndErrors()
{
    QTemporaryDir tmp;
    const QString file = tmp.filePath(QStringLiteral("c.jsonl"));
    gbtest::writeFile(file, "{\"text\":\"one\"}\n{\"text\":\"two\"}\n{\"txt\":\"three\"}\n");
    gb::CorpusReader r(file.toStdString(), gb::CorpusFormat::Jsonl);
    std::string d;
    QVERIFY(r.next(d));
    const std::uint64_t resumeAt = r.offset();
    gb::CorpusReader again(file.toStdString(), gb::CorpusFormat::Jsonl, resumeAt);
    QVERIFY(again.next(d));
    QCOMPARE(d, std::string("two"));
    GB_VERIFY_THROWS(again.next(d), "c.jsonl (line at byte 30): no string \"text\" field");
    QVERIFY(r.next(d));
    GB_VERIFY_THROWS(r.next(d), "c.jsonl (line 3): no string \"text\" field");
    GB_VERIFY_THROWS(gb::CorpusReader(file.toStdString(), gb::CorpusFormat::Lines, 1000), "beyond the end of the corpus");
    GB_VERIFY_THROWS(gb::CorpusReader(tmp.filePath(QStringLiteral("none.txt")).toStdString(), gb::CorpusFormat::Lines),
                     "cannot open the corpus");
    GB_VERIFY_THROWS(gb::corpusFormatFromString("csv"), "unknown corpus format 'csv'");
}

QTEST_GUILESS_MAIN(TestFeatureStats)
#include "tst_featurestats.moc"
