// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <optional>
#include <string>

namespace gb {

class Workspace;

/// What a workspace that has just been opened suggests the pages show, so that a workspace
/// opens on what it was last used for (the built-in demo included) without page-specific
/// records: the latest artifacts of a kind and the inputs of the latest finished corpus scan.

/// The path of the most recently registered artifact of `kind` (and, when given, a path
/// ending in `suffix`, case-insensitive); empty when there is none.
QString latestArtifactPath(const Workspace &ws, const std::string &kind, const QString &suffix = {});

/// The latest finished corpus scan: what the Features page needs to show it (and the
/// Attribution page to offer its dictionary for the feature target).
struct ScanPick {
    qint64 runId = 0;
    QString model, dictionary, corpus;
    QString processing;  ///< weight processing the scan ran with ("" = as stored)
    int head = -1;       ///< crosscoder head, -1 for an SAE or transcoder
    QString headHook;
};
/// Scans whose parameters or inputs cannot be read are skipped.
std::optional<ScanPick> latestScan(const Workspace &ws);

/// The opening words of a plain-text corpus's first non-empty line, cut at a space before
/// `maxChars`: a prompt a page can start with. Empty for JSONL corpora and unreadable files.
QString samplePrompt(const QString &corpusPath, int maxChars = 200);

} // namespace gb
