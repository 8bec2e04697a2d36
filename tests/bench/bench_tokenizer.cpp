// SPDX-License-Identifier: MIT
// Tokenizer throughput on one core: load time, encodeIds (cold and warm merge cache), encode with
// spans and display text, decode.
//
//   bench_tokenizer MODEL_DIR [TEXT_FILE] [MEGABYTES]
//
// MODEL_DIR holds tokenizer.json or vocab.json + merges.txt (GPT-2's). Without TEXT_FILE the
// text is Debian's /usr/share/doc/*/copyright files, concatenated up to MEGABYTES (default 8).
#include "common/error.h"
#include "tokenize/tokenizer_loader.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

// Wall and CPU time of one phase: on a shared machine the CPU time is the honest one-core figure.
struct Timer {
    std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
    double cpu = cpuNow();

    static double cpuNow()
    {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
    }
    std::pair<double, double> elapsed() const
    {
        return {std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count(), cpuNow() - cpu};
    }
};

void report(const char *what, double mb, std::pair<double, double> t, const char *note)
{
    std::printf("%-15s %8.2f MB/s CPU  %8.2f MB/s wall  (%.3f s CPU, %.3f s wall%s%s)\n", what, mb / t.second,
                mb / t.first, t.second, t.first, note[0] ? ", " : "", note);
}

std::string readFile(const std::filesystem::path &p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string copyrightCorpus(std::size_t limit)
{
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    for (const auto &e : std::filesystem::directory_iterator("/usr/share/doc", ec))
        if (std::filesystem::is_regular_file(e.path() / "copyright", ec))
            files.push_back(e.path() / "copyright");
    std::sort(files.begin(), files.end());
    std::string text;
    for (const auto &f : files) {
        if (text.size() >= limit)
            break;
        text += readFile(f);
    }
    text.resize(std::min(text.size(), limit));
    return text;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_tokenizer MODEL_DIR [TEXT_FILE] [MEGABYTES]\n");
        return 2;
    }
    try {
        const double megabytes = argc > 3 ? std::atof(argv[3]) : 8.0;
        const std::string text = argc > 2 && argv[2][0] ? readFile(argv[2]) : copyrightCorpus(std::size_t(megabytes * 1048576));
        const double mb = double(text.size()) / 1048576.0;

        Timer t;
        auto tokenizer = gb::loadTokenizer(argv[1]);
        const auto load = t.elapsed();

        t = Timer();
        const auto ids = tokenizer->encodeIds(text);
        const auto cold = t.elapsed();
        t = Timer();
        const auto again = tokenizer->encodeIds(text);
        const auto warm = t.elapsed();
        t = Timer();
        const auto tokens = tokenizer->encode(text);
        const auto spans = t.elapsed();
        t = Timer();
        const std::string decoded = tokenizer->decode(ids);
        const auto decode = t.elapsed();
        if (again != ids || decoded != text || tokens.size() != ids.size()) {
            std::fprintf(stderr, "bench_tokenizer: inconsistent results\n");
            return 1;
        }
        std::printf("text %.2f MB, %zu tokens (%.2f bytes/token), tokenizer %s\n", mb, ids.size(),
                    double(text.size()) / double(ids.size()), gb::findTokenizerFiles(argv[1]).describe().c_str());
        std::printf("load            %.3f s CPU, %.3f s wall\n", load.second, load.first);
        report("encodeIds cold", mb, cold, "empty merge cache");
        report("encodeIds warm", mb, warm, "");
        report("encode + spans", mb, spans, "display text and offsets");
        report("decode", mb, decode, "");
        return 0;
    } catch (const gb::Error &e) {
        std::fprintf(stderr, "bench_tokenizer: %s\n", e.what());
        return 2;
    }
}
