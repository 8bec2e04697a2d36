// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <string>

namespace gb {

/// Writes a file so that readers never see it half-written: bytes go to a temporary file in the
/// same folder, `commit()` flushes it and renames it over `path`. Without commit (an exception
/// on the way), the destructor removes the temporary file and `path` is untouched.
class AtomicFile {
public:
    /// Creates the temporary file; BadInput naming `path` when the folder is not writable.
    explicit AtomicFile(std::string path);
    ~AtomicFile();
    AtomicFile(const AtomicFile &) = delete;
    AtomicFile &operator=(const AtomicFile &) = delete;

    void write(const void *data, std::size_t size);
    void commit();

private:
    [[noreturn]] void fail(const char *what);

    std::string m_path;
    std::string m_temp;
    int m_fd = -1;
};

} // namespace gb
