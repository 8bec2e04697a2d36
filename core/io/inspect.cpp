// SPDX-License-Identifier: MIT
#include "io/inspect.h"

#include "common/error.h"
#include "dictionaries/dictionaryloader.h"
#include "io/safetensors.h"
#include "models/modelconfig.h"
#include "store/workspace.h"
#include "tokenize/tokenizer_loader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

namespace gb {

namespace fs = std::filesystem;

namespace {

bool hasFile(const fs::path &dir, const char *name)
{
    std::error_code ec;
    return fs::is_regular_file(dir / name, ec);
}

std::string lowerExtension(const fs::path &p)
{
    std::string e = p.extension().string();
    std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return e;
}

bool startsWith(const fs::path &file, std::string_view magic)
{
    std::ifstream in(file, std::ios::binary);
    std::string head(magic.size(), '\0');
    in.read(head.data(), std::streamsize(head.size()));
    return in.gcount() == std::streamsize(magic.size()) && head == magic;
}

/// Layers, width, heads, vocabulary and parameter count from config.json alone (cheap: no
/// weights are read); an unsupported config keeps the folder a model but says why.
void addModelFacts(const Json &cfg, const fs::path &dir, PathKind &k)
{
    try {
        const ModelConfig c = ModelConfig::fromJson(cfg, (dir / "config.json").string());
        const Json facts = c.summaryJson();
        for (const auto &[key, value] : facts.toObject())
            k.summary.set(key, value);
    } catch (const Error &e) {
        k.description += ": " + std::string(e.what());
    }
}

/// Tensor count, elements per dtype and the first tensors, after the full header validation (the
/// data stays mapped, unread); a malformed file keeps its kind and says what is wrong.
void addTensorFacts(const fs::path &file, PathKind &k)
{
    try {
        const auto st = SafetensorsFile::open(file.string());
        Json perDtype = Json::object(), first = Json::object();
        std::map<std::string, std::int64_t> elements;
        for (const TensorEntry &e : st->entries()) {
            std::int64_t n = 1;
            for (std::int64_t d : e.shape)
                n *= d;
            elements[toString(e.dtype)] += n;
            if (&e - st->entries().data() < 8)
                first.set(e.name, Json(std::string(toString(e.dtype)) + " " + shapeText(e.shape)));
        }
        for (const auto &[dtype, n] : elements)
            perDtype.set(dtype, Json(n));
        k.summary.set("tensors", Json(st->entries().size()));
        k.summary.set("elements", perDtype);
        k.summary.set("first_tensors", first);
        k.description += ", " + std::to_string(st->entries().size()) + " tensors";
    } catch (const Error &e) {
        k.description += " that cannot be read: " + std::string(e.what());
        k.summary.set("error", Json(std::string(e.what())));
    }
}

PathKind inspectFolder(const fs::path &dir)
{
    PathKind k;
    if (hasFile(dir, "config.json")) {
        try {
            const Json cfg = Json::parseFile((dir / "config.json").string());
            if (const Json *mt = cfg.find("model_type"); mt && mt->isString()) {
                k.kind = "model";
                k.format = mt->toString();
                k.description = "language model folder (" + k.format + ")";
                for (const char *key : {"n_layer", "num_hidden_layers", "n_embd", "hidden_size", "vocab_size"})
                    if (const Json *v = cfg.find(key))
                        k.summary.set(key, *v);
                addModelFacts(cfg, dir, k);
                const TokenizerFiles tokenizer = findTokenizerFiles(dir.string());
                k.summary.set("tokenizer", tokenizer.describe());
                k.description += tokenizer.format == TokenizerFiles::Format::None
                    ? ", no tokenizer"
                    : ", tokenizer: " + tokenizer.describe();
                return k;
            }
        } catch (const Error &e) {
            k.kind = "unknown";
            k.description = e.what();
            return k;
        }
    }
    // A folder that is not a dictionary may still be a checkpoint series; keep the reason for the end.
    std::string notDictionary;
    if (hasFile(dir, "cfg.json") || hasFile(dir, "config.json") || hasFile(dir, "params.npz")) {
        try {
            k.summary = describeDictionary(dir.string());
            k.kind = "dictionary";
            k.format = k.summary.find("format")->toString();
            k.description = "sparse dictionary (" + k.format + ")";
            return k;
        } catch (const Error &e) {
            notDictionary = e.what();
        }
    }
    std::error_code ec;
    int steps = 0;
    for (const auto &e : fs::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        if (e.is_directory() && name.rfind("step", 0) == 0 && name.size() > 4
            && std::all_of(name.begin() + 4, name.end(), [](unsigned char c) { return std::isdigit(c); }))
            ++steps;
    }
    if (steps > 0) {
        k.kind = "checkpoint_series";
        k.format = "stepN";
        k.description = "checkpoint series with " + std::to_string(steps) + " step folders";
        k.summary.set("snapshots", steps);
        return k;
    }
    k.kind = "unknown";
    k.description = notDictionary.empty() ? "folder without config.json, cfg.json, params.npz or stepN/ checkpoints"
                                          : notDictionary;
    return k;
}

PathKind inspectFile(const fs::path &file)
{
    PathKind k;
    const std::string ext = lowerExtension(file);
    if (startsWith(file, std::string_view("SQLite format 3\0", 16))) {
        const int version = Workspace::schemaVersionOf(file.string());
        if (version > 0) {
            k.kind = "workspace";
            k.format = "gbx";
            k.description = "Glassbox workspace (schema " + std::to_string(version) + ")";
            k.summary.set("schema_version", version);
            return k;
        }
        k.kind = "unknown";
        k.description = "SQLite database that is not a readable Glassbox workspace";
        return k;
    }
    if (ext == ".csv") {
        k.kind = "dataset";
        k.format = "csv";
        k.description = "CSV data set";
        return k;
    }
    if ((ext == ".pt" || ext == ".pth" || ext == ".zip") && startsWith(file, "PK")) {
        k.kind = "tabular_model";
        k.format = "torchscript";
        k.description = "TorchScript archive";
        return k;
    }
    if (ext == ".txt" || ext == ".jsonl") {
        k.kind = "corpus";
        k.format = ext.substr(1);
        k.description = "text corpus";
        return k;
    }
    if (ext == ".safetensors") {
        k.kind = "tensors";
        k.format = "safetensors";
        k.description = "safetensors file";
        addTensorFacts(file, k);
        return k;
    }
    k.kind = "unknown";
    k.description = "file type not recognised";
    return k;
}

} // namespace

PathKind inspectPath(const std::string &path)
{
    std::error_code ec;
    const fs::path p(path);
    if (!fs::exists(p, ec))
        throw Error::badInput(path + ": no such file or folder");
    return fs::is_directory(p, ec) ? inspectFolder(p) : inspectFile(p);
}

} // namespace gb
