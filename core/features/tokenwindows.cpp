// SPDX-License-Identifier: MIT
#include "features/tokenwindows.h"

#include "common/error.h"

#include <algorithm>

namespace gb {

TokenWindower::TokenWindower(Options options)
    : m_options(options)
{
    require(options.context >= (options.prependBos ? 2 : 1), "token windows", "the context must hold at least one token after BOS");
    require(!options.prependBos || options.bos >= 0, "token windows", "prepending BOS needs the tokenizer's BOS token id");
}

void TokenWindower::addDocument(const std::vector<std::int32_t> &tokens)
{
    if (tokens.empty())
        return;
    if (m_started && m_options.separator >= 0)
        m_pending.push_back(m_options.separator);
    m_started = true;
    m_pending.insert(m_pending.end(), tokens.begin(), tokens.end());
}

void TokenWindower::dropLeadingBos()
{
    if (m_options.prependBos && !m_pending.empty() && m_pending.front() == m_options.bos)
        m_pending.pop_front();
}

bool TokenWindower::hasWindow()
{
    dropLeadingBos();
    return m_pending.size() >= std::size_t(m_options.context - (m_options.prependBos ? 1 : 0));
}

std::vector<std::int32_t> TokenWindower::take(std::size_t streamTokens)
{
    std::vector<std::int32_t> w;
    w.reserve(streamTokens + 1);
    if (m_options.prependBos)
        w.push_back(m_options.bos);
    const auto end = m_pending.begin() + std::ptrdiff_t(streamTokens);
    w.insert(w.end(), m_pending.begin(), end);
    m_pending.erase(m_pending.begin(), end);
    return w;
}

std::vector<std::int32_t> TokenWindower::takeWindow()
{
    require(hasWindow(), "token windows", "no full window pending");
    return take(std::size_t(m_options.context - (m_options.prependBos ? 1 : 0)));
}

std::vector<std::int32_t> TokenWindower::takeRest()
{
    dropLeadingBos();
    if (m_pending.empty())
        return {};
    const std::size_t room = std::size_t(m_options.context - (m_options.prependBos ? 1 : 0));
    return take(std::min(room, m_pending.size()));
}

void TokenWindower::restore(const std::vector<std::int32_t> &pending, bool started)
{
    m_pending.assign(pending.begin(), pending.end());
    m_started = started;
}

} // namespace gb
