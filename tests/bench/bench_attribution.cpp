// SPDX-License-Identifier: MIT
// Integrated Gradients speed and memory, side by side with eager PyTorch in one run
// (docs/BENCHMARKS.md, "Attribution"). A GPT-2-small-shaped random model is written once as a
// Hugging Face folder; both sides load that file. The target is log p(token | prompt) at the last
// position over the token embeddings, baseline <|endoftext|>'s embedding, Gauss-Legendre steps
// (nodes on [0, 1], weights summing to 1, on both sides), delta = sum(attributions) - (f(x) -
// f(x')). Per prompt: equal steps; equal accuracy (Glassbox's adaptive IG with the eager run's
// |delta| as tolerance); adaptive at 1 % vs fixed steps. The Python side (bench_attribution.py)
// runs each configuration in its own process so that its peak RSS is its own; here VmHWM is reset
// between configurations (/proc/self/clear_refs).
//
//     bench_attribution [--threads N] [--dir DIR] [--tokens 32,128] [--steps 50]
//                       [--budget-mb 2048] [--long 1000] [--python-batch 32:50,128:10]
//                       [--long-python-batch 1] [--sweep 4,8,16] [--start-steps 8] [--prompt-seed 7]
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
#include <ctime>
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

double processCpuSeconds()
{
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

struct Run {
    double cpuSeconds = 0;
    double seconds = 0, delta = 0, fx = 0, f0 = 0, rssMb = 0;
    int steps = 0;
    std::vector<double> scores;
};

Run timed(const std::function<GradientAttribution()> &f)
{
    resetPeakRss();
    const auto t = std::chrono::steady_clock::now();
    const double cpu = processCpuSeconds();
    const GradientAttribution g = f();
    Run r;
    r.cpuSeconds = processCpuSeconds() - cpu;
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

std::string loadAverage()
{
    std::ifstream f("/proc/loadavg");
    double one = 0, five = 0;
    f >> one >> five;
    char text[64];
    std::snprintf(text, sizeof text, "load %.2f / %.2f (1 / 5 min)", one, five);
    return text;
}

/// Adaptive IG's levels, "G8:1.1e-03 K17:2.0e-07": Gauss-Legendre and Kronrod alternate.
std::string levelsText(const std::vector<std::pair<int, double>> &levels, double span)
{
    std::string text;
    for (std::size_t i = 0; i < levels.size(); ++i) {
        char one[48];
        std::snprintf(one, sizeof one, "%s%s%d:%.1e", text.empty() ? "" : " ", i % 2 ? "K" : "G", levels[i].first,
                      std::fabs(levels[i].second) / span);
        text += one;
    }
    return text;
}

struct Comparison {
    std::shared_ptr<const TransformerModel> model;
    QString dir;
    int threads = 2, steps = 50;
    std::int64_t budget = 0;
    int startSteps = 0; ///< adaptive IG's first Gauss order; 0: AdaptiveIgOptions' default
};

/// One prompt: eager PyTorch with full logits (skipped when pythonBatch is 0) and, unless
/// `longPrompt`, with last-position logits; Glassbox at equal steps, adaptive to the eager run's
/// accuracy (unless `longPrompt`), adaptive to 1 %; an optional sweep of |delta| over
/// Gauss-Legendre step counts.
void compare(const Comparison &c, const std::vector<std::int64_t> &ids, int pythonBatch, const std::vector<int> &sweep,
             bool warmUp, bool longPrompt)
{
    const bool eagerFull = pythonBatch > 0, detailed = eagerFull && !longPrompt;
    const int n = int(ids.size());
    const std::string loadBefore = loadAverage();
    const std::int64_t target = topNextTokens(*c.model, ids, -1, 1).front().first;
    LmTargetSpec spec;
    spec.token = target;
    const LmProblem p = makeLmProblem(c.model, ids, spec, LmInput::TokenEmbeddings, LmBaseline{EndOfText}, c.budget);
    IgOptions fixed;
    fixed.steps = c.steps;
    fixed.memoryBudgetBytes = c.budget;
    if (warmUp) {
        IgOptions one = fixed;
        one.steps = 2;
        integratedGradients(p.gradient, p.input, p.baseline, one, Progress::null(), CancelToken());
    }
    int reports = 0;
    Progress progress([&](const ProgressUpdate &) { ++reports; });
    const Run gbFixed = timed([&] { return integratedGradients(p.gradient, p.input, p.baseline, fixed, progress, CancelToken()); });
    const double span = std::fabs(gbFixed.fx - gbFixed.f0);
    Json full, last;
    if (eagerFull)
        full = python(c.dir, c.threads, c.steps, pythonBatch, "full", target, ids);
    if (detailed)
        last = python(c.dir, c.threads, c.steps, pythonBatch, "last", target, ids);
    // Equal accuracy: adaptive Gauss-Legendre until Glassbox's |delta| is at most the eager
    // script's at its fixed step count (same delta definition on both sides).
    const double eagerRel = eagerFull ? std::fabs(full.find("delta")->toDouble()) / span : 0.0;
    AdaptiveIgOptions adaptive;
    if (c.startSteps > 0)
        adaptive.startSteps = c.startSteps;
    adaptive.memoryBudgetBytes = c.budget;
    adaptive.maxSteps = 2 * c.steps;
    Run gbEqual;
    std::vector<std::pair<int, double>> equalLevels;
    if (detailed) {
        adaptive.tolerance = eagerRel;
        gbEqual = timed([&] {
            GradientAttribution g = adaptiveIntegratedGradients(p.gradient, p.input, p.baseline, adaptive, Progress::null(), CancelToken());
            equalLevels = g.levels;
            return g;
        });
    }
    adaptive.tolerance = 0.01;
    std::vector<std::pair<int, double>> onePercentLevels;
    const Run gbOnePercent = timed([&] {
        GradientAttribution g = adaptiveIntegratedGradients(p.gradient, p.input, p.baseline, adaptive, Progress::null(), CancelToken());
        onePercentLevels = g.levels;
        return g;
    });

    const double eager = eagerFull ? full.find("seconds")->toDouble() : 0.0;
    std::printf("--- %d tokens (target token %lld, f(x) - f(x') = %.4f), %s\n", n, (long long)target,
                gbFixed.fx - gbFixed.f0, loadBefore.c_str());
    auto row = [&](const std::string &name, double sec, double cpu, int st, double delta, double rss) {
        std::printf("%-52s %9.2f %7.1f %6d %12.2e %9.0f", name.c_str(), sec, cpu, st, std::fabs(delta) / span, rss);
        if (eager > 0)
            std::printf(" %8.2fx", eager / sec);
        std::printf("\n");
    };
    const std::string b = " b=" + std::to_string(pythonBatch);
    const std::string s = std::to_string(c.steps);
    if (eagerFull)
        row("eager PyTorch, " + s + " steps, full logits (Captum-style)," + b, eager, full.find("cpu_seconds")->toDouble(),
            c.steps, full.find("delta")->toDouble(), full.find("peak_rss_mb")->toDouble());
    if (detailed)
        row("eager PyTorch, " + s + " steps, last-position logits," + b, last.find("seconds")->toDouble(), last.find("cpu_seconds")->toDouble(), c.steps,
            last.find("delta")->toDouble(), last.find("peak_rss_mb")->toDouble());
    row("glassbox IG, " + s + " steps", gbFixed.seconds, gbFixed.cpuSeconds, gbFixed.steps, gbFixed.delta, gbFixed.rssMb);
    if (detailed)
        row("glassbox adaptive IG, tol = eager's |delta|", gbEqual.seconds, gbEqual.cpuSeconds, gbEqual.steps, gbEqual.delta, gbEqual.rssMb);
    row("glassbox adaptive IG, tol 1%", gbOnePercent.seconds, gbOnePercent.cpuSeconds, gbOnePercent.steps, gbOnePercent.delta, gbOnePercent.rssMb);
    if (eagerFull && !detailed)
        std::printf("    equal steps (%s): glassbox %.2fx eager full; same numbers: max |glassbox - eager| / max |score| = %.1e\n",
                    s.c_str(), eager / gbFixed.seconds, maxRelDiff(gbFixed.scores, *full.find("scores")));
    if (detailed) {
        const double lastSeconds = last.find("seconds")->toDouble();
        std::printf("    equal steps (%s):     glassbox %.2fx eager full, %.2fx eager last-position\n", s.c_str(),
                    eager / gbFixed.seconds, lastSeconds / gbFixed.seconds);
        std::printf("    equal accuracy (|delta|/|df| <= %.2e): glassbox adaptive %.2fx eager full, %.2fx eager last-position%s; "
                    "levels %s\n",
                    eagerRel, eager / gbEqual.seconds, lastSeconds / gbEqual.seconds,
                    std::fabs(gbEqual.delta) / span <= eagerRel ? "" : " (NOT reached)", levelsText(equalLevels, span).c_str());
        std::printf("    same numbers: max |glassbox - eager| / max |score| = %.1e (full), %.1e (last)\n",
                    maxRelDiff(gbFixed.scores, *full.find("scores")), maxRelDiff(gbFixed.scores, *last.find("scores")));
    }
    std::printf("    1%% tolerance: glassbox adaptive %.2fx glassbox fixed %s steps; levels %s\n",
                gbFixed.seconds / gbOnePercent.seconds, s.c_str(), levelsText(onePercentLevels, span).c_str());
    std::printf("    glassbox batch: %lld steps (%.0f MiB estimated per step, budget %lld MiB), %d progress reports\n",
                (long long)batchSizeFor(c.budget, p.gradient.bytesPerSample, c.steps),
                double(p.gradient.bytesPerSample) / (1 << 20), (long long)(c.budget >> 20), reports);
    if (!sweep.empty()) {
        // One nested pair per n: n-point Gauss-Legendre and its (2n+1)-point Kronrod extension.
        std::printf("    |delta|/|df| by rule (G n: Gauss-Legendre, K 2n+1: its Kronrod extension):");
        for (const int k : sweep) {
            AdaptiveIgOptions pair;
            pair.tolerance = 1e-300;
            pair.startSteps = k;
            pair.maxSteps = 2 * k + 1;
            pair.memoryBudgetBytes = c.budget;
            const GradientAttribution g = adaptiveIntegratedGradients(p.gradient, p.input, p.baseline, pair, Progress::null(), CancelToken());
            for (const auto &[points, delta] : g.levels)
                std::printf(" %s%d:%.1e", points == k ? "G" : "K", points, std::fabs(delta) / span);
            std::fflush(stdout);
        }
        std::printf("\n");
    }
    std::printf("    %s after\n", loadAverage().c_str());
    std::fflush(stdout);
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
    parser.addOption({QStringLiteral("long-python-batch"), QStringLiteral("Eager steps per batch on the long prompt (0: skip eager)."),
                      QStringLiteral("N"), QStringLiteral("1")});
    parser.addOption({QStringLiteral("sweep"), QStringLiteral("Also |delta| of n-point Gauss-Legendre and its Kronrod extension at these n."),
                      QStringLiteral("LIST"), QString()});
    parser.addOption({QStringLiteral("prompt-seed"), QStringLiteral("Prompts of n tokens are drawn with seed S + n."),
                      QStringLiteral("S"), QStringLiteral("7")});
    parser.addOption({QStringLiteral("start-steps"), QStringLiteral("Adaptive IG's first Gauss order (default: the library's)."),
                      QStringLiteral("N"), QStringLiteral("0")});
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
    std::printf("%-52s %9s %7s %6s %12s %9s %9s\n", "run", "seconds", "CPU s", "steps", "|delta|/|df|", "peak MiB", "vs eager");

    std::vector<int> sweep;
    for (const QString &k : parser.value(QStringLiteral("sweep")).split(QLatin1Char(','), Qt::SkipEmptyParts))
        sweep.push_back(k.toInt());
    const Comparison c{model, dir, threads, steps, budget, parser.value(QStringLiteral("start-steps")).toInt()};
    const std::uint64_t promptSeed = parser.value(QStringLiteral("prompt-seed")).toULongLong();
    bool warm = false;
    for (const QString &t : parser.value(QStringLiteral("tokens")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const int n = t.toInt();
        const int batch = pyBatch.count(n) ? pyBatch[n] : steps;
        compare(c, randomPrompt(n, promptSeed + std::uint64_t(n)), batch, sweep, !warm, false);
        warm = true;
    }
    const int longTokens = parser.value(QStringLiteral("long")).toInt();
    if (longTokens > 0)
        compare(c, randomPrompt(longTokens, 99), parser.value(QStringLiteral("long-python-batch")).toInt(), {}, !warm, true);
    return 0;
}
