// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

struct z_stream_s;

namespace gb {

/// The central directory of a zip archive held in memory (usually a MappedFile), validated before
/// any entry is read: every entry's bytes lie inside the archive, entries do not overlap, names are
/// unique, methods are stored (0) or deflate (8), nothing is encrypted. Zip64 records are read
/// (numpy writes them). Errors are BadInput naming `source` and the entry.
class ZipArchive {
public:
    struct Entry {
        std::string name;
        std::uint16_t method = 0; ///< 0 stored, 8 deflate
        std::uint32_t crc32 = 0;
        std::uint64_t compressedSize = 0;
        std::uint64_t size = 0; ///< uncompressed
        std::uint64_t localOffset = 0; ///< of the entry's local header
        std::uint64_t dataOffset = 0; ///< first byte of the (compressed) data in the archive
    };

    ZipArchive(const unsigned char *data, std::size_t size, std::string source);

    const std::vector<Entry> &entries() const { return m_entries; }
    const std::string &source() const { return m_source; }
    /// The entry's bytes as stored in the archive (compressed for deflate entries).
    const unsigned char *raw(const Entry &e) const { return m_data + e.dataOffset; }
    /// BadInput when the stored bytes of a method-0 entry do not match its CRC-32.
    void verifyStored(const Entry &e) const;

private:
    const unsigned char *m_data;
    std::string m_source;
    std::vector<Entry> m_entries;
};

/// Sequential reader of one entry's uncompressed bytes (stored or deflate). `finish()` checks
/// that exactly `size` bytes came out and that their CRC-32 matches, so a truncated or corrupt
/// entry is always reported.
class ZipEntryReader {
public:
    ZipEntryReader(const ZipArchive &zip, const ZipArchive::Entry &entry);
    ~ZipEntryReader();
    ZipEntryReader(const ZipEntryReader &) = delete;
    ZipEntryReader &operator=(const ZipEntryReader &) = delete;

    /// Fills `dst` with the next `n` bytes; BadInput when the entry ends or is corrupt.
    void read(void *dst, std::size_t n);
    void finish();

private:
    [[noreturn]] void fail(const std::string &what) const;
    void feedInput();

    const ZipArchive &m_zip;
    const ZipArchive::Entry &m_entry;
    std::unique_ptr<z_stream_s> m_z;
    std::uint64_t m_consumed = 0; ///< compressed bytes handed to zlib
    std::uint64_t m_produced = 0;
    unsigned long m_crc = 0;
    bool m_ended = false;
};

} // namespace gb
