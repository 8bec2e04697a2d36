// SPDX-License-Identifier: MIT
#include "dictionaries/compatibility.h"

#include "common/error.h"
#include "dictionaries/sparsedictionary.h"
#include "models/transformermodel.h"

namespace gb {

namespace {

/// Width of a hook's value per position as the dictionary sees it.
std::int64_t hookWidth(const TransformerModel &model, const std::string &hook, std::int64_t headIndex, const std::string &who)
{
    std::vector<std::int64_t> shape;
    try {
        shape = model.hookShape(hook, 1, 1); // [1, 1, ...] or, for attention patterns, [1, H, 1, 1]
    } catch (const Error &e) {
        throw Error::badInput(who + " needs " + hook + ", which the model does not have (" + e.what() + ")");
    }
    if (shape.size() == 4 && headIndex >= 0) // [1, 1, H, dh], one head
        return shape[3];
    std::int64_t width = 1;
    for (std::size_t i = 2; i < shape.size(); ++i)
        width *= shape[i];
    return width;
}

} // namespace

void checkCompatibility(const SparseDictionary &dict, const TransformerModel &model)
{
    const DictionaryInfo &info = dict.info();
    const std::string who = "the dictionary " + info.path;
    require(info.kind != DictionaryKind::Crosscoder, info.path,
            "a crosscoder reads one activation per snapshot or model; pick one head to explore it with a single model");
    const std::int64_t in = hookWidth(model, info.hookIn, info.hookHeadIndex, who);
    require(in == info.dIn, info.path,
            "reads " + info.hookIn + " with width " + std::to_string(info.dIn) + ", but the model's is " + std::to_string(in));
    if (info.hookOut != info.hookIn) {
        const std::int64_t out = hookWidth(model, info.hookOut, -1, who);
        require(out == info.dOut, info.path,
                "writes " + info.hookOut + " with width " + std::to_string(info.dOut) + ", but the model's is "
                    + std::to_string(out));
    }
}

} // namespace gb
