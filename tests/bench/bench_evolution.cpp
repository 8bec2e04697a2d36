// SPDX-License-Identifier: MIT
// Evolution analysis on a large memory-mapped crosscoder (issue 9): by default the paper's
// Pythia-160M shape, 98,304 features x 32 snapshots x 768 dims (W_D = 9.66 GB float32).
//
//   bench_evolution [--features F] [--snapshots S] [--dmodel D] [--dir DIR] [--keep]
//
// Generates the crosscoder once into DIR (default $TMPDIR/glassbox-bench-evolution; reused when
// present with the same shape; W_E is a sparse hole so only W_D takes disk space), then times,
// side by side in one process: a cold pass (the file's pages evicted first), warm passes with
// 1 and 2 intra-op threads and three block sizes, the summary (PSI, emergence, lifetime, turning
// point), one feature's S x S similarity and the CLI's JSON. Peak resident memory is sampled
// during each pass. DIR is deleted at the end unless --keep.
#include "common/error.h"
#include "dictionaries/crosscoder.h"
#include "dictionaries/decodersource.h"
#include "evolution/evolutiondata.h"
#include "evolution/evolutionjson.h"
#include "evolution/evolutionsummary.h"
#include "io/json.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

namespace fs = std::filesystem;

namespace {

struct Shape {
    std::int64_t S = 32, F = 98304, d = 768;
};

double now()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// Resident set size in MiB, from /proc/self/statm.
double rssMiB()
{
    long pages = 0, resident = 0;
    if (FILE *f = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        std::fclose(f);
    }
    return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1 << 20);
}

/// Samples RSS every 20 ms while alive; peak() is the largest value seen.
class RssSampler {
public:
    RssSampler() : m_peak(rssMiB()), m_thread([this] {
        while (!m_stop) {
            const double r = rssMiB();
            if (r > m_peak)
                m_peak = r;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }) {}
    ~RssSampler() { stop(); }
    double stop()
    {
        if (!m_stop.exchange(true))
            m_thread.join();
        return m_peak;
    }

private:
    std::atomic<bool> m_stop{false};
    std::atomic<double> m_peak;
    std::thread m_thread;
};

std::vector<std::string> hookPoints(std::int64_t S)
{
    // The paper's 32 Pythia steps (spec-facts 1.2); other S use evenly spaced steps.
    static const std::int64_t paper[] = {0,    2,    4,     8,     16,    32,    64,     128,    256,    512,   1000,
                                         2000, 3000, 4000,  5000,  6000,  7000,  8000,   9000,   10000,  14000, 20000,
                                         27000, 34000, 47000, 60000, 74000, 87000, 100000, 114000, 127000, 143000};
    std::vector<std::string> h;
    for (std::int64_t s = 0; s < S; ++s)
        h.push_back("step" + std::to_string(S == 32 ? paper[s] : s * 1000));
    return h;
}

void pwriteAll(int fd, const void *data, std::size_t n, std::uint64_t offset)
{
    const char *p = static_cast<const char *>(data);
    while (n > 0) {
        const ssize_t w = ::pwrite(fd, p, n, static_cast<off_t>(offset));
        if (w <= 0)
            throw std::runtime_error("write failed (disk full?)");
        p += w;
        n -= static_cast<std::size_t>(w);
        offset += static_cast<std::uint64_t>(w);
    }
}

/// Rows of one feature block at one snapshot: a Gaussian bump around the feature's peak snapshot,
/// and a direction turning from A to B around snapshot 10 (the paper's turning point).
at::Tensor blockRows(const at::Tensor &a, const at::Tensor &b, const at::Tensor &peak, std::int64_t s)
{
    const at::Tensor norm = at::exp(-at::pow((peak - static_cast<double>(s)) / 4.0, 2)) + 0.02;
    const double theta = 1.5707963 / (1.0 + std::exp(-(static_cast<double>(s) - 10.0)));
    const at::Tensor dir = a * std::cos(theta) + b * std::sin(theta);
    return (dir / dir.norm(2, {1}, true) * norm.unsqueeze(1)).contiguous();
}

void generate(const fs::path &dir, const Shape &sh)
{
    fs::create_directories(dir);
    const auto hooks = hookPoints(sh.S);
    const std::uint64_t nD = std::uint64_t(sh.S * sh.F * sh.d) * 4, nE = nD;
    const std::uint64_t nBD = std::uint64_t(sh.S * sh.d) * 4, nBE = std::uint64_t(sh.S * sh.F) * 4;
    gb::Json header = gb::Json::object();
    std::uint64_t off = 0;
    const auto add = [&](const std::string &name, std::vector<std::int64_t> shape, std::uint64_t bytes) {
        header.set(name, gb::Json::object()
                             .set("dtype", "F32")
                             .set("shape", gb::Json::arrayOf(shape))
                             .set("data_offsets", gb::Json::array().push(off).push(off + bytes)));
        off += bytes;
    };
    add("W_D", {sh.S, sh.F, sh.d}, nD);
    add("W_E", {sh.S, sh.d, sh.F}, nE);
    add("b_D", {sh.S, sh.d}, nBD);
    add("b_E", {sh.S, sh.F}, nBE);
    add("activation_function.log_jumprelu_threshold", {sh.F}, std::uint64_t(sh.F) * 4);
    for (const auto &h : hooks)
        add("dataset_average_activation_norm." + h, {}, 4);
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' ');
    const std::uint64_t dataStart = 8 + text.size();

