// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace gb {

class CancelToken;
class Progress;
class TransformerModel;

/// The language models the app has loaded, keyed by folder and weight processing, so pages
/// share one copy (weights are memory-mapped; a second processing variant is a second entry).
///
/// Thread contract: obtain() and every use of a returned model happen on the JobRunner's compute
/// worker (model work is serialised there). The GUI thread may call loaded(), isLoaded() and
/// remove(); those only touch the index, under a mutex.
class ModelCache {
public:
    /// What the GUI shows about a loaded model (plain data, safe on any thread).
    struct Summary {
        std::string path;
        std::string processing; ///< "none" or e.g. "fold_ln,center_writing_weights"
        std::string description; ///< ModelConfig::summary()
        std::int64_t parameters = 0;
        int layers = 0, dModel = 0, heads = 0, vocab = 0;
    };

    /// Worker thread: the cached model, or loads it with progress per tensor (cancellable).
    /// `processing` as ProcessingOptions::parse reads it ("" = none).
    std::shared_ptr<TransformerModel> obtain(const std::string &path, const std::string &processing,
                                             Progress &progress, const CancelToken &cancel);
    /// The cached model or null (no loading).
    std::shared_ptr<TransformerModel> find(const std::string &path, const std::string &processing = {}) const;

    std::vector<Summary> loaded() const;
    bool isLoaded(const std::string &path) const;
    /// Drops every variant of `path`; jobs still holding the model keep it alive until they end.
    void remove(const std::string &path);

private:
    using Key = std::pair<std::string, std::string>;
    static Key key(const std::string &path, const std::string &processing);

    mutable std::mutex m_mutex;
    std::map<Key, std::shared_ptr<TransformerModel>> m_models;
    std::map<Key, Summary> m_summaries;
};

} // namespace gb
