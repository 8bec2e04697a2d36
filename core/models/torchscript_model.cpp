// SPDX-License-Identifier: MIT
#include "models/torchscript_model.h"

#include "common/error.h"
#include "common/torch_guard.h"
#include "io/dtype.h"
#include "models/reluextraction.h"
#include "tabular/relunetwork.h"

#include <c10/core/InferenceMode.h>
#include <torch/script.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

namespace gb {

namespace {

bool startsWithZipMagic(const std::string &path)
{
    std::ifstream f(path, std::ios::binary);
    char magic[2] = {0, 0};
    f.read(magic, 2);
    return f.gcount() == 2 && magic[0] == 'P' && magic[1] == 'K';
}

void checkReadableFile(const std::string &path)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw Error::badInput(path + ": no such file");
    if (fs::is_directory(path, ec))
        throw Error::badInput(path + ": is a folder, expected a TorchScript file (.pt)");
    if (!startsWithZipMagic(path))
        throw Error::badInput(path + ": not a TorchScript archive (TorchScript files are zip archives; "
                                     "export the model with torch.jit.script or torch.jit.trace and .save())");
}

// TorchScript messages carry a code traceback; the cause is on the last line.
std::string lastLine(const std::string &message)
{
    std::size_t end = message.find_last_not_of(" \n");
    if (end == std::string::npos)
        return message;
    const std::size_t begin = message.rfind('\n', end);
    return message.substr(begin == std::string::npos ? 0 : begin + 1, end + 1 - (begin == std::string::npos ? 0 : begin + 1));
}

// Working set of one forward call (input, every layer's activations, output), sized to stay in a
// core's L2 cache: on the benchmark MLP (docs/BENCHMARKS.md), 44,200 rows took 13-20 ms in chunks
// of 300-1000 rows and 35 ms in chunks of 65,536, one thread. Calls cost ~20 us each, so smaller
// chunks would only add overhead.
constexpr std::int64_t BatchBudgetBytes = 1ll << 20;

} // namespace

struct TorchScriptModel::Impl {
    std::string path;
    torch::jit::Module module;
    at::ScalarType inputType = at::kFloat;
    InputHint hint;
    std::int64_t activations = 0;
    std::shared_ptr<const tabular::ReluNetwork> network;

    at::Tensor run(const float *rows, std::int64_t n, std::int64_t width) const
    {
        const std::string context = path + ": forward on input [" + std::to_string(n) + ", " + std::to_string(width) + "]";
        // Errors raised inside TorchScript code are torch::jit::JITException, a std::runtime_error
        // rather than a c10::Error, so torchGuard alone would let them through.
        try {
            return guardedRun(context, rows, n, width);
        } catch (const Error &) {
            throw;
        } catch (const std::exception &e) {
            throw Error::badInput(context + ": " + lastLine(e.what()));
        }
    }

    at::Tensor guardedRun(const std::string &context, const float *rows, std::int64_t n, std::int64_t width) const
    {
        return torchGuard(
            context,
            [&] {
                c10::InferenceMode guard;
                at::Tensor x = at::from_blob(const_cast<float *>(rows), {n, width}, at::kFloat);
                if (inputType != at::kFloat)
                    x = x.to(inputType);
                const c10::IValue out = const_cast<torch::jit::Module &>(module).forward({x});
                if (!out.isTensor())
                    throw Error::badInput(path + ": forward returned " + out.tagKind()
                                          + ", expected one tensor");
                return out.toTensor().to(at::kFloat).contiguous();
            },
            Error::Kind::BadInput);
    }
};

TorchScriptModel::TorchScriptModel(std::unique_ptr<Impl> impl)
    : m(std::move(impl))
{
}

TorchScriptModel::~TorchScriptModel() = default;

std::shared_ptr<TorchScriptModel> TorchScriptModel::load(const std::string &path)
{
    checkReadableFile(path);
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    const auto notTorchScript = [&](const std::string &why) {
        return Error::badInput(path + ": not a TorchScript module (a plain torch.save checkpoint or state_dict "
                                      "cannot be run; export with torch.jit.script or torch.jit.trace): " + lastLine(why));
    };
    try {
        impl->module = torch::jit::load(path);
    } catch (const c10::Error &e) {
        throw notTorchScript(e.what_without_backtrace());
    } catch (const std::exception &e) {
        throw notTorchScript(e.what());
    }
    torchGuard(path + ": preparing for inference", [&] {
        impl->module.eval();
        for (const auto &p : impl->module.named_parameters(true)) {
            const at::Tensor &t = p.value;
            if (impl->hint.width < 0 && t.dim() == 2) {
                impl->hint = {t.size(1), p.name, t.sizes().vec()};
                if (at::isFloatingType(t.scalar_type()))
                    impl->inputType = t.scalar_type();
            }
            if (t.dim() == 2)
                impl->activations += t.size(0);
        }
    }, Error::Kind::BadInput);
    // Freezing folds parameters into the graph (fewer lookups per call); modules it cannot handle
    // run unfrozen, which is only slower.
    try {
        impl->module = torch::jit::freeze(impl->module);
        impl->network = extractReluNetwork(impl->module);
    } catch (const c10::Error &) {
    } catch (const std::exception &) {
    }
    return std::shared_ptr<TorchScriptModel>(new TorchScriptModel(std::move(impl)));
}

