// SPDX-License-Identifier: MIT
// Dictionary files: every fixture folder (written by tests/reference/make_dictionary_fixtures.py,
// whose torch code implements the SAELens / OpenMOSS formulas independently) must encode and
// decode to the values stored next to it; cfg.json layouts; broken folders give specific errors.
#include "dictionaries/crosscoderdictionary.h"
#include "dictionaries/dictionaryloader.h"
#include "dictionaries/saelensconfig.h"
#include "io/safetensors.h"
#include "testutils.h"

#include <ATen/ATen.h>

#include <QDir>
#include <QFile>

#include <filesystem>

using gb::DictionaryKind;
using gb::Json;
using gb::SaeLensConfig;

namespace {

std::string fixture(const char *name)
{
    return QString(gbtest::fixturesDir() + QStringLiteral("/dictionaries/") + QString::fromLatin1(name)).toStdString();
}

/// A writable copy of a fixture folder.
std::string copyFixture(const QTemporaryDir &tmp, const char *name)
{
    const std::string to = tmp.filePath(QString::fromLatin1(name)).toStdString();
    std::filesystem::copy(fixture(name), to, std::filesystem::copy_options::recursive);
    return to;
}

void rewriteJson(const std::string &file, const std::function<void(Json &)> &edit)
{
    Json j = Json::parseFile(file);
    edit(j);
    gbtest::writeFile(QString::fromStdString(file), j.dump(2));
}

/// Rewrites a safetensors file keeping every tensor but `drop`.
void dropTensor(const std::string &file, const std::string &drop)
{
    std::vector<std::pair<std::string, at::Tensor>> keep;
    {
        const auto f = gb::SafetensorsFile::open(file);
        for (const auto &e : f->entries())
            if (e.name != drop)
                keep.emplace_back(e.name, f->tensor(e.name).clone());
    }
    gb::writeSafetensors(file, keep);
}

} // namespace

class TestDictionaryFiles : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void matchesReference_data();
    void matchesReference();
    void sparsityIsRead();
    void gemmaScopeHooksFromPath();
    void crosscoderGatingByHand();
    void crosscoderHeadView();
    void configLayouts_data();
    void configLayouts();
    void configErrors_data();
    void configErrors();
    void configWriterRoundTrips_data();
    void configWriterRoundTrips();
    void brokenFolders_data();
    void brokenFolders();
};

void TestDictionaryFiles::matchesReference_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("architecture");
    QTest::addColumn<int>("kind");
    const struct {
        const char *name, *format, *arch;
        DictionaryKind kind;
    } cases[] = {
        {"standard_v6", "saelens", "standard", DictionaryKind::Sae},
        {"gated_v6", "saelens", "gated", DictionaryKind::Sae},
        {"jumprelu_v6", "saelens", "jumprelu", DictionaryKind::Sae},
        {"topk_v6_rescaled", "saelens", "topk", DictionaryKind::Sae},
        {"layer_norm_v6", "saelens", "standard", DictionaryKind::Sae},
        {"transcoder_v6", "saelens", "transcoder", DictionaryKind::Transcoder},
        {"skip_transcoder_v6", "saelens", "skip_transcoder", DictionaryKind::Transcoder},
        {"jumprelu_transcoder_v6", "saelens", "jumprelu_transcoder", DictionaryKind::Transcoder},
        {"topk_flat", "saelens", "topk", DictionaryKind::Sae},
        {"hook_z_flat", "saelens", "standard", DictionaryKind::Sae},
        {"finetuning_scale_flat", "saelens", "standard", DictionaryKind::Sae},
        {"expected_average_v6", "saelens", "standard", DictionaryKind::Sae},
        {"batchtopk_checkpoint", "saelens", "jumprelu", DictionaryKind::Sae},
        {"openmoss_jumprelu", "openmoss", "jumprelu", DictionaryKind::Sae},
        {"openmoss_crosscoder", "openmoss", "crosscoder", DictionaryKind::Crosscoder},
        {"gemma-scope-2b-pt-att/layer_1/width_tiny/average_l0_3", "gemmascope", "jumprelu", DictionaryKind::Sae},
        {"gemma-scope-2b-pt-transcoders/layer_1/width_tiny/average_l0_3", "gemmascope", "jumprelu_transcoder",
         DictionaryKind::Transcoder},
    };
    for (const auto &c : cases)
        QTest::addRow("%s", c.name) << QString::fromLatin1(c.name) << QString::fromLatin1(c.format)
                                    << QString::fromLatin1(c.arch) << int(c.kind);
}

