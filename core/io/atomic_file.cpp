// SPDX-License-Identifier: MIT
#include "io/atomic_file.h"

#include "common/error.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace gb {

AtomicFile::AtomicFile(std::string path)
    : m_path(std::move(path))
{
    // Not mkstemp: it creates mode 0600, and a saved result should get the umask's permissions.
    static std::atomic<unsigned> counter { 0 };
    for (int attempt = 0; attempt < 100 && m_fd < 0; ++attempt) {
        m_temp = m_path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
        m_fd = ::open(m_temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (m_fd < 0 && errno != EEXIST)
            break;
    }
    if (m_fd < 0)
        throw Error::badInput(m_path + ": cannot create file: " + std::strerror(errno));
}

AtomicFile::~AtomicFile()
{
    if (m_fd >= 0) {
        ::close(m_fd);
        ::unlink(m_temp.c_str());
    }
}

void AtomicFile::fail(const char *what)
{
    const std::string reason = std::strerror(errno);
    ::close(m_fd);
    m_fd = -1;
    ::unlink(m_temp.c_str());
    throw Error::badInput(m_path + ": cannot " + what + ": " + reason);
}

void AtomicFile::write(const void *data, std::size_t size)
{
    const char *p = static_cast<const char *>(data);
    while (size > 0) {
        const ssize_t n = ::write(m_fd, p, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            fail("write");
        p += n;
        size -= std::size_t(n);
    }
}

void AtomicFile::commit()
{
    if (::fsync(m_fd) != 0)
        fail("flush");
    if (::close(m_fd) != 0) {
        m_fd = -1;
        ::unlink(m_temp.c_str());
        throw Error::badInput(m_path + ": cannot close: " + std::strerror(errno));
    }
    m_fd = -1;
    if (std::rename(m_temp.c_str(), m_path.c_str()) != 0) {
        const std::string reason = std::strerror(errno);
        ::unlink(m_temp.c_str());
        throw Error::badInput(m_path + ": cannot rename the finished file into place: " + reason);
    }
}

} // namespace gb
