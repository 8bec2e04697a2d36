// SPDX-License-Identifier: MIT
// Gemma Scope params.npz (spec-facts 3.6): JumpReLU SAEs and transcoders whose hook is implied
// by the Hugging Face path (google/gemma-scope-<size>-<pt|it>-<res|mlp|att|transcoders>/layer_<L>/...).
#include "dictionaries/dictionaryloader.h"
#include "dictionaries/saedictionary.h"

#include "common/error.h"
#include "common/torch_guard.h"
#include "io/npz.h"

#include <filesystem>
#include <regex>

namespace gb {

namespace {

namespace fs = std::filesystem;

struct GemmaScopePath {
    int layer = -1;
    std::string site; ///< "res", "mlp", "att", "transcoders", "embedding"
    std::string repo; ///< e.g. "gemma-scope-2b-pt-res"
};

GemmaScopePath parsePath(const fs::path &file)
{
    GemmaScopePath g;
    static const std::regex layerRe("layer_([0-9]+)");
    static const std::regex repoRe("gemma-scope-([0-9]+b)-(pt|it)-(res|mlp|att|transcoders)");
    for (const auto &part : fs::absolute(file).parent_path()) {
        const std::string s = part.string();
        std::smatch m;
        if (std::regex_match(s, m, layerRe))
            g.layer = std::stoi(m[1]);
        else if (s == "embedding")
            g.site = "embedding";
        if (std::regex_search(s, m, repoRe)) {
            g.repo = m[0];
            if (g.site.empty() || g.site != "embedding")
                g.site = m[3];
        }
    }
    return g;
}

/// The array under its Gemma Scope name or SAELens' lower-case variant.
at::Tensor array(const NpzFile &npz, const std::string &name, const std::vector<std::int64_t> &shape)
{
    std::string lower = name;
    lower[0] = char(std::tolower(lower[0]));
    if (npz.contains(name))
        return npz.floatTensor(name, shape);
    if (npz.contains(lower))
        return npz.floatTensor(lower, shape);
    throw Error::badInput(npz.path() + ": array '" + name + "' is missing (Gemma Scope files hold W_enc, W_dec, b_enc, b_dec, threshold)");
}

} // namespace

std::shared_ptr<const SparseDictionary> loadGemmaScope(const std::string &path)
{
    std::error_code ec;
    const fs::path file = fs::is_directory(path, ec) ? fs::path(path) / "params.npz" : fs::path(path);
    const auto npz = NpzFile::open(file.string());
    const GemmaScopePath where = parsePath(file);

    DictionaryInfo info;
    info.format = "gemmascope";
    info.path = fs::is_directory(path, ec) ? path : file.parent_path().string();
    info.prependBos = true;
    info.contextSize = 1024;
    if (!where.repo.empty())
        info.modelName = "gemma-2-" + where.repo.substr(12, where.repo.find('-', 12) - 12);
    const std::string W = where.site == "embedding" ? "" : std::to_string(where.layer);
    require(where.layer >= 0 || where.site == "embedding", file.string(),
            "cannot tell the layer: Gemma Scope dictionaries live in layer_<L>/width_<W>/average_l0_<N>/params.npz");
    if (where.site == "mlp") {
        info.hookIn = "blocks." + W + ".hook_mlp_out";
    } else if (where.site == "att") {
        info.hookIn = "blocks." + W + ".attn.hook_z";
    } else if (where.site == "transcoders") {
        info.hookIn = "blocks." + W + ".ln2.hook_normalized";
        info.hookOut = "blocks." + W + ".hook_mlp_out";
        info.kind = DictionaryKind::Transcoder;
    } else if (where.site == "embedding") {
        info.hookIn = "hook_embed";
        info.warnings.push_back("SAELens scales hook_embed by sqrt(d_model) for the Gemma Scope embedding SAE");
    } else {
        info.hookIn = "blocks." + W + ".hook_resid_post";
        if (where.site.empty())
            info.warnings.push_back("the path does not name a Gemma Scope release (-res, -mlp, -att, -transcoders): "
                                    "assuming a residual-stream SAE at " + info.hookIn);
    }
    if (info.hookOut.empty())
        info.hookOut = info.hookIn;
    info.architecture = info.kind == DictionaryKind::Transcoder ? "jumprelu_transcoder" : "jumprelu";

    const std::string encName = npz->contains("W_enc") ? "W_enc" : "w_enc";
    require(npz->contains(encName), npz->path(), "array 'W_enc' is missing");
    const auto &encShape = npz->info(encName).shape;
    const std::string decName = npz->contains("W_dec") ? "W_dec" : "w_dec";
    require(npz->contains(decName), npz->path(), "array 'W_dec' is missing");
    const auto &decShape = npz->info(decName).shape;
    require(encShape.size() == 2 && decShape.size() == 2, npz->path(), "W_enc and W_dec must be matrices");
    info.dIn = encShape[0];
    info.dSae = encShape[1];
    info.dOut = decShape[1];

    SaeWeights w;
    torchGuard(npz->path(), [&] {
        w.wEnc = array(*npz, "W_enc", {info.dIn, info.dSae});
        w.wDec = array(*npz, "W_dec", {info.dSae, info.dOut});
        w.bEnc = array(*npz, "b_enc", {info.dSae});
        w.bDec = array(*npz, "b_dec", {info.dOut});
        w.threshold = array(*npz, "threshold", {info.dSae});
    }, Error::Kind::BadInput);
    SaeSpec spec;
    spec.activation = SaeSpec::Activation::JumpReLU;
    spec.hookZ = where.site == "att";
    spec.undoNormOnOutput = info.kind != DictionaryKind::Transcoder;
    return std::make_shared<SaeDictionary>(info, spec, std::move(w));
}

} // namespace gb
