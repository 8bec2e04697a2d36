// SPDX-License-Identifier: MIT
// Corpus scan throughput on a GPT-2-small-shaped model (random weights) with a 24,576-feature
// JumpReLU dictionary at blocks.6.hook_resid_post. One run times the whole scan and, inside it,
// the forward to the hook, the encoder (matrix product + gate), the statistics and the storage;
// the same program measures this machine's sgemm peak for the encoder's shape, and what bf16
// would change (speed, gate decisions that flip).
//
//   bench_scan [tokens=16384] [batch_tokens=1024] [context=128]
#include "dictionaries/saedictionary.h"
#include "features/scan.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "models/modelconfig.h"
#include "models/transformermodel.h"
#include "store/workspace.h"
#include "system/compute.h"
#include "tokenize/bpe_tokenizer.h"
#include "tokenize/bytelevel.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <QTemporaryDir>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::int64_t Features = 24576;
constexpr const char *Hook = "blocks.6.hook_resid_post";

gb::ModelConfig gpt2Small()
{
    gb::ModelConfig c; // the defaults are GPT-2 small: 12 layers, 768 wide, 12 heads, vocab 50257
    c.bosTokenId = c.eosTokenId = 256; // the byte tokenizer's <|endoftext|> (its vocabulary is dense)
    return c;
}

/// Byte-level tokens 0..255 plus <|endoftext|> = 256: every character is a token, so the
/// corpus turns into a known number of tokens and tokenizing costs little.
std::shared_ptr<const gb::BpeTokenizer> byteTokenizer()
{
    gb::BpeSpec spec;
    spec.source = "bench bytes";
    for (int b = 0; b < 256; ++b)
        spec.vocab.emplace_back(gb::bytelevel::encodeBytes(std::string(1, char(b))), b);
    spec.added.push_back(gb::AddedToken{256, "<|endoftext|>", true});
    spec.vocab.emplace_back("<|endoftext|>", 256);
    return std::make_shared<gb::BpeTokenizer>(spec);
}

/// Residuals at the hook for a few random windows, to calibrate the dictionary.
at::Tensor sampleResiduals(const gb::TransformerModel &model, int windows, int context)
{
    gb::ForwardInput in;
    in.tokens = at::randint(0, 256, {windows, context}, at::kLong);
    gb::ForwardOptions o;
    o.capture = {Hook};
    o.logits = false;
    o.inference = true;
    return model.forward(in, o).hook(Hook).reshape({-1, 768}).clone();
}

/// A JumpReLU dictionary whose thresholds make each feature fire on ~0.26% of tokens (L0 ~ 64),
/// the sparsity of trained SAEs, so the statistics do realistic work.
std::shared_ptr<gb::SaeDictionary> makeDictionary(const at::Tensor &residuals)
{
    gb::SaeWeights w;
    w.wEnc = at::randn({768, Features}) / std::sqrt(768.0);
    w.bEnc = at::zeros({Features});
    w.wDec = at::randn({Features, 768}) / std::sqrt(768.0);
    w.bDec = at::zeros({768});
    const at::Tensor pre = at::addmm(w.bEnc, residuals, w.wEnc);
    w.threshold = std::get<0>(pre.kthvalue(std::int64_t(double(pre.size(0)) * (1.0 - 64.0 / Features)), 0)).contiguous();
    gb::DictionaryInfo info;
    info.path = "bench-dictionary";
    info.hookIn = info.hookOut = Hook;
    info.dIn = info.dOut = 768;
    info.dSae = Features;
    info.architecture = "jumprelu";
    gb::SaeSpec spec;
    spec.activation = gb::SaeSpec::Activation::JumpReLU;
    return std::make_shared<gb::SaeDictionary>(info, spec, w);
}

std::string corpusText(std::int64_t characters)
{
    static const char *words[] = {"the ", "model ", "reads ", "a ", "long ", "sentence ", "about ", "features, ", "and ",
                                  "then ", "it ", "writes ", "(", ") ", "2024 ", "quickly "};
    std::mt19937 rng(1);
    std::string text;
    while (std::int64_t(text.size()) < characters) {
        text += words[rng() % 16];
        if (rng() % 40 == 0)
            text += "\n";
    }
    return text + "\n";
}

double seconds(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

} // namespace

