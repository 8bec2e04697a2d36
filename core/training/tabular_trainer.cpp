// SPDX-License-Identifier: MIT
#include "training/tabular_trainer.h"

#include "common/error.h"
#include "common/random.h"
#include "common/torch_guard.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"

#include <torch/nn.h>
#include <torch/optim.h>
#include <torch/script.h>

#include <chrono>
#include <numeric>

namespace gb {

namespace {

struct Split {
    at::Tensor trainIdx, validIdx;
};

Split splitRows(std::int64_t n, double validationFraction, std::uint64_t seed)
{
    std::vector<std::int64_t> idx(static_cast<std::size_t>(n));
    std::iota(idx.begin(), idx.end(), 0);
    Rng rng(seed);
    rng.shuffle(idx);
    const auto nValid = std::int64_t(std::round(double(n) * validationFraction));
    auto all = torch::tensor(idx, torch::kLong);
    return {all.slice(0, nValid), all.slice(0, 0, nValid)};
}

torch::nn::Sequential makeNet(std::int64_t in, const std::vector<int> &hidden, std::int64_t out)
{
    torch::nn::Sequential net;
    std::int64_t width = in;
    for (int h : hidden) {
        net->push_back(torch::nn::Linear(width, h));
        net->push_back(torch::nn::ReLU());
        width = h;
    }
    net->push_back(torch::nn::Linear(width, out));
    return net;
}

/// TorchScript source of the exported forward: standardise, the hidden layers, the head.
std::string forwardSource(std::size_t linearLayers, std::int64_t inputs, bool classification)
{
    const std::string d = std::to_string(inputs);
    std::string s = "def forward(self, x):\n"
                    "    assert x.dim() == 2 and x.size(1) == " + d + ", \"expected float32 [N, " + d + "] input\"\n"
                      "    h = (x - self.x_mean) / self.x_std\n";
    for (std::size_t i = 0; i < linearLayers; ++i) {
        const std::string li = std::to_string(i);
        const std::string affine = "torch.addmm(self.b" + li + ", h, self.w" + li + ".t())";
        s += i + 1 < linearLayers ? "    h = torch.relu(" + affine + ")\n" : "    h = " + affine + "\n";
    }
    s += classification ? "    return h\n" : "    return h.squeeze(1) * self.y_std + self.y_mean\n";
    return s;
}

torch::jit::Module exportModule(torch::nn::Sequential &net, const at::Tensor &xMean, const at::Tensor &xStd,
                                double yMean, double yStd, bool classification)
{
    torch::jit::Module m("GlassboxMlp");
    m.register_buffer("x_mean", xMean.clone());
    m.register_buffer("x_std", xStd.clone());
    m.register_buffer("y_mean", torch::tensor(float(yMean)));
    m.register_buffer("y_std", torch::tensor(float(yStd)));
    std::size_t layer = 0;
    for (const auto &child : net->children()) {
        if (const auto *linear = child->as<torch::nn::Linear>()) {
            m.register_parameter("w" + std::to_string(layer), linear->weight.detach().clone(), false);
            m.register_parameter("b" + std::to_string(layer), linear->bias.detach().clone(), false);
            ++layer;
        }
    }
    m.define(forwardSource(layer, xMean.size(0), classification));
    return m;
}

double score(const at::Tensor &pred, const at::Tensor &target, bool classification)
{
    if (classification)
        return pred.argmax(1).eq(target).to(torch::kDouble).mean().item<double>();
    const auto ssRes = (pred - target).pow(2).sum().item<double>();
    const auto ssTot = (target - target.mean()).pow(2).sum().item<double>();
    return ssTot > 0 ? 1.0 - ssRes / ssTot : 0.0;
}

} // namespace

Json MlpReport::toJson() const
{
    Json j = Json::object();
    j.set("task", classification ? "classification" : "regression");
    if (classification)
        j.set("classes", classes);
    j.set("train_rows", trainRows)
        .set("validation_rows", validationRows)
        .set("epochs", std::int64_t(trainLoss.size()))
        .set("final_train_loss", trainLoss.empty() ? 0.0 : trainLoss.back())
        .set("validation_loss", validationLoss)
        .set(classification ? "validation_accuracy" : "validation_r2", validationScore)
        .set(classification ? "majority_accuracy" : "baseline_r2", baselineScore)
        .set("export_max_abs_diff", exportMaxAbsDiff)
        .set("train_loss", Json::arrayOf(trainLoss))
        .set("seconds", seconds);
    return j;
}

MlpReport trainTabularMlp(const at::Tensor &xIn, const at::Tensor &yIn, int classes, const MlpOptions &o,
                          const std::string &modelPath, Progress &progress, const CancelToken &cancel)
{
    const auto start = std::chrono::steady_clock::now();
    require(xIn.dim() == 2 && xIn.size(0) >= 4 && xIn.size(1) >= 1, "tabular training", "x must be [N >= 4, D >= 1]");
    require(yIn.dim() == 1 && yIn.size(0) == xIn.size(0), "tabular training", "y must be [N] with N = rows of x");
    require(o.epochs > 0 && o.batchSize > 0 && o.learningRate > 0, "tabular training", "epochs, batch size and learning rate must be positive");
    require(o.validationFraction >= 0 && o.validationFraction < 0.9, "tabular training", "validation fraction must be in [0, 0.9)");
    const bool classification = classes > 0;
    return torchGuard("tabular training", [&] {
        torch::manual_seed(o.seed);
        const auto x = xIn.to(torch::kFloat).contiguous();
        const auto y = classification ? yIn.to(torch::kLong) : yIn.to(torch::kFloat);
        if (classification)
            require(y.min().item<std::int64_t>() >= 0 && y.max().item<std::int64_t>() < classes, "tabular training",
                    "class labels must be integers in [0, " + std::to_string(classes) + ")");
        require(torch::isfinite(x).all().item<bool>() && torch::isfinite(yIn.to(torch::kFloat)).all().item<bool>(),
                "tabular training", "x and y must be finite (no NaN or infinity)");
        const Split split = splitRows(x.size(0), o.validationFraction, o.seed);
        const auto xTrain = x.index_select(0, split.trainIdx), yTrain = y.index_select(0, split.trainIdx);
        const auto xMean = xTrain.mean(0), xStd = xTrain.std(0).clamp_min(1e-6);
        const double yMean = classification ? 0.0 : yTrain.mean().item<double>();
        const double yStd = classification ? 1.0 : std::max(1e-6, yTrain.std().item<double>());
        auto net = makeNet(x.size(1), o.hidden, classification ? classes : 1);
        torch::optim::AdamW opt(net->parameters(), torch::optim::AdamWOptions(o.learningRate).weight_decay(o.weightDecay));
        const auto xs = (xTrain - xMean) / xStd;
        const auto ys = classification ? yTrain : (yTrain - yMean) / yStd;
        const auto lossOf = [&](const at::Tensor &out, const at::Tensor &target) {
            return classification ? torch::nn::functional::cross_entropy(out, target)
                                  : torch::mse_loss(out.squeeze(1), target);
        };
        MlpReport r;
        r.classification = classification;
        r.classes = classes;
        r.trainRows = int(xTrain.size(0));
        r.validationRows = int(split.validIdx.size(0));
        progress.beginStage("training MLP", 0.0, 0.95, "epochs");
        Rng order(o.seed + 1);
        std::vector<std::int64_t> perm(static_cast<std::size_t>(xs.size(0)));
        for (int epoch = 0; epoch < o.epochs; ++epoch) {
            cancel.throwIfCancelled();
            std::iota(perm.begin(), perm.end(), 0);
            order.shuffle(perm);
            const auto permT = torch::tensor(perm, torch::kLong);
            double total = 0.0;
            for (std::int64_t b = 0; b < xs.size(0); b += o.batchSize) {
                const auto idx = permT.slice(0, b, std::min<std::int64_t>(b + o.batchSize, xs.size(0)));
                opt.zero_grad();
                auto loss = lossOf(net->forward(xs.index_select(0, idx)), ys.index_select(0, idx));
                loss.backward();
                opt.step();
                total += loss.item<double>() * double(idx.size(0));
            }
            r.trainLoss.push_back(total / double(xs.size(0)));
            progress.update(epoch + 1, o.epochs);
        }
        progress.beginStage("exporting TorchScript", 0.95, 1.0);
        net->eval();
        torch::NoGradGuard noGrad;
        const auto rawOut = net->forward((x - xMean) / xStd);
        const auto trained = classification ? rawOut : rawOut.squeeze(1) * float(yStd) + float(yMean);
        auto module = exportModule(net, xMean, xStd, yMean, yStd, classification);
        torchGuard(modelPath + ": cannot save the TorchScript model", [&] { module.save(modelPath); }, Error::Kind::BadInput);
        auto loaded = torch::jit::load(modelPath);
        const auto exported = loaded.forward({x}).toTensor();
        r.exportMaxAbsDiff = (exported - trained).abs().max().item<double>();
        if (r.exportMaxAbsDiff > 1e-4 * std::max(1.0, trained.abs().max().item<double>()))
            throw Error::internal("tabular training: exported TorchScript differs from the trained network by "
                                  + std::to_string(r.exportMaxAbsDiff));
        if (r.validationRows > 0) {
            const auto vOut = trained.index_select(0, split.validIdx);
            const auto vY = y.index_select(0, split.validIdx);
            r.validationLoss = classification ? torch::nn::functional::cross_entropy(vOut, vY).item<double>()
                                              : torch::mse_loss(vOut, vY).item<double>();
            r.validationScore = score(vOut, vY, classification);
            r.baselineScore = classification
                                  ? vY.eq(std::get<0>(yTrain.mode())).to(torch::kDouble).mean().item<double>()
                                  : 0.0;
        }
        r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        progress.flush();
        return r;
    }, Error::Kind::Internal);
}

} // namespace gb
