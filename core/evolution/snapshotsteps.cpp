// SPDX-License-Identifier: MIT
#include "evolution/snapshotsteps.h"

#include <cctype>

namespace gb {

namespace {

bool allDigits(const std::string &s)
{
    if (s.empty())
        return false;
    for (const char c : s)
        if (!std::isdigit(static_cast<unsigned char>(c)))
            return false;
    return true;
}

std::string lower(std::string s)
{
    for (char &c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

} // namespace

std::optional<std::int64_t> parseStep(const std::string &name)
{
    std::string digits = name;
    const std::string l = lower(name);
    if (l.rfind("step", 0) == 0) {
        digits = name.substr(4);
        if (!digits.empty() && (digits.front() == '_' || digits.front() == '-'))
            digits.erase(0, 1);
    }
    // 18 digits keep the value inside int64 without an overflow check.
    if (!allDigits(digits) || digits.size() > 18)
        return std::nullopt;
    return std::stoll(digits);
}

SnapshotSteps snapshotSteps(const std::vector<std::string> &headNames)
{
    SnapshotSteps out;
    out.fromNames = true;
    for (std::size_t i = 0; i < headNames.size(); ++i) {
        const auto step = parseStep(headNames[i]);
        if (!step) {
            out.fromNames = false;
            out.reason = "hook point '" + headNames[i] + "' names no training step";
            break;
        }
        if (!out.steps.empty() && *step <= out.steps.back()) {
            out.fromNames = false;
            out.reason = "hook point '" + headNames[i] + "' does not come after '" + headNames[i - 1] + "'";
            break;
        }
        out.steps.push_back(*step);
    }
    if (!out.fromNames) {
        out.steps.clear();
        for (std::size_t i = 0; i < headNames.size(); ++i)
            out.steps.push_back(static_cast<std::int64_t>(i));
    }
    return out;
}

} // namespace gb
