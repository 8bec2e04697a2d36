// SPDX-License-Identifier: MIT
#include "io/json.h"

#include "common/error.h"
#include "common/utf8.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <unordered_set>

namespace gb {

Json::Json(bool b)
    : m_type(Type::Bool)
    , m_bool(b)
{
}

Json::Json(double v)
    : m_type(Type::Number)
    , m_double(v)
{
}

Json::Json(std::string s)
    : m_type(Type::String)
    , m_string(std::move(s))
{
}

Json::Json(Array a)
    : m_type(Type::Array)
    , m_array(std::move(a))
{
}

Json::Json(Object o)
    : m_type(Type::Object)
    , m_object(std::move(o))
{
}

namespace {

const char *typeName(Json::Type t)
{
    switch (t) {
    case Json::Type::Null: return "null";
    case Json::Type::Bool: return "a boolean";
    case Json::Type::Number: return "a number";
    case Json::Type::String: return "a string";
    case Json::Type::Array: return "an array";
    case Json::Type::Object: return "an object";
    }
    return "?";
}

[[noreturn]] void wrongType(const std::string &what, const char *expected, Json::Type got)
{
    throw Error::badInput(what + " must be " + expected + ", not " + typeName(got));
}

} // namespace

bool Json::toBool(const std::string &what) const
{
    if (m_type != Type::Bool)
        wrongType(what, "a boolean", m_type);
    return m_bool;
}

double Json::toDouble(const std::string &what) const
{
    if (m_type != Type::Number)
        wrongType(what, "a number", m_type);
    return m_double;
}

std::int64_t Json::toInt(const std::string &what) const
{
    if (m_type != Type::Number)
        wrongType(what, "an integer", m_type);
    if (m_isInt)
        return m_int;
    // Accept 3.0 written by Python's json for an int-valued float; reject 3.5.
    if (std::isfinite(m_double) && std::floor(m_double) == m_double && std::fabs(m_double) < 9.0e15)
        return static_cast<std::int64_t>(m_double);
    throw Error::badInput(what + " must be an integer, not " + formatNumber(m_double));
}

const std::string &Json::toString(const std::string &what) const
{
    if (m_type != Type::String)
        wrongType(what, "a string", m_type);
    return m_string;
}

const Json::Array &Json::toArray(const std::string &what) const
{
    if (m_type != Type::Array)
        wrongType(what, "an array", m_type);
    return m_array;
}

const Json::Object &Json::toObject(const std::string &what) const
{
    if (m_type != Type::Object)
        wrongType(what, "an object", m_type);
    return m_object;
}

const Json *Json::find(std::string_view key) const
{
    if (m_type != Type::Object)
        return nullptr;
    for (const auto &m : m_object)
        if (m.first == key)
            return &m.second;
    return nullptr;
}

std::size_t Json::size() const
{
    if (m_type == Type::Array)
        return m_array.size();
    if (m_type == Type::Object)
        return m_object.size();
    return 0;
}

Json &Json::set(std::string key, Json value)
{
    if (m_type == Type::Null)
        m_type = Type::Object;
    if (m_type != Type::Object)
        throw Error::internal("Json::set on a non-object");
    for (auto &m : m_object) {
        if (m.first == key) {
            m.second = std::move(value);
            return *this;
        }
    }
    m_object.emplace_back(std::move(key), std::move(value));
    return *this;
}

Json &Json::push(Json value)
{
    if (m_type == Type::Null)
        m_type = Type::Array;
    if (m_type != Type::Array)
        throw Error::internal("Json::push on a non-array");
    m_array.push_back(std::move(value));
    return *this;
}

// ---------------------------------------------------------------------------------------------
// Parser

class JsonParser {
public:
    JsonParser(std::string_view text, const std::string &source)
        : m_text(text)
        , m_source(source)
    {
    }

    Json parseDocument()
    {
        skipWhitespace();
        Json v = parseValue(0);
        skipWhitespace();
        if (m_pos != m_text.size())
            fail("unexpected content after the JSON value");
        return v;
    }

private:
    static constexpr int MaxDepth = 256;

