// SPDX-License-Identifier: MIT
// Header parsing and validation for safetensors (spec-facts section 4). Everything here works on
// untrusted bytes, so every arithmetic step on file-provided numbers is overflow-checked.
#include "io/safetensors.h"

#include "common/error.h"
#include "io/json.h"

#include <algorithm>
#include <array>

namespace gb {

namespace {

constexpr std::array<DType, 10> kDTypes { DType::F64, DType::F32, DType::F16, DType::BF16, DType::I64, DType::I32,
    DType::I16, DType::I8, DType::U8, DType::BOOL };

// Valid safetensors dtypes that libtorch 1.13 has no type for: named apart from typos so the
// user learns the file is fine but unsupported.
constexpr std::array<const char *, 13> kUnsupported { { "U16", "U32", "U64", "C64", "F8_E5M2", "F8_E4M3", "F8_E8M0",
    "F8_E4M3FNUZ", "F8_E5M2FNUZ", "F4", "F6_E2M3", "F6_E3M2", "F8_E4M3FN" } };

DType parseDType(const std::string &s, const std::string &where)
{
    for (DType d : kDTypes)
        if (s == toString(d))
            return d;
    for (const char *u : kUnsupported)
        if (s == u)
            throw Error::badInput(where + ": dtype " + s
                + " is not supported (Glassbox reads F64, F32, F16, BF16, "
                  "I64, I32, I16, I8, U8, BOOL)");
    throw Error::badInput(where + ": unknown dtype \"" + s + "\"");
}

std::uint64_t nonNegative(const Json &v, const std::string &where, const char *what)
{
    if (!v.isInteger() || v.toInt() < 0)
        throw Error::badInput(where + ": " + what + " must hold non-negative integers, got " + v.dump());
    return static_cast<std::uint64_t>(v.toInt());
}

const Json &member(const Json &obj, const char *key, const std::string &where)
{
    const Json *v = obj.find(key);
    if (!v)
        throw Error::badInput(where + ": missing \"" + key + "\"");
    return *v;
}

TensorEntry parseEntry(const std::string &name, const Json &info, const std::string &source)
{
    const std::string where = source + ": tensor '" + name + "'";
    if (!info.isObject())
        throw Error::badInput(where + ": entry must be an object, got " + info.dump());
    TensorEntry e;
    e.name = name;
    const Json &dtype = member(info, "dtype", where);
    if (!dtype.isString())
        throw Error::badInput(where + ": dtype must be a string");
    e.dtype = parseDType(dtype.toString(), where);

    const Json &shape = member(info, "shape", where);
    if (!shape.isArray())
        throw Error::badInput(where + ": shape must be an array, got " + shape.dump());
    std::uint64_t numel = 1;
    for (const Json &d : shape.toArray()) {
        const std::uint64_t n = nonNegative(d, where, "shape");
        if (__builtin_mul_overflow(numel, n, &numel))
            throw Error::badInput(where + ": shape " + shape.dump() + " overflows the element count");
        e.shape.push_back(static_cast<std::int64_t>(n));
    }

    const Json &offsets = member(info, "data_offsets", where);
    if (!offsets.isArray() || offsets.size() != 2)
        throw Error::badInput(where + ": data_offsets must be [begin, end], got " + offsets.dump());
    e.begin = nonNegative(offsets.toArray()[0], where, "data_offsets");
    e.end = nonNegative(offsets.toArray()[1], where, "data_offsets");
    if (e.end < e.begin)
        throw Error::badInput(
            where + ": data_offsets end " + std::to_string(e.end) + " is before begin " + std::to_string(e.begin));

    std::uint64_t bytes = 0;
    if (__builtin_mul_overflow(numel, std::uint64_t(byteSize(e.dtype)), &bytes))
        throw Error::badInput(where + ": shape " + shape.dump() + " overflows the byte count");
    if (e.end - e.begin != bytes)
        throw Error::badInput(where + ": byte range [" + std::to_string(e.begin) + ", " + std::to_string(e.end)
            + ") holds " + std::to_string(e.end - e.begin) + " bytes but shape " + shape.dump() + " x "
            + toString(e.dtype) + " needs " + std::to_string(bytes));
    return e;
}

void parseMetadata(const Json &meta, const std::string &source, std::map<std::string, std::string> *out)
{
    if (!meta.isObject())
        throw Error::badInput(source + ": __metadata__ must be an object of strings, got " + meta.dump());
    for (const auto &[key, value] : meta.toObject()) {
        if (!value.isString())
            throw Error::badInput(
                source + ": __metadata__ value for \"" + key + "\" must be a string, got " + value.dump());
        if (out)
            (*out)[key] = value.toString();
    }
}

// The reference reader demands that tensors tile the data section: sorted by offset, each starts
// where the previous one ended, starting at 0.
void checkTiling(std::vector<TensorEntry> &entries, const std::string &source)
{
    std::stable_sort(entries.begin(), entries.end(), [](const TensorEntry &a, const TensorEntry &b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    std::uint64_t expected = 0;
    const TensorEntry *previous = nullptr;
    for (const TensorEntry &e : entries) {
        if (e.begin > expected)
            throw Error::badInput(source + ": gap of " + std::to_string(e.begin - expected)
                + " bytes in the data section before tensor '" + e.name + "'");
        if (e.begin < expected)
            throw Error::badInput(
                source + ": tensor '" + e.name + "' overlaps tensor '" + previous->name + "' in the data section");
        expected = e.end;
        previous = &e;
    }
}

} // namespace

std::vector<TensorEntry> SafetensorsFile::parseHeader(
    const char *data, std::size_t size, const std::string &source, std::map<std::string, std::string> *metadata)
{
    const Json header = Json::parse(std::string_view(data, size), source + " (safetensors header)");
    if (!header.isObject())
        throw Error::badInput(source + ": safetensors header must be a JSON object");
    std::vector<TensorEntry> entries;
    entries.reserve(header.size());
    for (const auto &[name, info] : header.toObject()) {
        if (name == "__metadata__")
            parseMetadata(info, source, metadata);
        else
            entries.push_back(parseEntry(name, info, source));
    }
    checkTiling(entries, source);
    return entries;
}

} // namespace gb
