// SPDX-License-Identifier: MIT
// Crosscoder loaders: planted crosscoders written by planted.cpp open and stream exactly; every
// malformed folder fails with its own message.
#include "dictionaries/crosscoder.h"
#include "dictionaries/crosscoderdictionary.h"
#include "dictionaries/crosscoderwriter.h"
#include "dictionaries/dictionaryloader.h"
#include "dictionaries/tensorchecks.h"
#include "dictionaries/twomodelcrosscoder.h"
#include "evolution/evolutiondata.h"
#include "evolution/evolutionstore.h"
#include "evolution/evolutionsummary.h"
#include "evolution/modeldiff.h"
#include "io/safetensors.h"
#include "jobs/cancel.h"
#include "jobs/progress.h"
#include "planted.h"
#include "store/workspace.h"
#include "testutils.h"

#include <ATen/ATen.h>

#include <QDir>
#include <QTemporaryDir>

#include <cmath>
#include <cstring>
#include <limits>

using namespace gbtest;

namespace {

enum Mutation {
    WdSnapshots, WeSnapshots, ExtraHookPoint, DModelMismatch, DSaeMismatch, WdRank, MissingWd, IntegerDtype,
    MissingThreshold, NanThreshold, ThresholdShape, NanNorm, InfNorm, ZeroNorm, NegativeNorm, MissingNorm,
    NormNotScalar, NormForUnknownHook, UnknownActFn, UnknownNorm, TopKWithoutK, SaeTypeSae, NoHookPoints,
    DuplicateHook, DSaeDisagrees, ZeroExpansion
};

CrosscoderFiles plantedFiles()
{
    return CrosscoderFiles::around(plantedDecoder(), paperHookPoints());
}

void mutate(CrosscoderFiles &c, Mutation m)
{
    const float nan = std::numeric_limits<float>::quiet_NaN();
    switch (m) {
    case WdSnapshots: c.tensor("W_D") = c.tensor("W_D").slice(0, 0, 31).contiguous(); break;
    case WeSnapshots: c.tensor("W_E") = c.tensor("W_E").slice(0, 1, 32).contiguous(); break;
    case ExtraHookPoint: {
        gb::Json hooks = *c.config.find("hook_points");
        hooks.push("step150000");
        c.config.set("hook_points", hooks);
        break;
    }
    case DModelMismatch: c.tensor("W_D") = at::zeros({32, 12, 15}); break;
    case DSaeMismatch: c.config.set("expansion_factor", 0.5); break;
    case WdRank: c.tensor("W_D") = at::zeros({12, 16}); break;
    case MissingWd: c.remove("W_D"); break;
    case IntegerDtype: c.tensor("b_D") = at::zeros({32, 16}, at::kInt); break;
    case MissingThreshold: c.remove("activation_function.log_jumprelu_threshold"); break;
    case NanThreshold: c.tensor("activation_function.log_jumprelu_threshold")[3] = nan; break;
    case ThresholdShape: c.tensor("activation_function.log_jumprelu_threshold") = at::zeros({11}); break;
    case NanNorm: c.tensor("dataset_average_activation_norm.step1000") = at::full({}, nan); break;
    case InfNorm: c.tensor("dataset_average_activation_norm.step64") = at::full({}, INFINITY); break;
    case ZeroNorm: c.tensor("dataset_average_activation_norm.step2") = at::zeros({}); break;
    case NegativeNorm: c.tensor("dataset_average_activation_norm.step8") = at::full({}, -3.0f); break;
    case MissingNorm: c.remove("dataset_average_activation_norm.step4"); break;
    case NormNotScalar: c.tensor("dataset_average_activation_norm.step0") = at::ones({2}); break;
    case NormForUnknownHook: c.tensors.emplace_back("dataset_average_activation_norm.step1", at::ones({})); break;
    case UnknownActFn: c.config.set("act_fn", "gelu"); break;
    case UnknownNorm: c.config.set("norm_activation", "layer-wise"); break;
    case TopKWithoutK: c.config.set("act_fn", "topk"); break;
    case SaeTypeSae: c.config.set("sae_type", "sae"); break;
    case NoHookPoints: c.config.set("hook_points", gb::Json::array()); break;
    case DuplicateHook: {
        gb::Json hooks = gb::Json::array();
        for (const auto &h : paperHookPoints())
            hooks.push(h == "step2" ? std::string("step0") : h);
        c.config.set("hook_points", hooks);
        break;
    }
    case DSaeDisagrees: c.config.set("d_sae", 13); break;
    case ZeroExpansion: c.config.set("expansion_factor", 0.01); break;
    }
}

/// Bytes of a safetensors file whose single F32 tensor starts at an odd offset (a 1-byte U8
/// tensor comes first), which the reference writer never produces but other writers may.
std::string unalignedFile(const at::Tensor &w)
{
    const auto bytes = static_cast<std::uint64_t>(w.numel() * 4);
    std::string header = "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},\"W\":{\"dtype\":\"F32\",\"shape\":[" +
                         std::to_string(w.size(0)) + "," + std::to_string(w.size(1)) + "," + std::to_string(w.size(2)) +
                         "],\"data_offsets\":[1," + std::to_string(1 + bytes) + "]}}";
    std::string out(8, '\0');
    const std::uint64_t n = header.size();
    std::memcpy(out.data(), &n, 8);
    out += header;
    out.push_back('\x7f');
    out.append(reinterpret_cast<const char *>(w.contiguous().data_ptr<float>()), bytes);
    return out;
}

} // namespace