void TestDictionaryFiles::matchesReference()
{
    QFETCH(QString, name);
    QFETCH(QString, format);
    QFETCH(QString, architecture);
    QFETCH(int, kind);
    const std::string dir = fixture(name.toLatin1().constData());
    const auto dict = gb::loadDictionary(dir);
    QCOMPARE(QString::fromStdString(dict->info().format), format);
    QCOMPARE(QString::fromStdString(dict->info().architecture), architecture);
    QCOMPARE(int(dict->kind()), kind);

    const auto io = gb::SafetensorsFile::open(dir + "/io.safetensors");
    const at::Tensor x = io->floatTensor("x");
    const auto out = dict->forward(x);
    const at::Tensor f = io->floatTensor("features");
    const at::Tensor y = io->floatTensor("reconstruction");
    QCOMPARE(out.features.sizes().vec(), f.sizes().vec());
    QCOMPARE(out.reconstruction.sizes().vec(), y.sizes().vec());
    QVERIFY2(at::allclose(out.features, f, 1e-4, 1e-5),
             qPrintable(QStringLiteral("features differ by %1").arg((out.features - f).abs().max().item<double>())));
    QVERIFY2(at::allclose(out.reconstruction, y, 1e-4, 1e-5),
             qPrintable(QStringLiteral("reconstruction differs by %1").arg((out.reconstruction - y).abs().max().item<double>())));
    // Sparse codes really are sparse somewhere (the fixture is not all zeros or all active).
    const double active = (f > 0).to(at::kFloat).mean().item<double>();
    QVERIFY(active > 0 && active < 1);
}

void TestDictionaryFiles::sparsityIsRead()
{
    const auto dict = gb::loadDictionary(fixture("jumprelu_v6"));
    QVERIFY(dict->logSparsity().has_value());
    QCOMPARE(dict->logSparsity()->size(0), dict->dSae());
    QVERIFY(dict->logSparsity()->max().item<double>() <= 0);
    QVERIFY(!gb::loadDictionary(fixture("standard_v6"))->logSparsity().has_value());
    // A file given instead of its folder opens the folder.
    QCOMPARE(gb::loadDictionary(fixture("standard_v6") + "/cfg.json")->dSae(), std::int64_t(12));
}

void TestDictionaryFiles::gemmaScopeHooksFromPath()
{
    const auto att = gb::loadDictionary(fixture("gemma-scope-2b-pt-att/layer_1/width_tiny/average_l0_3/params.npz"));
    QCOMPARE(att->hookIn(), std::string("blocks.1.attn.hook_z"));
    QCOMPARE(att->info().modelName, std::string("gemma-2-2b"));
    const auto tc = gb::loadDictionary(fixture("gemma-scope-2b-pt-transcoders/layer_1/width_tiny/average_l0_3"));
    QCOMPARE(tc->hookIn(), std::string("blocks.1.ln2.hook_normalized"));
    QCOMPARE(tc->hookOut(), std::string("blocks.1.hook_mlp_out"));
    // Outside a Gemma Scope release folder the layer is still needed.
    QTemporaryDir tmp;
    const std::string lone = tmp.filePath(QStringLiteral("sae")).toStdString();
    std::filesystem::create_directories(lone);
    std::filesystem::copy(fixture("gemma-scope-2b-pt-att/layer_1/width_tiny/average_l0_3/params.npz"), lone + "/params.npz");
    GB_VERIFY_THROWS(gb::loadDictionary(lone), "cannot tell the layer");
}

