// SPDX-License-Identifier: MIT
#include "demo/annotated_tokens.h"

#include "common/error.h"
#include "tokenize/bpe_tokenizer.h"

#include <ATen/ATen.h>

namespace gb::demo {

at::Tensor AnnotatedTokens::idsTensor() const
{
    return at::tensor(ids, at::kLong);
}

AnnotatedTokens tokenizeCorpus(const SyntheticCorpus &corpus, const BpeTokenizer &tokenizer, std::int64_t eosId,
                               std::size_t first, std::size_t last)
{
    require(first <= last && last <= corpus.documents.size(), "corpus tokens", "document range out of bounds");
    AnnotatedTokens out;
    for (std::size_t d = first; d < last; ++d) {
        const CorpusDocument &doc = corpus.documents[d];
        for (const Token &t : tokenizer.encode(doc.text)) {
            const int w = wordAt(doc, int(t.byteBegin));
            if (w < 0)
                throw Error::internal("corpus tokens: token past the last word of document " + std::to_string(d));
            const WordTag &word = doc.words[std::size_t(w)];
            TokenTag tag;
            tag.kind = int(word.kind);
            tag.topic = word.topic;
            tag.depth = word.depth;
            tag.innermost = word.innermost;
            tag.inQuote = word.inQuote;
            tag.spanRole = word.spanRole;
            tag.spanPos = word.spanPos;
            tag.wordStart = int(t.byteBegin) <= word.begin;
            out.ids.push_back(t.id);
            out.tags.push_back(tag);
        }
        out.ids.push_back(eosId);
        out.tags.push_back(TokenTag{});
        ++out.documents;
    }
    return out;
}

} // namespace gb::demo
