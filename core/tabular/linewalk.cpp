// SPDX-License-Identifier: MIT
#include "tabular/linewalk.h"

#include "common/error.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace gb::tabular {

namespace {

constexpr double Never = std::numeric_limits<double>::infinity();

// The first t >= now at which the unit's mask disagrees with the sign of a + s t just after t.
// Normally the crossing -a/s; "now" when rounding left the mask on the wrong side (a unit that sat
// exactly at zero when a unit above it flipped), so the walk repairs it before reading a value.
inline double eventTime(double a, double s, bool on, double now)
{
    if (s == 0.0)
        return on == (a > 0.0) ? Never : now;
    const double crossing = -a / s;
    if (on == (s < 0.0)) // on and falling, or off and rising
        return std::max(crossing, now);
    return now < crossing ? now : Never;
}

struct Event {
    double t;
    std::int32_t unit;
    bool operator<(const Event &o) const { return t < o.t; }
};

// Affine maps z = a + s t (and the slope s2 along a second feature, carried for 2-D) of one
// layer's units; hidden layers also hold their ReLU masks and pending boundaries.
struct Level {
    std::vector<double> a, s, s2;
    std::vector<std::uint8_t> on;
    std::vector<Event> events; // ascending, from `next` on
    std::size_t next = 0;
    double bound = Never;      // events beyond it were not listed

    double head() const { return next < events.size() ? events[next].t : Never; }
};

class Walker {
public:
    Walker(const ReluNetwork &net, bool second)
        : m_net(net)
        , m_second(second)
        , m_levels(net.layers.size())
    {
        std::int64_t widest = 0;
        for (std::size_t l = 0; l < net.layers.size(); ++l) {
            const std::int64_t w = net.layers[l].outputs;
            widest = std::max(widest, w);
            Level &v = m_levels[l];
            v.a.resize(std::size_t(w));
            v.s.resize(std::size_t(w));
            v.s2.resize(second ? std::size_t(w) : 0);
            v.on.resize(std::size_t(w));
        }
        m_d.resize(std::size_t(3 * widest));
        m_e.resize(std::size_t(3 * widest));
        m_y.resize(std::size_t(net.outputs()));
    }

    // The state at `t0` on the line through `row` along `feature`, intercepts at feature = 0 and
    // the second feature (if any) held at `secondValue`.
    void start(const float *row, int feature, int second, double secondValue, double t0)
    {
        const ReluNetwork::Layer &first = m_net.layers.front();
        const std::int64_t w = first.outputs;
        Level &v = m_levels.front();
        std::copy(first.bias.begin(), first.bias.end(), v.a.begin());
        for (std::int64_t i = 0; i < first.inputs; ++i) {
            if (i == feature)
                continue;
            const double x = i == second ? secondValue : double(row[i]);
            const double *col = first.weightT.data() + i * w;
            for (std::int64_t o = 0; o < w; ++o)
                v.a[std::size_t(o)] += x * col[o];
        }
        std::copy_n(first.weightT.data() + feature * w, w, v.s.begin());
        if (m_second)
            std::copy_n(first.weightT.data() + second * w, w, v.s2.begin());
        for (std::size_t l = 0; l + 1 < m_levels.size(); ++l) {
            Level &u = m_levels[l];
            for (std::size_t h = 0; h < u.on.size(); ++h)
                u.on[h] = u.a[h] + u.s[h] * t0 > 0.0;
            forwardLevel(l);
        }
    }

    // The state of the line along the second feature that crosses `line` at its position t; the
    // second feature's value there was `secondStart`.
    void startAcross(const Walker &line, double t, double secondStart)
    {
        for (std::size_t l = 0; l < m_levels.size(); ++l) {
            const Level &from = line.m_levels[l];
            Level &to = m_levels[l];
            for (std::size_t h = 0; h < to.a.size(); ++h)
                to.a[h] = from.a[h] + from.s[h] * t - from.s2[h] * secondStart;
            to.s = from.s2;
            to.on = from.on;
        }
    }

    // Visits ascending positions ts[0..count) with the state valid there: at(p, ts[p]).
    template <class AtPoint>
    void walk(const double *ts, std::int64_t count, AtPoint &&at)
    {
        m_end = ts[count - 1];
        listFrom(0, ts[0]);
        const std::size_t hidden = m_levels.size() - 1;
        std::int64_t flips = 0;
        for (std::int64_t p = 0; p < count; ++p) {
            for (;;) {
                std::size_t l = hidden;
                double t = Never;
                for (std::size_t k = 0; k < hidden; ++k)
                    if (m_levels[k].head() < t) {
                        t = m_levels[k].head();
                        l = k;
                    }
                if (!(t <= ts[p]))
                    break;
                if (++flips > MaxFlips)
                    throw Error::internal("exact PDP walk: no progress along a line (" + std::to_string(flips)
                                          + " region boundaries)");
                cross(l, t);
            }
            at(p, ts[p]);
        }
    }