namespace {

/// A two-snapshot OpenMOSS crosscoder, d = 2, two features: W_E[s] = I, zero biases,
/// W_D[0] = I (norms 1, 1), W_D[1] = diag(0.25, 2) (norms 0.25, 2), thresholds 0.6.
std::string writeTinyCrosscoder(const QTemporaryDir &tmp, const char *norm, double datasetNorm)
{
    const std::string dir = tmp.filePath(QString::fromLatin1(norm)).toStdString();
    Json cfg = Json::object();
    cfg.set("sae_type", "crosscoder").set("d_model", 2).set("expansion_factor", 1.0).set("act_fn", "jumprelu")
        .set("norm_activation", norm).set("hook_points", Json::arrayOf(std::vector<std::string>{"step0", "step9"}));
    gbtest::writeFile(QString::fromStdString(dir + "/config.json"), cfg.dump());
    const at::Tensor wd = at::stack({at::eye(2), at::diag(at::tensor({0.25f, 2.0f}))});
    gb::writeSafetensors(dir + "/sae_weights.safetensors",
                         {{"W_E", at::stack({at::eye(2), at::eye(2)})},
                          {"b_E", at::zeros({2, 2})},
                          {"W_D", wd},
                          {"b_D", at::zeros({2, 2})},
                          {"activation_function.log_jumprelu_threshold", at::full({2}, std::log(0.6f))},
                          {"dataset_average_activation_norm.step0", at::full({}, datasetNorm)},
                          {"dataset_average_activation_norm.step9", at::full({}, datasetNorm)}});
    return dir;
}

} // namespace

void TestDictionaryFiles::crosscoderGatingByHand()
{
    QTemporaryDir tmp;
    // x_0 = [1, 0.5], x_1 = [1, 0]: z = x_0 + x_1 = [2, 0.5] on both heads.
    // Head 0 (norms 1, 1): z * n = [2, 0.5] -> feature 1 below 0.6 -> f_0 = [2, 0].
    // Head 1 (norms 0.25, 2): z * n = [0.5, 1] -> feature 0 gated off -> f_1 = [0, 0.5].
    // x_hat_0 = f_0 W_D[0] = [2, 0]; x_hat_1 = f_1 W_D[1] = [0, 1].
    const at::Tensor x = at::tensor({1.0f, 0.5f, 1.0f, 0.0f}).reshape({1, 2, 2});
    const auto plain = gb::loadDictionary(writeTinyCrosscoder(tmp, "inference", 1.0));
    QCOMPARE(plain->kind(), DictionaryKind::Crosscoder);
    QCOMPARE(plain->info().heads, std::int64_t(2));
    auto out = plain->forward(x);
    QVERIFY(at::allclose(out.features, at::tensor({2.0f, 0.0f, 0.0f, 0.5f}).reshape({1, 2, 2})));
    QVERIFY(at::allclose(out.reconstruction, at::tensor({2.0f, 0.0f, 0.0f, 1.0f}).reshape({1, 2, 2})));
    // Dataset-wise with norm 2 sqrt(2): c = sqrt(2) / (2 sqrt 2) = 0.5, z = [1, 0.25].
    // Head 0: [1, 0.25] -> f_0 = [1, 0]; head 1: [0.25, 0.5] -> nothing fires.
    // x_hat_0 = [1, 0] / 0.5 = [2, 0]; x_hat_1 = 0.
    const auto scaled = gb::loadDictionary(writeTinyCrosscoder(tmp, "dataset-wise", 2 * std::sqrt(2.0)));
    out = scaled->forward(x);
    QVERIFY(at::allclose(out.features, at::tensor({1.0f, 0.0f, 0.0f, 0.0f}).reshape({1, 2, 2})));
    QVERIFY(at::allclose(out.reconstruction, at::tensor({2.0f, 0.0f, 0.0f, 0.0f}).reshape({1, 2, 2})));
    // Decoder directions are in raw units: W_D / c.
    QVERIFY(at::allclose(scaled->decoderDirections()[1], at::diag(at::tensor({0.5f, 4.0f}))));
    GB_VERIFY_THROWS(scaled->encode(at::zeros({1, 3, 2})), "a crosscoder reads [..., 2 heads, 2]");
}