    const std::string path = (dir / "sae_weights.safetensors").string();
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        throw std::runtime_error("cannot create " + path);
    const std::uint64_t n = text.size();
    pwriteAll(fd, &n, 8, 0);
    pwriteAll(fd, text.data(), text.size(), 8);
    at::manual_seed(0);
    const std::int64_t block = 4096;
    for (std::int64_t f0 = 0; f0 < sh.F; f0 += block) {
        const std::int64_t nf = std::min(block, sh.F - f0);
        const at::Tensor a = at::randn({nf, sh.d}), b = at::randn({nf, sh.d});
        const at::Tensor peak = at::rand({nf}) * static_cast<double>(sh.S - 1);
        for (std::int64_t s = 0; s < sh.S; ++s) {
            const at::Tensor rows = blockRows(a, b, peak, s);
            pwriteAll(fd, rows.data_ptr<float>(), std::size_t(nf * sh.d) * 4,
                      dataStart + std::uint64_t((s * sh.F + f0) * sh.d) * 4);
        }
        std::fprintf(stderr, "\rgenerating W_D: %5.1f%%", 100.0 * double(f0 + nf) / double(sh.F));
    }
    std::fprintf(stderr, "\n");
    // W_E stays a hole (reads as zeros, takes no disk); the small tensors follow it.
    std::uint64_t at = dataStart + nD + nE;
    const std::vector<float> zeros(std::size_t(std::max(sh.S * sh.F, sh.S * sh.d)), 0.0f);
    pwriteAll(fd, zeros.data(), nBD, at);
    pwriteAll(fd, zeros.data(), nBE, at += nBD);
    const std::vector<float> thr(std::size_t(sh.F), std::log(0.1f));
    pwriteAll(fd, thr.data(), thr.size() * 4, at += nBE);
    at += thr.size() * 4;
    for (std::size_t s = 0; s < hooks.size(); ++s, at += 4) {
        const float norm = 10.0f + static_cast<float>(s);
        pwriteAll(fd, &norm, 4, at);
    }
    ::close(fd);
    const gb::Json config = gb::Json::object()
                                .set("sae_type", "crosscoder")
                                .set("d_model", sh.d)
                                .set("expansion_factor", double(sh.F) / double(sh.d))
                                .set("act_fn", "jumprelu")
                                .set("norm_activation", "dataset-wise")
                                .set("hook_points", gb::Json::arrayOf(hooks));
    std::ofstream(dir / "config.json") << config.dump(1);
}

void evictFromPageCache(const std::string &path)
{
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd >= 0) {
        ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        ::close(fd);
    }
}

struct Pass {
    double seconds;
    double peakRss;
};

Pass timedPass(const gb::Crosscoder &cc, std::int64_t block, gb::EvolutionData *out = nullptr)
{
    RssSampler sampler;
    const double t0 = now();
    gb::EvolutionData d = gb::collectEvolutionData(cc, gb::Progress::null(), gb::CancelToken(), block);
    const double t = now() - t0;
    const double peak = sampler.stop();
    if (out)
        *out = std::move(d);
    return {t, peak};
}

} // namespace

