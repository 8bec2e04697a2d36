// SPDX-License-Identifier: MIT
#include "demo/demo_config.h"

#include "common/error.h"

namespace gb::demo {

DemoConfig DemoConfig::standard()
{
    DemoConfig c;
    c.corpus.seed = 20240917;
    c.corpus.documents = 12000;
    c.bpe.merges = 700;
    c.lm.steps = 1500;
    c.lm.batchSize = 16;
    c.lm.contextLength = c.contextLength;
    c.lm.learningRate = 3e-3;
    c.lm.warmupSteps = 60;
    c.lm.checkpoints = 32;
    c.lm.seed = 7;
    c.sae.features = 512;
    c.sae.steps = 3000;
    c.sae.batchSize = 1024;
    c.sae.learningRate = 2e-3;
    c.sae.l1Coefficient = 3.0;
    c.crosscoder.features = 256;
    c.crosscoder.steps = 1500;
    c.crosscoder.batchSize = 128;
    c.crosscoder.learningRate = 2e-3;
    c.crosscoder.sparsityCoefficient = 0.03;
    c.mlp.epochs = 150;
    return c;
}

DemoConfig DemoConfig::small()
{
    DemoConfig c = standard();
    c.name = "small";
    c.corpus.documents = 400;
    c.scanDocuments = 40;
    c.bpe.merges = 300;
    c.dModel = 32;
    c.contextLength = 64;
    c.hook = "blocks.1.hook_resid_post";
    c.lm.steps = 60;
    c.lm.batchSize = 8;
    c.lm.contextLength = c.contextLength;
    c.lm.warmupSteps = 5;
    c.lm.checkpoints = 8;
    c.sae.features = 64;
    c.sae.steps = 150;
    c.sae.batchSize = 256;
    c.saeWindows = 60;
    c.crosscoder.features = 64;
    c.crosscoder.steps = 100;
    c.crosscoderWindows = 40;
    c.scanContext = 32;
    c.tabularRows = 200;
    c.mlp.epochs = 10;
    c.analysisWindows = 20;
    return c;
}

DemoConfig DemoConfig::named(const std::string &name)
{
    if (name == "standard")
        return standard();
    if (name == "small")
        return small();
    throw Error::badInput("demo configuration \"" + name + "\": expected standard or small");
}

Json DemoConfig::toJson() const
{
    return Json::object()
        .set("name", name)
        .set("corpus", Json::object()
                           .set("seed", std::int64_t(corpus.seed))
                           .set("documents", corpus.documents)
                           .set("topics", corpus.topics)
                           .set("scan_documents", scanDocuments))
        .set("bpe_merges", bpe.merges)
        .set("model", Json::object()
                          .set("layers", layers)
                          .set("d_model", dModel)
                          .set("heads", heads)
                          .set("context_length", contextLength))
        .set("language_model", lm.toJson())
        .set("hook", hook)
        .set("sae", sae.toJson().set("windows", saeWindows))
        .set("crosscoder", crosscoder.toJson().set("windows", crosscoderWindows))
        .set("scan", Json::object().set("context", scanContext).set("top_k", scanTopK))
        .set("tabular", Json::object().set("rows", tabularRows).set("epochs", mlp.epochs))
        .set("analysis_windows", analysisWindows);
}

} // namespace gb::demo
