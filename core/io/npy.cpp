// SPDX-License-Identifier: MIT
// The .npy format (numpy/lib/format.py docs): "\x93NUMPY", major, minor, a little-endian header
// length (uint16 for 1.0, uint32 for 2.0/3.0), then a Python dict literal with exactly the keys
// 'descr', 'fortran_order' and 'shape'. The literal is parsed by hand: it comes from untrusted files.
#include "io/npy.h"

#include "common/error.h"

#include <array>
#include <cstring>
#include <map>
#include <string_view>

namespace gb {

namespace {

struct Descr {
    const char *text;
    DType dtype;
};

constexpr std::array<Descr, 9> kDescrs { { { "<f4", DType::F32 }, { "<f2", DType::F16 }, { "<f8", DType::F64 },
    { "<i2", DType::I16 }, { "<i4", DType::I32 }, { "<i8", DType::I64 }, { "|i1", DType::I8 }, { "|u1", DType::U8 },
    { "|b1", DType::BOOL } } };

struct PyValue {
    enum Kind { String, Bool, Tuple } kind = String;
    std::string text;
    bool flag = false;
    std::vector<std::int64_t> items;
};

/// Parser for the subset of Python literals numpy writes in a .npy header.
class DictParser {
public:
    DictParser(std::string_view text, const std::string &source)
        : m_text(text)
        , m_source(source)
    { }

    std::map<std::string, PyValue> parse()
    {
        std::map<std::string, PyValue> out;
        expect('{');
        while (skipSpace() != '}') {
            const PyValue key = value();
            if (key.kind != PyValue::String)
                fail("keys must be strings");
            expect(':');
            if (!out.emplace(key.text, value()).second)
                fail("duplicate key '" + key.text + "'");
            if (skipSpace() == ',')
                ++m_pos;
            else if (skipSpace() != '}')
                fail("expected ',' or '}'");
        }
        ++m_pos;
        if (skipSpace() != '\0')
            fail("unexpected text after the header dict");
        return out;
    }

private:
    [[noreturn]] void fail(const std::string &what) const
    {
        throw Error::badInput(
            m_source + ": malformed .npy header (" + what + ") in \"" + std::string(m_text.substr(0, 120)) + "\"");
    }

    char skipSpace()
    {
        while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\n' || m_text[m_pos] == '\t'))
            ++m_pos;
        return m_pos < m_text.size() ? m_text[m_pos] : '\0';
    }

    void expect(char c)
    {
        if (skipSpace() != c)
            fail(std::string("expected '") + c + "'");
        ++m_pos;
    }

    bool consume(std::string_view word)
    {
        if (m_text.substr(m_pos, word.size()) != word)
            return false;
        m_pos += word.size();
        return true;
    }

    PyValue value()
    {
        PyValue v;
        const char c = skipSpace();
        if (c == '\'' || c == '"') {
            const std::size_t end = m_text.find(c, m_pos + 1);
            if (end == std::string_view::npos)
                fail("unterminated string");
            v.text = std::string(m_text.substr(m_pos + 1, end - m_pos - 1));
            if (v.text.find('\\') != std::string::npos)
                fail("escaped strings are not supported");
            m_pos = end + 1;
        } else if (consume("True")) {
            v.kind = PyValue::Bool;
            v.flag = true;
        } else if (consume("False")) {
            v.kind = PyValue::Bool;
        } else if (c == '(') {
            v.kind = PyValue::Tuple;
            ++m_pos;
            while (skipSpace() != ')') {
                v.items.push_back(integer());
                if (skipSpace() == ',')
                    ++m_pos;
                else if (skipSpace() != ')')
                    fail("expected ',' or ')' in the shape");
            }
            ++m_pos;
        } else if (c == '[') {
            fail("structured dtypes are not supported");
        } else {
            fail("unexpected character");
        }
        return v;
    }

