// SPDX-License-Identifier: MIT
#include "tabular/linewalk.h"

#include "common/error.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "tabular/walkkernels.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <mutex>
#include <numeric>

namespace gb::tabular {

namespace {

using namespace walkkernels;

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

// Ascending copy of an axis and where each sorted value goes.
struct SortedAxis {
    std::vector<double> values;
    std::vector<std::int64_t> slot;
    bool identity = false; // already ascending: slot[k] == k
    bool uniform = false;  // evenly spaced
    double perStep = 0.0;

    explicit SortedAxis(const std::vector<double> &axis)
        : slot(axis.size())
    {
        std::iota(slot.begin(), slot.end(), std::int64_t(0));
        std::stable_sort(slot.begin(), slot.end(), [&](std::int64_t x, std::int64_t y) {
            return axis[std::size_t(x)] < axis[std::size_t(y)];
        });
        for (std::int64_t k : slot)
            values.push_back(axis[std::size_t(k)]);
        identity = std::is_sorted(axis.begin(), axis.end());
        const double span = values.back() - values.front();
        uniform = values.size() > 2 && span > 0.0;
        for (std::size_t k = 1; uniform && k < values.size(); ++k)
            uniform = std::fabs(values[k] - values[k - 1] - span / double(values.size() - 1)) <= 1e-6 * span;
        if (uniform)
            perStep = double(values.size() - 1) / span;
    }

    // The first position from `from` on whose value is not below t (size() if none).
    std::int64_t firstNotBelow(std::int64_t from, double t) const
    {
        const std::int64_t n = size();
        if (!uniform) {
            while (from < n && values[std::size_t(from)] < t)
                ++from;
            return from;
        }
        // Evenly spaced (linspace grids): guess from the spacing (truncating: std::ceil is a libm
        // call on baseline x86-64), then correct the guess.
        const double steps = (t - values.front()) * perStep;
        std::int64_t q = steps < double(n) ? std::max(from, std::int64_t(std::max(0.0, steps))) : n;
        while (q > from && values[std::size_t(q - 1)] >= t)
            --q;
        while (q < n && values[std::size_t(q)] < t)
            ++q;
        return q;
    }
    std::int64_t size() const { return std::int64_t(values.size()); }
};

// Affine maps z = a + s t (and the slope s2 along a second feature, carried for 2-D) of one
// layer's units; hidden layers also hold their ReLU masks and pending boundaries.
struct Level {
    std::vector<double> a, s, s2;
    std::vector<double> on;    // 1 active, 0 not: a multiplier in the vector loops
    std::vector<std::uint64_t> bits; // scratch of markCandidates
    std::vector<Event> events; // ascending, from `next` on
    std::size_t next = 0;
    double bound = Never;      // events beyond it were not listed
    double headT = Never;      // events[next].t, or Never past the end

    double head() const { return headT; }
    void refreshHead() { headT = next < events.size() ? events[next].t : Never; }
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
            v.bits.resize(std::size_t((w + 63) / 64));
            v.events.reserve(std::size_t(w) + 1);
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
                u.on[h] = u.a[h] + u.s[h] * t0 > 0.0 ? 1.0 : 0.0;
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
            acrossMaps(to.a.data(), to.s.data(), to.on.data(), from.a.data(), from.s.data(), from.s2.data(), from.on.data(),
                       t, secondStart, to.a.size());
        }
    }

    // Visits the axis' ascending positions in runs that share a linear region: at(p0, p1) with the
    // state valid for positions [p0, p1).
    template <class AtRun>
    void walk(const SortedAxis &axis, AtRun &&at)
    {
        const double *ts = axis.values.data();
        const std::int64_t count = axis.size();
        m_end = ts[count - 1];
        listFrom(0, ts[0]);
        std::int64_t flips = 0;
        for (std::int64_t p = 0; p < count;) {
            while (m_nextT <= ts[p]) {
                if (++flips > MaxFlips)
                    throw Error::internal("exact PDP walk: no progress along a line (" + std::to_string(flips)
                                          + " region boundaries)");
                cross(m_nextLevel, m_nextT);
            }
            const std::int64_t q = axis.firstNotBelow(p + 1, m_nextT);
            at(p, q);
            p = q;
        }
    }