class TestCrosscoder : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void opensPlantedCrosscoder();
    void streamsFromTheFileExactly();
    void halfPrecisionDecoder();
    void unalignedRowsAreCopied();
    void releasedBlocksReadAgain();
    void malformed_data();
    void malformed();
    void inferenceNormsAreNotValidated();
    void folderProblems();
    void twoModelCrosscoder();
    void twoModelMalformed();
    void writerRoundTrip();
    void writerKeepsHookName();
    void encodeDecodeByHand_data();
    void encodeDecodeByHand();
    void encodeScalesInputs();
    void cliContract();
    void cliLevelAndWorkspace();
    void cliTwoModelAndCheckpoints();
    void cliErrors_data();
    void cliErrors();
};

void TestCrosscoder::opensPlantedCrosscoder()
{
    QTemporaryDir tmp;
    plantedFiles().write(tmp.path());
    QVERIFY(gb::Crosscoder::looksLike(tmp.path().toStdString()));
    QVERIFY(!gb::TwoModelCrosscoder::looksLike(tmp.path().toStdString()));
    const auto c = gb::Crosscoder::open(tmp.path().toStdString());
    QCOMPARE(c->heads(), qint64(32));
    QCOMPARE(c->features(), qint64(PlantedFeatures));
    QCOMPARE(c->dModel(), PlantedDModel);
    QCOMPARE(c->config().expansionFactor, 0.75);
    QCOMPARE(c->config().activation, gb::CrosscoderActivation::JumpReLU);
    QCOMPARE(c->config().norm, gb::ActivationNorm::DatasetWise);
    QCOMPARE(c->hookPoints(), paperHookPoints());
    QCOMPARE(c->datasetNorms().size(), std::size_t(32));
    QCOMPARE(c->datasetNorms()[10], 12.0);
    QVERIFY(isClose(c->inputScale(10), std::sqrt(16.0) / 12.0));
    QVERIFY(isClose(c->threshold()[5].item<double>(), 0.1, 1e-6));
    QCOMPARE(c->encoderWeight().sizes(), (at::IntArrayRef{32, 16, 12}));
    QCOMPARE(c->decoderBias().sizes(), (at::IntArrayRef{32, 16}));
    QVERIFY(QString::fromStdString(c->weightsPath()).endsWith(QStringLiteral("sae_weights.safetensors")));
    // The config a trainer writes reads back to the same function.
    const auto again = gb::CrosscoderConfig::fromJson(c->config().toJson(), "round trip");
    QCOMPARE(again.dSae, c->config().dSae);
    QCOMPARE(again.hookPoints, c->config().hookPoints);
}

void TestCrosscoder::streamsFromTheFileExactly()
{
    QTemporaryDir tmp;
    plantedFiles().write(tmp.path());
    const auto c = gb::Crosscoder::open(tmp.path().toStdString());
    const at::Tensor w = plantedDecoder();
    QVERIFY(at::equal(c->decoderBlock(3, 7), w.slice(1, 3, 7)));
    QCOMPARE(c->decoderBlock(5, 5).size(1), qint64(0));
    GB_VERIFY_THROWS(c->decoderBlock(0, 13), "feature range out of bounds");

    const auto fromFile = gb::collectEvolutionData(*c, gb::Progress::null(), gb::CancelToken(), 5);
    const gb::TensorDecoderSource mem(w, paperHookPoints());
    const auto fromMemory = gb::collectEvolutionData(mem, gb::Progress::null(), gb::CancelToken(), 5);
    QCOMPARE(fromFile.norms, fromMemory.norms);
    QVERIFY(fromFile.steps.fromNames);
    const auto s = gb::summariseEvolution(fromFile);
    QCOMPARE(s.turningIndex, PlantedTurningIndex);
    QCOMPARE(s.peakIndex[RampFeature], 20);
    QCOMPARE(s.emergenceIndex[DeadFeature], -1);
}

void TestCrosscoder::halfPrecisionDecoder()
{
    QTemporaryDir tmp;
    CrosscoderFiles f = plantedFiles();
    f.tensor("W_D") = f.tensor("W_D").to(at::kHalf);
    f.tensor("W_E") = f.tensor("W_E").to(at::kBFloat16);
    f.write(tmp.path());
    const auto c = gb::Crosscoder::open(tmp.path().toStdString());
    const at::Tensor block = c->decoderBlock(0, PlantedFeatures);
    QCOMPARE(block.scalar_type(), at::kFloat);
    // Planted values (multiples of 1/8, s/31 and cos/sin) survive half precision to 1e-3.
    QVERIFY(at::allclose(block, plantedDecoder(), 1e-3, 1e-3));
    const auto s = gb::summariseEvolution(gb::collectEvolutionData(*c, gb::Progress::null(), gb::CancelToken(), 4));
    QCOMPARE(s.peakIndex[EarlyFeature], 10);
    QCOMPARE(s.turningIndex, PlantedTurningIndex);
}

void TestCrosscoder::unalignedRowsAreCopied()
{
    QTemporaryDir tmp;
    const at::Tensor w = plantedDecoder();
    const QString path = tmp.path() + QStringLiteral("/odd.safetensors");
    writeFile(path, unalignedFile(w));
    const auto file = gb::SafetensorsFile::open(path.toStdString());
    const at::Tensor block = gb::mappedRowBlock(file, "W", 1, 2, 5);
    QVERIFY(at::equal(block, w.slice(1, 2, 7)));
}

