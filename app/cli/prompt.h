// SPDX-License-Identifier: MIT
#pragma once

#include <QCommandLineParser>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace gb {
class BpeTokenizer;
}

namespace gb::cli {

class Context;

/// A prompt given on the command line, as token ids and (when the model folder has a
/// tokenizer) the tokens' display strings.
struct CliPrompt {
    std::vector<std::int64_t> ids;
    std::vector<std::string> tokens; ///< one per id; empty without a tokenizer
    std::shared_ptr<const BpeTokenizer> tokenizer; ///< null when the folder has none
};

/// Adds --text, --ids and --prepend-bos.
void addPromptOptions(QCommandLineParser &parser);

/// Reads exactly one of --text (through `modelDir`'s tokenizer; --prepend-bos puts the model's
/// BOS first) or --ids (comma-separated; display strings decoded when a tokenizer is there).
/// Errors are BadInput naming the option.
CliPrompt readPrompt(Context &ctx, const std::string &modelDir);

/// Parses "1,2,3" (BadInput naming `option` on anything else).
std::vector<std::int64_t> parseIdList(const QString &text, const char *option);

} // namespace gb::cli
