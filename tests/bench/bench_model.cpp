// SPDX-License-Identifier: MIT
// Model runtime benchmark: load time and resident memory of a GPT-2-small-shaped checkpoint
// (124M parameters, random float32 weights), and forward tokens/s at batch x tokens against the
// same architecture in eager PyTorch (bench_model_torch.py), side by side in one run.
//
//   bench_model [--threads 1,2] [--batch 8] [--tokens 128] [--iters 5] [--keep DIR]
//
// The checkpoint is written by a child process and loaded by another, so neither the writer's
// heap nor this process's earlier allocations distort the memory figures.
#include "models/transformermodel.h"
#include "system/compute.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

/// CPU seconds of this process (all threads): stable on a shared machine where wall time is not.
double cpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

struct Timing {
    double wall = 0, cpu = 0; ///< medians, seconds
};

double rssMb()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stod(line.substr(6)) / 1024.0;
    return 0.0;
}

std::string run(const std::string &command)
{
    std::string out;
    if (FILE *p = popen(command.c_str(), "r")) {
        char buf[4096];
        while (std::size_t n = fread(buf, 1, sizeof buf, p))
            out.append(buf, n);
        if (pclose(p) != 0)
            std::cerr << "command failed: " << command << "\n";
    }
    return out;
}

std::string arg(int argc, char **argv, const std::string &name, const std::string &fallback)
{
    for (int i = 1; i + 1 < argc; ++i)
        if (argv[i] == name)
            return argv[i + 1];
    return fallback;
}

gb::ModelConfig gpt2Small()
{
    return gb::ModelConfig::fromJson(gb::Json::parse(R"({"model_type":"gpt2"})"), "gpt2-small");
}

/// Child: load, then touch every weight with a one-token forward, then run one full batch.
int measureLoad(const std::string &dir, int batch, int tokens)
{
    gb::setComputeThreads(0);
    const double rss0 = rssMb();
    const auto start = Clock::now();
    const auto model = gb::TransformerModel::load(dir);
    const double loadS = seconds(start);
    const double rssLoaded = rssMb();
    model->logits(at::zeros({1, 1}, at::kLong));
    const double rssTouched = rssMb();
    model->logits(at::zeros({batch, tokens}, at::kLong));
    const double rssBatch = rssMb();
    std::printf("%.6f %.1f %.1f %.1f %.1f\n", loadS, rss0, rssLoaded, rssTouched, rssBatch);
    return 0;
}

Timing medianForward(const gb::TransformerModel &model, const at::Tensor &ids, int iters, const gb::ForwardOptions &options)
{
    gb::ForwardInput in;
    in.tokens = ids;
    model.forward(in, options); // warm-up
    std::vector<double> wall, cpu;
    for (int i = 0; i < iters; ++i) {
        const auto t = Clock::now();
        const double c = cpuSeconds();
        model.forward(in, options);
        wall.push_back(seconds(t));
        cpu.push_back(cpuSeconds() - c);
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    return {wall[wall.size() / 2], cpu[cpu.size() / 2]};
}

} // namespace