void TestCrosscoder::releasedBlocksReadAgain()
{
    QTemporaryDir tmp;
    plantedFiles().write(tmp.path());
    const auto c = gb::Crosscoder::open(tmp.path().toStdString());
    const at::Tensor before = c->decoderBlock(0, PlantedFeatures).clone();
    c->releaseBlock(0, PlantedFeatures);
    QVERIFY(at::equal(c->decoderBlock(0, PlantedFeatures), before));
}

void TestCrosscoder::malformed_data()
{
    QTest::addColumn<int>("mutation");
    QTest::addColumn<QString>("needle");
    QTest::addRow("W_D has 31 snapshots") << int(WdSnapshots) << "W_D dim 0 is 31, but config.json lists 32 hook_points";
    QTest::addRow("W_E has 31 snapshots") << int(WeSnapshots) << "W_E dim 0 is 31, but config.json lists 32 hook_points";
    QTest::addRow("33 hook points") << int(ExtraHookPoint) << "W_E dim 0 is 32, but config.json lists 33 hook_points";
    QTest::addRow("d_model") << int(DModelMismatch) << "W_D dim 2 is 15, but d_model is 16";
    QTest::addRow("d_sae") << int(DSaeMismatch) << "W_E dim 2 is 12, but d_sae = int(d_model x expansion_factor) = 8";
    QTest::addRow("rank") << int(WdRank) << "W_D has shape [12, 16], expected [S, d_sae, d_model] = [32, 12, 16]";
    QTest::addRow("missing W_D") << int(MissingWd) << "missing tensor 'W_D' [S, d_sae, d_model]";
    QTest::addRow("integer dtype") << int(IntegerDtype) << "b_D has dtype I32; expected a floating-point type";
    QTest::addRow("missing threshold") << int(MissingThreshold)
                                       << "act_fn is jumprelu but the tensor 'activation_function.log_jumprelu_threshold' [d_sae] is missing";
    QTest::addRow("NaN threshold") << int(NanThreshold) << "activation_function.log_jumprelu_threshold[3] is NaN";
    QTest::addRow("threshold shape") << int(ThresholdShape) << "log_jumprelu_threshold dim 0 is 11, but d_sae";
    QTest::addRow("NaN dataset norm") << int(NanNorm)
                                      << "dataset_average_activation_norm.step1000: is NaN (hook point 'step1000')";
    QTest::addRow("Inf dataset norm") << int(InfNorm) << "dataset_average_activation_norm.step64: is infinite (hook point 'step64')";
    QTest::addRow("zero dataset norm") << int(ZeroNorm) << "(hook point 'step2'); a norm must be positive";
    QTest::addRow("negative dataset norm") << int(NegativeNorm) << "step8: is -3.000000 (hook point 'step8')";
    QTest::addRow("missing dataset norm") << int(MissingNorm)
                                          << "dataset-wise but 'dataset_average_activation_norm.step4' is missing";
    QTest::addRow("norm not scalar") << int(NormNotScalar) << "step0: must be a scalar, has shape [2]";
    QTest::addRow("norm for unknown hook") << int(NormForUnknownHook)
                                           << "'dataset_average_activation_norm.step1' names a hook point that config.json's hook_points does not list";
    QTest::addRow("unknown act_fn") << int(UnknownActFn)
                                    << "unknown act_fn 'gelu' (expected one of relu, jumprelu, topk, batchtopk)";
    QTest::addRow("unknown norm") << int(UnknownNorm) << "unknown norm_activation 'layer-wise'";
    QTest::addRow("topk without k") << int(TopKWithoutK) << "missing \"top_k\"";
    QTest::addRow("plain SAE") << int(SaeTypeSae) << "sae_type is 'sae', not 'crosscoder'";
    QTest::addRow("no hook points") << int(NoHookPoints) << "hook_points is empty";
    QTest::addRow("duplicate hook") << int(DuplicateHook) << "hook point 'step0' is listed twice";
    QTest::addRow("d_sae disagrees") << int(DSaeDisagrees)
                                     << "d_sae 13 disagrees with int(d_model x expansion_factor) = 12";
    QTest::addRow("no features") << int(ZeroExpansion) << "d_sae = int(d_model x expansion_factor) is 0";
}

void TestCrosscoder::malformed()
{
    QFETCH(int, mutation);
    QFETCH(QString, needle);
    QTemporaryDir tmp;
    CrosscoderFiles f = plantedFiles();
    mutate(f, static_cast<Mutation>(mutation));
    f.write(tmp.path());
    GB_VERIFY_THROWS(gb::Crosscoder::open(tmp.path().toStdString()), needle.toStdString());
    try {
        gb::Crosscoder::open(tmp.path().toStdString());
    } catch (const gb::Error &e) {
        QCOMPARE(e.kind(), gb::Error::Kind::BadInput);
    }
}

void TestCrosscoder::inferenceNormsAreNotValidated()
{
    // OpenMOSS writes the dataset norms even when unset; outside dataset-wise they are never used.
    QTemporaryDir tmp;
    CrosscoderFiles f = plantedFiles();
    mutate(f, NanNorm);
    f.config.set("norm_activation", "inference").set("act_fn", "topk").set("top_k", 3);
    f.write(tmp.path());
    const auto c = gb::Crosscoder::open(tmp.path().toStdString());
    QCOMPARE(c->config().topK, qint64(3));
    QCOMPARE(c->inputScale(4), 1.0);
    QVERIFY(c->datasetNorms().empty());
    QVERIFY(!c->threshold().defined());
}