const std::string &TorchScriptModel::path() const
{
    return m->path;
}

TorchScriptModel::Output TorchScriptModel::forward(const float *rows, std::int64_t n, std::int64_t width) const
{
    const at::Tensor out = m->run(rows, n, width);
    Output o;
    o.shape = out.sizes().vec();
    o.values.assign(out.data_ptr<float>(), out.data_ptr<float>() + out.numel());
    return o;
}

TorchScriptModel::InputHint TorchScriptModel::inputHint() const
{
    return m->hint;
}

std::int64_t TorchScriptModel::activationsPerRow() const
{
    return m->activations;
}

std::shared_ptr<const tabular::ReluNetwork> TorchScriptModel::reluNetwork() const
{
    return m->network;
}

// TabularModel ----------------------------------------------------------------------------------

namespace {

// The module's network reduced to what `response` reads; null when it does not fit the data.
std::shared_ptr<const tabular::ReluNetwork> responseNetwork(const TorchScriptModel &module, std::int64_t inputWidth,
                                                            std::int64_t outputColumns, const TabularResponse &response)
{
    const auto full = module.reluNetwork();
    if (!full || full->inputWidth() != inputWidth || full->outputs() != outputColumns)
        return nullptr;
    auto net = std::make_shared<tabular::ReluNetwork>(*full);
    const std::int64_t column = std::max(0, response.outputColumn);
    switch (response.kind) {
    case TabularResponse::Kind::Probability:
        net->response = tabular::ReluNetwork::Response::Softmax;
        net->column = column;
        return net;
    case TabularResponse::Kind::Raw: net->response = tabular::ReluNetwork::Response::Raw; break;
    case TabularResponse::Kind::Sigmoid: net->response = tabular::ReluNetwork::Response::Sigmoid; break;
    }
    net->keepOnlyOutput(column);
    return net;
}

} // namespace

const char *toString(TabularResponse::Kind kind)
{
    switch (kind) {
    case TabularResponse::Kind::Raw: return "raw";
    case TabularResponse::Kind::Probability: return "probability";
    case TabularResponse::Kind::Sigmoid: return "sigmoid";
    }
    return "raw";
}

TabularResponse::Kind responseKindFromString(const std::string &name)
{
    for (auto k : {TabularResponse::Kind::Raw, TabularResponse::Kind::Probability, TabularResponse::Kind::Sigmoid})
        if (name == toString(k))
            return k;
    throw Error::badInput("unknown response \"" + name + "\" (expected raw, probability or sigmoid)");
}

TabularModel::TabularModel(std::shared_ptr<TorchScriptModel> module, std::int64_t inputWidth,
                           std::int64_t outputColumns, const TabularResponse &response)
    : m_module(std::move(module))
    , m_inputWidth(inputWidth)
    , m_outputColumns(outputColumns)
    , m_response(response)
    , m_network(responseNetwork(*m_module, inputWidth, outputColumns, response))
{
    const std::int64_t floatsPerRow = inputWidth + 2 * m_module->activationsPerRow() + outputColumns;
    m_batchRows = std::clamp<std::int64_t>(BatchBudgetBytes / (4 * std::max<std::int64_t>(1, floatsPerRow)),
                                           256, 1 << 16);
}

void TabularModel::checkResponse(const std::string &path, std::int64_t outputColumns, const TabularResponse &r)
{
    const std::string outputs = std::to_string(outputColumns);
    if (r.outputColumn < -1 || r.outputColumn >= outputColumns)
        throw Error::badInput(path + ": output column " + std::to_string(r.outputColumn) + " does not exist (the model has "
                              + outputs + " output column" + (outputColumns == 1 ? "" : "s") + ")");
    if (r.outputColumn < 0 && outputColumns > 1)
        throw Error::badInput(path + ": the model has " + outputs
                              + " output columns (a classifier?): choose the class to explain (0.."
                              + std::to_string(outputColumns - 1) + ")");
    if (r.kind == TabularResponse::Kind::Probability && outputColumns < 2)
        throw Error::badInput(path + ": a softmax probability needs at least 2 output columns; for a single "
                                     "logit use the sigmoid response");
}

