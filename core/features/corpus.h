// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <fstream>
#include <string>

namespace gb {

/// How a corpus file splits into documents.
enum class CorpusFormat {
    Lines,     ///< plain text, one document per non-empty line
    WholeText, ///< plain text, the whole file is one document
    Jsonl      ///< one JSON object per line with a string "text" field
};

const char *toString(CorpusFormat f);
/// "lines", "whole", "jsonl"; anything else is BadInput.
CorpusFormat corpusFormatFromString(const std::string &s);
/// .jsonl -> Jsonl, everything else -> Lines.
CorpusFormat corpusFormatFor(const std::string &path);

/// Reads a corpus document by document, from a byte offset, so that a scan can stop after any
/// document and continue there. Text must be UTF-8 (invalid bytes are passed to the tokenizer,
/// which decides); a JSONL line that is not an object with a string "text" is BadInput naming
/// the file and the line.
class CorpusReader {
public:
    CorpusReader(const std::string &path, CorpusFormat format, std::uint64_t startOffset = 0);

    /// The next document; false at the end of the file.
    bool next(std::string &document);
    /// Byte offset just after the last document returned (where a resumed read starts).
    std::uint64_t offset() const { return m_offset; }
    std::uint64_t size() const { return m_size; }
    const std::string &path() const { return m_path; }

private:
    std::string m_path;
    CorpusFormat m_format;
    std::ifstream m_in;
    std::uint64_t m_offset = 0;
    std::uint64_t m_size = 0;
    std::uint64_t m_line = 0; ///< lines read (for messages)
    bool m_resumed = false;   ///< started mid-file: messages give byte offsets, not line numbers
    bool m_wholeDone = false;
};

} // namespace gb