void TestCrosscoder::folderProblems()
{
    QTemporaryDir tmp;
    const QString dir = tmp.path() + QStringLiteral("/cc");
    GB_VERIFY_THROWS(gb::Crosscoder::open(dir.toStdString()), "not a folder");
    QDir().mkpath(dir);
    GB_VERIFY_THROWS(gb::Crosscoder::open(dir.toStdString()), "no config.json");
    QVERIFY(!gb::Crosscoder::looksLike(dir.toStdString()));
    writeFile(dir + QStringLiteral("/config.json"), plantedFiles().config.dump());
    GB_VERIFY_THROWS(gb::Crosscoder::open(dir.toStdString()), "no sae_weights.safetensors");
    writeFile(dir + QStringLiteral("/sae_weights.pt"), "PK");
    GB_VERIFY_THROWS(gb::Crosscoder::open(dir.toStdString()), "weights are only in sae_weights.pt (a torch pickle");
    // OpenMOSS' fallback location for weights is honoured.
    plantedFiles().write(dir + QStringLiteral("/checkpoints"));
    QFile::rename(dir + QStringLiteral("/checkpoints/sae_weights.safetensors"),
                  dir + QStringLiteral("/checkpoints/final.safetensors"));
    QCOMPARE(gb::Crosscoder::open(dir.toStdString())->features(), qint64(PlantedFeatures));
    // A truncated weights file is refused by the safetensors reader before anything is read.
    plantedFiles().write(dir);
    const QString weights = dir + QStringLiteral("/sae_weights.safetensors");
    const std::string bytes = readFile(weights);
    writeFile(weights, bytes.substr(0, bytes.size() - 100));
    GB_VERIFY_THROWS(gb::Crosscoder::open(dir.toStdString()), "sae_weights.safetensors");
}

void TestCrosscoder::twoModelCrosscoder()
{
    // [F, 2, d]: A-only, B-only, shared at 60 degrees, 3:1.
    at::Tensor w = at::zeros({4, 2, 3});
    w[0][0][0] = 2.0f;
    w[1][1][1] = 0.5f;
    w[2][0][0] = 1.0f;
    w[2][1][0] = 0.5f;
    w[2][1][1] = static_cast<float>(std::sqrt(3.0) / 2.0);
    w[3][0][2] = 3.0f;
    w[3][1][2] = 1.0f;
    QTemporaryDir tmp;
    writeTwoModelCrosscoder(tmp.path(), w,
                            gb::Json::object().set("d_in", 3).set("dict_size", 4).set("hook_point",
                                                                                      "blocks.14.hook_resid_pre"));
    QVERIFY(gb::TwoModelCrosscoder::looksLike(tmp.path().toStdString()));
    QVERIFY(!gb::Crosscoder::looksLike(tmp.path().toStdString()));
    const auto c = gb::TwoModelCrosscoder::open(tmp.path().toStdString());
    QCOMPARE(c->headNames(), (std::vector<std::string>{"A", "B"}));
    QVERIFY(at::equal(c->decoderBlock(1, 3), w.slice(0, 1, 3).permute({1, 0, 2})));
    const auto m = gb::summariseModelDiff(gb::collectEvolutionData(*c, gb::Progress::null(), gb::CancelToken(), 3));
    QCOMPARE(m.relativeNorm[0], 0.0f);
    QCOMPARE(m.relativeNorm[1], 1.0f);
    QVERIFY(isClose(m.relativeNorm[2], 0.5, 1e-6));
    QVERIFY(isClose(m.relativeNorm[3], 0.25, 1e-6));
    QVERIFY(isClose(m.cosine[2], 0.5, 1e-6));
    QCOMPARE(m.aOnly + m.bOnly + m.shared, qint64(3));

    QTemporaryDir named;
    writeTwoModelCrosscoder(named.path(), w,
                            gb::Json::object().set("d_in", 3).set("dict_size", 4).set(
                                "model_names", gb::Json::array().push("gemma-2-2b").push("gemma-2-2b-it")));
    QCOMPARE(gb::TwoModelCrosscoder::open(named.path().toStdString())->modelNames().back(), std::string("gemma-2-2b-it"));
}

void TestCrosscoder::twoModelMalformed()
{
    const at::Tensor w = at::ones({4, 2, 3});
    const auto cfg = gb::Json::object().set("d_in", 3).set("dict_size", 4);
    QTemporaryDir a;
    writeTwoModelCrosscoder(a.path(), at::ones({4, 3, 3}), cfg);
    GB_VERIFY_THROWS(gb::TwoModelCrosscoder::open(a.path().toStdString()),
                     "W_enc dim 0 is 3, but a model-diffing crosscoder has 2 models");
    QTemporaryDir b;
    writeTwoModelCrosscoder(b.path(), w, gb::Json::object().set("d_in", 4).set("dict_size", 4));
    GB_VERIFY_THROWS(gb::TwoModelCrosscoder::open(b.path().toStdString()), "dim 1 is 3, but cfg.json says d_in = 4");
    QTemporaryDir c;
    writeTwoModelCrosscoder(c.path(), w, gb::Json::object().set("d_in", 3));
    GB_VERIFY_THROWS(gb::TwoModelCrosscoder::open(c.path().toStdString()), "needs \"d_in\" and \"dict_size\"");
    QTemporaryDir d;
    writeTwoModelCrosscoder(d.path(), w, gb::Json(cfg).set("model_names", gb::Json::array().push("base")));
    GB_VERIFY_THROWS(gb::TwoModelCrosscoder::open(d.path().toStdString()), "model_names lists 1 names for 2 models");
    QTemporaryDir e;
    writeFile(e.path() + QStringLiteral("/cfg.json"), cfg.dump());
    writeFile(e.path() + QStringLiteral("/cc_weights.pt"), "PK");
    QVERIFY(gb::TwoModelCrosscoder::looksLike(e.path().toStdString()));
    GB_VERIFY_THROWS(gb::TwoModelCrosscoder::open(e.path().toStdString()), "cc_weights.pt is a torch pickle");
}

