// SPDX-License-Identifier: MIT
#include "tokenize/tokenizer_loader.h"

#include "common/error.h"
#include "io/json.h"

#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace gb {

namespace fs = std::filesystem;

namespace {

bool isFile(const fs::path &p)
{
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

std::string readText(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error::badInput(path + ": cannot read");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool flag(const Json &obj, const char *key, bool fallback, const std::string &where)
{
    const Json *v = obj.find(key);
    return v && !v->isNull() ? v->toBool(where + ": " + key) : fallback;
}

std::string typeOf(const Json &obj)
{
    const Json *t = obj.find("type");
    return t && t->isString() ? t->toString() : std::string();
}

std::vector<std::pair<std::string, TokenId>> parseVocab(const Json &vocab, const std::string &where)
{
    std::vector<std::pair<std::string, TokenId>> out;
    out.reserve(vocab.size());
    for (const auto &[token, id] : vocab.toObject(where)) {
        if (!id.isInteger() || id.toInt() < 0 || id.toInt() > std::numeric_limits<TokenId>::max())
            throw Error::badInput(where + ": id of \"" + token + "\" must be a non-negative integer, got " + id.dump());
        out.emplace_back(token, TokenId(id.toInt()));
    }
    return out;
}

std::pair<std::string, std::string> splitMerge(std::string_view line, const std::string &where)
{
    const std::size_t space = line.find(' ');
    if (space == std::string_view::npos || space == 0 || space + 1 == line.size()
        || line.find(' ', space + 1) != std::string_view::npos)
        throw Error::badInput(where + ": expected two symbols separated by one space, got \"" + std::string(line)
                              + "\"");
    return {std::string(line.substr(0, space)), std::string(line.substr(space + 1))};
}

void parseNormalizer(const Json *n, BpeSpec &spec)
{
    if (!n || n->isNull())
        return;
    const std::string type = typeOf(*n);
    if (type == "NFC") {
        spec.nfc = true;
        return;
    }
    if (type == "Sequence") {
        if (const Json *list = n->find("normalizers"); list && list->isArray()) {
            for (const Json &item : list->toArray())
                parseNormalizer(&item, spec);
            return;
        }
    }
    throw Error::badInput(spec.source + ": normalizer \"" + type + "\" is not supported (Glassbox reads none or NFC)");
}

void parsePreTokenizer(const Json *p, BpeSpec &spec)
{
    const std::string type = p && p->isObject() ? typeOf(*p) : std::string("null");
    if (type == "Sequence") {
        const Json *list = p->find("pretokenizers");
        if (list && list->isArray() && list->size() == 1)
            return parsePreTokenizer(&list->toArray()[0], spec);
    }
    if (type != "ByteLevel")
        throw Error::badInput(spec.source + ": pre-tokenizer \"" + type
                              + "\" is not supported (Glassbox implements byte-level BPE: ByteLevel)");
    if (!flag(*p, "use_regex", true, spec.source))
        throw Error::badInput(spec.source + ": ByteLevel pre-tokenizer without use_regex is not supported");
    spec.addPrefixSpace = flag(*p, "add_prefix_space", false, spec.source);
}

void parseModel(const Json *model, BpeSpec &spec)
{
    if (!model || !model->isObject())
        throw Error::badInput(spec.source + ": missing \"model\" object");
    const std::string type = typeOf(*model);
    if (!type.empty() && type != "BPE")
        throw Error::badInput(spec.source + ": model type \"" + type
                              + "\" is not supported (Glassbox reads byte-level BPE)");
    for (const char *affix : {"continuing_subword_prefix", "end_of_word_suffix"})
        if (const Json *v = model->find(affix); v && !v->isNull() && !v->toString(affix).empty())
            throw Error::badInput(spec.source + ": BPE " + affix + " is not supported");
    if (flag(*model, "byte_fallback", false, spec.source))
        throw Error::badInput(spec.source + ": BPE byte_fallback is not supported");
    if (const Json *d = model->find("dropout"); d && !d->isNull() && d->toDouble("dropout") > 0)
        throw Error::badInput(spec.source + ": BPE dropout is not supported (tokenization must be deterministic)");
    spec.ignoreMerges = flag(*model, "ignore_merges", false, spec.source);

    const Json *vocab = model->find("vocab");
    if (!vocab)
        throw Error::badInput(spec.source + ": model has no \"vocab\"");
    spec.vocab = parseVocab(*vocab, spec.source + ": model.vocab");
    const Json *merges = model->find("merges");
    if (!merges)
        throw Error::badInput(spec.source + ": model has no \"merges\"");
    const auto &list = merges->toArray(spec.source + ": model.merges");
    spec.merges.reserve(list.size());
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string where = spec.source + ": merge " + std::to_string(i + 1);
        const Json &m = list[i];
        if (m.isString()) {
            spec.merges.push_back(splitMerge(m.toString(), where));
        } else if (m.isArray() && m.size() == 2 && m.toArray()[0].isString() && m.toArray()[1].isString()) {
            spec.merges.emplace_back(m.toArray()[0].toString(), m.toArray()[1].toString());
        } else {
            throw Error::badInput(where + ": expected \"a b\" or [\"a\", \"b\"], got " + m.dump());
        }
    }
}

void parseAddedTokens(const Json *added, BpeSpec &spec)
{
    if (!added || added->isNull())
        return;
    for (const Json &t : added->toArray(spec.source + ": added_tokens")) {
        const std::string where = spec.source + ": added token";
        if (!t.isObject())
            throw Error::badInput(where + " must be an object, got " + t.dump());
        const Json *id = t.find("id");
        const Json *content = t.find("content");
        if (!id || !content)
            throw Error::badInput(where + " needs \"id\" and \"content\"");
        AddedToken a;
        a.content = content->toString(where + " content");
        if (!id->isInteger() || id->toInt() < 0 || id->toInt() > std::numeric_limits<TokenId>::max())
            throw Error::badInput(where + " \"" + a.content + "\": id must be a non-negative integer");
        a.id = TokenId(id->toInt());
        const std::string w = where + " \"" + a.content + "\"";
        a.special = flag(t, "special", false, w);
        a.singleWord = flag(t, "single_word", false, w);
        a.lstrip = flag(t, "lstrip", false, w);
        a.rstrip = flag(t, "rstrip", false, w);
        a.normalized = flag(t, "normalized", !a.special, w); // HF's default
        spec.added.push_back(std::move(a));
    }
}

} // namespace

std::string TokenizerFiles::describe() const
{
    switch (format) {
    case Format::TokenizerJson:
        return "tokenizer.json";
    case Format::VocabMerges:
        return "vocab.json + merges.txt";
    case Format::None:
        break;
    }
    return "none";
}

TokenizerFiles findTokenizerFiles(const std::string &dir)
{
    TokenizerFiles f;
    const fs::path d(dir);
    if (isFile(d / "tokenizer.json")) {
        f.format = TokenizerFiles::Format::TokenizerJson;
        f.tokenizerJson = (d / "tokenizer.json").string();
    } else if (isFile(d / "vocab.json") && isFile(d / "merges.txt")) {
        f.format = TokenizerFiles::Format::VocabMerges;
        f.vocabJson = (d / "vocab.json").string();
        f.mergesTxt = (d / "merges.txt").string();
    }
    return f;
}

BpeSpec parseTokenizerJson(std::string_view json, const std::string &source)
{
    const Json root = Json::parse(json, source);
    if (!root.isObject())
        throw Error::badInput(source + ": tokenizer.json must be a JSON object");
    BpeSpec spec;
    spec.source = source;
    parseModel(root.find("model"), spec);
    parseNormalizer(root.find("normalizer"), spec);
    parsePreTokenizer(root.find("pre_tokenizer"), spec);
    parseAddedTokens(root.find("added_tokens"), spec);
    return spec;
}

BpeSpec parseVocabMerges(std::string_view vocabJson, std::string_view mergesTxt, const std::string &vocabSource,
                         const std::string &mergesSource)
{
    BpeSpec spec;
    spec.source = vocabSource + " + " + mergesSource;
    spec.vocab = parseVocab(Json::parse(vocabJson, vocabSource), vocabSource);
    std::size_t lineNo = 0;
    for (std::size_t pos = 0; pos < mergesTxt.size();) {
        std::size_t end = mergesTxt.find('\n', pos);
        if (end == std::string_view::npos)
            end = mergesTxt.size();
        std::string_view line = mergesTxt.substr(pos, end - pos);
        pos = end + 1;
        ++lineNo;
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.empty() || (lineNo == 1 && line.rfind("#version", 0) == 0))
            continue;
        spec.merges.push_back(splitMerge(line, mergesSource + " line " + std::to_string(lineNo)));
    }
    for (const auto &[token, id] : spec.vocab)
        if (token == "<|endoftext|>")
            spec.added.push_back({id, token, true, false, false, false, false});
    return spec;
}