int main(int argc, char **argv)
{
    const std::int64_t tokens = argc > 1 ? std::atoll(argv[1]) : 16384;
    const int batchTokens = argc > 2 ? std::atoi(argv[2]) : 1024;
    const int context = argc > 3 ? std::atoi(argv[3]) : 128;
    gb::setComputeThreads(0);
    const gb::ComputeInfo ci = gb::computeInfo();
    std::printf("machine: %d cores, %d threads, BLAS %s, libtorch %s\n", ci.cores, ci.threads, ci.blasKind.c_str(), ci.torchVersion.c_str());

    at::manual_seed(0);
    auto t0 = Clock::now();
    std::shared_ptr<const gb::TransformerModel> model = gb::TransformerModel::random(gpt2Small(), 1);
    const auto dict = makeDictionary(sampleResiduals(*model, 8, context));
    std::printf("setup: %.1f s (GPT-2-small random weights, %lld-feature JumpReLU at %s)\n", seconds(t0), (long long)Features, Hook);

    QTemporaryDir dir;
    const std::string corpus = dir.filePath(QStringLiteral("corpus.txt")).toStdString();
    std::ofstream(corpus) << corpusText(tokens);
    const std::string wsPath = dir.filePath(QStringLiteral("bench.gbx")).toStdString();
    auto ws = gb::Workspace::open(wsPath, true);

    gb::ScanInput in;
    in.model = model;
    in.dictionary = dict;
    in.tokenizer = byteTokenizer();
    in.corpusPath = corpus;
    in.settings.context = context;
    in.settings.batchTokens = batchTokens;
    in.settings.checkpointSeconds = 10;
    in.workspacePath = wsPath;
    in.runId = gb::openScanRun(ws, gb::Json::object(), {}).id;
    const gb::ScanResult r = gb::runScan(in, gb::Progress::null(), gb::CancelToken());
    const gb::ScanTiming &t = r.timing;

    const double positions = double(r.sessionTokens);
    const double encoderFlop = 2.0 * positions * 768.0 * double(Features);
    const double rest = t.total - t.forward - t.encode;
    std::printf("\nscan: %lld windows, %.0f positions (%lld counted), %d tokens per batch, context %d\n", (long long)r.windows,
                positions, (long long)r.tokens, batchTokens, context);
    std::printf("  total      %7.2f s   %7.0f tokens/s\n", t.total, positions / t.total);
    std::printf("  forward    %7.2f s   %5.1f %%  (model up to %s)\n", t.forward, 100 * t.forward / t.total, Hook);
    std::printf("  encode     %7.2f s   %5.1f %%  (%.1f GFLOP/s incl. the gate)\n", t.encode, 100 * t.encode / t.total,
                encoderFlop / t.encode / 1e9);
    std::printf("  statistics %7.2f s   %5.1f %%\n", t.stats, 100 * t.stats / t.total);
    std::printf("  storage    %7.2f s   %5.1f %%\n", t.store, 100 * t.store / t.total);
    std::printf("  tokenize   %7.2f s   %5.1f %%\n", t.tokenize, 100 * t.tokenize / t.total);
    std::printf("  everything but forward and encoder: %.1f %% of the scan (target <= 10 %%)\n", 100 * rest / t.total);

    // The encoder product alone at this shape, and this machine's sgemm peak for it.
    const int m = std::max(context, (batchTokens / context) * context);
    const double peak = gb::measureSgemmGflops(m, 768, int(Features), 1.0);
    c10::InferenceMode guard;
    const at::Tensor x = sampleResiduals(*model, m / context, context);
    dict->encode(x);
    int reps = 0;
    t0 = Clock::now();
    while (seconds(t0) < 1.0) {
        dict->encode(x);
        ++reps;
    }
    const double encodeAlone = 2.0 * m * 768.0 * double(Features) * reps / seconds(t0) / 1e9;
    std::printf("\nencoder [%d x 768] x [768 x %lld]: sgemm peak %.1f GFLOP/s; encode() alone %.1f GFLOP/s; in the scan %.1f GFLOP/s"
                " -> peak / scan = %.2f (target <= 1.5)\n",
                m, (long long)Features, peak, encodeAlone, encoderFlop / t.encode / 1e9, peak / (encoderFlop / t.encode / 1e9));

    // bf16: speed of the same product, and how many JumpReLU gate decisions would flip.
    const at::Tensor wEnc = dict->weights().wEnc;
    const at::Tensor xb = x.to(at::kBFloat16), wb = wEnc.to(at::kBFloat16);
    at::mm(xb, wb);
    reps = 0;
    t0 = Clock::now();
    while (seconds(t0) < 1.0) {
        at::mm(xb, wb);
        ++reps;
    }
    const double bf16 = 2.0 * m * 768.0 * double(Features) * reps / seconds(t0) / 1e9;
    const at::Tensor pre32 = at::mm(x, wEnc), pre16 = at::mm(xb, wb).to(at::kFloat);
    const at::Tensor thr = dict->weights().threshold;
    const double flips = ((pre32 > thr) != (pre16 > thr)).to(at::kDouble).sum().item<double>();
    const double fires = (pre32 > thr).to(at::kDouble).sum().item<double>();
    const double relErr = ((pre16 - pre32).abs().max() / pre32.abs().max()).item<double>();
    std::printf("bf16 product: %.1f GFLOP/s (%s AVX-512 bf16 path); %.0f of %.0f firings flip (%.2f %%), max relative error %.1e\n",
                bf16, bf16 > peak ? "faster:" : "no faster:", flips, fires, 100 * flips / std::max(1.0, fires), relErr);
    return 0;
}
