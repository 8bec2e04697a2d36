// SPDX-License-Identifier: MIT
#pragma once

#include "store/workspace.h"

#include <string>

namespace gb {

class CancelToken;

/// SHA-256 (hex) of one file, or of a folder: the files under it in sorted relative-path order,
/// each contributing its relative path and bytes. Checks `cancel` between 4 MiB blocks.
std::string sha256OfPath(const std::string &path, const CancelToken *cancel = nullptr);

/// Fills path (absolute), size, mtime and sha256 of a file or folder; kind and summary are left
/// to the caller, which knows what it loaded.
Artifact describePath(const std::string &path, const CancelToken *cancel = nullptr);

} // namespace gb
