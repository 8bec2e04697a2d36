// SPDX-License-Identifier: MIT
#include "attribution/featuretarget.h"

#include "common/error.h"
#include "dictionaries/sparsedictionary.h"

#include <ATen/ATen.h>

namespace gb {

LmTargetSpec featureTarget(std::shared_ptr<const SparseDictionary> dictionary, std::int64_t feature,
                           std::int64_t position)
{
    require(dictionary != nullptr, "feature target", "no dictionary loaded");
    const DictionaryInfo &info = dictionary->info();
    if (dictionary->kind() == DictionaryKind::Crosscoder)
        throw Error::badInput(info.path + ": a crosscoder reads one activation per snapshot or model; attribute a feature "
                              "of an SAE or a transcoder");
    if (info.hookHeadIndex >= 0)
        throw Error::badInput(info.path + ": dictionaries of one attention head (hook_head_index "
                              + std::to_string(info.hookHeadIndex) + ") are not supported as attribution targets");
    if (feature < 0 || feature >= dictionary->dSae())
        throw Error::badInput(info.path + ": feature " + std::to_string(feature) + " is outside the dictionary's "
                              + std::to_string(dictionary->dSae()) + " features");
    LmTargetSpec t;
    t.kind = LmTargetSpec::Kind::Feature;
    t.position = position;
    t.featureHook = dictionary->hookIn();
    t.featureActivation = [dictionary, feature](const at::Tensor &h) {
        return dictionary->encodeSubset(h, {feature}).select(-1, 0);
    };
    t.featureLabel = "feature " + std::to_string(feature) + " of " + info.path;
    return t;
}

} // namespace gb