void TestDictionaryFiles::crosscoderHeadView()
{
    const auto dict = std::dynamic_pointer_cast<const gb::CrosscoderDictionary>(gb::loadDictionary(fixture("openmoss_crosscoder")));
    QVERIFY(dict);
    const at::Tensor x = gb::SafetensorsFile::open(fixture("openmoss_crosscoder") + "/io.safetensors")->floatTensor("x");
    for (std::int64_t s = 0; s < 3; ++s) {
        const auto head = dict->head(s, "blocks.6.hook_resid_post");
        QCOMPARE(head->hookIn(), std::string("blocks.6.hook_resid_post"));
        // With the other heads' inputs zeroed, the full crosscoder gives the head view's answer.
        at::Tensor only = at::zeros_like(x);
        only.select(1, s).copy_(x.select(1, s));
        const auto full = dict->forward(only);
        const auto view = head->forward(x.select(1, s));
        QVERIFY(at::allclose(view.features, full.features.select(1, s), 1e-5, 1e-5));
        QVERIFY(at::allclose(view.reconstruction, full.reconstruction.select(1, s), 1e-4, 1e-5));
    }
}

void TestDictionaryFiles::configLayouts_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("architecture");
    QTest::addColumn<QString>("hook");
    QTest::addColumn<int>("k");
    QTest::addColumn<bool>("subtractBias");
    QTest::addColumn<int>("norm");
    QTest::addColumn<bool>("hookZ");
    using N = gb::SaeSpec::Norm;
    QTest::addRow("v6 nested") << R"({"architecture":"jumprelu","d_in":4,"d_sae":8,"apply_b_dec_to_input":false,
        "normalize_activations":"layer_norm","metadata":{"hook_name":"blocks.3.hook_resid_pre","sae_lens_version":"6.1.0"}})"
                               << "jumprelu" << "blocks.3.hook_resid_pre" << 0 << false << int(N::LayerNorm) << false;
    QTest::addRow("v6 topk default k") << R"({"architecture":"topk","d_in":4,"d_sae":8,"metadata":{"hook_name":"h"}})"
                                       << "topk" << "h" << 100 << true << int(N::None) << false;
    QTest::addRow("flat, old names, topk via kwargs")
        << R"({"d_in":4,"d_sae":8,"hook_point":"blocks.0.hook_mlp_out","activation_fn_str":"topk","activation_fn_kwargs":{"k":7}})"
        << "topk" << "blocks.0.hook_mlp_out" << 7 << true << int(N::None) << false;
    QTest::addRow("flat, normalize true") << R"({"d_in":4,"d_sae":8,"hook_name":"x","normalize_activations":true})"
                                          << "standard" << "x" << 0 << true << int(N::None) << false;
    QTest::addRow("flat, constant norm, hook_z") << R"({"d_in":4,"d_sae":8,"hook_name":"blocks.2.attn.hook_z",
        "normalize_activations":"constant_norm_rescale"})" << "standard" << "blocks.2.attn.hook_z" << 0 << true << int(N::PerToken) << true;
    QTest::addRow("v6 reshape flag") << R"({"architecture":"standard","d_in":4,"d_sae":8,"reshape_activations":"hook_z",
        "metadata":{"hook_name":"blocks.2.attn.hook_z"}})" << "standard" << "blocks.2.attn.hook_z" << 0 << true << int(N::None) << true;
}

