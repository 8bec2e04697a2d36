// SPDX-License-Identifier: MIT
#include "features/featurestats.h"

#include "common/error.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace gb {

namespace {

constexpr char Magic[8] = {'G', 'B', 'F', 'S', 'T', 'A', 'T', '1'};

bool better(const FeatureExample &a, const FeatureExample &b)
{
    if (a.value != b.value)
        return a.value > b.value;
    if (a.window != b.window)
        return a.window < b.window;
    return a.position < b.position;
}

std::uint64_t splitmix64(std::uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/// Appends plain values (the host is little-endian: x86-64 and aarch64 Linux).
class Writer {
public:
    template<typename T>
    void put(const T &v) { m_out.append(reinterpret_cast<const char *>(&v), sizeof(T)); }
    template<typename T>
    void putArray(const std::vector<T> &v) { m_out.append(reinterpret_cast<const char *>(v.data()), v.size() * sizeof(T)); }
    void putExample(const FeatureExample &e)
    {
        put(e.value);
        put(e.window);
        put(e.position);
    }
    std::string take() { return std::move(m_out); }

private:
    std::string m_out;
};

class Reader {
public:
    Reader(const std::string &bytes, std::string source) : m_bytes(bytes), m_source(std::move(source)) {}

    template<typename T>
    T get()
    {
        need(sizeof(T));
        T v;
        std::memcpy(&v, m_bytes.data() + m_pos, sizeof(T));
        m_pos += sizeof(T);
        return v;
    }
    template<typename T>
    void getArray(std::vector<T> &v, std::size_t n)
    {
        need(n * sizeof(T));
        v.resize(n);
        std::memcpy(v.data(), m_bytes.data() + m_pos, n * sizeof(T));
        m_pos += n * sizeof(T);
    }
    FeatureExample getExample()
    {
        FeatureExample e;
        e.value = get<float>();
        e.window = get<std::uint32_t>();
        e.position = get<std::uint16_t>();
        return e;
    }
    void check(bool ok, const std::string &what) const
    {
        if (!ok)
            throw Error::badInput(m_source + ": feature statistics damaged (" + what + ")");
    }
    bool atEnd() const { return m_pos == m_bytes.size(); }

private:
    void need(std::size_t n) const { check(n <= m_bytes.size() - m_pos, "truncated"); }

    const std::string &m_bytes;
    std::string m_source;
    std::size_t m_pos = 0;
};

} // namespace

FeatureStats::FeatureStats(Options options)
    : m_o(options)
{
    require(options.features > 0 && options.features < (std::int64_t(1) << 31), "feature statistics", "feature count out of range");
    require(options.topK >= 1 && options.topK <= 255, "feature statistics", "top-k must be between 1 and 255");
    require(options.bins >= 2 && options.bins <= 1000 && options.binsPerDecade >= 1, "feature statistics", "bad histogram layout");
    require(options.samplesPerBin >= 0 && options.samplesPerBin <= 16, "feature statistics", "samples per bin must be 0..16");
    const std::size_t F = std::size_t(options.features);
    m_count.assign(F, 0);
    m_sum.assign(F, 0.0);
    m_top.assign(F * std::size_t(options.topK), FeatureExample{});
    m_topSize.assign(F, 0);
    m_hist.assign(F * std::size_t(options.bins), 0);
    m_samples.assign(F * std::size_t(options.bins) * std::size_t(options.samplesPerBin), Sample{});
}

int FeatureStats::binOf(float value) const
{
    const double b = std::floor((std::log10(double(value)) - m_o.minLog10) * m_o.binsPerDecade);
    return int(std::clamp(b, 0.0, double(m_o.bins - 1)));
}

double FeatureStats::binLowerEdge(int b) const { return std::pow(10.0, m_o.minLog10 + double(b) / m_o.binsPerDecade); }

std::uint32_t FeatureStats::sampleHash(std::int64_t feature, std::uint32_t window, std::uint16_t position) const
{
    const std::uint64_t key = (std::uint64_t(window) << 16) | position;
    const std::uint64_t h = splitmix64(splitmix64(key) ^ (std::uint64_t(feature) * 0xD6E8FEB86659FD93ull));
    // UINT32_MAX marks an empty slot.
    return std::min<std::uint32_t>(std::uint32_t(h >> 32), UINT32_MAX - 1);
}

void FeatureStats::offerTop(std::int64_t feature, const FeatureExample &e)
{
    const std::size_t K = std::size_t(m_o.topK);
    FeatureExample *list = m_top.data() + std::size_t(feature) * K;
    std::size_t size = m_topSize[std::size_t(feature)];
    if (size == K && !better(e, list[K - 1]))
        return;
    std::size_t at = std::min(size, K - 1);
    while (at > 0 && better(e, list[at - 1])) {
        list[at] = list[at - 1];
        --at;
    }
    list[at] = e;
    m_topSize[std::size_t(feature)] = std::uint8_t(std::min(size + 1, K));
}

void FeatureStats::offerSample(std::int64_t feature, int bin, std::uint32_t hash, const FeatureExample &e)
{
    const std::size_t S = std::size_t(m_o.samplesPerBin);
    if (S == 0)
        return;
    Sample *slot = m_samples.data() + (std::size_t(feature) * std::size_t(m_o.bins) + std::size_t(bin)) * S;
    auto less = [](std::uint32_t h, const FeatureExample &a, const Sample &s) {
        if (h != s.hash)
            return h < s.hash;
        return a.window != s.example.window ? a.window < s.example.window : a.position < s.example.position;
    };
    if (!less(hash, e, slot[S - 1]))
        return;
    std::size_t at = S - 1;
    while (at > 0 && less(hash, e, slot[at - 1])) {
        slot[at] = slot[at - 1];
        --at;
    }
    slot[at] = Sample{hash, e};
}

void FeatureStats::addRange(const float *acts, const BatchLayout &layout, std::int64_t begin, std::int64_t end)
{
    const std::size_t rows = layout.window.size();
    const std::size_t n = std::size_t(end - begin);
    const std::size_t F = std::size_t(m_o.features);
    std::vector<float> best(n, 0.0f);
    std::vector<std::uint16_t> bestPos(n, 0);
    std::uint32_t window = rows ? layout.window[0] : 0;
    auto flush = [&] {
        for (std::size_t j = 0; j < n; ++j)
            if (best[j] > 0) {
                offerTop(begin + std::int64_t(j), FeatureExample{best[j], window, bestPos[j]});
                best[j] = 0.0f;
            }
    };
    for (std::size_t r = 0; r < rows; ++r) {
        if (layout.window[r] != window) {
            flush();
            window = layout.window[r];
        }
        if (!layout.counted[r])
            continue;
        const float *p = acts + r * F + std::size_t(begin);
        const std::uint16_t pos = layout.position[r];
        for (std::size_t j = 0; j < n; ++j) {
            const float v = p[j];
            if (!(v > 0.0f))
                continue;
            const std::int64_t f = begin + std::int64_t(j);
            ++m_count[std::size_t(f)];
            m_sum[std::size_t(f)] += v;
            const int bin = binOf(v);
            ++m_hist[std::size_t(f) * std::size_t(m_o.bins) + std::size_t(bin)];
            const FeatureExample e{v, window, pos};
            offerSample(f, bin, sampleHash(f, window, pos), e);
            if (v > best[j]) {
                best[j] = v;
                bestPos[j] = pos;
            }
        }
    }
    flush();
}

void FeatureStats::addBatch(const float *acts, const BatchLayout &layout)
{
    require(layout.position.size() == layout.window.size() && layout.counted.size() == layout.window.size(),
            "feature statistics", "batch layout arrays differ in length");
    for (const std::uint8_t c : layout.counted)
        m_tokens += c ? 1 : 0;
    // Threads own disjoint feature ranges, so the result does not depend on the thread count.
    at::parallel_for(0, m_o.features, 1024, [&](std::int64_t b, std::int64_t e) { addRange(acts, layout, b, e); });
}

double FeatureStats::density(std::int64_t feature) const
{
    return m_tokens ? double(m_count[std::size_t(feature)]) / double(m_tokens) : 0.0;
}

double FeatureStats::meanActive(std::int64_t feature) const
{
    const auto c = m_count[std::size_t(feature)];
    return c ? m_sum[std::size_t(feature)] / double(c) : 0.0;
}

double FeatureStats::maxActivation(std::int64_t feature) const
{
    return m_topSize[std::size_t(feature)] ? m_top[std::size_t(feature) * std::size_t(m_o.topK)].value : 0.0;
}

std::vector<FeatureExample> FeatureStats::top(std::int64_t feature) const
{
    const auto *list = m_top.data() + std::size_t(feature) * std::size_t(m_o.topK);
    return {list, list + m_topSize[std::size_t(feature)]};
}

std::vector<std::uint64_t> FeatureStats::histogram(std::int64_t feature) const
{
    const auto *h = m_hist.data() + std::size_t(feature) * std::size_t(m_o.bins);
    return {h, h + m_o.bins};
}

std::vector<FeatureExample> FeatureStats::samples(std::int64_t feature, int bin) const
{
    std::vector<FeatureExample> out;
    const std::size_t S = std::size_t(m_o.samplesPerBin);
    const Sample *slot = m_samples.data() + (std::size_t(feature) * std::size_t(m_o.bins) + std::size_t(bin)) * S;
    for (std::size_t i = 0; i < S && slot[i].hash != UINT32_MAX; ++i)
        out.push_back(slot[i].example);
    return out;
}

std::vector<std::vector<FeatureExample>> FeatureStats::quantileBandExamples(std::int64_t feature, int bands, int perBand) const
{
    std::vector<std::vector<FeatureExample>> out(std::size_t(std::max(bands, 0)));
    const double total = double(m_count[std::size_t(feature)]);
    if (total <= 0 || bands <= 0)
        return out;
    const auto hist = histogram(feature);
    double before = 0;
    for (int b = 0; b < m_o.bins; ++b) {
        if (!hist[std::size_t(b)])
            continue;
        const double mid = (before + double(hist[std::size_t(b)]) / 2) / total;
        before += double(hist[std::size_t(b)]);
        auto &band = out[std::size_t(std::min(bands - 1, int(mid * bands)))];
        for (const auto &e : samples(feature, b))
            band.push_back(e);
    }
    for (auto &band : out) {
        std::sort(band.begin(), band.end(), [](const auto &a, const auto &b) { return better(b, a); });
        if (int(band.size()) <= perBand)
            continue;
        // Evenly spaced through the band's values.
        std::vector<FeatureExample> picked;
        for (int i = 0; i < perBand; ++i)
            picked.push_back(band[std::size_t(double(i) * double(band.size() - 1) / std::max(1, perBand - 1))]);
        band = std::move(picked);
    }
    return out;
}

std::string FeatureStats::toBytes() const
{
    Writer w;
    w.putArray(std::vector<char>(Magic, Magic + 8));
    w.put(std::uint64_t(m_o.features));
    w.put(std::int32_t(m_o.topK));
    w.put(std::int32_t(m_o.bins));
    w.put(m_o.minLog10);
    w.put(std::int32_t(m_o.binsPerDecade));
    w.put(std::int32_t(m_o.samplesPerBin));
    w.put(m_tokens);
    w.putArray(m_count);
    w.putArray(m_sum);
    w.putArray(m_topSize);
    for (std::int64_t f = 0; f < m_o.features; ++f)
        for (const auto &e : top(f))
            w.putExample(e);
    std::uint64_t filled = std::uint64_t(std::count_if(m_hist.begin(), m_hist.end(), [](std::uint64_t c) { return c != 0; }));
    w.put(filled);
    for (std::size_t i = 0; i < m_hist.size(); ++i)
        if (m_hist[i]) {
            w.put(std::uint64_t(i));
            w.put(m_hist[i]);
        }
    filled = std::uint64_t(std::count_if(m_samples.begin(), m_samples.end(), [](const Sample &s) { return s.hash != UINT32_MAX; }));
    w.put(filled);
    for (std::size_t i = 0; i < m_samples.size(); ++i)
        if (m_samples[i].hash != UINT32_MAX) {
            w.put(std::uint64_t(i));
            w.put(m_samples[i].hash);
            w.putExample(m_samples[i].example);
        }
    return w.take();
}

FeatureStats FeatureStats::fromBytes(const std::string &bytes, const std::string &source)
{
    Reader r(bytes, source);
    r.check(bytes.size() >= 8 && std::memcmp(bytes.data(), Magic, 8) == 0, "not a feature statistics blob");
    r.get<std::uint64_t>(); // the magic, already compared
    Options o;
    const std::uint64_t features = r.get<std::uint64_t>();
    r.check(features > 0 && features < (std::uint64_t(1) << 31), "feature count");
    o.features = std::int64_t(features);
    o.topK = r.get<std::int32_t>();
    o.bins = r.get<std::int32_t>();
    o.minLog10 = r.get<double>();
    o.binsPerDecade = r.get<std::int32_t>();
    o.samplesPerBin = r.get<std::int32_t>();
    r.check(o.topK >= 1 && o.topK <= 255 && o.bins >= 2 && o.bins <= 1000 && o.binsPerDecade >= 1
                && o.samplesPerBin >= 0 && o.samplesPerBin <= 16 && std::isfinite(o.minLog10),
            "layout");
    FeatureStats s(o);
    s.m_tokens = r.get<std::uint64_t>();
    const std::size_t F = std::size_t(o.features);
    r.getArray(s.m_count, F);
    r.getArray(s.m_sum, F);
    r.getArray(s.m_topSize, F);
    for (std::size_t f = 0; f < F; ++f) {
        r.check(s.m_topSize[f] <= o.topK, "top-k size");
        for (std::size_t i = 0; i < s.m_topSize[f]; ++i)
            s.m_top[f * std::size_t(o.topK) + i] = r.getExample();
    }
    const std::uint64_t histEntries = r.get<std::uint64_t>();
    r.check(histEntries <= s.m_hist.size(), "histogram size");
    for (std::uint64_t i = 0; i < histEntries; ++i) {
        const std::uint64_t at = r.get<std::uint64_t>();
        r.check(at < s.m_hist.size(), "histogram index");
        s.m_hist[at] = r.get<std::uint64_t>();
    }
    const std::uint64_t sampleEntries = r.get<std::uint64_t>();
    r.check(sampleEntries <= s.m_samples.size(), "sample count");
    for (std::uint64_t i = 0; i < sampleEntries; ++i) {
        const std::uint64_t at = r.get<std::uint64_t>();
        r.check(at < s.m_samples.size(), "sample index");
        s.m_samples[at].hash = r.get<std::uint32_t>();
        s.m_samples[at].example = r.getExample();
    }
    r.check(r.atEnd(), "trailing bytes");
    return s;
}

bool FeatureStats::operator==(const FeatureStats &o) const
{
    auto sameExamples = [](const FeatureExample &a, const FeatureExample &b) {
        return a.value == b.value && a.window == b.window && a.position == b.position;
    };
    if (m_tokens != o.m_tokens || m_count != o.m_count || m_sum != o.m_sum || m_topSize != o.m_topSize || m_hist != o.m_hist
        || m_top.size() != o.m_top.size() || m_samples.size() != o.m_samples.size())
        return false;
    for (std::size_t i = 0; i < m_top.size(); ++i)
        if (!sameExamples(m_top[i], o.m_top[i]))
            return false;
    for (std::size_t i = 0; i < m_samples.size(); ++i)
        if (m_samples[i].hash != o.m_samples[i].hash || !sameExamples(m_samples[i].example, o.m_samples[i].example))
            return false;
    return true;
}

} // namespace gb
