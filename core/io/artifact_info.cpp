// SPDX-License-Identifier: MIT
#include "io/artifact_info.h"

#include "common/error.h"
#include "jobs/cancel.h"

#include <QCryptographicHash>

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

namespace gb {

namespace fs = std::filesystem;

namespace {

void hashFile(QCryptographicHash &h, const fs::path &file, const CancelToken *cancel)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw Error::badInput(file.string() + ": cannot read file");
    std::vector<char> buf(std::size_t(4) << 20);
    while (in) {
        in.read(buf.data(), std::streamsize(buf.size()));
        h.addData(QByteArrayView(buf.data(), qsizetype(in.gcount())));
        if (cancel)
            cancel->throwIfCancelled();
    }
}

std::vector<fs::path> filesUnder(const fs::path &dir)
{
    std::vector<fs::path> files;
    for (const auto &e : fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied))
        if (e.is_regular_file())
            files.push_back(fs::relative(e.path(), dir));
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace

std::string sha256OfPath(const std::string &path, const CancelToken *cancel)
{
    std::error_code ec;
    const fs::path p(path);
    QCryptographicHash h(QCryptographicHash::Sha256);
    if (fs::is_directory(p, ec)) {
        for (const auto &rel : filesUnder(p)) {
            const std::string name = rel.generic_string();
            h.addData(QByteArrayView(name.data(), qsizetype(name.size() + 1)));
            hashFile(h, p / rel, cancel);
        }
    } else if (fs::is_regular_file(p, ec)) {
        hashFile(h, p, cancel);
    } else {
        throw Error::badInput(path + ": no such file or folder");
    }
    return h.result().toHex().toStdString();
}

Artifact describePath(const std::string &path, const CancelToken *cancel)
{
    std::error_code ec;
    const fs::path p = fs::absolute(path, ec);
    if (!fs::exists(p, ec))
        throw Error::badInput(path + ": no such file or folder");
    Artifact a;
    a.path = p.lexically_normal().string();
    std::int64_t size = 0;
    std::int64_t newest = 0;
    const auto account = [&](const fs::path &file) {
        struct stat st {};
        if (::stat(file.c_str(), &st) == 0) {
            size += std::int64_t(st.st_size);
            newest = std::max<std::int64_t>(newest, st.st_mtime);
        }
    };
    if (fs::is_directory(p, ec)) {
        for (const auto &e : fs::recursive_directory_iterator(p, fs::directory_options::skip_permission_denied))
            if (e.is_regular_file())
                account(e.path());
    } else {
        account(p);
    }
    a.size = size;
    a.mtime = newest;
    a.sha256 = sha256OfPath(a.path, cancel);
    return a;
}

} // namespace gb