    [[noreturn]] void fail(const std::string &what) const
    {
        std::size_t line = 1, col = 1;
        for (std::size_t i = 0; i < m_pos && i < m_text.size(); ++i) {
            if (m_text[i] == '\n') {
                ++line;
                col = 1;
            } else {
                ++col;
            }
        }
        throw Error::badInput(m_source + ": invalid JSON at line " + std::to_string(line) + ", column "
                              + std::to_string(col) + ": " + what);
    }

    bool atEnd() const { return m_pos >= m_text.size(); }
    char peek() const { return atEnd() ? '\0' : m_text[m_pos]; }

    void skipWhitespace()
    {
        while (!atEnd()) {
            const char c = m_text[m_pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                break;
            ++m_pos;
        }
    }

    void expect(char c)
    {
        if (peek() != c)
            fail(std::string("expected '") + c + "'");
        ++m_pos;
    }

    void expectWord(std::string_view w)
    {
        if (m_text.substr(m_pos, w.size()) != w)
            fail("unexpected token");
        m_pos += w.size();
    }

    Json parseValue(int depth)
    {
        if (depth > MaxDepth)
            fail("nesting deeper than " + std::to_string(MaxDepth));
        switch (peek()) {
        case '{': return parseObject(depth);
        case '[': return parseArray(depth);
        case '"': return Json(parseString());
        case 't': expectWord("true"); return Json(true);
        case 'f': expectWord("false"); return Json(false);
        case 'n': expectWord("null"); return Json();
        default:
            if (peek() == '-' || (peek() >= '0' && peek() <= '9'))
                return parseNumber();
            if (atEnd())
                fail("unexpected end of input");
            fail("unexpected character");
        }
    }

    Json parseObject(int depth)
    {
        expect('{');
        Json::Object members;
        std::unordered_set<std::string> seen;
        skipWhitespace();
        if (peek() == '}') {
            ++m_pos;
            return Json(std::move(members));
        }
        for (;;) {
            skipWhitespace();
            if (peek() != '"')
                fail("expected a string key");
            std::string key = parseString();
            if (!seen.insert(key).second)
                fail("duplicate key \"" + key + "\"");
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Json value = parseValue(depth + 1);
            members.emplace_back(std::move(key), std::move(value));
            skipWhitespace();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            expect('}');
            return Json(std::move(members));
        }
    }

    Json parseArray(int depth)
    {
        expect('[');
        Json::Array items;
        skipWhitespace();
        if (peek() == ']') {
            ++m_pos;
            return Json(std::move(items));
        }
        for (;;) {
            skipWhitespace();
            items.push_back(parseValue(depth + 1));
            skipWhitespace();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            expect(']');
            return Json(std::move(items));
        }
    }

    unsigned parseHex4()
    {
        if (m_pos + 4 > m_text.size())
            fail("truncated \\u escape");
        unsigned v = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = m_text[m_pos++];
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= unsigned(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= unsigned(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v |= unsigned(c - 'A' + 10);
            else
                fail("bad hex digit in \\u escape");
        }
        return v;
    }

    // Copies one UTF-8 encoded character, rejecting overlong forms and surrogates.
    void copyUtf8Char(std::string &out)
    {
        std::size_t length = 0;
        if (unicode::decodeUtf8(m_text, m_pos, length) == unicode::kInvalid)
            fail("invalid UTF-8");
        out.append(m_text.data() + m_pos, length);
        m_pos += length;
    }

    std::string parseString()
    {
        expect('"');
        std::string out;
        for (;;) {
            if (atEnd())
                fail("unterminated string");
            const char c = m_text[m_pos];
            if (c == '"') {
                ++m_pos;
                return out;
            }
            if (static_cast<unsigned char>(c) < 0x20)
                fail("control character in string");
            if (c != '\\') {
                copyUtf8Char(out);
                continue;
            }
            ++m_pos;
            if (atEnd())
                fail("unterminated escape");
            const char e = m_text[m_pos++];
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                unsigned cp = parseHex4();
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    if (m_text.substr(m_pos, 2) != "\\u")
                        fail("unpaired surrogate in \\u escape");
                    m_pos += 2;
                    const unsigned lo = parseHex4();
                    if (lo < 0xDC00 || lo > 0xDFFF)
                        fail("unpaired surrogate in \\u escape");
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    fail("unpaired surrogate in \\u escape");
                }
                unicode::appendUtf8(out, cp);
                break;
            }
            default: fail("unknown escape");
            }
        }
    }

