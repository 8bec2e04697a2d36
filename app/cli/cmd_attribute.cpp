// SPDX-License-Identifier: MIT
// glassbox-cli attribute: which prompt tokens make a model predict a token (issue 7's contract).
#include "cli.h"
#include "prompt.h"

#include "attribution/attributionjob.h"
#include "attribution/featuretarget.h"
#include "attribution/tokenscores.h"
#include "common/error.h"
#include "dictionaries/dictionaryloader.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "models/transformermodel.h"
#include "plots/attributionfigures.h"
#include "tokenize/bpe_tokenizer.h"

namespace gb::cli {

namespace {

QString opt(const char *name)
{
    return QString::fromLatin1(name);
}

std::vector<AttributionMethod> methodsOf(Context &ctx)
{
    std::vector<AttributionMethod> methods;
    const QString given = ctx.isSet(opt("method")) ? ctx.value(opt("method")) : QStringLiteral("ig");
    for (const QString &name : given.split(QLatin1Char(','), Qt::SkipEmptyParts))
        methods.push_back(parseAttributionMethod(name.trimmed().toStdString()));
    if (methods.empty())
        throw Error::badInput("--method: no method given");
    return methods;
}

std::int64_t tokenOption(Context &ctx, const char *name, const CliPrompt &prompt)
{
    const QString text = ctx.value(opt(name));
    bool ok = false;
    const qlonglong id = text.toLongLong(&ok);
    if (ok)
        return id;
    // A token's text is accepted too (" Paris"), when it is exactly one token.
    if (!prompt.tokenizer)
        throw Error::badInput(std::string("--") + name + " must be a token id (the model folder has no tokenizer)");
    const auto ids = prompt.tokenizer->encodeIds(text.toStdString());
    if (ids.size() != 1)
        throw Error::badInput(std::string("--") + name + ": \"" + text.toStdString() + "\" is " + std::to_string(ids.size())
                              + " tokens, not one");
    return ids.front();
}

LmTargetSpec targetOf(Context &ctx, const CliPrompt &prompt)
{
    LmTargetSpec t;
    const bool foil = ctx.isSet(opt("foil-token"));
    t.kind = ctx.isSet(opt("target")) ? parseTargetKind(ctx.value(opt("target")).toStdString())
                                      : (foil ? LmTargetSpec::Kind::LogitDifference : LmTargetSpec::Kind::LogProbability);
    if (t.kind == LmTargetSpec::Kind::Feature) {
        if (!ctx.isSet(opt("dictionary")) || !ctx.isSet(opt("feature")))
            throw Error::badInput("--target feature needs --dictionary DIR and --feature N");
        return featureTarget(loadDictionary(ctx.value(opt("dictionary")).toStdString()), ctx.intValue(opt("feature"), -1),
                             ctx.intValue(opt("position"), -1));
    }
    if (!ctx.isSet(opt("target-token")))
        throw Error::badInput("missing required option --target-token");
    t.token = tokenOption(ctx, "target-token", prompt);
    t.position = ctx.intValue(opt("position"), -1);
    if (foil)
        t.foil = tokenOption(ctx, "foil-token", prompt);
    if (t.kind == LmTargetSpec::Kind::LogitDifference && !foil)
        throw Error::badInput("--target logit_diff needs --foil-token");
    return t;
}

MethodOptions methodOptions(Context &ctx)
{
    MethodOptions o;
    o.ig.steps = ctx.intValue(opt("steps"), 50);
    if (ctx.isSet(opt("quadrature")))
        o.ig.quadrature = parseQuadrature(ctx.value(opt("quadrature")).toStdString());
    if (ctx.isSet(opt("adaptive"))) {
        AdaptiveIgOptions a;
        a.tolerance = ctx.doubleValue(opt("adaptive"), 0.01);
        a.maxSteps = ctx.intValue(opt("max-steps"), 512);
        if (!(a.tolerance > 0 && a.tolerance < 1))
            throw Error::badInput("--adaptive must be a relative tolerance between 0 and 1, e.g. 0.01");
        o.adaptive = a;
    }
    o.saliencyAbsolute = !ctx.isSet(opt("signed-saliency"));
    o.occlusion.window = ctx.intValue(opt("window"), 1);
    o.occlusion.stride = ctx.intValue(opt("stride"), o.occlusion.window);
    const int samples = ctx.intValue(opt("samples"), 0);
    const int seed = ctx.intValue(opt("seed"), 0);
    if (samples < 0 || seed < 0)
        throw Error::badInput("--samples and --seed must not be negative");
    o.lime.samples = samples > 0 ? samples : o.lime.samples;
    o.kernelShap.samples = samples > 0 ? samples : o.kernelShap.samples;
    o.lime.seed = o.kernelShap.seed = std::uint64_t(seed);
    return o;
}

std::string tokenText(const CliPrompt &prompt, std::int64_t id)
{
    if (prompt.tokenizer && prompt.tokenizer->hasId(TokenId(id)))
        return prompt.tokenizer->decodeText({TokenId(id)});
    return "#" + std::to_string(id);
}

QString targetTitle(const LmTargetSpec &t, const CliPrompt &prompt)
{
    if (t.kind == LmTargetSpec::Kind::Feature)
        return plots::targetTitle(QStringLiteral("feature"), QString::fromStdString(t.featureLabel));
    const QString foil = t.foil >= 0 ? QString::fromStdString(tokenText(prompt, t.foil)) : QString();
    return plots::targetTitle(QString::fromStdString(toString(t.kind)), QString::fromStdString(tokenText(prompt, t.token)), foil);
}

/// The issue's contract: the first method's numbers at the top level, every method under
/// "methods" when several were asked for.
Json resultJson(const AttributionOutcome &o, const CliPrompt &prompt, Context &ctx)
{
    const Json all = toJson(o);
    const Json &first = all.find("methods")->toArray().front();
    Json out = Json::object();
    std::vector<std::string> tokens = prompt.tokens;
    if (tokens.empty())
        for (const std::int64_t id : prompt.ids)
            tokens.push_back(tokenText(prompt, id));
    out.set("tokens", Json::arrayOf(tokens)).set("token_ids", Json::arrayOf(prompt.ids)).set("position", o.position);
    for (const auto &[key, value] : first.toObject())
        out.set(key, value);
    if (ctx.isSet(opt("words"))) {
        if (!prompt.tokenizer)
            throw Error::badInput("--words needs the model folder's tokenizer (token texts)");
        const WordGroups words = groupWords(tokens);
        out.set("words", Json::object()
                             .set("words", Json::arrayOf(words.words))
                             .set("word_of_token", Json::arrayOf(words.wordOfToken))
                             .set("scores", Json::arrayOf(wordScores(o.results.front().scores, words))));
    }
    if (o.results.size() > 1)
        out.set("methods", *all.find("methods")).set("agreement", *all.find("agreement"));
    return out;
}

Json generationJson(const GenerationAttribution &g, const CliPrompt &prompt)
{
    std::vector<std::string> tokens;
    for (std::size_t i = 0; i < g.ids.size(); ++i)
        tokens.push_back(i < prompt.tokens.size() ? prompt.tokens[i] : tokenText(prompt, g.ids[i]));
    Json matrix = Json::array();
    for (int r = 0; r < g.generated(); ++r) {
        Json row = Json::array();
        for (int s = 0; s + 1 < int(g.ids.size()); ++s) {
            const double v = g.value(r, s);
            row.push(std::isfinite(v) ? Json(v) : Json());
        }
        matrix.push(std::move(row));
    }
    Json out = toJson(g);
    out.set("tokens", Json::arrayOf(tokens)).set("matrix", std::move(matrix));
    return out;
}

Progress progressOf(Context &ctx)
{
    auto print = ctx.progressPrinter();
    return Progress([print](const ProgressUpdate &u) { print(u.stage, u.fraction); });
}

int runAttribute(Context &ctx)
{
    Stopwatch watch;
    const std::string modelDir = ctx.required(opt("model")).toStdString();
    const CliPrompt prompt = readPrompt(ctx, modelDir);
    const std::int64_t budget = std::int64_t(ctx.intValue(opt("memory-budget"), 1024)) << 20;
    if (budget <= 0)
        throw Error::badInput("--memory-budget must be a positive number of MiB");
    const MethodOptions options = methodOptions(ctx);
    const LmInput wrt = ctx.isSet(opt("wrt")) ? parseLmInput(ctx.value(opt("wrt")).toStdString()) : LmInput::TokenEmbeddings;
    const LmBaseline baseline = ctx.isSet(opt("baseline")) ? parseLmBaseline(ctx.value(opt("baseline")).toStdString())
                                                            : LmBaseline{};
    const std::vector<AttributionMethod> methods = methodsOf(ctx);
    const int generate = ctx.intValue(opt("generate"), 0);
    const LmTargetSpec target = generate > 0 ? LmTargetSpec{} : targetOf(ctx, prompt);
    const std::shared_ptr<const TransformerModel> model = TransformerModel::load(modelDir);
    const double loadSeconds = watch.lap();

    Progress progress = progressOf(ctx);
    const CancelToken cancel;
    Json result, params, figure;
    if (generate > 0) {
        GenerationAttributionRequest r;
        r.model = model;
        r.prompt = prompt.ids;
        r.newTokens = generate;
        r.method = methods.front();
        r.kind = ctx.isSet(opt("target")) ? parseTargetKind(ctx.value(opt("target")).toStdString())
                                          : LmTargetSpec::Kind::LogProbability;
        r.input = wrt;
        r.baseline = baseline;
        r.options = options;
        r.memoryBudgetBytes = budget;
        const GenerationAttribution g = runGenerationAttribution(r, progress, cancel);
        result = generationJson(g, prompt);
        params = toJson(r);
        std::vector<std::string> texts;
        for (const Json &t : result.find("tokens")->toArray())
            texts.push_back(t.toString());
        figure = Json::parse(plots::generationMatrix(plots::tokenLabels(texts, g.ids), g,
                                                     QStringLiteral("Generated tokens attributed to their context"),
                                                     QString::fromStdString(toString(r.kind)))
                                 ->dataJson()
                                 .toStdString());
    } else {
        AttributionRequest r;
        r.model = model;
        r.ids = prompt.ids;
        r.methods = methods;
        r.target = target;
        r.input = wrt;
        r.baseline = baseline;
        r.options = options;
        r.faithfulness = ctx.isSet(opt("faithfulness"));
        r.memoryBudgetBytes = budget;
        const AttributionOutcome o = runAttribution(r, progress, cancel);
        result = resultJson(o, prompt, ctx);
        params = toJson(r);
        std::vector<std::string> texts;
        for (const Json &t : result.find("tokens")->toArray())
            texts.push_back(t.toString());
        const QString title = targetTitle(target, prompt);
        const QString targetLabel = target.kind == LmTargetSpec::Kind::Feature
                                        ? QString::fromStdString(target.featureLabel.substr(0, target.featureLabel.find(" of ")))
                                        : QString::fromStdString(tokenText(prompt, target.token));
        figure = Json::parse(plots::attributionStrip(plots::tokenLabels(texts, prompt.ids), o, targetLabel,
                                                     QStringLiteral("Attribution of ") + title, QStringLiteral("contribution to ") + title)
                                 ->dataJson()
                                 .toStdString());
    }
    const double computeSeconds = watch.lap();
    result.set("model", modelDir);
    const std::int64_t modelId = ctx.registerInput(modelDir, "model");
    const std::int64_t runId = ctx.recordRun("attribution", params, {{modelId, "model"}},
                                             {{"result", result.dump()}, {"figure", figure.dump()}});
    if (runId)
        result.set("run_id", runId);
    ctx.writeJson(result, loadSeconds, computeSeconds);
    return 0;
}

void addOptions(QCommandLineParser &p)
{
    p.addOption({opt("model"), QStringLiteral("Hugging Face model folder (gpt2, gpt_neox)."), QStringLiteral("DIR")});
    addPromptOptions(p);
    p.addOption({opt("method"),
                 QStringLiteral("saliency, grad_x_input, ig, occlusion, lime or kernel_shap; several, comma-separated, "
                                "are compared (default ig)."),
                 QStringLiteral("NAME")});
    p.addOption({opt("target-token"), QStringLiteral("The explained next token: an id, or its text (one token)."),
                 QStringLiteral("ID")});
    p.addOption({opt("position"), QStringLiteral("Position whose next-token prediction is explained (default: last)."),
                 QStringLiteral("P")});
    p.addOption({opt("foil-token"), QStringLiteral("Explain logit(target) - logit(foil)."), QStringLiteral("ID")});
    p.addOption({opt("target"),
                 QStringLiteral("logit, prob, logprob (default), logit_diff (default with --foil-token) or feature "
                                "(a dictionary feature's activation: --dictionary, --feature)."),
                 QStringLiteral("KIND")});
    p.addOption({opt("dictionary"), QStringLiteral("With --target feature: the SAE or transcoder (SAELens, Gemma Scope, "
                                                   "OpenMOSS) whose feature is explained."),
                 QStringLiteral("DIR")});
    p.addOption({opt("feature"), QStringLiteral("With --target feature: the feature index."), QStringLiteral("N")});
    p.addOption({opt("steps"), QStringLiteral("Integrated Gradients steps (default 50)."), QStringLiteral("N")});
    p.addOption({opt("quadrature"),
                 QStringLiteral("gausslegendre (default), gausskronrod (2N+1 points: N-point Gauss-Legendre and its "
                                "Kronrod extension), riemann_left, riemann_right, riemann_middle, riemann_trapezoid, "
                                "captum_trapezoid (Captum's weights, which sum to 1 - 1/n)."),
                 QStringLiteral("RULE")});
    p.addOption({opt("adaptive"), QStringLiteral("IG: refine (Gauss-Legendre, then its Kronrod extension reusing those "
                                                 "gradients, ...) until |delta| <= TOL x |f(x) - f(baseline)|."),
                 QStringLiteral("TOL")});
    p.addOption({opt("max-steps"), QStringLiteral("With --adaptive: the most gradient evaluations spent (default 512)."),
                 QStringLiteral("N")});
    p.addOption({opt("wrt"), QStringLiteral("token_embeddings (default; positions added unscaled) or resid_pre."),
                 QStringLiteral("INPUT")});
    p.addOption({opt("baseline"), QStringLiteral("zero (default) or token:ID (every token replaced by ID)."),
                 QStringLiteral("BASELINE")});
    p.addOption({opt("window"), QStringLiteral("Occlusion: tokens replaced together (default 1)."), QStringLiteral("W")});
    p.addOption({opt("stride"), QStringLiteral("Occlusion: window stride (default: the window)."), QStringLiteral("S")});
    p.addOption({opt("samples"), QStringLiteral("LIME samples (default 500) / KernelSHAP coalitions (default 2048)."),
                 QStringLiteral("N")});
    p.addOption({opt("seed"), QStringLiteral("LIME / KernelSHAP sampling seed (default 0)."), QStringLiteral("S")});
    p.addOption({opt("signed-saliency"), QStringLiteral("Saliency: keep the gradient's sign (default |gradient|).")});
    p.addOption({opt("words"), QStringLiteral("Also sum token scores into words.")});
    p.addOption({opt("faithfulness"), QStringLiteral("Deletion / insertion curves and their areas.")});
    p.addOption({opt("generate"), QStringLiteral("Generate N tokens greedily and attribute each to all tokens before it."),
                 QStringLiteral("N")});
    p.addOption({opt("memory-budget"), QStringLiteral("MiB that one batch of steps may use (default 1024)."),
                 QStringLiteral("MB")});
}

[[maybe_unused]] const bool registered = registerCommand(
    Command{QStringLiteral("attribute"), 40,
            QStringLiteral("Attribute a next-token prediction to the prompt's tokens (gradients, IG, occlusion, LIME, KernelSHAP)."),
            addOptions, runAttribute});

} // namespace

} // namespace gb::cli
