// SPDX-License-Identifier: MIT
// The built-in demo's build time per stage (issue 8: at most 5 minutes on 2 cores).
//
//   bench_demo [--config standard|small] [--threads N] [--dir DIR]
//
// Builds the demo from nothing into DIR (default: a fresh folder under $TMPDIR, deleted at the
// end) with N intra-op threads (default 2), then prints each stage's wall time from the build's
// report, the process CPU time, the peak resident memory and the language model's throughput.
#include "demo/demo_builder.h"
#include "io/json.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"

#include <ATen/Parallel.h>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;

namespace {

double cpuSeconds(const rusage &u)
{
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

} // namespace

int main(int argc, char **argv)
{
    std::string config = "standard", dir;
    int threads = 2;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--config"))
            config = argv[i + 1];
        else if (!std::strcmp(argv[i], "--threads"))
            threads = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--dir"))
            dir = argv[i + 1];
    }
    const bool temporary = dir.empty();
    if (temporary)
        dir = (fs::temp_directory_path() / ("glassbox-bench-demo-" + std::to_string(::getpid()))).string();
    fs::remove_all(dir);
    at::set_num_threads(threads);

    std::string lastStage;
    gb::Progress progress([&](const gb::ProgressUpdate &u) {
        if (u.stage != lastStage)
            std::fprintf(stderr, "  %5.1f %%  %s\n", 100.0 * u.fraction, u.stage.c_str());
        lastStage = u.stage;
    });
    const auto start = std::chrono::steady_clock::now();
    const gb::Json report = gb::demo::buildDemo(gb::demo::DemoConfig::named(config), dir, progress, gb::CancelToken());
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);

    std::printf("demo build, config %s, %d intra-op threads\n", config.c_str(), threads);
    std::printf("| stage | wall s |\n|---|---:|\n");
    for (const auto &[name, value] : report.find("timings")->toObject())
        std::printf("| %s | %.1f |\n", name.c_str(), value.toDouble());
    const gb::Json &lm = *report.find("language_model");
    std::printf("wall %.1f s, CPU %.1f s, peak RSS %.0f MiB, LM %.0f parameters at %.0f tokens/s\n", wall,
                cpuSeconds(usage), double(usage.ru_maxrss) / 1024.0, lm.find("parameters")->toDouble(),
                lm.find("tokens_per_second")->toDouble());
    if (temporary)
        fs::remove_all(dir);
    return 0;
}
