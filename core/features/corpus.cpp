// SPDX-License-Identifier: MIT
#include "features/corpus.h"

#include "common/error.h"
#include "io/json.h"

#include <algorithm>
#include <filesystem>

namespace gb {

const char *toString(CorpusFormat f)
{
    switch (f) {
    case CorpusFormat::Lines:
        return "lines";
    case CorpusFormat::WholeText:
        return "whole";
    case CorpusFormat::Jsonl:
        return "jsonl";
    }
    return "lines";
}

CorpusFormat corpusFormatFromString(const std::string &s)
{
    if (s == "lines")
        return CorpusFormat::Lines;
    if (s == "whole")
        return CorpusFormat::WholeText;
    if (s == "jsonl")
        return CorpusFormat::Jsonl;
    throw Error::badInput("unknown corpus format '" + s + "' (lines, whole or jsonl)");
}

CorpusFormat corpusFormatFor(const std::string &path)
{
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return ext == ".jsonl" ? CorpusFormat::Jsonl : CorpusFormat::Lines;
}

CorpusReader::CorpusReader(const std::string &path, CorpusFormat format, std::uint64_t startOffset)
    : m_path(path)
    , m_format(format)
    , m_in(path, std::ios::binary)
    , m_offset(startOffset)
{
    require(bool(m_in), path, "cannot open the corpus");
    std::error_code ec;
    m_size = std::filesystem::file_size(path, ec);
    require(startOffset <= m_size, path, "resume offset lies beyond the end of the corpus (was the file replaced?)");
    m_in.seekg(std::streamoff(startOffset));
    m_resumed = startOffset > 0;
    m_wholeDone = format == CorpusFormat::WholeText && m_resumed;
}

bool CorpusReader::next(std::string &document)
{
    if (m_format == CorpusFormat::WholeText) {
        if (m_wholeDone)
            return false;
        m_wholeDone = true;
        document.assign(std::istreambuf_iterator<char>(m_in), std::istreambuf_iterator<char>());
        m_offset = m_size;
        return !document.empty();
    }
    std::string line;
    while (std::getline(m_in, line)) {
        const std::uint64_t lineStart = m_offset;
        m_offset += line.size() + (m_in.eof() ? 0 : 1);
        ++m_line;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos)
            continue;
        if (m_format == CorpusFormat::Lines) {
            document = std::move(line);
            return true;
        }
        const std::string where = m_path + (m_resumed ? " (line at byte " + std::to_string(lineStart) + ")"
                                                      : " (line " + std::to_string(m_line) + ")");
        const Json j = Json::parse(line, where);
        const Json *text = j.find("text");
        require(text && text->isString(), where, "no string \"text\" field");
        if (text->toString().empty())
            continue;
        document = text->toString();
        return true;
    }
    m_offset = m_size;
    return false;
}

} // namespace gb