    // The response's affine map along the line in the current region, when it is one (a single
    // raw output).
    bool affine(double &a, double &s) const
    {
        const Level &o = m_levels.back();
        if (o.a.size() != 1 || m_net.response != ReluNetwork::Response::Raw)
            return false;
        a = o.a[0];
        s = o.s[0];
        return true;
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

    // Level l + 1's maps from level l's active units: sums of their weight columns, or for a
    // narrow level (the output) masked dot products with its weight rows.
    void forwardLevel(std::size_t l)
    {
        const Level &u = m_levels[l];
        Level &v = m_levels[l + 1];
        const ReluNetwork::Layer &layer = m_net.layers[l + 1];
        const std::size_t wIn = u.a.size(), w = std::size_t(layer.outputs);
        if (w < 8) {
            for (std::size_t o = 0; o < w; ++o) {
                const double *row = layer.weight.data() + o * wIn;
                v.a[o] = layer.bias[o] + maskedDot(u.on.data(), u.a.data(), row, wIn);
                v.s[o] = maskedDot(u.on.data(), u.s.data(), row, wIn);
                if (m_second)
                    v.s2[o] = maskedDot(u.on.data(), u.s2.data(), row, wIn);
            }
            return;
        }
        std::copy(layer.bias.begin(), layer.bias.end(), v.a.begin());
        std::fill(v.s.begin(), v.s.end(), 0.0);
        m_active.clear();
        for (std::size_t h = 0; h < wIn; ++h)
            if (u.on[h] != 0.0)
                m_active.push_back(std::int32_t(h));
        addActiveColumns(layer.weightT.data(), w, m_active.data(), m_active.size(), u.a.data(), u.s.data(), v.a.data(),
                         v.s.data());
        if (m_second) {
            std::fill(v.s2.begin(), v.s2.end(), 0.0);
            for (std::int32_t h : m_active)
                for (std::size_t o = 0; o < w; ++o)
                    v.s2[o] += u.s2[std::size_t(h)] * layer.weightT[std::size_t(h) * w + o];
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
            std::fill(u.bits.begin(), u.bits.end(), 0);
            markCandidates(u.a.data(), u.s.data(), u.on.data(), now, bound, u.a.size(), u.bits.data());
            for (std::size_t word = 0; word < u.bits.size(); ++word)
                for (std::uint64_t b = u.bits[word]; b; b &= b - 1) {
                    const std::size_t h = word * 64 + std::size_t(__builtin_ctzll(b));
                    const double t = eventTime(u.a[h], u.s[h], u.on[h] != 0.0, now);
                    if (t <= bound)
                        u.events.push_back({t, std::int32_t(h)});
                }
            std::sort(u.events.begin(), u.events.end());
            u.refreshHead();
            bound = std::min(bound, u.head());
        }
        // The earliest boundary over all levels; ties go to the shallowest.
        m_nextT = Never;
        for (std::size_t k = 0; k + 1 < m_levels.size(); ++k)
            if (m_levels[k].head() < m_nextT) {
                m_nextT = m_levels[k].head();
                m_nextLevel = k;
            }
    }

    // The region boundary where hidden level l's next unit changes side.
    void cross(std::size_t l, double now)
    {
        Level &u = m_levels[l];
        const std::int32_t h = u.events[u.next++].unit;
        u.on[std::size_t(h)] = 1.0 - u.on[std::size_t(h)];
        propagate(l, std::size_t(h));
        const double again = eventTime(u.a[std::size_t(h)], u.s[std::size_t(h)], u.on[std::size_t(h)] != 0.0, now);
        if (again <= u.bound) {
            const Event e{again, h};
            u.events.insert(std::upper_bound(u.events.begin() + std::ptrdiff_t(u.next), u.events.end(), e), e);
        }
        u.refreshHead();
        listFrom(l + 1, now);
    }

    // Unit h of level l was switched. Every map below changes along one direction, scaled by the
    // unit's own (a, s, s2): the unit's weight column for the next level, then that direction
    // through each further level's mask and weights.
    void propagate(std::size_t l, std::size_t h)
    {
        const Level &u = m_levels[l];
        const double sign = u.on[h] != 0.0 ? 1.0 : -1.0;
        const double ua = sign * u.a[h], us = sign * u.s[h], us2 = m_second ? sign * u.s2[h] : 0.0;
        const ReluNetwork::Layer &next = m_net.layers[l + 1];
        const double *dir = next.weightT.data() + std::int64_t(h) * next.outputs;
        for (std::size_t k = l + 1;; ++k) {
            Level &v = m_levels[k];
            if (v.a.size() == 1) { // the usual single output: no call
                v.a[0] += ua * dir[0];
                v.s[0] += us * dir[0];
                if (m_second)
                    v.s2[0] += us2 * dir[0];
            } else {
                addDirection(v.a.data(), v.s.data(), m_second ? v.s2.data() : nullptr, dir, ua, us, us2, v.a.size());
            }
            if (k + 1 == m_levels.size())
                return;
            const ReluNetwork::Layer &layer = m_net.layers[k + 1];
            const std::size_t wIn = v.a.size(), wOut = std::size_t(layer.outputs);
            double *e = dir == m_d.data() ? m_e.data() : m_d.data();
            for (std::size_t o = 0; o < wOut; ++o)
                e[o] = maskedDot(v.on.data(), dir, layer.weight.data() + o * wIn, wIn);
            dir = e;
        }
    }

    const ReluNetwork &m_net;
    bool m_second;
    std::vector<Level> m_levels; // one per layer; the last is the output (no mask)
    std::vector<double> m_d, m_e, m_y;
    std::vector<std::int32_t> m_active; // scratch of forwardLevel
    double m_end = 0.0;
    double m_nextT = Never;     // the next boundary, in level m_nextLevel
    std::size_t m_nextLevel = 0;
};

// The grid as lines: one line along the first feature (1-D), or one line along the second
// feature per first-feature value (2-D). Walks a row line by line.
class GridWalk {
public:
    GridWalk(const ReluNetwork &net, const std::vector<int> &features, const std::vector<std::vector<double>> &axes)
        : m_features(features)
        , m_first(axes[0])
        , m_second(features.size() == 2 ? axes[1] : std::vector<double>{0.0})
        , m_along(net, features.size() == 2)
        , m_across(net, false)
    {
    }