namespace {

/// S = 2, d = 2, F = 3 with weights chosen so that gating differs between the snapshots
/// (values worked out by hand in encodeDecodeByHand).
gb::CrosscoderWeights tinyWeights()
{
    gb::CrosscoderWeights w;
    w.encoder = at::tensor({1.f, 0.f, 0.f, 0.f, 1.f, 0.f, /* s1 */ 0.f, 0.f, 1.f, 1.f, 0.f, -1.f}).view({2, 2, 3});
    w.encoderBias = at::tensor({0.1f, 0.f, 0.f, 0.f, -0.2f, 0.f}).view({2, 3});
    w.decoder = at::tensor({1.f, 0.f, 0.f, 0.5f, 0.f, 0.f, /* s1 */ 0.f, 0.1f, 2.f, 0.f, 0.6f, 0.8f}).view({2, 3, 2});
    w.decoderBias = at::tensor({0.5f, 0.f, 0.f, -0.5f}).view({2, 2});
    w.logThreshold = at::full({3}, std::log(0.3));
    return w;
}

gb::CrosscoderConfig tinyConfig(const char *act, const char *norm)
{
    gb::CrosscoderConfig c;
    c.dModel = 2;
    c.expansionFactor = 1.5;
    c.dSae = 3;
    c.activation = std::string(act) == "relu" ? gb::CrosscoderActivation::ReLU : gb::CrosscoderActivation::JumpReLU;
    c.norm = std::string(norm) == "inference" ? gb::ActivationNorm::Inference : gb::ActivationNorm::DatasetWise;
    c.hookPoints = {"step100", "step2000"};
    return c;
}

/// Two tokens x two snapshots x d = 2, laid out [T, S, d] as the dictionary reads them.
const at::Tensor &tinyInput()
{
    static const at::Tensor x = at::tensor({1.f, 2.f, /* s1 */ 0.5f, 0.5f, /* t1 */ 3.f, -1.f, /* s1 */ -1.f, 1.f}).view({2, 2, 2});
    return x;
}

gb::Json runEvolutionCli(const QStringList &extra, const QString &out)
{
    const auto r = runCli(QStringList{QStringLiteral("evolution"), QStringLiteral("--quiet"), QStringLiteral("--out"), out} + extra);
    if (r.exitCode != 0)
        qFatal("glassbox-cli failed (%d): %s", r.exitCode, qPrintable(r.err));
    return gb::Json::parseFile(out.toStdString());
}

std::vector<std::int64_t> ints(const gb::Json &a)
{
    std::vector<std::int64_t> v;
    for (const auto &x : a.toArray())
        v.push_back(x.isNull() ? -1 : x.toInt());
    return v;
}

} // namespace

void TestCrosscoder::cliContract()
{
    QTemporaryDir tmp;
    plantedFiles().write(tmp.path() + QStringLiteral("/cc"));
    const gb::Json j = runEvolutionCli({QStringLiteral("--crosscoder"), tmp.path() + QStringLiteral("/cc")},
                                       tmp.path() + QStringLiteral("/out.json"));
    QCOMPARE(ints(*j.find("steps")), paperSteps());
    const auto &norms = j.find("decoder_norms")->toArray();
    QCOMPARE(norms.size(), std::size_t(32));
    for (std::int64_t s = 0; s < 32; ++s) {
        QCOMPARE(norms[s].size(), std::size_t(PlantedFeatures));
        for (std::int64_t f = 0; f < PlantedFeatures; ++f)
            QVERIFY(isClose(norms[s].toArray()[f].toDouble(), plantedNorm(s, f), 1e-6, 1e-7));
    }
    const auto psi = ints(*j.find("peak_snapshot_index"));
    const auto peakStep = ints(*j.find("peak_step"));
    const auto emergence = ints(*j.find("emergence_step"));
    QCOMPARE(psi[EarlyFeature], 10);
    QCOMPARE(peakStep[RampFeature], 14000);
    QCOMPARE(peakStep[LateFeature], 143000);
    QCOMPARE(emergence[LateFeature], 7000);
    QCOMPARE(psi[DeadFeature], -1);       // null
    QCOMPARE(emergence[DeadFeature], -1); // null
    QCOMPARE(j.find("lifetime")->toArray()[InitFeature].toDouble(), 31.0 / 32.0);
    const gb::Json &tp = *j.find("turning_point");
    QCOMPARE(tp.find("transition_index")->toInt(), qint64(PlantedTurningIndex));
    QCOMPARE(tp.find("from_step")->toInt(), qint64(512));
    QCOMPARE(tp.find("to_step")->toInt(), qint64(1000));
    QCOMPARE(j.find("crosscoder")->find("format")->toString(), std::string("openmoss_crosscoder"));
    QVERIFY(j.find("timing")->find("compute_s")->toDouble() >= 0);
    QVERIFY(!j.contains("model_diff"));
    QVERIFY(!j.contains("run_id"));
}