std::shared_ptr<const BpeTokenizer> loadTokenizer(const std::string &dir)
{
    const TokenizerFiles f = findTokenizerFiles(dir);
    switch (f.format) {
    case TokenizerFiles::Format::TokenizerJson:
        return std::make_shared<const BpeTokenizer>(parseTokenizerJson(readText(f.tokenizerJson), f.tokenizerJson));
    case TokenizerFiles::Format::VocabMerges:
        return std::make_shared<const BpeTokenizer>(
            parseVocabMerges(readText(f.vocabJson), readText(f.mergesTxt), f.vocabJson, f.mergesTxt));
    case TokenizerFiles::Format::None:
        break;
    }
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw Error::badInput("missing tokenizer: " + dir + " is not a folder");
    throw Error::badInput("missing tokenizer: " + dir + " has neither tokenizer.json nor vocab.json + merges.txt");
}

std::optional<TokenId> bosTokenId(const std::string &dir, const BpeTokenizer &tokenizer)
{
    const fs::path d(dir);
    if (isFile(d / "config.json")) {
        const Json config = Json::parseFile((d / "config.json").string());
        if (const Json *id = config.find("bos_token_id"); id && id->isInteger()) {
            if (!tokenizer.hasId(TokenId(id->toInt())))
                throw Error::badInput((d / "config.json").string() + ": bos_token_id " + id->dump()
                                      + " is not in the tokenizer's vocabulary");
            return TokenId(id->toInt());
        }
    }
    if (isFile(d / "tokenizer_config.json")) {
        const Json config = Json::parseFile((d / "tokenizer_config.json").string());
        if (const Json *bos = config.find("bos_token")) {
            const Json *content = bos->isObject() ? bos->find("content") : bos;
            if (content && content->isString())
                if (const auto id = tokenizer.tokenId(content->toString()))
                    return id;
        }
    }
    return tokenizer.tokenId("<|endoftext|>");
}

} // namespace gb
