// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace gb::demo {

/// Knobs of the synthetic corpus. Every phenomenon a demo dictionary should find is planted here
/// with a known rate, so a feature can be checked against the ground truth.
struct CorpusConfig {
    std::uint64_t seed = 1;
    int documents = 2000;
    int topics = 4;
    int commonWords = 48;  ///< function words shared by every topic
    int topicWords = 64;   ///< words of each topic's own vocabulary
    int rareWords = 3000;  ///< pool the copied spans draw from (uniformly: unpredictable once)
    double zipfExponent = 1.1;
    double topicShare = 0.45;     ///< chance a free word comes from the topic's vocabulary
    double bigramStrength = 0.5;  ///< chance a word is followed by one of its preferred successors
    int minSegments = 2, maxSegments = 3;           ///< topic segments per document
    int minSegmentWords = 30, maxSegmentWords = 70;
    int minSentenceWords = 6, maxSentenceWords = 16;
    double spanRate = 0.03;       ///< chance per word to start a span that repeats later
    int minSpanWords = 3, maxSpanWords = 6;
    int minRepeatGap = 6, maxRepeatGap = 30;        ///< words between a span and its repeat
    double openBracketRate = 0.05;
    double closeBracketRate = 0.25;
    int maxBracketDepth = 3;
    double quoteRate = 0.03;
    double closeQuoteRate = 0.2;
};

enum class WordKind : std::uint8_t { Common, Topic, Rare, Open, Close, Quote, Period };

/// Ground truth for one word of a document. States (depth, quote) are those after reading the
/// word, i.e. what a model must remember when predicting what follows it.
struct WordTag {
    int begin = 0; ///< byte offset of the word in the document text (the leading space excluded)
    int end = 0;
    WordKind kind = WordKind::Common;
    int vocabIndex = -1;  ///< index in its vocabulary (common, topic or rare), -1 for punctuation
    int topic = 0;        ///< topic of the segment the word belongs to
    int depth = 0;        ///< open brackets after this word
    char innermost = 0;   ///< '(' or '[' of the innermost open bracket after this word, else 0
    bool inQuote = false; ///< inside a quotation after this word
    bool bigram = false;  ///< drawn as a preferred successor of the previous word
    int spanRole = 0;     ///< 0 none, 1 first occurrence of a copied span, 2 its repeat
    int spanPos = -1;     ///< word index within the span
    int spanId = -1;      ///< document-local id shared by a span and its repeat
};

struct CorpusDocument {
    std::string text; ///< words separated by single spaces, no newline
    std::vector<WordTag> words;
};

struct SyntheticCorpus {
    CorpusConfig config;
    std::vector<std::string> commonVocab;
    std::vector<std::vector<std::string>> topicVocab;
    std::vector<std::string> rareVocab;
    std::vector<CorpusDocument> documents;

    std::vector<std::string> texts() const;
    std::int64_t totalWords() const;
};

/// Generates the corpus; the same config (seed included) gives the same bytes everywhere.
SyntheticCorpus generateCorpus(const CorpusConfig &config);

/// Index of the word containing byte `offset` of the document (spaces belong to the following
/// word), or -1 past the end. Words are sorted, so this is a binary search.
int wordAt(const CorpusDocument &doc, int offset);

} // namespace gb::demo
