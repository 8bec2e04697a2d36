// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

namespace gb {

/// Cuts a stream of documents into token windows the way SAELens batches training data
/// (spec-facts 8.3): documents are concatenated with a separator token between them and cut into
/// windows of `context` tokens; with `prependBos` every window is BOS followed by context - 1
/// stream tokens, and a separator equal to BOS right after that BOS is dropped (no BOS BOS).
///
/// The state between windows is the pending tokens and whether a document was seen, so a scan
/// can checkpoint it and continue with the same windows.
class TokenWindower {
public:
    struct Options {
        int context = 128;
        bool prependBos = true;
        std::int32_t bos = -1;       ///< BOS token id (required with prependBos)
        std::int32_t separator = -1; ///< between documents; -1 for none
    };

    explicit TokenWindower(Options options);

    void addDocument(const std::vector<std::int32_t> &tokens);
    /// A full window can be taken.
    bool hasWindow();
    std::vector<std::int32_t> takeWindow();
    /// Whatever is left as a final, shorter window (empty when nothing is left).
    std::vector<std::int32_t> takeRest();

    std::vector<std::int32_t> pending() const { return {m_pending.begin(), m_pending.end()}; }
    bool started() const { return m_started; }
    void restore(const std::vector<std::int32_t> &pending, bool started);

private:
    void dropLeadingBos();
    std::vector<std::int32_t> take(std::size_t streamTokens);

    Options m_options;
    std::deque<std::int32_t> m_pending;
    bool m_started = false;
};

} // namespace gb