std::shared_ptr<TabularModel> TabularModel::load(const std::string &path, std::int64_t inputWidth,
                                                 const TabularResponse &response)
{
    if (inputWidth < 1)
        throw Error::badInput(path + ": the data has no feature columns");
    auto module = TorchScriptModel::load(path);
    const auto hint = module->inputHint();
    const std::string dataCols = std::to_string(inputWidth) + " feature column" + (inputWidth == 1 ? "" : "s");
    const auto widthError = [&](const std::string &detail) {
        return Error::badInput(path + ": the model expects " + std::to_string(hint.width) + " input columns (its first layer '"
                               + hint.parameter + "' is " + shapeText(hint.shape) + ") but the data has " + dataCols
                               + "; mark the target and any columns the model does not take as target/ignored"
                               + detail);
    };
    const std::int64_t probeRows = 3;
    const std::vector<float> probe(static_cast<std::size_t>(probeRows * inputWidth), 0.0f);
    TorchScriptModel::Output out;
    try {
        out = module->forward(probe.data(), probeRows, inputWidth);
    } catch (const Error &e) {
        if (hint.width > 0 && hint.width != inputWidth)
            throw widthError("");
        throw Error::badInput(path + ": the model does not accept float32 input [N, " + std::to_string(inputWidth)
                              + "] (the data has " + dataCols + "): " + e.what());
    }
    if (out.shape.empty() || out.shape.size() > 2 || out.shape[0] != probeRows)
        throw Error::badInput(path + ": the model returned " + shapeText(out.shape) + " for input ["
                              + std::to_string(probeRows) + ", " + std::to_string(inputWidth) + "]; expected ["
                              + std::to_string(probeRows) + "], [" + std::to_string(probeRows) + ", 1] or ["
                              + std::to_string(probeRows) + ", C]");
    const std::int64_t columns = out.shape.size() == 2 ? out.shape[1] : 1;
    if (columns < 1)
        throw Error::badInput(path + ": the model returned no output columns");
    checkResponse(path, columns, response);
    return std::shared_ptr<TabularModel>(new TabularModel(std::move(module), inputWidth, columns, response));
}

std::shared_ptr<TabularModel> TabularModel::withResponse(const TabularResponse &response) const
{
    checkResponse(path(), m_outputColumns, response);
    auto copy = std::shared_ptr<TabularModel>(new TabularModel(m_module, m_inputWidth, m_outputColumns, response));
    copy->m_batchRows = m_batchRows;
    return copy;
}

const std::string &TabularModel::path() const
{
    return m_module->path();
}

std::string TabularModel::describe() const
{
    if (m_outputColumns == 1 && m_response.kind == TabularResponse::Kind::Raw)
        return "regression (one output)";
    const std::string column = std::to_string(std::max(0, m_response.outputColumn));
    std::string s = std::to_string(m_outputColumns) + " output" + (m_outputColumns == 1 ? "" : "s") + ", ";
    switch (m_response.kind) {
    case TabularResponse::Kind::Raw: return s + "raw output " + column;
    case TabularResponse::Kind::Probability: return s + "probability of class " + column;
    case TabularResponse::Kind::Sigmoid: return s + "sigmoid of output " + column;
    }
    return s;
}

void TabularModel::setBatchRows(std::int64_t rows)
{
    m_batchRows = std::max<std::int64_t>(1, rows);
}

void TabularModel::predict(const float *rows, std::int64_t n, float *out) const
{
    const std::int64_t c = m_outputColumns;
    const std::int64_t column = std::max(0, m_response.outputColumn);
    for (std::int64_t begin = 0; begin < n; begin += m_batchRows) {
        const std::int64_t count = std::min(m_batchRows, n - begin);
        const TorchScriptModel::Output o = m_module->forward(rows + begin * m_inputWidth, count, m_inputWidth);
        if (o.shape.empty() || o.shape[0] != count || std::int64_t(o.values.size()) != count * c)
            throw Error::badInput(path() + ": the model returned " + shapeText(o.shape) + " for "
                                  + std::to_string(count) + " rows; its output shape is not stable");
        const float *v = o.values.data();
        float *dst = out + begin;
        switch (m_response.kind) {
        case TabularResponse::Kind::Raw:
            for (std::int64_t i = 0; i < count; ++i)
                dst[i] = v[i * c + column];
            break;
        case TabularResponse::Kind::Sigmoid:
            for (std::int64_t i = 0; i < count; ++i)
                dst[i] = float(1.0 / (1.0 + std::exp(-double(v[i * c + column]))));
            break;
        case TabularResponse::Kind::Probability:
            for (std::int64_t i = 0; i < count; ++i) {
                const float *row = v + i * c;
                const double top = *std::max_element(row, row + c);
                double sum = 0.0;
                for (std::int64_t k = 0; k < c; ++k)
                    sum += std::exp(double(row[k]) - top);
                dst[i] = float(std::exp(double(row[column]) - top) / sum);
            }
            break;
        }
    }
}

} // namespace gb
