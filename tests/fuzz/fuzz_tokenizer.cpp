// SPDX-License-Identifier: MIT
// The tokenizer loaders and the encoder on arbitrary input. The first byte picks the mode:
//   0: tokenizer.json text, then (if it loads) encode a fixed sentence
//   1: vocab.json and merges.txt separated by a NUL byte
//   2: text encoded by two small fixed tokenizers (added tokens; one with NFC and a prefix
//      space), checking the span invariants and, without NFC, decode(encode(x)) == x.
#include "common/error.h"
#include "tokenize/bpe_tokenizer.h"
#include "tokenize/bytelevel.h"
#include "tokenize/tokenizer_loader.h"

#include <cstdlib>
#include <memory>
#include <string_view>

namespace {

gb::BpeSpec fixedSpec(bool nfc)
{
    gb::BpeSpec spec;
    spec.source = "fixed";
    for (int b = 0; b < 256; ++b)
        spec.vocab.emplace_back(gb::bytelevel::encodeBytes(std::string(1, char(b))), b);
    const std::pair<const char *, const char *> merges[] = {{"\xC4\xA0", "t"}, {"h", "e"}, {"\xC4\xA0t", "he"},
                                                            {"Ã", "©"}, {"e", "e"}, {"ee", "ee"}};
    gb::TokenId next = 256;
    for (const auto &[a, b] : merges) {
        spec.merges.emplace_back(a, b);
        spec.vocab.emplace_back(std::string(a) + b, next++);
    }
    spec.added = {{400, "<|endoftext|>", true, false, false, false, false},
                  {402, "  ", false, false, false, false, true}};
    // lstrip/rstrip swallow whitespace that decoding cannot give back, like NFC: only in the
    // variant that is not checked for an exact round trip.
    if (nfc)
        spec.added.push_back({401, "<m>", false, true, true, true, false});
    spec.nfc = nfc;
    spec.addPrefixSpace = nfc;
    return spec;
}

/// Spans stay inside the text with non-decreasing begins; without NFC they tile it exactly and
/// decoding gives the input back.
void checkEncoding(const gb::BpeTokenizer &tok, std::string_view text, bool exact)
{
    const auto tokens = tok.encode(text);
    std::size_t begin = 0, end = 0;
    for (const auto &t : tokens) {
        if (t.byteBegin < begin || t.byteEnd < t.byteBegin || t.byteEnd > text.size() || t.charEnd < t.charBegin)
            std::abort();
        if (exact && t.byteBegin != end)
            std::abort();
        begin = t.byteBegin;
        end = t.byteEnd;
    }
    if (exact && (end != text.size() || tok.decode(tok.encodeIds(text)) != text))
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size == 0)
        return 0;
    const std::string_view input(reinterpret_cast<const char *>(data) + 1, size - 1);
    try {
        switch (data[0] % 3) {
        case 0: {
            const gb::BpeTokenizer tok(gb::parseTokenizerJson(input, "tokenizer.json"));
            tok.encode("Hello world! <|endoftext|>  caf\xC3\xA9 \xF0\x9F\x98\x80 1234\n\n");
            break;
        }
        case 1: {
            const std::size_t nul = input.find('\0');
            const std::string_view vocab = input.substr(0, nul);
            const std::string_view merges = nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);
            const gb::BpeTokenizer tok(gb::parseVocabMerges(vocab, merges, "vocab.json", "merges.txt"));
            tok.encode("Hello world! caf\xC3\xA9");
            break;
        }
        default: {
            static const gb::BpeTokenizer plain(fixedSpec(false));
            static const gb::BpeTokenizer nfc(fixedSpec(true));
            checkEncoding(plain, input, true);
            checkEncoding(nfc, input, false);
            break;
        }
        }
    } catch (const gb::Error &) {
    }
    return 0;
}
