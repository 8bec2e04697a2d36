// SPDX-License-Identifier: MIT
#include "dictionaries/reconstruction.h"

#include "common/error.h"
#include "common/torch_guard.h"
#include "dictionaries/compatibility.h"
#include "dictionaries/sparsedictionary.h"
#include "models/transformermodel.h"

#include <ATen/ATen.h>

namespace gb {

namespace {

double nextTokenLoss(const at::Tensor &logits, const at::Tensor &tokens)
{
    const std::int64_t T = tokens.size(0);
    const at::Tensor lp = at::log_softmax(logits[0].narrow(0, 0, T - 1).to(at::kFloat), -1);
    return -lp.gather(1, tokens.narrow(0, 1, T - 1).unsqueeze(1)).mean().item<double>();
}

} // namespace

Json ReconstructionMetrics::toJson() const
{
    Json j = Json::object();
    j.set("positions", positions)
        .set("mse", mse)
        .set("explained_variance", explainedVariance)
        .set("l0", l0)
        .set("loss_clean", lossClean)
        .set("loss_spliced", lossSpliced)
        .set("loss_zero_ablated", lossZeroAblated)
        .set("delta_loss", deltaLoss)
        .set("loss_recovered", lossRecovered)
        .set("l0_per_position", Json::arrayOf(l0PerPosition))
        .set("squared_error_per_position", Json::arrayOf(squaredErrorPerPosition));
    return j;
}

at::Tensor readFromHook(const SparseDictionary &dict, const at::Tensor &value)
{
    const std::int64_t head = dict.info().hookHeadIndex;
    return head >= 0 && value.dim() == 4 ? value.select(2, head) : value;
}

at::Tensor placeAtHook(const SparseDictionary &dict, const at::Tensor &value, const at::Tensor &replacement)
{
    return torchGuard(dict.info().path + ": splice", [&] {
        const std::int64_t head = dict.info().hookHeadIndex;
        if (head >= 0 && value.dim() == 4) {
            at::Tensor out = value.clone();
            out.select(2, head).copy_(replacement.reshape(out.select(2, head).sizes()));
            return out;
        }
        return replacement.reshape(value.sizes()).to(value.scalar_type());
    });
}

ReconstructionMetrics measureReconstruction(const TransformerModel &model, const SparseDictionary &dict,
                                            const at::Tensor &tokens, std::int64_t bosToken)
{
    checkCompatibility(dict, model);
    require(tokens.dim() == 1 && tokens.size(0) >= 2, "reconstruction", "needs a prompt of at least two tokens");
    const DictionaryInfo &info = dict.info();
    const at::Tensor ids = tokens.to(at::kLong);
    ForwardInput in;
    in.tokens = ids.unsqueeze(0);

    ForwardOptions clean;
    clean.inference = true;
    clean.capture = {info.hookIn};
    if (info.hookOut != info.hookIn)
        clean.capture.push_back(info.hookOut);
    const ForwardResult base = model.forward(in, clean);

    ReconstructionMetrics m;
    at::Tensor recon;
    torchGuard("reconstruction", [&] {
        c10::InferenceMode guard;
        const at::Tensor x = readFromHook(dict, base.hook(info.hookIn))[0];
        const at::Tensor y = readFromHook(dict, base.hook(info.hookOut))[0].reshape({x.size(0), -1}).to(at::kFloat);
        const at::Tensor f = dict.encode(x);
        recon = dict.decode(f, x);
        const at::Tensor yHat = recon.reshape({x.size(0), -1});
        const at::Tensor keep = bosToken >= 0 ? ids.ne(bosToken) : at::ones_like(ids, at::kBool);
        require(keep.any().item<bool>(), "reconstruction", "the prompt has no token other than BOS");
        const at::Tensor sq = (y - yHat).pow(2).sum(1);
        const at::Tensor l0 = (f.reshape({x.size(0), -1}) > 0).sum(1).to(at::kDouble);
        const at::Tensor yk = y.index({keep}), sqk = sq.index({keep});
        m.positions = yk.size(0);
        m.mse = sqk.sum().item<double>() / double(yk.numel());
        const double variance = (yk - yk.mean(0, true)).pow(2).sum().item<double>();
        m.explainedVariance = variance > 0 ? 1.0 - sqk.sum().item<double>() / variance : 0.0;
        m.l0 = l0.index({keep}).mean().item<double>();
        const at::Tensor l0c = l0.contiguous(), sqc = sq.to(at::kDouble).contiguous();
        m.l0PerPosition.assign(l0c.data_ptr<double>(), l0c.data_ptr<double>() + l0c.numel());
        m.squaredErrorPerPosition.assign(sqc.data_ptr<double>(), sqc.data_ptr<double>() + sqc.numel());
    });

    auto lossWith = [&](const HookFn &edit) {
        ForwardOptions o;
        o.inference = true;
        o.edits[info.hookOut] = edit;
        return nextTokenLoss(model.forward(in, o).logits, ids);
    };
    m.lossClean = torchGuard("reconstruction", [&] { return nextTokenLoss(base.logits, ids); });
    m.lossSpliced = lossWith([&](const at::Tensor &value, const std::string &) {
        return placeAtHook(dict, value, recon.unsqueeze(0));
    });
    m.lossZeroAblated = lossWith([&](const at::Tensor &value, const std::string &) {
        return placeAtHook(dict, value, at::zeros_like(readFromHook(dict, value)));
    });
    m.deltaLoss = m.lossSpliced - m.lossClean;
    const double range = m.lossZeroAblated - m.lossClean;
    m.lossRecovered = range != 0 ? (m.lossZeroAblated - m.lossSpliced) / range : 0.0;
    return m;
}

} // namespace gb
