// SPDX-License-Identifier: MIT
#include "io/tensor_view.h"

#include "common/error.h"
#include "common/torch_guard.h"
#include "io/mapped_file.h"

#include <ATen/ATen.h>

#include <cstring>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "stored tensors are little-endian and get aliased");

namespace gb {

at::Tensor widenHalf(const at::Tensor &t)
{
    const auto s = t.scalar_type();
    return s == at::kHalf || s == at::kBFloat16 ? t.to(at::kFloat) : t;
}

at::Tensor mappedTensor(const std::shared_ptr<const MappedFile> &file, const unsigned char *src, DType dtype,
    const std::vector<std::int64_t> &shape, const std::string &context)
{
    return torchGuard(context, [&] {
        const auto options = at::TensorOptions().dtype(scalarTypeOf(dtype));
        at::Tensor t;
        if (reinterpret_cast<std::uintptr_t>(src) % byteSize(dtype) == 0) {
            std::shared_ptr<const MappedFile> keep = file;
            t = at::from_blob(
                const_cast<unsigned char *>(src), shape, [keep](void *) {}, options);
        } else {
            // Third-party writers need not align data; ATen requires element alignment.
            t = at::empty(shape, options);
            std::memcpy(t.data_ptr(), src, t.nbytes());
        }
        return widenHalf(t);
    });
}

void checkShape(
    const std::vector<std::int64_t> &actual, const std::vector<std::int64_t> &expected, const std::string &context)
{
    if (!expected.empty() && actual != expected)
        throw Error::badInput(context + " has shape " + shapeText(actual) + ", expected " + shapeText(expected));
}

at::Tensor toFloat(const at::Tensor &t, const std::string &context)
{
    return t.scalar_type() == at::kFloat ? t : torchGuard(context, [&] { return t.to(at::kFloat); });
}

} // namespace gb
