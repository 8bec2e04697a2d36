// SPDX-License-Identifier: MIT
#include "demo/side_task.h"

#include <ATen/Parallel.h>

namespace gb::demo {

IntraOpThreads::IntraOpThreads(int threads)
    : m_previous(at::get_num_threads())
{
    at::set_num_threads(threads);
}

IntraOpThreads::~IntraOpThreads()
{
    at::set_num_threads(m_previous);
}

} // namespace gb::demo