    std::int64_t integer()
    {
        if (skipSpace() < '0' || skipSpace() > '9')
            fail("shape entries must be non-negative integers");
        std::int64_t n = 0;
        while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9') {
            if (__builtin_mul_overflow(n, 10, &n) || __builtin_add_overflow(n, m_text[m_pos] - '0', &n))
                fail("shape entry too large");
            ++m_pos;
        }
        if (m_pos < m_text.size() && m_text[m_pos] == 'L') // Python 2 long literals in old files
            ++m_pos;
        return n;
    }

    std::string_view m_text;
    const std::string &m_source;
    std::size_t m_pos = 0;
};

DType parseDescr(const std::string &descr, const std::string &source)
{
    for (const Descr &d : kDescrs)
        if (descr == d.text)
            return d.dtype;
    if (!descr.empty() && descr[0] == '>' && descr.size() > 2 && descr.substr(1) != "u1" && descr.substr(1) != "i1")
        throw Error::badInput(source + ": big-endian dtype '" + descr
            + "' is not supported (save it with arr.astype(arr.dtype.newbyteorder('<')))");
    throw Error::badInput(
        source + ": dtype '" + descr + "' is not supported (Glassbox reads <f4 <f2 <f8 <i2 <i4 <i8 |i1 |u1 |b1)");
}

const PyValue &field(
    const std::map<std::string, PyValue> &dict, const char *key, PyValue::Kind kind, const std::string &source)
{
    const auto it = dict.find(key);
    if (it == dict.end())
        throw Error::badInput(source + ": .npy header lacks '" + key + "'");
    if (it->second.kind != kind)
        throw Error::badInput(source + ": .npy header field '" + key + "' has the wrong type");
    return it->second;
}

} // namespace

std::size_t npyHeaderLength(const unsigned char *data, std::size_t size, const std::string &source)
{
    static const unsigned char magic[6] = { 0x93, 'N', 'U', 'M', 'P', 'Y' };
    if (size < 10 || std::memcmp(data, magic, 6) != 0)
        throw Error::badInput(source + ": not a .npy array (bad magic)");
    const unsigned major = data[6];
    if (major == 1) {
        std::uint16_t n = 0;
        std::memcpy(&n, data + 8, 2);
        return 10 + std::size_t(n);
    }
    if (major != 2 && major != 3)
        throw Error::badInput(source + ": .npy format version " + std::to_string(major) + "." + std::to_string(data[7])
            + " is not supported");
    if (size < 12)
        throw Error::badInput(source + ": .npy header truncated");
    std::uint32_t n = 0;
    std::memcpy(&n, data + 8, 4);
    return 12 + std::size_t(n);
}

NpyHeader parseNpyHeader(const unsigned char *data, std::size_t size, const std::string &source)
{
    NpyHeader h;
    h.headerBytes = npyHeaderLength(data, size, source);
    if (h.headerBytes > size)
        throw Error::badInput(source + ": .npy header length " + std::to_string(h.headerBytes) + " exceeds the "
            + std::to_string(size) + " bytes available (truncated?)");
    const std::size_t start = data[6] == 1 ? 10 : 12;
    const std::string_view text(reinterpret_cast<const char *>(data) + start, h.headerBytes - start);
    const auto dict = DictParser(text, source).parse();
    if (dict.size() != 3)
        throw Error::badInput(source + ": .npy header must hold exactly descr, fortran_order and shape");
    h.dtype = parseDescr(field(dict, "descr", PyValue::String, source).text, source);
    h.shape = field(dict, "shape", PyValue::Tuple, source).items;
    if (field(dict, "fortran_order", PyValue::Bool, source).flag && h.shape.size() > 1)
        throw Error::badInput(source + ": Fortran-ordered arrays are not supported (save with np.ascontiguousarray)");
    std::uint64_t bytes = byteSize(h.dtype);
    for (std::int64_t d : h.shape)
        if (__builtin_mul_overflow(bytes, std::uint64_t(d), &bytes))
            throw Error::badInput(source + ": shape " + shapeText(h.shape) + " overflows the byte count");
    h.dataBytes = bytes;
    return h;
}

} // namespace gb
