// SPDX-License-Identifier: MIT
#include "dictionaries/sparsedictionary.h"

#include "common/error.h"
#include "common/torch_guard.h"

#include <ATen/ATen.h>

namespace gb {

const char *toString(DictionaryKind k)
{
    switch (k) {
    case DictionaryKind::Sae:
        return "sae";
    case DictionaryKind::Transcoder:
        return "transcoder";
    case DictionaryKind::Crosscoder:
        return "crosscoder";
    }
    return "sae";
}

Json DictionaryInfo::toJson() const
{
    Json j = Json::object();
    j.set("kind", toString(kind))
        .set("format", format)
        .set("architecture", architecture)
        .set("path", path)
        .set("hook_in", hookIn)
        .set("hook_out", hookOut)
        .set("d_in", dIn)
        .set("d_out", dOut)
        .set("d_sae", dSae);
    if (hookHeadIndex >= 0)
        j.set("hook_head_index", hookHeadIndex);
    if (kind == DictionaryKind::Crosscoder)
        j.set("heads", heads).set("head_names", Json::arrayOf(headNames));
    if (!modelName.empty())
        j.set("model_name", modelName);
    j.set("prepend_bos", prependBos);
    if (contextSize > 0)
        j.set("context_size", contextSize);
    if (!warnings.empty())
        j.set("warnings", Json::arrayOf(warnings));
    return j;
}

SparseDictionary::SparseDictionary(DictionaryInfo info)
    : m_info(std::move(info))
{
}

SparseDictionary::~SparseDictionary() = default;

void SparseDictionary::checkInputWidth(const at::Tensor &x, std::int64_t width, const char *where) const
{
    require(x.dim() >= 1 && x.size(-1) == width, m_info.path,
            std::string(where) + ": the last dimension is " + (x.dim() ? std::to_string(x.size(-1)) : "missing")
                + " but the dictionary expects " + std::to_string(width)
                + (m_info.hookIn.empty() ? "" : " (it reads " + m_info.hookIn + ")"));
}

at::Tensor SparseDictionary::encodeSubset(const at::Tensor &x, const std::vector<std::int64_t> &ids) const
{
    for (const std::int64_t id : ids)
        require(id >= 0 && id < dSae(), m_info.path,
                "feature " + std::to_string(id) + " out of range [0, " + std::to_string(dSae()) + ")");
    const at::Tensor f = encode(x);
    return torchGuard(m_info.path, [&] { return f.index_select(-1, at::tensor(ids, at::kLong)); });
}

SparseDictionary::Output SparseDictionary::forward(const at::Tensor &x) const
{
    Output out;
    out.features = encode(x);
    out.reconstruction = decode(out.features, x);
    return out;
}

at::Tensor SparseDictionary::spliceEdited(const at::Tensor &x, const at::Tensor &edited, const at::Tensor &target) const
{
    const at::Tensor clean = decode(encode(x), x);
    const at::Tensor edit = decode(edited, x);
    return torchGuard(m_info.path + ": splice", [&] {
        const at::Tensor t = target.defined() ? target : x;
        require(kind() != DictionaryKind::Transcoder || target.defined(), m_info.path,
                "a transcoder splice needs the value of its output hook " + m_info.hookOut);
        const at::Tensor base = t.scalar_type() == at::kFloat ? t : t.to(at::kFloat);
        require(base.sizes() == clean.sizes(), m_info.path, "splice: the hook value and the reconstruction differ in shape");
        // Written as base + (edit - clean) so an unedited splice returns base bit for bit.
        return base + (edit - clean);
    });
}

void SparseDictionary::setLogSparsity(at::Tensor logSparsity)
{
    require(logSparsity.dim() == 1 && logSparsity.size(0) == dSae(), m_info.path,
            "feature sparsity must have one value per feature (" + std::to_string(dSae()) + ")");
    m_logSparsity = std::move(logSparsity);
}

} // namespace gb