void TestDictionaryFiles::configLayouts()
{
    QFETCH(QString, json);
    QFETCH(QString, architecture);
    QFETCH(QString, hook);
    QFETCH(int, k);
    QFETCH(bool, subtractBias);
    QFETCH(int, norm);
    QFETCH(bool, hookZ);
    const SaeLensConfig c = SaeLensConfig::fromJson(Json::parse(json.toStdString()), "cfg.json");
    QCOMPARE(QString::fromStdString(c.info.architecture), architecture);
    QCOMPARE(QString::fromStdString(c.info.hookIn), hook);
    QCOMPARE(QString::fromStdString(c.info.hookOut), hook);
    if (k)
        QCOMPARE(c.spec.k, std::int64_t(k));
    QCOMPARE(c.spec.subtractDecoderBias, subtractBias);
    QCOMPARE(int(c.spec.norm), norm);
    QCOMPARE(c.spec.hookZ, hookZ);
    QCOMPARE(c.info.prependBos, true);
}

void TestDictionaryFiles::configErrors_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("needle");
    QTest::addRow("unknown architecture") << R"({"architecture":"mystery","d_in":4,"d_sae":8,"hook_name":"h"})"
                                          << "unknown architecture 'mystery' (supported: standard, gated";
    QTest::addRow("missing d_in") << R"({"d_sae":8,"hook_name":"h"})" << "'d_in' is missing";
    QTest::addRow("negative d_sae") << R"({"d_in":4,"d_sae":-8,"hook_name":"h"})" << "'d_sae' must be positive";
    QTest::addRow("no hook") << R"({"d_in":4,"d_sae":8})" << "'hook_name' is missing";
    QTest::addRow("tanh-relu") << R"({"d_in":4,"d_sae":8,"hook_name":"h","activation_fn_str":"tanh-relu"})"
                               << "activation_fn 'tanh-relu' is not supported";
    QTest::addRow("bad normalisation") << R"({"d_in":4,"d_sae":8,"hook_name":"h","normalize_activations":"whiten"})"
                                       << "unknown normalize_activations 'whiten'";
    QTest::addRow("transcoder without output hook")
        << R"({"architecture":"transcoder","d_in":4,"d_sae":8,"apply_b_dec_to_input":false,"metadata":{"hook_name":"h"}})"
        << "transcoder without 'hook_name_out'";
    QTest::addRow("transcoder subtracting b_dec")
        << R"({"architecture":"transcoder","d_in":4,"d_sae":8,"apply_b_dec_to_input":true,"metadata":{"hook_name":"h","hook_name_out":"o"}})"
        << "apply_b_dec_to_input is true";
    QTest::addRow("wrong type") << R"({"d_in":"four","d_sae":8,"hook_name":"h"})" << "d_in";
}

void TestDictionaryFiles::configErrors()
{
    QFETCH(QString, json);
    QFETCH(QString, needle);
    GB_VERIFY_THROWS(SaeLensConfig::fromJson(Json::parse(json.toStdString()), "cfg.json"), needle.toStdString());
}

// The writer (the SAE trainer's cfg.json) against the reader: every field it writes comes back,
// under SAELens' v6 names.
void TestDictionaryFiles::configWriterRoundTrips_data()
{
    QTest::addColumn<QString>("architecture");
    QTest::addColumn<int>("norm");
    QTest::addColumn<bool>("hookZ");
    QTest::addColumn<int>("headIndex");
    QTest::addColumn<double>("scalingFactor"); // 0 = none
    using N = gb::SaeSpec::Norm;
    QTest::addRow("standard") << "standard" << int(N::None) << false << -1 << 0.0;
    QTest::addRow("topk") << "topk" << int(N::None) << false << -1 << 0.0;
    QTest::addRow("transcoder") << "transcoder" << int(N::None) << false << -1 << 0.0;
    QTest::addRow("hook_z, constant norm, one head") << "standard" << int(N::PerToken) << true << 3 << 0.0;
    QTest::addRow("layer norm") << "standard" << int(N::LayerNorm) << false << -1 << 0.0;
    QTest::addRow("expected average with its factor") << "standard" << int(N::None) << false << -1 << 2.5;
}

