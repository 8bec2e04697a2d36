// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gb {

/// One place in a scanned corpus where a feature fired.
struct FeatureExample {
    float value = 0.0f;
    std::uint32_t window = 0;   ///< window index in scan order
    std::uint16_t position = 0; ///< token position in the window
};

/// Which rows of a batch of feature activations belong where. Rows of one window are contiguous
/// and windows come in increasing order (within a batch and from batch to batch).
struct BatchLayout {
    std::vector<std::uint32_t> window;   ///< per row
    std::vector<std::uint16_t> position; ///< per row
    std::vector<std::uint8_t> counted;   ///< per row: 0 = padding or an excluded BOS
};

/// Per-feature statistics of a corpus scan, accumulated batch by batch:
/// - firing count (activation > 0) and the sum of activations, over counted tokens;
/// - the top-k windows by the feature's largest activation in the window, ordered by value
///   (descending), then window, then position (ascending) - so ties are resolved the same way
///   whatever the batching;
/// - a histogram of log10(activation) with `binsPerDecade` bins per decade from 10^minLog10
///   (values outside fall into the first / last bin);
/// - per histogram bin, the `samplesPerBin` firings with the smallest hash of
///   (feature, window, position): a fixed pseudo-random sample that does not depend on the order
///   in which windows arrive, from which dashboards draw examples per activation quantile band.
///
/// Every update is deterministic, and a state saved after any batch and restored continues
/// exactly as if it had never stopped. addBatch uses libtorch's intra-op threads (features are
/// split between threads, so the result does not depend on the thread count).
class FeatureStats {
public:
    struct Options {
        std::int64_t features = 0;
        int topK = 20;
        int bins = 40;
        double minLog10 = -3.0;
        int binsPerDecade = 5;
        int samplesPerBin = 2;
    };

    FeatureStats() = default;
    explicit FeatureStats(Options options);

    const Options &options() const { return m_o; }
    std::int64_t features() const { return m_o.features; }

    /// Adds a batch: `acts` is row-major [rows, features] (rows = layout.window.size()).
    void addBatch(const float *acts, const BatchLayout &layout);

    std::uint64_t tokens() const { return m_tokens; }
    std::uint64_t count(std::int64_t feature) const { return m_count[std::size_t(feature)]; }
    /// Fraction of counted tokens on which the feature fired.
    double density(std::int64_t feature) const;
    /// Mean activation over the tokens on which it fired (0 when it never fired).
    double meanActive(std::int64_t feature) const;
    double maxActivation(std::int64_t feature) const;
    /// Best first.
    std::vector<FeatureExample> top(std::int64_t feature) const;
    std::vector<std::uint64_t> histogram(std::int64_t feature) const;
    /// Lower edge of histogram bin b (the first bin also holds everything below it).
    double binLowerEdge(int b) const;
    int binOf(float value) const;
    /// The sampled firings of one histogram bin (up to samplesPerBin).
    std::vector<FeatureExample> samples(std::int64_t feature, int bin) const;
    /// Examples from `bands` activation quantile bands (equal shares of the feature's firings,
    /// by histogram), up to `perBand` each, lowest band first.
    std::vector<std::vector<FeatureExample>> quantileBandExamples(std::int64_t feature, int bands, int perBand) const;

    /// Compact binary form (empty histogram bins and samples are left out). fromBytes rejects
    /// anything damaged with a BadInput error naming `source`.
    std::string toBytes() const;
    static FeatureStats fromBytes(const std::string &bytes, const std::string &source);

    bool operator==(const FeatureStats &other) const;

private:
    struct Sample {
        std::uint32_t hash = UINT32_MAX;
        FeatureExample example;
    };

    void addRange(const float *acts, const BatchLayout &layout, std::int64_t begin, std::int64_t end);
    void offerTop(std::int64_t feature, const FeatureExample &e);
    void offerSample(std::int64_t feature, int bin, std::uint32_t hash, const FeatureExample &e);
    std::uint32_t sampleHash(std::int64_t feature, std::uint32_t window, std::uint16_t position) const;

    Options m_o;
    std::uint64_t m_tokens = 0;
    std::vector<std::uint64_t> m_count;
    std::vector<double> m_sum;
    std::vector<FeatureExample> m_top; ///< [features * topK], best first
    std::vector<std::uint8_t> m_topSize;
    std::vector<std::uint64_t> m_hist; ///< [features * bins]
    std::vector<Sample> m_samples;     ///< [features * bins * samplesPerBin], by hash ascending
};

} // namespace gb
