// SPDX-License-Identifier: MIT
#pragma once

#include "cli.h"
#include "jobs/progress.h"

#include <cstdint>
#include <string>
#include <vector>

namespace gb {
class BpeTokenizer;
}

namespace gb::cli {

/// A progress on stderr whose line shows the trainer's live values ("step 120 loss 2.31").
Progress trainerProgress(Context &ctx);

/// The documents of a corpus file (one per non-empty line) tokenized and joined by `eosId`:
/// the token stream the trainers read.
std::vector<std::int64_t> tokenStream(const std::string &corpusPath, const BpeTokenizer &tokenizer, std::int64_t eosId);

/// The id of <|endoftext|> (the document separator); BadInput when the tokenizer has none.
std::int64_t endOfText(const BpeTokenizer &tokenizer, const std::string &source);

/// The options both dictionary trainers share: --features, --steps, --batch, --lr, --seed and
/// --no-resume (defaults: the options' own, seed 1).
template<typename Options>
void readDictionaryOptions(Context &ctx, Options &o)
{
    o.features = ctx.intValue(QStringLiteral("features"), o.features);
    o.steps = ctx.intValue(QStringLiteral("steps"), int(o.steps));
    o.batchSize = ctx.intValue(QStringLiteral("batch"), o.batchSize);
    o.learningRate = ctx.doubleValue(QStringLiteral("lr"), o.learningRate);
    o.seed = std::uint64_t(ctx.intValue(QStringLiteral("seed"), 1));
    o.resume = !ctx.isSet(QStringLiteral("no-resume"));
}

} // namespace gb::cli
