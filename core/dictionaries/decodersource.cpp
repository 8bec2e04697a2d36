// SPDX-License-Identifier: MIT
#include "dictionaries/decodersource.h"

#include "common/error.h"
#include "common/torch_guard.h"

#include <ATen/ATen.h>

namespace gb {

TensorDecoderSource::TensorDecoderSource(at::Tensor decoder, std::vector<std::string> names)
    : m_decoder(std::move(decoder))
    , m_names(std::move(names))
{
    require(m_decoder.defined() && m_decoder.dim() == 3, "decoder",
            "expected a [heads, features, d_model] tensor");
    require(static_cast<std::int64_t>(m_names.size()) == m_decoder.size(0), "decoder",
            std::to_string(m_decoder.size(0)) + " heads but " + std::to_string(m_names.size()) + " names");
    m_decoder = torchGuard("decoder", [&] { return m_decoder.to(at::kFloat); });
}

std::int64_t TensorDecoderSource::heads() const { return m_decoder.size(0); }
std::int64_t TensorDecoderSource::features() const { return m_decoder.size(1); }
std::int64_t TensorDecoderSource::dModel() const { return m_decoder.size(2); }

at::Tensor TensorDecoderSource::decoderBlock(std::int64_t begin, std::int64_t end) const
{
    require(begin >= 0 && begin <= end && end <= features(), "decoder", "feature range out of bounds");
    return m_decoder.slice(1, begin, end);
}

} // namespace gb