void TestCrosscoder::cliLevelAndWorkspace()
{
    QTemporaryDir tmp;
    plantedFiles().write(tmp.path() + QStringLiteral("/cc"));
    const QString ws = tmp.path() + QStringLiteral("/w.gbx");
    const gb::Json j = runEvolutionCli({QStringLiteral("--crosscoder"), tmp.path() + QStringLiteral("/cc"),
                                        QStringLiteral("--level"), QStringLiteral("0.25"), QStringLiteral("--workspace"), ws,
                                        QStringLiteral("--block"), QStringLiteral("5")},
                                       tmp.path() + QStringLiteral("/out.json"));
    QCOMPARE(ints(*j.find("emergence_step"))[RampFeature], 5000); // snapshot 14
    const std::int64_t run = j.find("run_id")->toInt();
    QVERIFY(run > 0);
    const auto w = gb::Workspace::open(ws.toStdString());
    QCOMPARE(w.run(run)->kind, std::string("evolution"));
    QCOMPARE(w.run(run)->inputs.size(), std::size_t(1));
    const gb::EvolutionData back = gb::loadEvolutionData(w, run);
    const gb::TensorDecoderSource mem(plantedDecoder(), paperHookPoints());
    QCOMPARE(back.norms, gb::collectEvolutionData(mem, gb::Progress::null(), gb::CancelToken()).norms);
    QCOMPARE(back.steps.steps, paperSteps());
    QCOMPARE(gb::summariseEvolution(back).turningIndex, PlantedTurningIndex);
    GB_VERIFY_THROWS(gb::loadEvolutionData(w, run + 1), "has no result 'evolution_data'");
}

void TestCrosscoder::cliTwoModelAndCheckpoints()
{
    QTemporaryDir tmp;
    at::Tensor w = at::zeros({3, 2, 2});
    w[0][0][0] = 1.0f; // A-only
    w[1][1][1] = 1.0f; // B-only
    w[2][0][0] = 1.0f; // shared, orthogonal
    w[2][1][1] = 1.0f;
    writeTwoModelCrosscoder(tmp.path() + QStringLiteral("/diff"), w,
                            gb::Json::object().set("d_in", 2).set("dict_size", 3));
    const gb::Json j = runEvolutionCli({QStringLiteral("--crosscoder"), tmp.path() + QStringLiteral("/diff"),
                                        QStringLiteral("--bins"), QStringLiteral("4")},
                                       tmp.path() + QStringLiteral("/d.json"));
    const gb::Json &md = *j.find("model_diff");
    QCOMPARE(md.find("relative_norm")->toArray()[1].toDouble(), 1.0);
    QCOMPARE(md.find("cosine")->toArray()[2].toDouble(), 0.0);
    QCOMPARE(ints(*md.find("relative_norm_histogram")->find("counts")), (std::vector<std::int64_t>{1, 0, 1, 1}));
    QCOMPARE(md.find("shared")->toInt(), qint64(1));
    QVERIFY(!j.find("steps_from_names")->toBool());

    plantedFiles().write(tmp.path() + QStringLiteral("/cc"));
    for (const auto &h : paperHookPoints())
        if (h != "step512")
            writeFile(tmp.path() + QStringLiteral("/ckpt/") + QString::fromStdString(h) + QStringLiteral("/config.json"), "{}");
    writeFile(tmp.path() + QStringLiteral("/ckpt/step1/config.json"), "{}");
    const gb::Json c = runEvolutionCli({QStringLiteral("--crosscoder"), tmp.path() + QStringLiteral("/cc"),
                                        QStringLiteral("--checkpoints"), tmp.path() + QStringLiteral("/ckpt")},
                                       tmp.path() + QStringLiteral("/c.json"));
    const gb::Json &ck = *c.find("checkpoints");
    QVERIFY(!ck.find("complete")->toBool());
    QCOMPARE(ck.find("missing")->toArray().front().toString(), std::string("step512"));
    QCOMPARE(ck.find("extra")->toArray().front().toString(), std::string("step1"));
}

void TestCrosscoder::cliErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("needle");
    QTest::addRow("no crosscoder") << QStringList{} << "--crosscoder";
    QTest::addRow("not a folder") << QStringList{QStringLiteral("--crosscoder"), QStringLiteral("/no/such")}
                                  << "not a folder";
    QTest::addRow("bad level") << QStringList{QStringLiteral("--crosscoder"), QStringLiteral("CC"), QStringLiteral("--level"),
                                              QStringLiteral("1.5")}
                               << "--level: must be in (0, 1]";
    QTest::addRow("empty folder") << QStringList{QStringLiteral("--crosscoder"), QStringLiteral("EMPTY")}
                                  << "not a crosscoder: expected config.json";
    QTest::addRow("broken crosscoder") << QStringList{QStringLiteral("--crosscoder"), QStringLiteral("BROKEN")}
                                       << "dataset_average_activation_norm.step1000: is NaN";
}

void TestCrosscoder::cliErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, needle);
    QTemporaryDir tmp;
    plantedFiles().write(tmp.path() + QStringLiteral("/cc"));
    QDir().mkpath(tmp.path() + QStringLiteral("/empty"));
    CrosscoderFiles broken = plantedFiles();
    mutate(broken, NanNorm);
    broken.write(tmp.path() + QStringLiteral("/broken"));
    args.replaceInStrings(QStringLiteral("CC"), tmp.path() + QStringLiteral("/cc"));
    args.replaceInStrings(QStringLiteral("EMPTY"), tmp.path() + QStringLiteral("/empty"));
    args.replaceInStrings(QStringLiteral("BROKEN"), tmp.path() + QStringLiteral("/broken"));
    const auto r = runCli(QStringList{QStringLiteral("evolution")} + args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(needle), qPrintable(r.err));
}

