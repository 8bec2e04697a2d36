// SPDX-License-Identifier: MIT
// Integrated Gradients speed and memory, side by side with eager PyTorch in one run
// (docs/BENCHMARKS.md, "Attribution"). A GPT-2-small-shaped random model is written once as a
// Hugging Face folder; both sides load that file. The target is log p(token | prompt) at the last
// position over the token embeddings, baseline <|endoftext|>'s embedding, Gauss-Legendre steps.
// The Python side (bench_attribution.py) runs each configuration in its own process so that its
// peak RSS is its own; here VmHWM is reset between configurations (/proc/self/clear_refs).
//
//     bench_attribution [--threads N] [--dir DIR] [--tokens 32,128] [--steps 50]
//                       [--budget-mb 2048] [--long 1000] [--python-batch 32:50,128:10]
#include "attribution/attributionjob.h"
#include "attribution/gradients.h"
#include "attribution/languagetarget.h"
#include "attribution/tokenscores.h"
#include "io/json.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "models/modelconfig.h"
#include "models/transformermodel.h"
#include "system/compute.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QProcess>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>

using namespace gb;

namespace {

constexpr std::int64_t EndOfText = 50256;

void resetPeakRss()
{
    std::ofstream("/proc/self/clear_refs") << "5";
}

double peakRssMb()
{
    std::ifstream status("/proc/self/status");
    std::string key;
    while (status >> key) {
        if (key == "VmHWM:") {
            double kb = 0;
            status >> kb;
            return kb / 1024.0;
        }
        std::getline(status, key);
    }
    return 0.0;
}

struct Run {
    double seconds = 0, delta = 0, fx = 0, f0 = 0, rssMb = 0;
    int steps = 0;
    std::vector<double> scores;
};

Run timed(const std::function<GradientAttribution()> &f)
{
    resetPeakRss();
    const auto t = std::chrono::steady_clock::now();
    const GradientAttribution g = f();
    Run r;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
    r.rssMb = peakRssMb();
    r.delta = g.delta;
    r.fx = g.fX;
    r.f0 = g.fBaseline;
    r.steps = g.steps;
    r.scores = tokenScores(g.attributions, TokenReduction::Sum);
    return r;
}

Json python(const QString &dir, int threads, int steps, int batch, const char *head, std::int64_t target,
            const std::vector<std::int64_t> &ids)
{
    QStringList idList;
    for (const std::int64_t id : ids)
        idList << QString::number(id);
    QProcess p;
    p.start(QStringLiteral("/usr/bin/python3"),
            {QStringLiteral(GLASSBOX_SOURCE_DIR "/tests/bench/bench_attribution.py"), dir, QString::number(threads),
             QString::number(steps), QString::number(batch), QString::fromLatin1(head), QString::number(EndOfText),
             QString::number(target), idList.join(QLatin1Char(','))});
    if (!p.waitForFinished(-1) || p.exitCode() != 0) {
        std::fprintf(stderr, "python failed: %s\n", p.readAllStandardError().constData());
        std::exit(1);
    }
    return Json::parse(p.readAllStandardOutput().toStdString(), "bench_attribution.py");
}

double maxRelDiff(const std::vector<double> &a, const Json &b)
{
    double scale = 0, diff = 0;
    const auto &arr = b.toArray();
    for (std::size_t i = 0; i < a.size(); ++i) {
        scale = std::max(scale, std::fabs(a[i]));
        diff = std::max(diff, std::fabs(a[i] - arr[i].toDouble()));
    }
    return scale > 0 ? diff / scale : diff;
}

std::vector<std::int64_t> randomPrompt(int n, std::uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::vector<std::int64_t> ids;
    for (int i = 0; i < n; ++i)
        ids.push_back(std::int64_t(rng() % 50000));
    return ids;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("threads"), QStringLiteral("Intra-op threads, both sides."), QStringLiteral("N"), QStringLiteral("2")});
    parser.addOption({QStringLiteral("dir"), QStringLiteral("Where the random model is written."), QStringLiteral("DIR"),
                      QDir::tempPath() + QStringLiteral("/glassbox-bench-gpt2-small")});
    parser.addOption({QStringLiteral("tokens"), QStringLiteral("Prompt lengths."), QStringLiteral("LIST"), QStringLiteral("32,128")});
    parser.addOption({QStringLiteral("steps"), QStringLiteral("IG steps."), QStringLiteral("N"), QStringLiteral("50")});
    parser.addOption({QStringLiteral("budget-mb"), QStringLiteral("Glassbox memory budget per step batch."), QStringLiteral("MB"),
                      QStringLiteral("2048")});
    parser.addOption({QStringLiteral("long"), QStringLiteral("Also a prompt of this many tokens (0: skip)."), QStringLiteral("N"),
                      QStringLiteral("1000")});
    parser.addOption({QStringLiteral("python-batch"), QStringLiteral("Eager steps per batch by prompt length (len:batch,...)."),
                      QStringLiteral("LIST"), QStringLiteral("32:50,128:10")});
    parser.process(app);
    const int threads = parser.value(QStringLiteral("threads")).toInt();
    const int steps = parser.value(QStringLiteral("steps")).toInt();
    const std::int64_t budget = std::int64_t(parser.value(QStringLiteral("budget-mb")).toInt()) << 20;
    const QString dir = parser.value(QStringLiteral("dir"));
    setComputeThreads(threads);

    if (!QFile::exists(dir + QStringLiteral("/model.safetensors"))) {
        std::fprintf(stderr, "writing a random GPT-2-small-shaped model to %s\n", qPrintable(dir));
        TransformerModel::random(ModelConfig{}, 1)->save(dir.toStdString());
    }
    const std::shared_ptr<const TransformerModel> model = TransformerModel::load(dir.toStdString());
    std::map<int, int> pyBatch;
    for (const QString &pair : parser.value(QStringLiteral("python-batch")).split(QLatin1Char(',')))
        pyBatch[pair.section(QLatin1Char(':'), 0, 0).toInt()] = pair.section(QLatin1Char(':'), 1, 1).toInt();

    const ComputeInfo info = computeInfo();
    std::printf("machine: %d cores, %d torch threads, BLAS %s, libtorch %s; %s\n", info.cores, info.threads,
                info.blasKind.c_str(), info.torchVersion.c_str(), model->config().summary().c_str());
    std::printf("IG of log p(target) at the last position over token embeddings, baseline <|endoftext|>, "
                "Gauss-Legendre, glassbox budget %lld MiB\n\n", (long long)(budget >> 20));
    std::printf("%-46s %9s %9s %11s %10s %9s\n", "run", "seconds", "steps", "|delta|/|df|", "peak MiB", "vs eager");

    bool warm = false;
    for (const QString &t : parser.value(QStringLiteral("tokens")).split(QLatin1Char(','))) {
        const int n = t.toInt();
        const std::vector<std::int64_t> ids = randomPrompt(n, 7 + std::uint64_t(n));
        const std::int64_t target = topNextTokens(*model, ids, -1, 1).front().first;
        LmTargetSpec spec;
        spec.token = target;
        const LmProblem p = makeLmProblem(model, ids, spec, LmInput::TokenEmbeddings, LmBaseline{EndOfText}, budget);
        IgOptions fixed;
        fixed.steps = steps;
        fixed.memoryBudgetBytes = budget;
        if (!warm) {
            IgOptions one = fixed;
            one.steps = 2;
            integratedGradients(p.gradient, p.input, p.baseline, one, Progress::null(), CancelToken());
            warm = true;
        }
        const Run gb50 = timed([&] { return integratedGradients(p.gradient, p.input, p.baseline, fixed, Progress::null(), CancelToken()); });
        AdaptiveIgOptions adaptive;
        adaptive.tolerance = 0.01;
        adaptive.memoryBudgetBytes = budget;
        const Run gbAdaptive = timed([&] {
            return adaptiveIntegratedGradients(p.gradient, p.input, p.baseline, adaptive, Progress::null(), CancelToken());
        });
        const int batch = pyBatch.count(n) ? pyBatch[n] : steps;
        const Json full = python(dir, threads, steps, batch, "full", target, ids);
        const Json last = python(dir, threads, steps, batch, "last", target, ids);
        const double span = std::fabs(gb50.fx - gb50.f0);
        const double eager = full.find("seconds")->toDouble();
        auto row = [&](const std::string &name, double s, int st, double delta, double rss) {
            std::printf("%-46s %9.2f %9d %11.2e %10.0f %8.2fx\n", name.c_str(), s, st, std::fabs(delta) / span, rss, eager / s);
        };
        std::printf("--- %d tokens (target token %lld, f(x) - f(x') = %.4f)\n", n, (long long)target, gb50.fx - gb50.f0);
        row("eager PyTorch, full logits (Captum-style), b=" + std::to_string(batch), eager, steps,
            full.find("delta")->toDouble(), full.find("peak_rss_mb")->toDouble());
        row("eager PyTorch, last-position logits, b=" + std::to_string(batch), last.find("seconds")->toDouble(), steps,
            last.find("delta")->toDouble(), last.find("peak_rss_mb")->toDouble());
        row("glassbox IG, " + std::to_string(steps) + " steps", gb50.seconds, gb50.steps, gb50.delta, gb50.rssMb);
        row("glassbox adaptive IG, tol 1%", gbAdaptive.seconds, gbAdaptive.steps, gbAdaptive.delta, gbAdaptive.rssMb);
        std::printf("    same numbers: max |glassbox - eager| / max |score| = %.1e (full), %.1e (last)\n",
                    maxRelDiff(gb50.scores, *full.find("scores")), maxRelDiff(gb50.scores, *last.find("scores")));
        std::printf("    glassbox batch: %lld steps (%.0f MiB estimated per step)\n",
                    (long long)batchSizeFor(budget, p.gradient.bytesPerSample, steps), double(p.gradient.bytesPerSample) / (1 << 20));
        std::fflush(stdout);
    }

    const int longTokens = parser.value(QStringLiteral("long")).toInt();
    if (longTokens > 0) {
        const std::vector<std::int64_t> ids = randomPrompt(longTokens, 99);
        LmTargetSpec spec;
        spec.token = topNextTokens(*model, ids, -1, 1).front().first;
        const LmProblem p = makeLmProblem(model, ids, spec, LmInput::TokenEmbeddings, LmBaseline{EndOfText}, budget);
        IgOptions fixed;
        fixed.steps = steps;
        fixed.memoryBudgetBytes = budget;
        int reports = 0;
        Progress progress([&](const ProgressUpdate &u) {
            if (++reports % 5 == 0 || u.fraction >= 1.0)
                std::fprintf(stderr, "  %d tokens: %5.1f%%, eta %.0f s\n", longTokens, 100 * u.fraction, u.etaSeconds);
        });
        const Run r = timed([&] { return integratedGradients(p.gradient, p.input, p.baseline, fixed, progress, CancelToken()); });
        std::printf("--- %d tokens: glassbox IG %d steps in %.1f s, |delta|/|df| %.2e, peak %.0f MiB, batch %lld steps "
                    "(%.0f MiB estimated per step), %d progress reports\n",
                    longTokens, r.steps, r.seconds, std::fabs(r.delta) / std::fabs(r.fx - r.f0), r.rssMb,
                    (long long)batchSizeFor(budget, p.gradient.bytesPerSample, steps), double(p.gradient.bytesPerSample) / (1 << 20),
                    reports);
    }
    return 0;
}
