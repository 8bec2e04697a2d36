// SPDX-License-Identifier: MIT
// SAELens folders (spec-facts 3.1-3.5).
#include "dictionaries/dictionaryloader.h"
#include "dictionaries/saelensconfig.h"

#include "common/error.h"
#include "common/torch_guard.h"
#include "io/safetensors.h"

#include <ATen/ATen.h>

#include <filesystem>

namespace gb {

namespace {

namespace fs = std::filesystem;

class WeightReader {
public:
    WeightReader(std::shared_ptr<SafetensorsFile> file, std::string arch)
        : m_file(std::move(file))
        , m_arch(std::move(arch))
    {
    }

    /// The tensor as float32 with the given shape; missing is BadInput naming the architecture.
    at::Tensor required(const std::string &name, const std::vector<std::int64_t> &shape) const
    {
        require(m_file->contains(name), m_file->path(),
                "tensor '" + name + "' is missing (architecture '" + m_arch + "' needs it)");
        return m_file->floatTensor(name, shape);
    }
    at::Tensor optional(const std::string &name, const std::vector<std::int64_t> &shape) const
    {
        return m_file->contains(name) ? m_file->floatTensor(name, shape) : at::Tensor();
    }
    /// The output width of a transcoder whose cfg.json does not give d_out, from W_dec.
    std::int64_t decoderWidth() const
    {
        require(m_file->contains("W_dec"), m_file->path(), "tensor 'W_dec' is missing");
        const auto &shape = m_file->entry("W_dec").shape;
        require(shape.size() == 2, m_file->path(), "tensor 'W_dec' must be 2-D [d_sae, d_out]");
        return shape[1];
    }
    bool contains(const std::string &name) const { return m_file->contains(name); }
    const std::string &path() const { return m_file->path(); }

private:
    std::shared_ptr<SafetensorsFile> m_file;
    std::string m_arch;
};

SaeWeights readWeights(const WeightReader &r, SaeLensConfig &c)
{
    const std::int64_t dIn = c.info.dIn, F = c.info.dSae, dOut = c.info.dOut;
    SaeWeights w;
    w.wEnc = r.required("W_enc", {dIn, F});
    w.wDec = r.required("W_dec", {F, dOut});
    w.bDec = r.required("b_dec", {dOut});
    if (c.spec.activation == SaeSpec::Activation::Gated) {
        w.bGate = r.required("b_gate", {F});
        w.bMag = r.required("b_mag", {F});
        w.rMag = r.required("r_mag", {F});
    } else {
        w.bEnc = r.required("b_enc", {F});
    }
    if (c.spec.activation == SaeSpec::Activation::JumpReLU) {
        if (r.contains("threshold"))
            w.threshold = r.required("threshold", {F});
        else if (r.contains("log_threshold"))
            w.threshold = r.required("log_threshold", {F}).exp();
        else if (c.batchTopK && r.contains("topk_threshold"))
            w.threshold = at::full({F}, r.required("topk_threshold", {}).item<double>(), at::kFloat);
        else
            r.required("threshold", {F});
    }
    if (c.info.architecture == "skip_transcoder")
        w.wSkip = r.required("W_skip", {dOut, dIn});
    for (const char *name : {"scaling_factor", "finetuning_scaling_factor"}) {
        if (!r.contains(name))
            continue;
        const at::Tensor s = r.required(name, {F});
        // SAELens drops an all-ones factor; anything else multiplies the features in decode.
        if (!s.eq(1.0).all().item<bool>())
            w.featureScale = s;
    }
    return w;
}

void foldNormScaling(SaeWeights &w, double s)
{
    w.wEnc = w.wEnc * s;
    w.wDec = w.wDec / s;
    w.bDec = w.bDec / s;
}

} // namespace

std::shared_ptr<const SparseDictionary> loadSaeLens(const std::string &folder)
{
    const fs::path dir(folder);
    const std::string cfgPath = (dir / "cfg.json").string();
    SaeLensConfig c = SaeLensConfig::fromJson(Json::parseFile(cfgPath), cfgPath);
    c.info.path = folder;

    const fs::path weightsPath = dir / "sae_weights.safetensors";
    std::error_code ec;
    require(fs::is_regular_file(weightsPath, ec), folder, "no sae_weights.safetensors next to cfg.json");
    const WeightReader reader(SafetensorsFile::open(weightsPath.string()), c.info.architecture);
    if (c.info.dOut == 0)
        c.info.dOut = reader.decoderWidth();

    SaeWeights w = torchGuard(reader.path(), [&] { return readWeights(reader, c); }, Error::Kind::BadInput);
    if (c.normScalingFactor) {
        require(*c.normScalingFactor > 0, cfgPath, "norm_scaling_factor must be positive");
        torchGuard(cfgPath, [&] { foldNormScaling(w, *c.normScalingFactor); });
    }
    auto dict = std::make_shared<SaeDictionary>(c.info, c.spec, std::move(w));

    const fs::path sparsityPath = dir / "sparsity.safetensors";
    if (fs::is_regular_file(sparsityPath, ec)) {
        const auto file = SafetensorsFile::open(sparsityPath.string());
        require(file->contains("sparsity"), file->path(), "tensor 'sparsity' is missing");
        dict->setLogSparsity(file->floatTensor("sparsity", {c.info.dSae}));
    }
    return dict;
}

} // namespace gb
