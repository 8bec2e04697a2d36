// SPDX-License-Identifier: MIT
// The Features page's model work: plain-data requests and results (no libtorch types), run as
// JobRunner jobs on the compute worker.
#pragma once

#include "plots/featuredashboardfigure.h"
#include "plots/featureheatmapfigure.h"
#include "plots/steeringfigure.h"

#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace gb {

class CancelToken;
class ModelCache;
class Progress;

/// Which model and dictionary a request is about. A crosscoder is explored one head at a time
/// (`head` >= 0, read at `headHook`).
struct FeatureTarget {
    QString modelPath;
    QString processing;
    QString dictionaryPath;
    int head = -1;
    QString headHook;
    bool valid() const { return !modelPath.isEmpty() && !dictionaryPath.isEmpty(); }
};

/// What the page shows about a dictionary.
struct DictionarySummary {
    QString path, format, architecture, kind, hookIn, hookOut;
    qint64 dIn = 0, dOut = 0, dSae = 0;
    QStringList headNames; ///< crosscoders
    QStringList warnings;
    QString describe() const;
};

/// Worker-side caches (tokenizers, dictionaries, decoder neighbours) shared by the page's jobs;
/// models come from the app's ModelCache. Every method runs on the compute worker.
class FeatureSession {
public:
    explicit FeatureSession(std::shared_ptr<ModelCache> models);
    ~FeatureSession();

    DictionarySummary openDictionary(const QString &path);

    struct Prompt {
        std::vector<qint64> ids;
        QStringList tokens;
        std::vector<qint64> features;
        std::vector<float> values; ///< [T, C]
        std::vector<float> maxValue, meanValue;
        std::vector<int> count;
        QString metrics; ///< one line: L0, explained variance, loss change
        QString hook;
    };
    Prompt analysePrompt(const FeatureTarget &t, const QString &text, bool prependBos, Progress &progress, const CancelToken &cancel);

    struct DashboardRequest {
        qint64 feature = 0;
        QString workspacePath;
        qint64 scanRun = 0; ///< 0: no scan (decoder facts only)
        int examples = 10;
    };
    plots::FeatureDashboardData dashboard(const FeatureTarget &t, const DashboardRequest &r, const CancelToken &cancel);
    /// A feature's `examples` strongest windows of a finished scan, each re-run through the
    /// target for per-token values (what the dashboard's top examples show), captioned #1, #2...
    std::vector<plots::FeatureExampleRow> topExamples(const FeatureTarget &t, const QString &workspacePath, qint64 scanRun, qint64 feature,
                                               int examples, const CancelToken &cancel);

    struct SearchResult {
        qint64 occurrences = 0, windows = 0;
        QStringList pattern;
        std::vector<qint64> features;
        std::vector<double> mean, rate;
    };
    SearchResult search(const FeatureTarget &t, const QString &workspacePath, qint64 scanRun, const QString &text, const CancelToken &cancel);

    struct Edit {
        qint64 feature = 0;
        QString mode; ///< clamp, scale, zero
        double value = 0;
        std::vector<qint64> positions; ///< empty: all
    };
    plots::SteeringData steer(const FeatureTarget &t, const QString &prompt, bool prependBos, const std::vector<Edit> &edits, int topK,
                       int newTokens, const CancelToken &cancel);

    struct ScanRequest {
        QString corpus, format, workspacePath;
        int context = 128, topK = 20;
        bool prependBos = true;
    };
    struct ScanOutcome {
        qint64 runId = 0;
        qint64 windows = 0, tokens = 0;
        double tokensPerSecond = 0;
        bool alreadyFinished = false;
    };
    ScanOutcome scan(const FeatureTarget &t, const ScanRequest &r, Progress &progress, const CancelToken &cancel);

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

/// The tokens x features matrix of a prompt analysis, restricted to the columns `cols`
/// (indices into p.features) in that order.
std::shared_ptr<plots::FeatureMatrix> promptMatrix(const FeatureSession::Prompt &p, const std::vector<int> &cols);

} // namespace gb
