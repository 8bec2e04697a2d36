// SPDX-License-Identifier: MIT
#include "io/csv.h"

#include "common/error.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

namespace gb {

namespace {

std::string_view trimmed(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

} // namespace

CsvReader::CsvReader(std::string_view text, std::string source, char delimiter)
    : m_text(text)
    , m_source(std::move(source))
    , m_delimiter(delimiter)
{
    if (m_text.substr(0, 3) == "\xEF\xBB\xBF")
        m_pos = 3;
}

bool CsvReader::next(std::vector<std::string> &fields)
{
    const std::size_t n = m_text.size();
    // Blank lines separate nothing in CSV; exports often end with one or more.
    while (m_pos < n && (m_text[m_pos] == '\n' || (m_text[m_pos] == '\r' && m_pos + 1 < n && m_text[m_pos + 1] == '\n'))) {
        m_pos += m_text[m_pos] == '\r' ? 2 : 1;
        ++m_line;
    }
    if (m_pos >= n)
        return false;
    m_recordLine = m_line;
    fields.clear();
    const auto fail = [&](std::int64_t line, const std::string &what) {
        return Error::badInput(m_source + ":" + std::to_string(line) + ": " + what);
    };
    while (true) {
        std::string field;
        if (m_pos < n && m_text[m_pos] == '"') {
            const std::int64_t startLine = m_line;
            ++m_pos;
            while (true) {
                if (m_pos >= n)
                    throw fail(startLine, "unterminated quoted field (column " + std::to_string(fields.size() + 1) + ")");
                const char c = m_text[m_pos++];
                if (c == '"') {
                    if (m_pos < n && m_text[m_pos] == '"') {
                        field += '"';
                        ++m_pos;
                        continue;
                    }
                    break;
                }
                if (c == '\n')
                    ++m_line;
                field += c;
            }
            if (m_pos < n && m_text[m_pos] != m_delimiter && m_text[m_pos] != '\n'
                && !(m_text[m_pos] == '\r' && m_pos + 1 < n && m_text[m_pos + 1] == '\n'))
                throw fail(m_line, "text after the closing quote of column " + std::to_string(fields.size() + 1));
        } else {
            const std::size_t begin = m_pos;
            while (m_pos < n && m_text[m_pos] != m_delimiter && m_text[m_pos] != '\n')
                ++m_pos;
            std::size_t end = m_pos;
            if (m_pos < n && m_text[m_pos] == '\n' && end > begin && m_text[end - 1] == '\r')
                --end;
            const std::string_view raw = m_text.substr(begin, end - begin);
            if (raw.find('"') != std::string_view::npos)
                throw fail(m_line, "quote inside unquoted column " + std::to_string(fields.size() + 1)
                                       + " (quote the whole field and double inner quotes)");
            field.assign(raw);
        }
        fields.push_back(std::move(field));
        if (m_pos < n && m_text[m_pos] == m_delimiter) {
            ++m_pos;
            continue;
        }
        if (m_pos < n && m_text[m_pos] == '\r')
            ++m_pos;
        if (m_pos < n && m_text[m_pos] == '\n') {
            ++m_pos;
            ++m_line;
        }
        return true;
    }
}

bool parseNumber(std::string_view text, double &value)
{
    text = trimmed(text);
    if (!text.empty() && text.front() == '+')
        text.remove_prefix(1);
    if (text.empty() || !(std::isdigit(static_cast<unsigned char>(text.front())) || text.front() == '-' || text.front() == '.'))
        return false;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::general);
    return ec == std::errc() && end == text.data() + text.size() && std::isfinite(value);
}

bool isMissingToken(std::string_view text)
{
    text = trimmed(text);
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    for (const char *token : {"", "na", "n/a", "nan", "null", "none", "?", "#n/a"})
        if (lower == token)
            return true;
    return false;
}

} // namespace gb