void TestDictionaryFiles::configWriterRoundTrips()
{
    QFETCH(QString, architecture);
    QFETCH(int, norm);
    QFETCH(bool, hookZ);
    QFETCH(int, headIndex);
    QFETCH(double, scalingFactor);
    using A = gb::SaeSpec::Activation;
    SaeLensConfig c;
    c.info.architecture = architecture.toStdString();
    const bool transcoder = architecture == QLatin1String("transcoder");
    c.info.kind = transcoder ? gb::DictionaryKind::Transcoder : gb::DictionaryKind::Sae;
    c.info.dIn = 6;
    c.info.dSae = 20;
    c.info.dOut = transcoder ? 5 : 6;
    c.info.hookIn = hookZ ? "blocks.1.attn.hook_z" : "blocks.1.hook_resid_pre";
    c.info.hookOut = transcoder ? "blocks.1.hook_mlp_out" : c.info.hookIn;
    c.info.hookHeadIndex = headIndex;
    c.info.modelName = "tiny";
    c.info.contextSize = 96;
    c.info.prependBos = false;
    c.spec.activation = architecture == QLatin1String("topk") ? A::TopK : A::ReLU;
    c.spec.k = c.spec.activation == A::TopK ? 4 : 0;
    c.spec.scaleByDecoderNorm = c.spec.activation == A::TopK;
    c.spec.subtractDecoderBias = !transcoder;
    c.spec.norm = gb::SaeSpec::Norm(norm);
    c.spec.hookZ = hookZ;
    if (scalingFactor > 0)
        c.normScalingFactor = scalingFactor;

    const Json j = c.toJson();
    QCOMPARE(j.find("metadata")->find("hook_name")->toString(), c.info.hookIn);
    QCOMPARE(j.find("metadata")->find("sae_lens_version")->toString(), std::string("6.0.0"));
    const SaeLensConfig r = SaeLensConfig::fromJson(Json::parse(j.dump()), "written cfg.json");
    QVERIFY(!r.flatLayout);
    QCOMPARE(r.info.architecture, c.info.architecture);
    QCOMPARE(int(r.info.kind), int(c.info.kind));
    QCOMPARE(r.info.dIn, c.info.dIn);
    QCOMPARE(r.info.dSae, c.info.dSae);
    QCOMPARE(r.info.dOut, c.info.dOut);
    QCOMPARE(r.info.hookIn, c.info.hookIn);
    QCOMPARE(r.info.hookOut, c.info.hookOut);
    QCOMPARE(r.info.hookHeadIndex, std::int64_t(headIndex));
    QCOMPARE(r.info.modelName, c.info.modelName);
    QCOMPARE(r.info.contextSize, c.info.contextSize);
    QCOMPARE(r.info.prependBos, false);
    QCOMPARE(int(r.spec.activation), int(c.spec.activation));
    QCOMPARE(r.spec.k, c.spec.k);
    QCOMPARE(r.spec.scaleByDecoderNorm, c.spec.scaleByDecoderNorm);
    QCOMPARE(r.spec.subtractDecoderBias, c.spec.subtractDecoderBias);
    QCOMPARE(int(r.spec.norm), norm);
    QCOMPARE(r.spec.hookZ, hookZ);
    QCOMPARE(r.normScalingFactor.has_value(), scalingFactor > 0);
    if (scalingFactor > 0)
        QCOMPARE(*r.normScalingFactor, scalingFactor);
}

