// SPDX-License-Identifier: MIT
#pragma once

#include <string>

namespace gb {

/// What the compute back end looks like on this machine: which BLAS libtorch's matrix products
/// land in, and how many intra-op threads it uses.
struct ComputeInfo {
    std::string blasLibrary;   ///< resolved path of the library providing sgemm_
    std::string blasKind;      ///< "openblas", "reference" (netlib), "mkl", "blis" or "unknown"
    bool blasIsReference = false;
    int threads = 1;           ///< at::get_num_threads()
    int cores = 1;             ///< hardware concurrency
    std::string torchVersion;
    std::string warning;       ///< non-empty when the set-up will be slow (reference BLAS)
};

ComputeInfo computeInfo();

/// Sets libtorch's intra-op thread count; n <= 0 means one per core. Call once at start-up,
/// before worker threads run torch code. There is one level of parallelism: jobs run on one
/// worker, torch uses the cores.
void setComputeThreads(int n);

/// Measures single-precision matrix-multiply throughput (GFLOP/s) for an [m,k] x [k,n] product.
double measureSgemmGflops(int m, int k, int n, double minSeconds = 0.3);

} // namespace gb