void TestCrosscoder::writerKeepsHookName()
{
    // The hook the snapshots were read at survives saveCrosscoder -> loader, so the evolution
    // slider and the Features page need not guess it; without one, no key is invented.
    QTemporaryDir tmp;
    const std::string named = tmp.filePath(QStringLiteral("named")).toStdString();
    gb::CrosscoderConfig config = tinyConfig("relu", "inference");
    config.hookName = "blocks.3.hook_resid_mid";
    gb::saveCrosscoder(named, config, tinyWeights());
    const gb::Json file = gb::Json::parseFile(named + "/config.json");
    QCOMPARE(file.find("hook_name")->toString(), std::string("blocks.3.hook_resid_mid"));
    QCOMPARE(gb::Crosscoder::open(named)->config().hookName, std::string("blocks.3.hook_resid_mid"));
    const auto dict = std::dynamic_pointer_cast<const gb::CrosscoderDictionary>(gb::loadDictionary(named));
    QVERIFY(dict);
    QCOMPARE(dict->info().hookIn, std::string("blocks.3.hook_resid_mid"));
    QCOMPARE(dict->head(1, "")->info().hookIn, std::string("blocks.3.hook_resid_mid"));

    const std::string plain = tmp.filePath(QStringLiteral("plain")).toStdString();
    gb::saveCrosscoder(plain, tinyConfig("relu", "inference"), tinyWeights());
    QVERIFY(!gb::Json::parseFile(plain + "/config.json").find("hook_name"));
    QVERIFY(gb::loadDictionary(plain)->info().hookIn.empty());

    // OpenMOSS files written elsewhere may say hook_point instead.
    gb::Json other = tinyConfig("relu", "inference").toJson();
    other.set("hook_point", "blocks.0.hook_resid_post");
    QCOMPARE(gb::CrosscoderConfig::fromJson(other, "test").hookName, std::string("blocks.0.hook_resid_post"));
}

void TestCrosscoder::writerRoundTrip()
{
    QTemporaryDir tmp;
    const QString dir = tmp.filePath(QStringLiteral("cc"));
    gb::CrosscoderWeights w = tinyWeights();
    w.datasetNorms = {2.0, 4.0};
    gb::saveCrosscoder(dir.toStdString(), tinyConfig("jumprelu", "dataset-wise"), w);
    const auto cc = gb::Crosscoder::open(dir.toStdString());
    QVERIFY(at::equal(cc->decoderWeight(), w.decoder));
    QVERIFY(at::equal(cc->encoderWeight(), w.encoder));
    QCOMPARE(cc->datasetNorms(), (std::vector<double>{2.0, 4.0}));
    QVERIFY(at::allclose(cc->threshold(), at::full({3}, 0.3)));
    QCOMPARE(cc->hookPoints(), (std::vector<std::string>{"step100", "step2000"}));
    QVERIFY(at::equal(cc->encoderBias(), w.encoderBias));
    QVERIFY(at::equal(cc->decoderBias(), w.decoderBias));
    QCOMPARE(cc->config().activation, gb::CrosscoderActivation::JumpReLU);
    QCOMPARE(cc->config().norm, gb::ActivationNorm::DatasetWise);
    QCOMPARE(cc->inputScale(1), std::sqrt(2.0) / 4.0);

    // Double weights are stored as float32; a rewrite replaces the folder's crosscoder.
    gb::CrosscoderWeights relu = tinyWeights();
    relu.encoder = relu.encoder.to(at::kDouble) * 2;
    relu.logThreshold = at::Tensor();
    gb::saveCrosscoder(dir.toStdString(), tinyConfig("relu", "inference"), relu);
    const auto again = gb::Crosscoder::open(dir.toStdString());
    QVERIFY(at::equal(again->encoderWeight(), tinyWeights().encoder * 2));
    QVERIFY(!again->threshold().defined());
    QVERIFY(again->datasetNorms().empty());

    // A write that the reader would refuse leaves the earlier crosscoder as it was.
    gb::CrosscoderWeights wrongS = tinyWeights();
    wrongS.decoderBias = at::zeros({3, 2});
    GB_VERIFY_THROWS(gb::saveCrosscoder(dir.toStdString(), tinyConfig("jumprelu", "inference"), wrongS), "b_D");
    QVERIFY(at::equal(gb::Crosscoder::open(dir.toStdString())->encoderWeight(), tinyWeights().encoder * 2));
    QCOMPARE(QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             (QStringList{QStringLiteral("config.json"), QStringLiteral("sae_weights.safetensors")}));

    // A decoder that disagrees with the config is refused with the reader's message, and nothing stays.
    QTemporaryDir bad;
    gb::CrosscoderWeights wrong = tinyWeights();
    wrong.decoder = at::zeros({2, 4, 2});
    wrong.datasetNorms = {2.0, 4.0};
    GB_VERIFY_THROWS(gb::saveCrosscoder(bad.path().toStdString(), tinyConfig("jumprelu", "dataset-wise"), wrong),
                     "W_D dim 1 is 4, but d_sae = int(d_model x expansion_factor) = 3");
    QVERIFY(!QFile::exists(bad.filePath(QStringLiteral("config.json"))));
    QVERIFY(!QFile::exists(bad.filePath(QStringLiteral("sae_weights.safetensors"))));
    gb::CrosscoderWeights noThreshold = tinyWeights();
    noThreshold.logThreshold = at::Tensor();
    GB_VERIFY_THROWS(gb::saveCrosscoder(bad.path().toStdString(), tinyConfig("jumprelu", "inference"), noThreshold),
                     "log threshold is missing");
}

