// SPDX-License-Identifier: MIT
#include "training/trainer_state.h"

#include "common/error.h"
#include "io/atomic_file.h"
#include "io/safetensors.h"
#include "training/adamw.h"

#include <ATen/ATen.h>

#include <filesystem>

namespace fs = std::filesystem;

namespace gb {

std::string TrainerState::path(const std::string &dir)
{
    return (fs::path(dir) / "trainer_state").string();
}

std::optional<TrainerState> TrainerState::read(const std::string &dir)
{
    const fs::path file = fs::path(path(dir)) / "state.json";
    if (!fs::exists(file))
        return std::nullopt;
    const Json j = Json::parseFile(file.string());
    TrainerState s;
    const Json *step = j.find("step");
    require(step != nullptr, file.string(), "no \"step\"");
    s.step = step->toInt("step");
    s.options = j.find("options") ? *j.find("options") : Json::object();
    s.data = j.find("data") ? j.find("data")->toString("data") : std::string();
    return s;
}

void TrainerState::write(const std::string &dir, const AdamW &optimizer, bool withParams) const
{
    const fs::path root = path(dir);
    fs::create_directories(root);
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (std::size_t i = 0; i < optimizer.names().size(); ++i) {
        const std::string &n = optimizer.names()[i];
        tensors.emplace_back("m." + n, optimizer.firstMoments()[i]);
        tensors.emplace_back("v." + n, optimizer.secondMoments()[i]);
        if (withParams)
            tensors.emplace_back("p." + n, optimizer.params()[i].detach());
    }
    writeSafetensors((root / "optimizer.safetensors").string(), tensors);
    const std::string text = Json::object().set("step", step).set("options", options).set("data", data).dump(1);
    AtomicFile f((root / "state.json").string());
    f.write(text.data(), text.size());
    f.commit();
}

void TrainerState::restore(const std::string &dir, AdamW &optimizer, bool withParams) const
{
    const auto file = SafetensorsFile::open((fs::path(path(dir)) / "optimizer.safetensors").string());
    at::NoGradGuard noGrad;
    for (std::size_t i = 0; i < optimizer.names().size(); ++i) {
        const std::string &n = optimizer.names()[i];
        const auto shape = optimizer.params()[i].sizes().vec();
        optimizer.firstMoments()[i] = file->floatTensor("m." + n, shape).clone();
        optimizer.secondMoments()[i] = file->floatTensor("v." + n, shape).clone();
        if (withParams)
            optimizer.params()[i].copy_(file->floatTensor("p." + n, shape));
    }
    optimizer.setSteps(step);
}

void TrainerState::requireSameRun(const std::string &dir, const Json &opts, const std::string &dataSig) const
{
    if (options.dump() != opts.dump())
        throw Error::badInput(dir + ": holds a run with other options (saved " + options.dump() + "); choose another "
                              "output folder, or the same options to resume it");
    if (data != dataSig)
        throw Error::badInput(dir + ": holds a run trained on other data; choose another output folder");
}

std::string dataSignature(const at::Tensor &t)
{
    const auto d = t.to(at::kDouble).reshape(-1);
    const auto pos = at::arange(d.size(0), d.options()).remainder(9973.0).add_(1.0);
    std::string shape;
    for (auto s : t.sizes())
        shape += std::to_string(s) + "x";
    return shape + " " + formatNumber(d.sum().item<double>()) + " " + formatNumber(d.pow(2).sum().item<double>()) + " "
           + formatNumber((d * pos).sum().item<double>());
}

} // namespace gb
