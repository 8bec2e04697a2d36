// SPDX-License-Identifier: MIT
#include "io/mapped_file.h"

#include "common/error.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gb {

namespace {

struct Fd {
    int fd = -1;
    ~Fd()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

} // namespace

std::shared_ptr<const MappedFile> MappedFile::open(const std::string &path)
{
    Fd f;
    f.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (f.fd < 0)
        throw Error::badInput(path + ": cannot open: " + std::strerror(errno));
    struct stat st { };
    if (::fstat(f.fd, &st) != 0)
        throw Error::badInput(path + ": cannot stat: " + std::strerror(errno));
    if (!S_ISREG(st.st_mode))
        throw Error::badInput(path + ": not a regular file");

    std::shared_ptr<MappedFile> m(new MappedFile);
    m->m_path = path;
    m->m_size = static_cast<std::size_t>(st.st_size);
    if (m->m_size == 0)
        return m; // mmap of length 0 is an error; an empty file simply has no bytes
    void *p = ::mmap(nullptr, m->m_size, PROT_READ, MAP_PRIVATE, f.fd, 0);
    if (p == MAP_FAILED)
        throw Error::badInput(path + ": cannot map: " + std::strerror(errno));
    m->m_data = static_cast<unsigned char *>(p);
    return m;
}

MappedFile::~MappedFile()
{
    if (m_data)
        ::munmap(m_data, m_size);
}

} // namespace gb
