// SPDX-License-Identifier: MIT
// A tiny random GPT-2 with a byte-level tokenizer, SAELens dictionaries for it and a synthetic
// corpus, written to a folder: the inputs of the scan, encode and feature-view tests.
#pragma once

#include "../tokenize/tiny_bpe.h"
#include "io/json.h"
#include "io/safetensors.h"
#include "models/modelconfig.h"
#include "models/transformermodel.h"
#include "testutils.h"

#include <ATen/ATen.h>

#include <random>

namespace gbtest {

struct ScanFixture {
    std::string model;      ///< model folder (config.json, model.safetensors, vocab.json, merges.txt)
    std::string dictionary; ///< SAELens JumpReLU dictionary at blocks.1.hook_resid_post
    std::string corpus;     ///< text, one document per line
    std::int64_t dModel = 16, dSae = 48, eot = 0;
};

inline gb::ModelConfig tinyGpt2(int vocab)
{
    gb::ModelConfig c;
    c.architecture = gb::Architecture::Gpt2;
    c.nLayers = 2;
    c.dModel = 16;
    c.nHeads = 2;
    c.dHead = 8;
    c.dMlp = 32;
    c.vocabSize = vocab;
    c.nCtx = 64;
    c.initializerRange = 0.2;
    c.bosTokenId = c.eosTokenId = vocab - 1;
    return c;
}

/// A SAELens folder. `kind`: "jumprelu" (random, sparse), "identity" (W_enc = [I, -I],
/// W_dec = [I; -I]: reconstructs exactly), "zero" (W_dec = 0, b_dec = 0: reconstructs nothing).
inline void writeSaeLens(const std::string &dir, const std::string &kind, std::int64_t d, std::int64_t F,
                         const std::string &hook, std::uint64_t seed = 7)
{
    at::manual_seed(seed);
    at::Tensor wEnc, wDec, bEnc = at::zeros({F}), bDec = at::zeros({d}), threshold = at::zeros({F});
    if (kind == "identity") {
        F = 2 * d;
        wEnc = at::cat({at::eye(d), -at::eye(d)}, 1);
        wDec = at::cat({at::eye(d), -at::eye(d)}, 0);
        bEnc = at::zeros({F});
        threshold = at::zeros({F});
    } else {
        wEnc = at::randn({d, F}) * 0.6;
        wDec = kind == "zero" ? at::zeros({F, d}) : at::randn({F, d}) * 0.3;
        bEnc = at::randn({F}) * 0.2;
        bDec = kind == "zero" ? at::zeros({d}) : at::randn({d}) * 0.1;
        threshold = at::rand({F}) * 1.5 + 0.5;
    }
    gb::Json cfg = gb::Json::object();
    cfg.set("architecture", "jumprelu").set("d_in", d).set("d_sae", F).set("apply_b_dec_to_input", false);
    cfg.set("metadata", gb::Json::object().set("hook_name", hook).set("model_name", "tiny-gpt2").set("sae_lens_version", "6.18.0"));
    writeFile(QString::fromStdString(dir + "/cfg.json"), cfg.dump(2));
    gb::writeSafetensors(dir + "/sae_weights.safetensors",
                         {{"W_enc", wEnc}, {"W_dec", wDec}, {"b_enc", bEnc}, {"b_dec", bDec}, {"threshold", threshold}});
}

/// Documents of pseudo-random words over a small alphabet, so that byte tokens repeat.
inline std::string syntheticCorpus(int documents, std::uint32_t seed)
{
    std::mt19937 rng(seed);
    static const char *words[] = {"the", "cat", "sat", "on", "a", "mat", "and", "then", "ran", "far", "away", "(", ")", "1", "22"};
    std::string text;
    for (int d = 0; d < documents; ++d) {
        const int n = 3 + int(rng() % 25);
        for (int w = 0; w < n; ++w)
            text += std::string(w ? " " : "") + words[rng() % 15];
        text += "\n";
    }
    return text;
}

inline ScanFixture makeScanFixture(const QString &root, int documents = 40)
{
    ScanFixture f;
    const auto spec = tinySpec({{"t", "h"}, {"th", "e"}, {"Ġ", "the"}, {"a", "t"}, {"Ġc", "at"}, {"Ġ", "c"}});
    const int vocab = int(spec.vocab.size()) + 1;
    f.eot = vocab - 1;
    f.model = QString(root + QStringLiteral("/model")).toStdString();
    gb::TransformerModel::random(tinyGpt2(vocab), 11)->save(f.model);
    gb::Json v = gb::Json::object();
    for (const auto &[token, id] : spec.vocab)
        v.set(token, id);
    v.set("<|endoftext|>", f.eot);
    writeFile(QString::fromStdString(f.model + "/vocab.json"), v.dump());
    std::string merges = "#version: 0.2\n";
    for (const auto &[a, b] : spec.merges)
        merges += a + " " + b + "\n";
    writeFile(QString::fromStdString(f.model + "/merges.txt"), merges);
    f.dictionary = QString(root + QStringLiteral("/sae")).toStdString();
    writeSaeLens(f.dictionary, "jumprelu", f.dModel, f.dSae, "blocks.1.hook_resid_post");
    f.corpus = QString(root + QStringLiteral("/corpus.txt")).toStdString();
    writeFile(QString::fromStdString(f.corpus), syntheticCorpus(documents, 5));
    return f;
}

} // namespace gbtest