    bool twoD() const { return m_features.size() == 2; }
    std::int64_t lines() const { return twoD() ? m_first.size() : 1; }
    const SortedAxis &lineAxis() const { return twoD() ? m_second : m_first; }
    // Output index of (sorted line, sorted position on it).
    std::int64_t point(std::int64_t line, std::int64_t q) const
    {
        return twoD() ? m_first.slot[std::size_t(line)] * m_second.size() + m_second.slot[std::size_t(q)]
                      : m_first.slot[std::size_t(q)];
    }

    // visit(line, walker, q0, q1): the walker's state holds on lineAxis() positions [q0, q1).
    template <class Visit>
    void row(const float *row, Visit &&visit)
    {
        if (!twoD()) {
            m_along.start(row, m_features[0], -1, 0.0, m_first.values[0]);
            m_along.walk(m_first, [&](std::int64_t q0, std::int64_t q1) { visit(0, m_along, q0, q1); });
            return;
        }
        const double kStart = m_second.values[0];
        m_along.start(row, m_features[0], m_features[1], kStart, m_first.values[0]);
        m_along.walk(m_first, [&](std::int64_t p0, std::int64_t p1) {
            for (std::int64_t p = p0; p < p1; ++p) {
                m_across.startAcross(m_along, m_first.values[std::size_t(p)], kStart);
                m_across.walk(m_second, [&](std::int64_t q0, std::int64_t q1) { visit(p, m_across, q0, q1); });
            }
        });
    }

private:
    std::vector<int> m_features;
    SortedAxis m_first, m_second;
    Walker m_along, m_across;
};

// Sums over rows per grid point, in sorted coordinates. A run of positions in one linear region
// adds its affine map to difference arrays (O(1) per run, origin at the line's middle so that far
// grids do not cancel digits); responses that are not affine along the line add point by point.
class RunSums {
public:
    RunSums(std::int64_t lines, const SortedAxis &axis)
        : m_axis(axis)
        , m_len(axis.size())
        , m_origin(0.5 * (axis.values.front() + axis.values.back()))
        , m_value(std::size_t(lines * (m_len + 1)), 0.0)
        , m_slope(std::size_t(lines * (m_len + 1)), 0.0)
        , m_dense(std::size_t(lines * m_len), 0.0)
    {
    }

    void add(std::int64_t line, Walker &w, std::int64_t q0, std::int64_t q1)
    {
        double a = 0.0, s = 0.0;
        if (w.affine(a, s)) {
            const double at = a + s * m_origin;
            double *v = m_value.data() + line * (m_len + 1), *d = m_slope.data() + line * (m_len + 1);
            v[q0] += at;
            v[q1] -= at;
            d[q0] += s;
            d[q1] -= s;
            return;
        }
        double *dense = m_dense.data() + line * m_len;
        for (std::int64_t q = q0; q < q1; ++q)
            dense[q] += w.response(m_axis.values[std::size_t(q)]);
    }

    void merge(const RunSums &o)
    {
        for (std::size_t k = 0; k < m_value.size(); ++k) {
            m_value[k] += o.m_value[k];
            m_slope[k] += o.m_slope[k];
        }
        for (std::size_t k = 0; k < m_dense.size(); ++k)
            m_dense[k] += o.m_dense[k];
    }

