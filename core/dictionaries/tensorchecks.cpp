// SPDX-License-Identifier: MIT
#include "dictionaries/tensorchecks.h"

#include "common/error.h"
#include "common/torch_guard.h"

#include <ATen/ATen.h>

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

namespace gb {

namespace {

bool isFloat(DType t) { return t == DType::F32 || t == DType::F16 || t == DType::BF16 || t == DType::F64; }

/// Start of the tensor's bytes in the mapping: the data section follows the 8-byte header length
/// and the header (spec-facts 4).
const unsigned char *tensorBytes(const SafetensorsFile &file, const TensorEntry &e)
{
    std::uint64_t headerLength = 0;
    std::memcpy(&headerLength, file.mappedData(), 8);
    return file.mappedData() + 8 + headerLength + e.begin;
}

/// Element strides of (head, row, k) for either layout.
std::vector<std::int64_t> rowBlockStrides(const TensorEntry &e, int rowsDim)
{
    const std::int64_t d = e.shape[2];
    if (rowsDim == 1) // [heads, rows, d]
        return {e.shape[1] * d, d, 1};
    return {d, e.shape[1] * d, 1}; // [rows, heads, d]
}

} // namespace

const TensorEntry &checkFloatTensor(const SafetensorsFile &file, const std::string &name,
                                    const std::vector<ExpectedDim> &dims, const std::string &layout)
{
    const std::string where = file.path() + ": " + name;
    if (!file.contains(name))
        throw Error::badInput(file.path() + ": missing tensor '" + name + "' " + layout);
    const TensorEntry &e = file.entry(name);
    const auto fail = [&](const std::string &what) { throw Error::badInput(where + " " + what); };
    if (!isFloat(e.dtype))
        fail(std::string("has dtype ") + toString(e.dtype) + "; expected a floating-point type (F32, F16, BF16 or F64)");
    std::vector<std::int64_t> expected;
    for (const auto &d : dims)
        expected.push_back(d.size);
    const std::string expectation = "expected " + layout + " = " + shapeText(expected);
    if (e.shape.size() != dims.size())
        fail("has shape " + shapeText(e.shape) + ", " + expectation);
    for (std::size_t i = 0; i < dims.size(); ++i)
        if (e.shape[i] != dims[i].size)
            fail("dim " + std::to_string(i) + " is " + std::to_string(e.shape[i]) + ", but " + dims[i].because + " (" +
                 expectation + ")");
    return e;
}

void requireFinite(const at::Tensor &t, const std::string &what)
{
    const at::Tensor bad = torchGuard(what, [&] { return at::logical_not(at::isfinite(t)).flatten(); });
    if (!bad.any().item<bool>())
        return;
    const std::int64_t i = bad.nonzero().flatten()[0].item<std::int64_t>();
    const double v = t.flatten()[i].item<double>();
    throw Error::badInput(what + (t.dim() ? "[" + std::to_string(i) + "]" : "") + " is " +
                          (std::isnan(v) ? "NaN" : "infinite"));
}

at::Tensor mappedRowBlock(const std::shared_ptr<SafetensorsFile> &file, const std::string &name, int rowsDim,
                          std::int64_t begin, std::int64_t n)
{
    const TensorEntry &e = file->entry(name);
    const std::int64_t heads = e.shape[rowsDim == 1 ? 0 : 1], d = e.shape[2];
    const auto strides = rowBlockStrides(e, rowsDim);
    const std::size_t elem = byteSize(e.dtype);
    auto *first = const_cast<unsigned char *>(tensorBytes(*file, e)) +
                  static_cast<std::size_t>(begin * strides[1]) * elem;
    return torchGuard(file->path() + ": rows of " + name, [&] {
        const auto options = at::TensorOptions().dtype(scalarTypeOf(e.dtype));
        if (n == 0)
            return at::empty({heads, 0, d}, at::kFloat);
        if (reinterpret_cast<std::uintptr_t>(first) % elem == 0) {
            // The deleter holds the file (and so the mapping) while the view lives.
            std::shared_ptr<SafetensorsFile> keep = file;
            const at::Tensor view = at::from_blob(first, {heads, n, d}, strides, [keep](void *) {}, options);
            return e.dtype == DType::F32 ? view : view.to(at::kFloat);
        }
        // Unaligned data (a third-party writer): copy the rows' byte span, then view it.
        const std::int64_t span = (heads - 1) * strides[0] + (n - 1) * strides[1] + d;
        at::Tensor raw = at::empty({span}, options);
        std::memcpy(raw.data_ptr(), first, static_cast<std::size_t>(span) * elem);
        return raw.as_strided({heads, n, d}, strides).to(at::kFloat);
    });
}

void adviseMappedRows(const SafetensorsFile &file, const std::string &name, int rowsDim, std::int64_t begin,
                      std::int64_t n, RowAdvice advice)
{
    const TensorEntry &e = file.entry(name);
    const auto strides = rowBlockStrides(e, rowsDim);
    const std::int64_t heads = e.shape[rowsDim == 1 ? 0 : 1];
    const std::size_t elem = byteSize(e.dtype);
    const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
    const unsigned char *base = tensorBytes(file, e);
    const int how = advice == RowAdvice::Release ? MADV_DONTNEED
                    : advice == RowAdvice::Populate ? MADV_POPULATE_READ
                                                    : MADV_WILLNEED;
    // [rows, heads, d]: the block is one contiguous span; [heads, rows, d]: one span per head.
    const std::int64_t spans = rowsDim == 1 ? heads : 1;
    const std::int64_t spanElems = rowsDim == 1 ? n * e.shape[2] : n * heads * e.shape[2];
    for (std::int64_t h = 0; h < spans; ++h) {
        const auto lo = reinterpret_cast<std::uintptr_t>(base) +
                        static_cast<std::uintptr_t>((h * strides[0] + begin * strides[1]) * elem);
        const auto hi = lo + static_cast<std::uintptr_t>(spanElems) * elem;
        // Releasing keeps the edge pages a neighbouring block may share; reading covers them.
        const std::uintptr_t from = advice == RowAdvice::Release ? (lo + page - 1) / page * page : lo / page * page;
        const std::uintptr_t to = advice == RowAdvice::Release ? hi / page * page : (hi + page - 1) / page * page;
        // Advice only: a kernel without MADV_POPULATE_READ (before 5.14) faults the pages in later.
        if (to > from)
            ::madvise(reinterpret_cast<void *>(from), to - from, how);
    }
}

} // namespace gb