    double response(double t)
    {
        const Level &out = m_levels.back();
        if (out.a.size() == 1 && m_net.response == ReluNetwork::Response::Raw)
            return out.a[0] + out.s[0] * t;
        for (std::size_t k = 0; k < out.a.size(); ++k)
            m_y[k] = out.a[k] + out.s[k] * t;
        return m_net.respond(m_y.data());
    }

private:
    static constexpr std::int64_t MaxFlips = 10'000'000;

    // Level l + 1's maps from level l's active units.
    void forwardLevel(std::size_t l)
    {
        const Level &u = m_levels[l];
        Level &v = m_levels[l + 1];
        const ReluNetwork::Layer &layer = m_net.layers[l + 1];
        const std::int64_t w = layer.outputs;
        std::copy(layer.bias.begin(), layer.bias.end(), v.a.begin());
        std::fill(v.s.begin(), v.s.end(), 0.0);
        std::fill(v.s2.begin(), v.s2.end(), 0.0);
        for (std::size_t h = 0; h < u.on.size(); ++h) {
            if (!u.on[h])
                continue;
            const double *col = layer.weightT.data() + std::int64_t(h) * w;
            const double a = u.a[h], s = u.s[h];
            for (std::int64_t o = 0; o < w; ++o) {
                v.a[std::size_t(o)] += a * col[o];
                v.s[std::size_t(o)] += s * col[o];
            }
            if (m_second) {
                const double s2 = u.s2[h];
                for (std::int64_t o = 0; o < w; ++o)
                    v.s2[std::size_t(o)] += s2 * col[o];
            }
        }
    }

    // Lists the boundaries of hidden levels from l on, each up to the next boundary above it (a
    // boundary above moves everything below, so later ones would be stale).
    void listFrom(std::size_t l, double now)
    {
        double bound = m_end;
        for (std::size_t k = 0; k < l; ++k)
            bound = std::min(bound, m_levels[k].head());
        for (std::size_t k = l; k + 1 < m_levels.size(); ++k) {
            Level &u = m_levels[k];
            u.events.clear();
            u.next = 0;
            u.bound = bound;
            for (std::size_t h = 0; h < u.a.size(); ++h) {
                const double t = eventTime(u.a[h], u.s[h], u.on[h], now);
                if (t <= bound)
                    u.events.push_back({t, std::int32_t(h)});
            }
            std::sort(u.events.begin(), u.events.end());
            bound = std::min(bound, u.head());
        }
    }

    // The region boundary where hidden level l's next unit changes side.
    void cross(std::size_t l, double now)
    {
        Level &u = m_levels[l];
        const std::int32_t h = u.events[u.next++].unit;
        u.on[std::size_t(h)] ^= 1;
        propagate(l, std::size_t(h));
        const double again = eventTime(u.a[std::size_t(h)], u.s[std::size_t(h)], u.on[std::size_t(h)], now);
        if (again <= u.bound) {
            const Event e{again, h};
            u.events.insert(std::upper_bound(u.events.begin() + std::ptrdiff_t(u.next), u.events.end(), e), e);
        }
        listFrom(l + 1, now);
    }