    // Sum at (line, q), reading the difference arrays as running totals.
    template <class Put>
    void read(Put &&put) const
    {
        for (std::int64_t line = 0; line < std::int64_t(m_dense.size()) / m_len; ++line) {
            double v = 0.0, d = 0.0;
            for (std::int64_t q = 0; q < m_len; ++q) {
                v += m_value[std::size_t(line * (m_len + 1) + q)];
                d += m_slope[std::size_t(line * (m_len + 1) + q)];
                put(line, q, v + d * (m_axis.values[std::size_t(q)] - m_origin) + m_dense[std::size_t(line * m_len + q)]);
            }
        }
    }

private:
    const SortedAxis &m_axis;
    std::int64_t m_len;
    double m_origin;
    std::vector<double> m_value, m_slope, m_dense;
};

void checkGrid(const ReluNetwork &net, std::int64_t width, const std::vector<int> &features,
               const std::vector<std::vector<double>> &axes)
{
    if (net.layers.empty() || net.inputWidth() != width || features.empty() || features.size() > 2
        || axes.size() != features.size())
        throw Error::internal("walkGrid: network, features and axes do not fit together");
    for (const auto &axis : axes)
        if (axis.empty())
            throw Error::internal("walkGrid: empty axis");
}

// Rows in blocks (progress and cancellation between them), rows of a block in parallel.
template <class Block>
void inBlocks(std::int64_t n, std::int64_t block, Progress &progress, const CancelToken &cancel, Block &&run)
{
    for (std::int64_t begin = 0; begin < n; begin += block) {
        cancel.throwIfCancelled();
        const std::int64_t end = std::min(n, begin + block);
        run(begin, end);
        progress.update(end, n);
    }
}

} // namespace

void walkGrid(const ReluNetwork &net, const float *rows, std::int64_t n, std::int64_t width,
              const std::vector<int> &features, const std::vector<std::vector<double>> &axes, const TakeRowValues &take,
              Progress &progress, const CancelToken &cancel)
{
    checkGrid(net, width, features, axes);
    std::int64_t points = 1;
    for (const auto &a : axes)
        points *= std::int64_t(a.size());
    std::vector<float> values;
    // About 1 MB of values per block: bounded memory.
    inBlocks(n, std::max<std::int64_t>(1, (1 << 18) / points), progress, cancel, [&](std::int64_t begin, std::int64_t end) {
        values.resize(std::size_t((end - begin) * points));
        at::parallel_for(begin, end, 1, [&](std::int64_t b, std::int64_t e) {
            GridWalk grid(net, features, axes);
            const SortedAxis &axis = grid.lineAxis();
            for (std::int64_t r = b; r < e; ++r) {
                float *out = values.data() + (r - begin) * points;
                grid.row(rows + r * width, [&](std::int64_t line, Walker &w, std::int64_t q0, std::int64_t q1) {
                    double a = 0.0, s = 0.0;
                    if (w.affine(a, s)) {
                        for (std::int64_t q = q0; q < q1; ++q)
                            out[grid.point(line, q)] = float(a + s * axis.values[std::size_t(q)]);
                        return;
                    }
                    for (std::int64_t q = q0; q < q1; ++q)
                        out[grid.point(line, q)] = float(w.response(axis.values[std::size_t(q)]));
                });
            }
        });
        take(begin, end, values.data());
    });
}

std::vector<double> walkGridSums(const ReluNetwork &net, const float *rows, std::int64_t n, std::int64_t width,
                                 const std::vector<int> &features, const std::vector<std::vector<double>> &axes,
                                 Progress &progress, const CancelToken &cancel)
{
    checkGrid(net, width, features, axes);
    const GridWalk shape(net, features, axes);
    const SortedAxis &axis = shape.lineAxis();
    // Each parallel task takes a partial sum from the pool and gives it back, so no two threads
    // add into the same one.
    std::mutex mutex;
    std::vector<std::unique_ptr<RunSums>> pool;
    // Rows per block: a few milliseconds of work between progress reports and cancellation checks.
    const std::int64_t block = std::max<std::int64_t>(1, 8 * std::max(1, at::get_num_threads()) * (1 << 14)
                                                             / (shape.lines() * axis.size()));
    inBlocks(n, block, progress, cancel, [&](std::int64_t begin, std::int64_t end) {
        at::parallel_for(begin, end, 1, [&](std::int64_t b, std::int64_t e) {
            std::unique_ptr<RunSums> mine;
            {
                const std::lock_guard<std::mutex> lock(mutex);
                if (!pool.empty()) {
                    mine = std::move(pool.back());
                    pool.pop_back();
                }
            }
            if (!mine)
                mine = std::make_unique<RunSums>(shape.lines(), axis);
            GridWalk grid(net, features, axes);
            for (std::int64_t r = b; r < e; ++r)
                grid.row(rows + r * width, [&](std::int64_t line, Walker &w, std::int64_t q0, std::int64_t q1) {
                    mine->add(line, w, q0, q1);
                });
            const std::lock_guard<std::mutex> lock(mutex);
            pool.push_back(std::move(mine));
        });
    });
    RunSums total(shape.lines(), axis);
    for (const auto &part : pool)
        total.merge(*part);
    std::vector<double> out(std::size_t(shape.lines() * axis.size()));
    total.read([&](std::int64_t line, std::int64_t q, double v) { out[std::size_t(shape.point(line, q))] = v; });
    return out;
}

} // namespace gb::tabular
