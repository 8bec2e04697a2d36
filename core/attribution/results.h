// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace gb {

class Json;

/// What attributions produce, as plain numbers: views, the CLI and the workspace read these
/// without libtorch.

enum class AttributionMethod { Saliency, GradientXInput, IntegratedGradients, Occlusion, Lime, KernelShap };

/// "saliency", "grad_x_input", "ig", "occlusion", "lime", "kernel_shap" (the CLI's names).
std::string toString(AttributionMethod m);
AttributionMethod parseAttributionMethod(const std::string &name);
/// "Integrated Gradients", ... for figures and menus.
std::string displayName(AttributionMethod m);
bool isGradientMethod(AttributionMethod m);
std::vector<AttributionMethod> allAttributionMethods();

/// One method's per-token result with everything needed to judge it.
struct MethodResult {
    AttributionMethod method = AttributionMethod::IntegratedGradients;
    std::vector<double> scores;   ///< per token; gradient methods: signed sum over the embedding
    std::vector<double> scoresL2; ///< gradient methods: L2 norm over the embedding; else empty
    double fX = std::numeric_limits<double>::quiet_NaN();
    double fBaseline = std::numeric_limits<double>::quiet_NaN();
    /// sum(scores) - (fX - fBaseline): IG's convergence delta; for the others, how far they are
    /// from complete (NaN for saliency).
    double delta = std::numeric_limits<double>::quiet_NaN();
    /// IG: gradient evaluations (the rule's points; adaptive: every level's, shared points once);
    /// 1 for saliency and gradient x input; perturbed prompts otherwise.
    int steps = 0;
    int evaluations = 0; ///< forward (+ backward) passes of one prompt
    bool converged = true;
    std::vector<std::pair<int, double>> levels; ///< adaptive IG: (points of the level's rule, delta)
    double intercept = std::numeric_limits<double>::quiet_NaN();
    double r2 = std::numeric_limits<double>::quiet_NaN();
    bool exact = false;  ///< KernelSHAP: all coalitions enumerated
    double seconds = 0.0;
};

/// The target as tokens are removed (deletion) or added (insertion) in attribution order.
struct FaithfulnessCurve {
    std::vector<double> fractions; ///< fraction of tokens removed / added, 0..1
    std::vector<double> values;    ///< the target at each fraction
    double auc = 0.0;              ///< trapezoid area under values over fractions
};

struct Faithfulness {
    /// Most positive tokens removed first: a faithful attribution makes the target fall fast
    /// (small area).
    FaithfulnessCurve deletion;
    /// Most positive tokens added first to the all-baseline prompt: the target rises fast
    /// (large area).
    FaithfulnessCurve insertion;
};

/// The result's numbers as JSON ("method", "scores", "delta", "f_x", "f_baseline", "steps", ...);
/// NaN becomes null.
Json toJson(const MethodResult &r);

/// Rank agreement between methods: Spearman's rho and Kendall's tau-b for every pair (i < j).
struct MethodAgreement {
    int a = 0, b = 0;
    double spearman = 0.0, kendall = 0.0;
};
std::vector<MethodAgreement> methodAgreement(const std::vector<MethodResult> &results);

Json toJson(const Faithfulness &f);

/// Several methods on one prompt and target.
struct AttributionOutcome {
    std::vector<std::int64_t> ids;
    std::int64_t position = 0;                ///< the explained position
    std::vector<MethodResult> results;
    std::vector<Faithfulness> faithfulness;   ///< empty, or one per result
    std::vector<MethodAgreement> agreement;   ///< every pair of results
};

/// {"position", "methods": [toJson(result) + "faithfulness"], "agreement": [...]}.
Json toJson(const AttributionOutcome &o);

/// Each generated token attributed to every token before it.
struct GenerationAttribution {
    std::vector<std::int64_t> ids; ///< prompt then generated tokens
    int promptLength = 0;
    /// rows[g] explains ids[promptLength + g]; its scores cover ids[0 .. promptLength + g).
    std::vector<MethodResult> rows;

    int generated() const { return int(rows.size()); }
    /// Score of source token `s` for generated token `g`; NaN where s is not before it.
    double value(int g, int s) const;
};

Json toJson(const GenerationAttribution &g);

} // namespace gb
