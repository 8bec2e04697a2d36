// SPDX-License-Identifier: MIT
// SafetensorsFile::parseHeader on arbitrary bytes: it must either return entries that tile the
// data section or throw gb::Error, never crash, hang or read out of bounds.
#include "common/error.h"
#include "io/safetensors.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    try {
        std::map<std::string, std::string> metadata;
        const auto entries = gb::SafetensorsFile::parseHeader(reinterpret_cast<const char *>(data), size, "fuzz", &metadata);
        std::uint64_t end = 0;
        for (const auto &e : entries) {
            std::uint64_t numel = 1;
            for (std::int64_t d : e.shape)
                numel *= std::uint64_t(d);
            if (e.begin != end || e.end - e.begin != numel * gb::byteSize(e.dtype))
                std::abort(); // accepted a header that does not tile: a validation bug
            end = e.end;
        }
    } catch (const gb::Error &) {
    }
    return 0;
}