    // Unit h of level l was switched: the levels below change by its weight column times its
    // maps, and further down by that change through their weights and masks.
    void propagate(std::size_t l, std::size_t h)
    {
        const Level &u = m_levels[l];
        const double sign = u.on[h] ? 1.0 : -1.0;
        const std::size_t maps = m_second ? 3 : 2;
        const double unit[3] = {sign * u.a[h], sign * u.s[h], m_second ? sign * u.s2[h] : 0.0};
        {
            const ReluNetwork::Layer &layer = m_net.layers[l + 1];
            const double *col = layer.weightT.data() + std::int64_t(h) * layer.outputs;
            for (std::size_t m = 0; m < maps; ++m)
                for (std::int64_t o = 0; o < layer.outputs; ++o)
                    m_d[std::size_t(m * layer.outputs + o)] = unit[m] * col[o];
        }
        for (std::size_t k = l + 1;; ++k) {
            Level &v = m_levels[k];
            const std::size_t w = v.a.size();
            double *maps3[3] = {v.a.data(), v.s.data(), v.s2.data()};
            for (std::size_t m = 0; m < maps; ++m)
                for (std::size_t o = 0; o < w; ++o)
                    maps3[m][o] += m_d[m * w + o];
            if (k + 1 == m_levels.size())
                return;
            const ReluNetwork::Layer &layer = m_net.layers[k + 1];
            const std::size_t w2 = std::size_t(layer.outputs);
            std::fill(m_e.begin(), m_e.begin() + std::ptrdiff_t(maps * w2), 0.0);
            for (std::size_t i = 0; i < w; ++i) {
                if (!v.on[i])
                    continue;
                const double *col = layer.weightT.data() + i * w2;
                for (std::size_t m = 0; m < maps; ++m) {
                    const double d = m_d[m * w + i];
                    for (std::size_t o = 0; o < w2; ++o)
                        m_e[m * w2 + o] += d * col[o];
                }
            }
            m_d.swap(m_e);
        }
    }

    const ReluNetwork &m_net;
    bool m_second;
    std::vector<Level> m_levels; // one per layer; the last is the output (no mask)
    std::vector<double> m_d, m_e, m_y;
    double m_end = 0.0;
};

// Ascending copy of an axis and where each sorted value goes.
struct SortedAxis {
    std::vector<double> values;
    std::vector<std::int64_t> slot;

    explicit SortedAxis(const std::vector<double> &axis)
        : slot(axis.size())
    {
        std::iota(slot.begin(), slot.end(), std::int64_t(0));
        std::stable_sort(slot.begin(), slot.end(), [&](std::int64_t x, std::int64_t y) {
            return axis[std::size_t(x)] < axis[std::size_t(y)];
        });
        for (std::int64_t k : slot)
            values.push_back(axis[std::size_t(k)]);
    }
};

} // namespace

void walkGrid(const ReluNetwork &net, const float *rows, std::int64_t n, std::int64_t width,
              const std::vector<int> &features, const std::vector<std::vector<double>> &axes, const TakeRowValues &take,
              Progress &progress, const CancelToken &cancel)
{
    if (net.layers.empty() || net.inputWidth() != width || features.empty() || features.size() > 2
        || axes.size() != features.size())
        throw Error::internal("walkGrid: network, features and axes do not fit together");
    for (const auto &axis : axes)
        if (axis.empty())
            throw Error::internal("walkGrid: empty axis");
    const bool twoD = features.size() == 2;
    const SortedAxis first(axes[0]);
    const SortedAxis second(twoD ? axes[1] : std::vector<double>{0.0});
    const std::int64_t n1 = std::int64_t(first.values.size());
    const std::int64_t n2 = twoD ? std::int64_t(second.values.size()) : 1;
    const std::int64_t points = n1 * n2;
    // About 1 MB of values per block: frequent progress and cancellation, bounded memory.
    const std::int64_t block = std::max<std::int64_t>(1, (1 << 18) / points);
    std::vector<float> values;
    for (std::int64_t begin = 0; begin < n; begin += block) {
        cancel.throwIfCancelled();
        const std::int64_t end = std::min(n, begin + block);
        values.resize(std::size_t((end - begin) * points));
        at::parallel_for(begin, end, 1, [&](std::int64_t b, std::int64_t e) {
            Walker along(net, twoD);
            Walker across(net, false);
            for (std::int64_t r = b; r < e; ++r) {
                float *out = values.data() + (r - begin) * points;
                const float *row = rows + r * width;
                if (!twoD) {
                    along.start(row, features[0], -1, 0.0, first.values[0]);
                    along.walk(first.values.data(), n1, [&](std::int64_t p, double t) {
                        out[first.slot[std::size_t(p)]] = float(along.response(t));
                    });
                    continue;
                }
                const double kStart = second.values[0];
                along.start(row, features[0], features[1], kStart, first.values[0]);
                along.walk(first.values.data(), n1, [&](std::int64_t p, double t) {
                    float *line = out + first.slot[std::size_t(p)] * n2;
                    across.startAcross(along, t, kStart);
                    across.walk(second.values.data(), n2, [&](std::int64_t q, double u) {
                        line[second.slot[std::size_t(q)]] = float(across.response(u));
                    });
                });
            }
        });
        take(begin, end, values.data());
        progress.update(end, n);
    }
}

} // namespace gb::tabular
