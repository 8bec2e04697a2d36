// SPDX-License-Identifier: MIT
// The .npz path from memory: zip directory, every entry read through ZipEntryReader (stored and
// deflate), .npy headers parsed and sizes checked as NpzFile does. Errors must be gb::Error.
#include "common/error.h"
#include "io/npy.h"
#include "io/zip_reader.h"

#include <algorithm>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    try {
        const gb::ZipArchive zip(data, size, "fuzz.npz");
        for (const auto &e : zip.entries()) {
            try {
                // Bounded so a (legitimately) large declared size does not exhaust memory here.
                std::vector<unsigned char> bytes(std::size_t(std::min<std::uint64_t>(e.size, 1 << 20)));
                gb::ZipEntryReader reader(zip, e);
                reader.read(bytes.data(), bytes.size());
                if (bytes.size() == e.size)
                    reader.finish();
                if (e.method == 0)
                    zip.verifyStored(e);
                const gb::NpyHeader h = gb::parseNpyHeader(bytes.data(), bytes.size(), e.name);
                if (h.headerBytes > bytes.size())
                    std::abort(); // parseNpyHeader promised the header fits
            } catch (const gb::Error &) {
            }
        }
    } catch (const gb::Error &) {
    }
    return 0;
}