int main(int argc, char **argv)
{
    Shape sh;
    fs::path dir = fs::temp_directory_path() / "glassbox-bench-evolution";
    bool keep = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
        if (a == "--features") sh.F = std::stoll(next());
        else if (a == "--snapshots") sh.S = std::stoll(next());
        else if (a == "--dmodel") sh.d = std::stoll(next());
        else if (a == "--dir") dir = next();
        else if (a == "--keep") keep = true;
        else { std::fprintf(stderr, "usage: bench_evolution [--features F] [--snapshots S] [--dmodel D] [--dir DIR] [--keep]\n"); return 2; }
    }
    try {
        const std::string weights = (dir / "sae_weights.safetensors").string();
        const double gigabytes = double(sh.S * sh.F * sh.d) * 4 / 1e9;
        bool reuse = false;
        try {
            const auto existing = gb::Crosscoder::open(dir.string());
            reuse = existing->heads() == sh.S && existing->features() == sh.F && existing->dModel() == sh.d;
        } catch (const gb::Error &) {
        }
        double t = now();
        if (!reuse)
            generate(dir, sh);
        std::printf("crosscoder: S=%lld F=%lld d=%lld, W_D %.2f GB float32 (%s in %.1f s), %s\n", (long long)sh.S,
                    (long long)sh.F, (long long)sh.d, gigabytes, reuse ? "reused" : "generated", now() - t, dir.c_str());

        at::set_num_threads(2);
        evictFromPageCache(weights);
        t = now();
        const auto cc = gb::Crosscoder::open(dir.string());
        std::printf("open + validate: %.3f s\n", now() - t);

        gb::EvolutionData data;
        const Pass cold = timedPass(*cc, 0, &data);
        std::printf("cold pass (pages evicted, 2 threads, auto block): %.2f s = %.2f GB/s, peak RSS %.0f MiB\n",
                    cold.seconds, gigabytes / cold.seconds, cold.peakRss);
        for (const int threads : {1, 2}) {
            at::set_num_threads(threads);
            for (const std::int64_t block : {std::int64_t(256), std::int64_t(0), std::int64_t(4096)}) {
                const Pass p = timedPass(*cc, block);
                std::printf("warm pass, %d thread%s, block %-5s: %.2f s = %.2f GB/s, peak RSS %.0f MiB\n", threads,
                            threads > 1 ? "s" : " ", block ? std::to_string(block).c_str() : "auto", p.seconds,
                            gigabytes / p.seconds, p.peakRss);
            }
        }
        // Reference: the same computation on rows already in process memory (no mapping, no
        // faults), over the first min(F, 8192) features.
        const std::int64_t refF = std::min<std::int64_t>(sh.F, 8192);
        const gb::TensorDecoderSource inMemory(cc->decoderBlock(0, refF).clone(), cc->headNames());
        for (const int threads : {1, 2}) {
            at::set_num_threads(threads);
            RssSampler sampler;
            const double t1 = now();
            gb::collectEvolutionData(inMemory, gb::Progress::null(), gb::CancelToken());
            const double secs = now() - t1;
            const double refGb = double(sh.S * refF * sh.d) * 4 / 1e9;
            std::printf("in-memory reference (%lld features), %d thread%s: %.3f s = %.2f GB/s\n", (long long)refF,
                        threads, threads > 1 ? "s" : "", secs, refGb / secs);
        }
        at::set_num_threads(2);
        t = now();
        const gb::EvolutionSummary s = gb::summariseEvolution(data);
        std::printf("summary (PSI, emergence, lifetime, quartile curves, turning point): %.3f s; turning point "
                    "%s -> %s\n",
                    now() - t, data.headNames[std::size_t(s.turningIndex)].c_str(),
                    data.headNames[std::size_t(s.turningIndex + 1)].c_str());
        t = now();
        const auto sim = gb::featureDirectionSimilarity(*cc, sh.F / 2);
        std::printf("one feature's S x S direction similarity: %.2f ms\n", (now() - t) * 1e3);
        t = now();
        const std::string json = gb::evolutionJson(data, s).dump(1);
        std::printf("CLI JSON (%.1f MB): %.2f s\n", double(json.size()) / 1e6, now() - t);
        std::printf("process peak RSS: %.0f MiB\n", rssMiB());
    } catch (const std::exception &e) {
        std::fprintf(stderr, "bench_evolution: %s\n", e.what());
        return 1;
    }
    if (!keep)
        fs::remove_all(dir);
    return 0;
}
