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

} // namespace gb::cli
