// SPDX-License-Identifier: MIT
#include "system/compute.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/csrc/api/include/torch/version.h>

#include <dlfcn.h>

#include <chrono>
#include <climits>
#include <cstdlib>
#include <thread>

namespace gb {

namespace {

std::string resolvedBlasPath()
{
    void *sym = dlsym(RTLD_DEFAULT, "sgemm_");
    if (!sym)
        return {};
    Dl_info info{};
    if (!dladdr(sym, &info) || !info.dli_fname)
        return {};
    char buf[PATH_MAX];
    if (realpath(info.dli_fname, buf))
        return buf;
    return info.dli_fname;
}

std::string classify(const std::string &path)
{
    if (path.find("openblas") != std::string::npos)
        return "openblas";
    if (path.find("mkl") != std::string::npos)
        return "mkl";
    if (path.find("blis") != std::string::npos)
        return "blis";
    if (path.find("/blas/libblas") != std::string::npos)
        return "reference";
    return "unknown";
}

} // namespace

ComputeInfo computeInfo()
{
    ComputeInfo info;
    info.blasLibrary = resolvedBlasPath();
    info.blasKind = classify(info.blasLibrary);
    info.blasIsReference = info.blasKind == "reference";
    info.threads = at::get_num_threads();
    info.cores = int(std::max(1u, std::thread::hardware_concurrency()));
    info.torchVersion = TORCH_VERSION;
    if (info.blasIsReference)
        info.warning = "libtorch uses the netlib reference BLAS (" + info.blasLibrary
                     + "): matrix products run 30-40x slower. Install libopenblas0-openmp.";
    return info;
}

void setComputeThreads(int n)
{
    if (n <= 0)
        n = int(std::max(1u, std::thread::hardware_concurrency()));
    at::set_num_threads(n);
}

double measureSgemmGflops(int m, int k, int n, double minSeconds)
{
    at::NoGradGuard noGrad;
    const auto a = at::randn({m, k});
    const auto b = at::randn({k, n});
    auto c = at::mm(a, b); // warm-up
    int reps = 0;
    const auto start = std::chrono::steady_clock::now();
    double elapsed = 0;
    do {
        at::mm_out(c, a, b);
        ++reps;
        elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    } while (elapsed < minSeconds);
    return 2.0 * m * k * double(n) * reps / elapsed / 1e9;
}

} // namespace gb
