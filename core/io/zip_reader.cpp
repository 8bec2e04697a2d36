// SPDX-License-Identifier: MIT
// Zip structures from PKWARE's APPNOTE.TXT (sections 4.3.6-4.3.16 and 4.5.3 for Zip64). The
// central directory is the source of truth; local headers are only used to find the data.
#include "io/zip_reader.h"

#include "common/error.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <set>

namespace gb {

namespace {

constexpr std::uint32_t kLocalSig = 0x04034b50;
constexpr std::uint32_t kCentralSig = 0x02014b50;
constexpr std::uint32_t kEndSig = 0x06054b50;
constexpr std::uint32_t kEnd64Sig = 0x06064b50;
constexpr std::uint32_t kEnd64LocatorSig = 0x07064b50;
constexpr std::size_t kEndSize = 22;
// Deflate cannot expand data by more than about 1032:1; a larger claim is a corrupt directory.
constexpr std::uint64_t kMaxDeflateRatio = 1100;

/// Bounds-checked little-endian reads from the archive.
class Cursor {
public:
    Cursor(const unsigned char *data, std::size_t size, const std::string &source)
        : m_data(data)
        , m_size(size)
        , m_source(source)
    { }
    void require(std::uint64_t pos, std::uint64_t n, const std::string &what) const
    {
        if (pos > m_size || n > m_size - pos)
            throw Error::badInput(m_source + ": " + what + " runs past the end of the archive (truncated?)");
    }
    template <typename T> T at(std::uint64_t pos) const
    {
        T v;
        std::memcpy(&v, m_data + pos, sizeof v);
        return v;
    }
    const unsigned char *ptr(std::uint64_t pos) const { return m_data + pos; }
    std::size_t size() const { return m_size; }

private:
    const unsigned char *m_data;
    std::size_t m_size;
    const std::string &m_source;
};

struct Directory {
    std::uint64_t count = 0;
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
};

Directory findDirectory(const Cursor &c, const std::string &source)
{
    if (c.size() < kEndSize)
        throw Error::badInput(source + ": too small (" + std::to_string(c.size()) + " bytes) to be a zip archive");
    // The end record sits before a comment of at most 64 KiB; scan backwards for its signature.
    const std::size_t lowest = c.size() > kEndSize + 0xFFFF ? c.size() - kEndSize - 0xFFFF : 0;
    std::size_t pos = c.size() - kEndSize + 1;
    do {
        --pos;
        if (c.at<std::uint32_t>(pos) == kEndSig && pos + kEndSize + c.at<std::uint16_t>(pos + 20) == c.size())
            break;
        if (pos == lowest)
            throw Error::badInput(source + ": not a zip archive (no end-of-central-directory record)");
    } while (true);

    Directory d;
    d.count = c.at<std::uint16_t>(pos + 10);
    d.size = c.at<std::uint32_t>(pos + 12);
    d.offset = c.at<std::uint32_t>(pos + 16);
    if (c.at<std::uint16_t>(pos + 4) != 0 || c.at<std::uint16_t>(pos + 6) != 0)
        throw Error::badInput(source + ": multi-part zip archives are not supported");
    if (d.count == 0xFFFF || d.size == 0xFFFFFFFF || d.offset == 0xFFFFFFFF) {
        if (pos < 20 || c.at<std::uint32_t>(pos - 20) != kEnd64LocatorSig)
            throw Error::badInput(source + ": Zip64 end record locator missing");
        const auto end64 = c.at<std::uint64_t>(pos - 12);
        c.require(end64, 56, "Zip64 end record");
        if (c.at<std::uint32_t>(end64) != kEnd64Sig)
            throw Error::badInput(source + ": Zip64 end record not found where its locator points");
        d.count = c.at<std::uint64_t>(end64 + 32);
        d.size = c.at<std::uint64_t>(end64 + 40);
        d.offset = c.at<std::uint64_t>(end64 + 48);
    }
    c.require(d.offset, d.size, "central directory");
    return d;
}

/// Replaces the 0xFFFFFFFF placeholders of a central record by the Zip64 extra field's values.
void applyZip64(const Cursor &c, std::uint64_t extra, std::uint64_t extraLength, ZipArchive::Entry &e,
    std::uint64_t &localOffset, const std::string &where)
{
    for (std::uint64_t p = extra; p + 4 <= extra + extraLength;) {
        const auto id = c.at<std::uint16_t>(p);
        const auto len = c.at<std::uint16_t>(p + 2);
        if (p + 4 + len > extra + extraLength)
            throw Error::badInput(where + ": malformed extra field");
        if (id == 0x0001) {
            std::uint64_t q = p + 4;
            const auto take = [&](std::uint64_t &field) {
                if (q + 8 > p + 4 + len)
                    throw Error::badInput(where + ": Zip64 extra field too short");
                field = c.at<std::uint64_t>(q);
                q += 8;
            };
            if (e.size == 0xFFFFFFFF)
                take(e.size);
            if (e.compressedSize == 0xFFFFFFFF)
                take(e.compressedSize);
            if (localOffset == 0xFFFFFFFF)
                take(localOffset);
            return;
        }
        p += 4 + len;
    }
}

ZipArchive::Entry readCentral(const Cursor &c, std::uint64_t &pos, std::uint64_t end, const std::string &source)
{
    c.require(pos, 46, "central directory entry");
    if (pos + 46 > end || c.at<std::uint32_t>(pos) != kCentralSig)
        throw Error::badInput(source + ": corrupt central directory (bad entry signature)");
    ZipArchive::Entry e;
    const auto flags = c.at<std::uint16_t>(pos + 8);
    e.method = c.at<std::uint16_t>(pos + 10);
    e.crc32 = c.at<std::uint32_t>(pos + 16);
    e.compressedSize = c.at<std::uint32_t>(pos + 20);
    e.size = c.at<std::uint32_t>(pos + 24);
    const std::uint64_t nameLength = c.at<std::uint16_t>(pos + 28);
    const std::uint64_t extraLength = c.at<std::uint16_t>(pos + 30);
    const std::uint64_t commentLength = c.at<std::uint16_t>(pos + 32);
    std::uint64_t localOffset = c.at<std::uint32_t>(pos + 42);
    if (pos + 46 + nameLength + extraLength + commentLength > end)
        throw Error::badInput(source + ": corrupt central directory (entry runs past its end)");
    e.name.assign(reinterpret_cast<const char *>(c.ptr(pos + 46)), nameLength);
    const std::string where = source + ": entry '" + e.name + "'";
    applyZip64(c, pos + 46 + nameLength, extraLength, e, localOffset, where);
    pos += 46 + nameLength + extraLength + commentLength;

    if (flags & 0x1)
        throw Error::badInput(where + " is encrypted");
    if (e.method != 0 && e.method != 8)
        throw Error::badInput(
            where + ": compression method " + std::to_string(e.method) + " is not supported (only stored and deflate)");
    if (e.method == 0 && e.compressedSize != e.size)
        throw Error::badInput(where + ": stored entry with different compressed and uncompressed sizes");
    if (e.method == 8 && e.size / kMaxDeflateRatio > e.compressedSize + 1)
        throw Error::badInput(where + ": claims " + std::to_string(e.size) + " bytes from "
            + std::to_string(e.compressedSize) + " compressed bytes (corrupt)");

    c.require(localOffset, 30, "local header of '" + e.name + "'");
    if (c.at<std::uint32_t>(localOffset) != kLocalSig)
        throw Error::badInput(where + ": local header not found at offset " + std::to_string(localOffset));
    e.dataOffset = localOffset + 30 + c.at<std::uint16_t>(localOffset + 26) + c.at<std::uint16_t>(localOffset + 28);
    c.require(e.dataOffset, e.compressedSize, "data of '" + e.name + "'");
    e.localOffset = localOffset;
    return e;
}

} // namespace

ZipArchive::ZipArchive(const unsigned char *data, std::size_t size, std::string source)
    : m_data(data)
    , m_source(std::move(source))
{
    const Cursor c(data, size, m_source);
    const Directory dir = findDirectory(c, m_source);
    std::uint64_t pos = dir.offset;
    const std::uint64_t end = dir.offset + dir.size;
    std::set<std::string> names;
    // Each record is at least 46 bytes, so a count larger than that is a lie; do not reserve it.
    if (dir.count > dir.size / 46)
        throw Error::badInput(m_source + ": central directory claims " + std::to_string(dir.count) + " entries in "
            + std::to_string(dir.size) + " bytes");
    for (std::uint64_t i = 0; i < dir.count; ++i) {
        Entry e = readCentral(c, pos, end, m_source);
        if (!names.insert(e.name).second)
            throw Error::badInput(m_source + ": entry '" + e.name + "' appears twice");
        if (e.dataOffset + e.compressedSize > dir.offset)
            throw Error::badInput(m_source + ": data of entry '" + e.name + "' runs into the central directory");
        m_entries.push_back(std::move(e));
    }
    std::vector<const Entry *> byOffset;
    for (const Entry &e : m_entries)
        byOffset.push_back(&e);
    // Overlapping entries are the classic zip-bomb trick and never written by real tools.
    std::sort(byOffset.begin(), byOffset.end(), [](auto a, auto b) { return a->localOffset < b->localOffset; });
    for (std::size_t i = 1; i < byOffset.size(); ++i)
        if (byOffset[i - 1]->dataOffset + byOffset[i - 1]->compressedSize > byOffset[i]->localOffset)
            throw Error::badInput(
                m_source + ": entries '" + byOffset[i - 1]->name + "' and '" + byOffset[i]->name + "' overlap");
}

void ZipArchive::verifyStored(const Entry &e) const
{
    // zlib's crc32 takes a uInt length, so feed large entries in pieces.
    unsigned long crc = ::crc32(0L, Z_NULL, 0);
    for (std::uint64_t done = 0; done < e.size;) {
        const auto n = static_cast<uInt>(std::min<std::uint64_t>(e.size - done, 1u << 30));
        crc = ::crc32(crc, raw(e) + done, n);
        done += n;
    }
    if (crc != e.crc32)
        throw Error::badInput(m_source + ": entry '" + e.name + "' is corrupt (CRC-32 mismatch)");
}

ZipEntryReader::ZipEntryReader(const ZipArchive &zip, const ZipArchive::Entry &entry)
    : m_zip(zip)
    , m_entry(entry)
    , m_z(std::make_unique<z_stream_s>())
    , m_crc(::crc32(0L, Z_NULL, 0))
{
    if (m_entry.method == 8 && ::inflateInit2(m_z.get(), -MAX_WBITS) != Z_OK)
        throw Error::internal("zlib inflateInit2 failed");
}

ZipEntryReader::~ZipEntryReader()
{
    if (m_entry.method == 8)
        ::inflateEnd(m_z.get());
}

void ZipEntryReader::fail(const std::string &what) const
{
    throw Error::badInput(m_zip.source() + ": entry '" + m_entry.name + "' " + what);
}

void ZipEntryReader::feedInput()
{
    if (m_z->avail_in == 0 && m_consumed < m_entry.compressedSize) {
        const auto n = std::min<std::uint64_t>(m_entry.compressedSize - m_consumed, 1u << 30);
        m_z->next_in = const_cast<Bytef *>(m_zip.raw(m_entry) + m_consumed);
        m_z->avail_in = static_cast<uInt>(n);
        m_consumed += n;
    }
}

void ZipEntryReader::read(void *dst, std::size_t n)
{
    if (n == 0)
        return; // an empty array may have no buffer, and memcpy(nullptr, p, 0) is undefined
    if (n > m_entry.size - m_produced)
        fail("is truncated: needs " + std::to_string(m_produced + n) + " bytes but holds "
            + std::to_string(m_entry.size));
    auto *out = static_cast<unsigned char *>(dst);
    if (m_entry.method == 0) {
        std::memcpy(out, m_zip.raw(m_entry) + m_produced, n);
    } else {
        for (std::size_t done = 0; done < n;) {
            feedInput();
            const auto chunk = static_cast<uInt>(std::min<std::size_t>(n - done, 1u << 30));
            m_z->next_out = out + done;
            m_z->avail_out = chunk;
            const int rc = ::inflate(m_z.get(), Z_NO_FLUSH);
            done += chunk - m_z->avail_out;
            if (rc == Z_STREAM_END && done < n)
                fail("is truncated (deflate stream ended early)");
            if (rc != Z_OK && rc != Z_STREAM_END && !(rc == Z_BUF_ERROR && m_consumed < m_entry.compressedSize))
                fail(rc == Z_BUF_ERROR ? "is truncated (compressed data ended early)" : "has corrupt deflate data");
            m_ended = rc == Z_STREAM_END;
        }
    }
    for (std::size_t done = 0; done < n;) {
        const auto chunk = static_cast<uInt>(std::min<std::size_t>(n - done, 1u << 30));
        m_crc = ::crc32(m_crc, out + done, chunk);
        done += chunk;
    }
    m_produced += n;
}

void ZipEntryReader::finish()
{
    if (m_produced != m_entry.size)
        fail("was not read to its end");
    if (m_entry.method == 8 && !m_ended) {
        unsigned char extra = 0;
        feedInput();
        m_z->next_out = &extra;
        m_z->avail_out = 1;
        const int rc = ::inflate(m_z.get(), Z_NO_FLUSH);
        if (m_z->avail_out == 0)
            fail("inflates to more bytes than its declared size " + std::to_string(m_entry.size));
        if (rc != Z_STREAM_END)
            fail("is truncated or corrupt (the deflate stream does not end)");
    }
    if (m_crc != m_entry.crc32)
        fail("is corrupt (CRC-32 mismatch)");
}

} // namespace gb
