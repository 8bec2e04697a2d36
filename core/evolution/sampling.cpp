// SPDX-License-Identifier: MIT
#include "evolution/sampling.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace gb {

std::vector<std::int64_t> stratifiedSample(const std::vector<std::int32_t> &group, std::int64_t maxCount)
{
    std::map<std::int32_t, std::vector<std::int64_t>> members;
    std::int64_t live = 0;
    for (std::size_t f = 0; f < group.size(); ++f)
        if (group[f] >= 0) {
            members[group[f]].push_back(static_cast<std::int64_t>(f));
            ++live;
        }
    std::vector<std::int64_t> out;
    for (const auto &[g, ids] : members) {
        const auto n = static_cast<std::int64_t>(ids.size());
        const std::int64_t quota =
            live <= maxCount ? n
                             : std::clamp<std::int64_t>(std::llround(double(maxCount) * double(n) / double(live)), 1, n);
        for (std::int64_t k = 0; k < quota; ++k)
            out.push_back(ids[static_cast<std::size_t>((2 * k + 1) * n / (2 * quota))]);
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace gb
