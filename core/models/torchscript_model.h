// SPDX-License-Identifier: MIT
#pragma once

#include "tabular/predictor.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace gb {

namespace tabular {
struct ReluNetwork;
}

/// A TorchScript module (torch.jit.script / torch.jit.trace output) loaded for CPU inference:
/// eval mode, frozen when the module allows it, run under inference mode. Every libtorch error
/// becomes a gb::Error naming the file. Safe to call forward() from one worker thread at a time
/// per call site; the module itself is not modified after load.
class TorchScriptModel {
public:
    /// A missing file, a file that is not a zip archive, or a zip without TorchScript code
    /// (e.g. a plain torch.save checkpoint) is a BadInput error saying which.
    static std::shared_ptr<TorchScriptModel> load(const std::string &path);
    ~TorchScriptModel();

    const std::string &path() const;

    /// The output of one forward call, converted to float32.
    struct Output {
        std::vector<std::int64_t> shape;
        std::vector<float> values; ///< row-major
    };
    /// Runs forward on one float tensor [n, width] built from `rows` (row-major). The input is cast
    /// to the parameters' dtype (a float64 model gets float64). The output must be a tensor.
    Output forward(const float *rows, std::int64_t n, std::int64_t width) const;

    /// What the parameters say about the input: the second dimension of the first 2-D weight
    /// (a Linear layer's in_features) and that parameter's name and shape; width -1 when none.
    struct InputHint {
        std::int64_t width = -1;
        std::string parameter;
        std::vector<std::int64_t> shape;
    };
    InputHint inputHint() const;
    /// Rough float32 values held per input row during forward (sum of the layers' widths), to
    /// size batches by memory.
    std::int64_t activationsPerRow() const;
    /// The module as a ReLU network (all output columns, raw) when its frozen graph is a plain
    /// chain of linear layers and ReLUs (see extractReluNetwork), else null.
    std::shared_ptr<const tabular::ReluNetwork> reluNetwork() const;

private:
    struct Impl;
    explicit TorchScriptModel(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m;
};

/// Which number per row a tabular model's output becomes.
struct TabularResponse {
    enum class Kind {
        Raw,         ///< the output column as is (regression value, logit, score)
        Probability, ///< softmax over the columns, then the chosen column (multi-class)
        Sigmoid      ///< sigmoid of the chosen column (a single logit: binary classification)
    };
    Kind kind = Kind::Raw;
    /// Output column; -1 picks the only column and is an error for multi-column outputs.
    int outputColumn = -1;
};

const char *toString(TabularResponse::Kind kind);
/// "raw", "probability", "sigmoid" (BadInput otherwise).
TabularResponse::Kind responseKindFromString(const std::string &name);

/// A TorchScript model that takes float32 [N, D] and returns [N], [N, 1] (regression) or [N, C]
/// (classification), wrapped as the Predictor the effect estimators use.
///
/// load() checks the contract with a probe batch: an input width that does not fit is a BadInput
/// error naming both column counts; an output of another shape, or one row count that does not
/// follow the input's, is rejected too.
class TabularModel final : public tabular::Predictor {
public:
    static std::shared_ptr<TabularModel> load(const std::string &path, std::int64_t inputWidth,
                                              const TabularResponse &response = {});
    /// The same module explaining another response (validated like load()).
    std::shared_ptr<TabularModel> withResponse(const TabularResponse &response) const;

    const std::string &path() const;
    /// Columns of the output: 1 for [N] and [N, 1], C for [N, C].
    std::int64_t outputColumns() const { return m_outputColumns; }
    const TabularResponse &response() const { return m_response; }
    /// e.g. "regression, output [N, 1]" or "3 outputs, probability of class 2".
    std::string describe() const;

    std::int64_t inputWidth() const override { return m_inputWidth; }
    void predict(const float *rows, std::int64_t n, float *out) const override;
    std::int64_t preferredBatchRows() const override { return m_batchRows; }
    /// Caps rows per forward (default: about 1 MB of working set); benchmarks and tests tune it.
    void setBatchRows(std::int64_t rows);
    /// The module's ReLU network explaining this response, when there is one: a raw or sigmoid
    /// column keeps only that output, a probability keeps every output for the softmax.
    const tabular::ReluNetwork *piecewiseLinear() const override { return m_network.get(); }

private:
    TabularModel(std::shared_ptr<TorchScriptModel> module, std::int64_t inputWidth, std::int64_t outputColumns,
                 const TabularResponse &response);
    static void checkResponse(const std::string &path, std::int64_t outputColumns, const TabularResponse &response);

    std::shared_ptr<TorchScriptModel> m_module;
    std::int64_t m_inputWidth;
    std::int64_t m_outputColumns;
    TabularResponse m_response;
    std::int64_t m_batchRows;
    std::shared_ptr<const tabular::ReluNetwork> m_network;
};

} // namespace gb
