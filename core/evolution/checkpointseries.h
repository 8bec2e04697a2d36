// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gb {

/// One model folder of a checkpoint series.
struct CheckpointFolder {
    std::int64_t step = 0;
    std::string name; ///< folder name, e.g. "step1000"
    std::string path; ///< absolute path
    /// Has a config.json: a model loader can try it. Weights are not checked here.
    bool hasConfig = false;
};

/// A folder of model folders named by training step (`step0/`, `step1000/`, ...), as Pythia's
/// revisions are published (spec-facts 6.3). Steps come from the names, so uneven spacing is kept.
struct CheckpointSeries {
    std::string folder;
    std::vector<CheckpointFolder> checkpoints; ///< sorted by step
    std::vector<std::string> ignored;          ///< entries whose names carry no step (files included)
};

/// Lists `dir`. BadInput when it is not a folder or when two entries name the same step
/// ("step1000" and "step_1000").
CheckpointSeries scanCheckpointSeries(const std::string &dir);

/// How a checkpoint series lines up with a crosscoder's snapshots. Nothing is guessed: a snapshot
/// without a folder is missing, a folder without a snapshot is extra.
struct SeriesMatch {
    std::vector<std::string> hookPoints;
    std::vector<std::string> paths;     ///< per hook point: the folder, or "" when missing
    std::vector<std::string> missing;   ///< hook points with no folder
    std::vector<std::string> extra;     ///< folder names with no hook point
    std::vector<std::string> noConfig;  ///< matched folder names without config.json

    bool complete() const { return missing.empty() && noConfig.empty(); }
    /// One readable paragraph: what matched, what is missing, extra or incomplete.
    std::string describe() const;
};

/// Matches by step number. BadInput when a hook point names no training step.
SeriesMatch matchCheckpointSeries(const CheckpointSeries &series, const std::vector<std::string> &hookPoints);

} // namespace gb