QTEST_GUILESS_MAIN(TestCrosscoder)
void TestCrosscoder::encodeDecodeByHand_data()
{
    QTest::addColumn<QString>("act");
    QTest::addColumn<QVector<float>>("features");       // [T][S][F]
    QTest::addColumn<QVector<float>>("reconstruction"); // [T][S][d]
    // z_t0 = [1.6, 1.8, 0], z_t1 = [4.1, -1.2, -2] (b_E summed over snapshots); decoder norms
    // s0 [1, .5, 0], s1 [.1, 2, 1]. jumprelu (theta 0.3) opens where z * n > 0.3; relu where
    // z > 0. A zero decoder row (feature 2 at s0: not present at that snapshot) gives 0.
    QTest::addRow("jumprelu") << QStringLiteral("jumprelu")
                              << QVector<float>{1.6f, 1.8f, 0, /* s1 */ 0, 1.8f, 0, /* t1 */ 4.1f, 0, 0, /* s1 */ 4.1f, 0, 0}
                              << QVector<float>{2.1f, 0.9f, /* s1 */ 3.6f, -0.5f, /* t1 */ 4.6f, 0, /* s1 */ 0, -0.09f};
    QTest::addRow("relu") << QStringLiteral("relu")
                          << QVector<float>{1.6f, 1.8f, 0, /* s1 */ 1.6f, 1.8f, 0, /* t1 */ 4.1f, 0, 0, /* s1 */ 4.1f, 0, 0}
                          << QVector<float>{2.1f, 0.9f, /* s1 */ 3.6f, -0.34f, /* t1 */ 4.6f, 0, /* s1 */ 0, -0.09f};
}

void TestCrosscoder::encodeDecodeByHand()
{
    QFETCH(QString, act);
    QFETCH(QVector<float>, features);
    QFETCH(QVector<float>, reconstruction);
    QTemporaryDir tmp;
    gb::saveCrosscoder(tmp.path().toStdString(), tinyConfig(act == QLatin1String("relu") ? "relu" : "jumprelu", "inference"),
                       tinyWeights());
    const auto dict = gb::CrosscoderDictionary::fromOpenMoss(gb::Crosscoder::open(tmp.path().toStdString()));
    QVERIFY(at::allclose(dict->latent(tinyInput()), at::tensor({1.6f, 1.8f, 0.f, 4.1f, -1.2f, -2.f}).view({2, 3}), 1e-6, 1e-6));
    const at::Tensor f = dict->encode(tinyInput());
    const at::Tensor expected = at::tensor(std::vector<float>(features.begin(), features.end())).view({2, 2, 3});
    QVERIFY(at::allclose(f, expected, 1e-6, 1e-6));
    const at::Tensor rec = at::tensor(std::vector<float>(reconstruction.begin(), reconstruction.end())).view({2, 2, 2});
    QVERIFY(at::allclose(dict->decode(f, tinyInput()), rec, 1e-5, 1e-6));
}

void TestCrosscoder::encodeScalesInputs()
{
    // Dataset-wise with a different norm per snapshot (2 and 4): c_s = sqrt(2) / norm_s; z and
    // the decode checked with loops over the weights.
    QTemporaryDir tmp;
    gb::CrosscoderWeights w = tinyWeights();
    w.datasetNorms = {2.0, 4.0};
    gb::saveCrosscoder(tmp.path().toStdString(), tinyConfig("relu", "dataset-wise"), w);
    const auto dict = gb::CrosscoderDictionary::fromOpenMoss(gb::Crosscoder::open(tmp.path().toStdString()));
    const at::Tensor z = dict->latent(tinyInput());
    const double c[2] = {std::sqrt(2.0) / 2.0, std::sqrt(2.0) / 4.0};
    const auto x = tinyInput().accessor<float, 3>();
    const auto we = w.encoder.accessor<float, 3>();
    const auto be = w.encoderBias.accessor<float, 2>();
    for (int t = 0; t < 2; ++t)
        for (int i = 0; i < 3; ++i) {
            double expected = be[0][i] + be[1][i];
            for (int s = 0; s < 2; ++s)
                for (int k = 0; k < 2; ++k)
                    expected += c[s] * x[t][s][k] * we[s][k][i];
            QVERIFY(isClose(z[t][i].item<double>(), expected, 1e-5, 1e-6));
        }
    // The decode of a code is (f_s W_D[s] + b_D[s]) / c_s, by loops.
    const at::Tensor f = dict->encode(tinyInput());
    const at::Tensor xhat = dict->decode(f, tinyInput());
    const auto fa = f.accessor<float, 3>();
    const auto wd = w.decoder.accessor<float, 3>();
    const auto bd = w.decoderBias.accessor<float, 2>();
    for (int t = 0; t < 2; ++t)
        for (int s = 0; s < 2; ++s)
            for (int k = 0; k < 2; ++k) {
                double y = bd[s][k];
                for (int i = 0; i < 3; ++i)
                    y += fa[t][s][i] * wd[s][i][k];
                QVERIFY(isClose(xhat[t][s][k].item<double>(), y / c[s], 1e-5, 1e-6));
            }
}

#include "tst_crosscoder.moc"