int main(int argc, char **argv)
{
    const std::string self = fs::canonical("/proc/self/exe").string();
    const int batch = std::stoi(arg(argc, argv, "--batch", "8"));
    const int tokens = std::stoi(arg(argc, argv, "--tokens", "128"));
    if (argc >= 3 && std::string(argv[1]) == "--make") {
        gb::TransformerModel::random(gpt2Small(), 1)->save(argv[2]);
        return 0;
    }
    if (argc >= 3 && std::string(argv[1]) == "--measure-load")
        return measureLoad(argv[2], batch, tokens);

    const int iters = std::stoi(arg(argc, argv, "--iters", "5"));
    const std::string threadList = arg(argc, argv, "--threads", "1,2");
    const std::string keep = arg(argc, argv, "--keep", "");
    const fs::path dir = keep.empty() ? fs::temp_directory_path() / ("glassbox-bench-gpt2-" + std::to_string(getpid())) : fs::path(keep);
    const std::string script = std::string(GLASSBOX_SOURCE_DIR) + "/tests/bench/bench_model_torch.py";

    auto t = Clock::now();
    if (!fs::exists(dir / "model.safetensors"))
        run("'" + self + "' --make '" + dir.string() + "'");
    const double makeS = seconds(t);
    const double fileMb = double(fs::file_size(dir / "model.safetensors")) / (1024.0 * 1024.0);
    std::printf("checkpoint: %s (%.1f MiB, %.1f M parameters, written in %.1f s)\n", dir.c_str(), fileMb,
                double(gpt2Small().parameterCount()) / 1e6, makeS);

    std::istringstream load(run("'" + self + "' --measure-load '" + dir.string() + "' --batch " + std::to_string(batch)
                                + " --tokens " + std::to_string(tokens)));
    double loadS, rss0, rssLoaded, rssTouched, rssBatch;
    load >> loadS >> rss0 >> rssLoaded >> rssTouched >> rssBatch;
    std::printf("load: %.3f s (warm page cache); RSS growth: after load %.1f MiB, all weights touched %.1f MiB "
                "(%.3fx file), after a %dx%d forward %.1f MiB (%.3fx file)\n",
                loadS, rssLoaded - rss0, rssTouched - rss0, (rssTouched - rss0) / fileMb, batch, tokens,
                rssBatch - rss0, (rssBatch - rss0) / fileMb);

    const auto model = gb::TransformerModel::load(dir.string());
    const at::Tensor ids = at::randint(0, model->config().vocabSize, {batch, tokens}, at::kLong);
    std::stringstream list(threadList);
    std::string item;
    std::printf("\nTokens per second of wall time / per CPU-second (all threads):\n\n"
                "| threads | Glassbox | PyTorch eager | ratio (wall / CPU) | Glassbox, stop after blocks.5.hook_resid_post |\n"
                "|---|---|---|---|---|\n");
    while (std::getline(list, item, ',')) {
        const int threads = std::stoi(item);
        gb::setComputeThreads(threads);
        gb::ForwardOptions full;
        full.inference = true;
        // Ours before and after PyTorch, averaged, so drift in machine load hits both sides alike.
        const double n = double(batch * tokens);
        const Timing before = medianForward(*model, ids, iters, full);
        const std::string py = run("/usr/bin/python3 '" + script + "' '" + dir.string() + "' " + std::to_string(batch) + " "
                                   + std::to_string(tokens) + " " + std::to_string(threads) + " " + std::to_string(iters));
        const gb::Json pj = gb::Json::parse(py, "bench_model_torch.py");
        const Timing after = medianForward(*model, ids, iters, full);
        const double oursWall = n / (0.5 * (before.wall + after.wall)), oursCpu = n / (0.5 * (before.cpu + after.cpu));
        const double theirsWall = n / pj.find("median_s")->toDouble(), theirsCpu = n / pj.find("median_cpu_s")->toDouble();
        gb::ForwardOptions stop = full;
        stop.logits = false;
        stop.capture = {"blocks.5.hook_resid_post"};
        const Timing stopped = medianForward(*model, ids, iters, stop);
        std::printf("| %d | %.0f / %.0f | %.0f / %.0f | %.2f / %.2f | %.0f / %.0f |\n", threads, oursWall, oursCpu, theirsWall,
                    theirsCpu, oursWall / theirsWall, oursCpu / theirsCpu, n / stopped.wall, n / stopped.cpu);
        std::fflush(stdout);
    }
    const gb::ComputeInfo info = gb::computeInfo();
    std::printf("\nBLAS: %s; batch %d x %d tokens; median of %d runs after one warm-up (Glassbox: mean of the\n"
                "medians measured before and after the PyTorch run)\n",
                info.blasLibrary.c_str(), batch, tokens, iters);
    if (keep.empty())
        fs::remove_all(dir);
    return 0;
}