void TestDictionaryFiles::brokenFolders_data()
{
    QTest::addColumn<QString>("mutation");
    QTest::addColumn<QString>("needle");
    QTest::addRow("width differs from the weights") << "d_in" << "tensor 'W_enc' has shape [8, 12], expected [16, 12]";
    QTest::addRow("missing tensor") << "drop b_enc" << "tensor 'b_enc' is missing (architecture 'standard' needs it)";
    QTest::addRow("missing threshold") << "drop threshold" << "tensor 'threshold' is missing";
    QTest::addRow("unknown architecture") << "architecture" << "unknown architecture 'mystery'";
    QTest::addRow("no weights") << "delete weights" << "has cfg.json but no sae_weights.safetensors";
    QTest::addRow("truncated weights") << "truncate" << "sae_weights.safetensors";
    QTest::addRow("not a dictionary") << "unrelated" << "not a sparse dictionary; it holds notes.txt";
    QTest::addRow("OpenMOSS norm never measured") << "nan norm" << "the dataset norm was never measured";
    QTest::addRow("OpenMOSS batch top-k") << "batchtopk" << "act_fn 'batchtopk' is not supported (batch-level top-k";
    QTest::addRow("OpenMOSS other type") << "clt" << "sae_type 'clt' is not supported";
}

void TestDictionaryFiles::brokenFolders()
{
    QFETCH(QString, mutation);
    QFETCH(QString, needle);
    QTemporaryDir tmp;
    std::string dir;
    const std::string m = mutation.toStdString();
    if (m == "d_in") {
        dir = copyFixture(tmp, "standard_v6");
        rewriteJson(dir + "/cfg.json", [](Json &j) { j.set("d_in", 16); });
    } else if (m == "drop b_enc") {
        dir = copyFixture(tmp, "standard_v6");
        dropTensor(dir + "/sae_weights.safetensors", "b_enc");
    } else if (m == "drop threshold") {
        dir = copyFixture(tmp, "jumprelu_v6");
        dropTensor(dir + "/sae_weights.safetensors", "threshold");
    } else if (m == "architecture") {
        dir = copyFixture(tmp, "standard_v6");
        rewriteJson(dir + "/cfg.json", [](Json &j) { j.set("architecture", "mystery"); });
    } else if (m == "delete weights") {
        dir = copyFixture(tmp, "standard_v6");
        QVERIFY(QFile::remove(QString::fromStdString(dir + "/sae_weights.safetensors")));
    } else if (m == "truncate") {
        dir = copyFixture(tmp, "standard_v6");
        QFile f(QString::fromStdString(dir + "/sae_weights.safetensors"));
        QVERIFY(f.resize(f.size() / 2));
    } else if (m == "unrelated") {
        dir = tmp.filePath(QStringLiteral("misc")).toStdString();
        gbtest::writeFile(QString::fromStdString(dir + "/notes.txt"), "hello");
    } else if (m == "nan norm" || m == "batchtopk" || m == "clt") {
        dir = copyFixture(tmp, "openmoss_jumprelu");
        if (m == "nan norm") {
            const std::string file = dir + "/sae_weights.safetensors";
            std::vector<std::pair<std::string, at::Tensor>> all;
            {
                const auto f = gb::SafetensorsFile::open(file);
                for (const auto &e : f->entries())
                    all.emplace_back(e.name, e.name.rfind("dataset_average", 0) == 0 ? at::full({}, NAN) : f->tensor(e.name).clone());
            }
            gb::writeSafetensors(file, all);
        } else {
            rewriteJson(dir + "/config.json", [&](Json &j) { j.set(m == "clt" ? "sae_type" : "act_fn", m); });
        }
    }
    GB_VERIFY_THROWS(gb::loadDictionary(dir), needle.toStdString());
}

QTEST_GUILESS_MAIN(TestDictionaryFiles)
#include "tst_dictionaryfiles.moc"
