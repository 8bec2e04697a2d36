// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace gb {

/// A whole file mapped read-only (PROT_READ, MAP_PRIVATE). Shared ownership lets zero-copy
/// tensors keep the mapping alive after the reader that made them is gone.
///
/// Pages are read-only: writing through a pointer into the mapping faults. Callers that hand out
/// views must say so (clone before modifying).
class MappedFile {
public:
    /// Maps `path`; a missing, unreadable or non-regular file is a BadInput error naming it.
    static std::shared_ptr<const MappedFile> open(const std::string &path);

    const unsigned char *data() const { return m_data; }
    std::size_t size() const { return m_size; }
    const std::string &path() const { return m_path; }
    bool contains(const void *p) const
    {
        const auto *c = static_cast<const unsigned char *>(p);
        return c >= m_data && c < m_data + m_size;
    }

    ~MappedFile();
    MappedFile(const MappedFile &) = delete;
    MappedFile &operator=(const MappedFile &) = delete;

private:
    MappedFile() = default;
    std::string m_path;
    unsigned char *m_data = nullptr;
    std::size_t m_size = 0;
};

} // namespace gb
