// SPDX-License-Identifier: MIT
#include "attribution/tokenscores.h"

#include "common/error.h"
#include "common/torch_guard.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cctype>

namespace gb {

std::string toString(TokenReduction r)
{
    return r == TokenReduction::Sum ? "sum" : "l2";
}

TokenReduction parseTokenReduction(const std::string &name)
{
    if (name == "sum")
        return TokenReduction::Sum;
    if (name == "l2")
        return TokenReduction::L2;
    throw Error::badInput("unknown token reduction \"" + name + "\" (valid: sum, l2)");
}

std::vector<double> tokenScores(const at::Tensor &attributions, TokenReduction reduction)
{
    require(attributions.defined() && attributions.dim() == 2, "token scores", "attributions must be [T, d]");
    return torchGuard("token scores", [&] {
        const at::Tensor a = attributions.to(at::kDouble);
        const at::Tensor s = (reduction == TokenReduction::Sum ? a.sum(1) : a.pow(2).sum(1).sqrt()).contiguous();
        return std::vector<double>(s.data_ptr<double>(), s.data_ptr<double>() + s.numel());
    });
}

namespace {

bool isSpace(unsigned char c)
{
    return std::isspace(c) != 0;
}

/// ASCII punctuation only: bytes >= 0x80 belong to letters of other scripts as often as not.
bool isPunctuationOnly(const std::string &s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x80 && std::ispunct(c); });
}

} // namespace

WordGroups groupWords(const std::vector<std::string> &tokenTexts)
{
    WordGroups g;
    bool previousClosed = true;
    for (const std::string &text : tokenTexts) {
        const bool punctuation = isPunctuationOnly(text);
        const bool startsWord = previousClosed || text.empty() || isSpace((unsigned char)text.front()) || punctuation;
        if (startsWord)
            g.words.emplace_back();
        g.words.back() += text;
        g.wordOfToken.push_back(int(g.words.size()) - 1);
        previousClosed = punctuation || text.empty() || isSpace((unsigned char)text.back());
    }
    return g;
}

std::vector<double> wordScores(const std::vector<double> &tokenScores, const WordGroups &groups)
{
    if (tokenScores.size() != groups.wordOfToken.size())
        throw Error::internal("word scores: one score per token expected");
    std::vector<double> out(groups.words.size(), 0.0);
    for (std::size_t i = 0; i < tokenScores.size(); ++i)
        out[std::size_t(groups.wordOfToken[i])] += tokenScores[i];
    return out;
}

} // namespace gb
