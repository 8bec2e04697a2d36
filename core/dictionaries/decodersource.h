// SPDX-License-Identifier: MIT
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gb {

/// A dictionary whose decoder has one matrix per "head": the snapshots of a checkpoint crosscoder
/// or the two models of a model-diffing crosscoder. Analyses read it in blocks of features, so a
/// decoder larger than memory (98,304 features x 32 snapshots x 768 dims = 9.6 GB float32) is
/// streamed from its memory-mapped file.
///
/// Thread contract: const methods may be called from any one thread at a time per object.
class DecoderSource {
public:
    virtual ~DecoderSource() = default;

    virtual std::int64_t heads() const = 0;
    virtual std::int64_t features() const = 0;
    virtual std::int64_t dModel() const = 0;
    /// One name per head: the hook points ("step1000") or the model names.
    virtual std::vector<std::string> headNames() const = 0;
    /// Decoder rows of features [begin, end) for every head, float32 `[heads, end - begin, dModel]`.
    /// May be a read-only view into a file mapping: clone before modifying.
    virtual at::Tensor decoderBlock(std::int64_t begin, std::int64_t end) const = 0;
    /// Says the rows of [begin, end) will be asked for next, so a memory-mapped source can start
    /// reading them from disk while the current block is computed.
    virtual void prefetchBlock(std::int64_t begin, std::int64_t end) const
    {
        (void)begin;
        (void)end;
    }
    /// Says the rows of [begin, end) will not be read again soon, so a memory-mapped source can
    /// return their pages to the page cache and keep the process's resident set small.
    virtual void releaseBlock(std::int64_t begin, std::int64_t end) const
    {
        (void)begin;
        (void)end;
    }
};

/// A decoder held in memory, `[heads, features, dModel]` (a crosscoder being trained, tests).
class TensorDecoderSource : public DecoderSource {
public:
    /// BadInput when `decoder` is not 3-D or `names` does not have one entry per head.
    TensorDecoderSource(at::Tensor decoder, std::vector<std::string> names);

    std::int64_t heads() const override;
    std::int64_t features() const override;
    std::int64_t dModel() const override;
    std::vector<std::string> headNames() const override { return m_names; }
    at::Tensor decoderBlock(std::int64_t begin, std::int64_t end) const override;

private:
    at::Tensor m_decoder;
    std::vector<std::string> m_names;
};

} // namespace gb