    Json parseNumber()
    {
        const std::size_t start = m_pos;
        bool integral = true;
        if (peek() == '-')
            ++m_pos;
        if (peek() == '0') {
            ++m_pos;
        } else if (peek() >= '1' && peek() <= '9') {
            while (peek() >= '0' && peek() <= '9')
                ++m_pos;
        } else {
            fail("bad number");
        }
        if (peek() == '.') {
            integral = false;
            ++m_pos;
            if (!(peek() >= '0' && peek() <= '9'))
                fail("bad number");
            while (peek() >= '0' && peek() <= '9')
                ++m_pos;
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            ++m_pos;
            if (peek() == '+' || peek() == '-')
                ++m_pos;
            if (!(peek() >= '0' && peek() <= '9'))
                fail("bad number");
            while (peek() >= '0' && peek() <= '9')
                ++m_pos;
        }
        const char *first = m_text.data() + start;
        const char *last = m_text.data() + m_pos;
        if (integral) {
            std::int64_t iv = 0;
            const auto r = std::from_chars(first, last, iv);
            if (r.ec == std::errc() && r.ptr == last)
                return Json(iv);
        }
        double dv = 0.0;
        const auto r = std::from_chars(first, last, dv);
        if (r.ec == std::errc::result_out_of_range)
            fail("number out of range");
        if (r.ec != std::errc() || r.ptr != last)
            fail("bad number");
        return Json(dv);
    }

    std::string_view m_text;
    const std::string &m_source;
    std::size_t m_pos = 0;
};

Json Json::parse(std::string_view text, const std::string &source)
{
    return JsonParser(text, source).parseDocument();
}

Json Json::parseFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error::badInput(path + ": cannot open file");
    std::ostringstream ss;
    ss << in.rdbuf();
    return parse(ss.str(), path);
}

// ---------------------------------------------------------------------------------------------
// Writer

void appendJsonString(std::string &out, std::string_view s)
{
    static const char hex[] = "0123456789abcdef";
    out += '"';
    for (const char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                out += "\\u00";
                out += hex[(c >> 4) & 0xF];
                out += hex[c & 0xF];
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

std::string formatNumber(double v)
{
    if (!std::isfinite(v))
        return "null";
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

void Json::dumpTo(std::string &out, int indent, int level) const
{
    const auto newline = [&](int lvl) {
        if (indent >= 0) {
            out += '\n';
            out.append(std::size_t(indent * lvl), ' ');
        }
    };
    switch (m_type) {
    case Type::Null: out += "null"; break;
    case Type::Bool: out += m_bool ? "true" : "false"; break;
    case Type::Number:
        if (m_isInt)
            out += std::to_string(m_int);
        else
            out += formatNumber(m_double);
        break;
    case Type::String: appendJsonString(out, m_string); break;
    case Type::Array: {
        out += '[';
        // Arrays of scalars stay on one line even when indenting: matrices remain readable.
        bool scalars = true;
        for (const auto &v : m_array)
            scalars = scalars && !v.isArray() && !v.isObject();
        for (std::size_t i = 0; i < m_array.size(); ++i) {
            if (i)
                out += indent >= 0 && scalars ? ", " : ",";
            if (!scalars)
                newline(level + 1);
            m_array[i].dumpTo(out, indent, level + 1);
        }
        if (!scalars && !m_array.empty())
            newline(level);
        out += ']';
        break;
    }
    case Type::Object: {
        out += '{';
        for (std::size_t i = 0; i < m_object.size(); ++i) {
            if (i)
                out += ',';
            newline(level + 1);
            appendJsonString(out, m_object[i].first);
            out += indent >= 0 ? ": " : ":";
            m_object[i].second.dumpTo(out, indent, level + 1);
        }
        if (!m_object.empty())
            newline(level);
        out += '}';
        break;
    }
    }
}

std::string Json::dump(int indent) const
{
    std::string out;
    dumpTo(out, indent, 0);
    return out;
}

} // namespace gb
