// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <type_traits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gb {

/// A JSON value. The parser is strict (RFC 8259, valid UTF-8, no duplicate object keys, bounded
/// nesting) because it reads untrusted headers such as safetensors'; every failure is a BadInput
/// error naming the source and the line/column.
class Json {
public:
    enum class Type { Null, Bool, Number, String, Array, Object };
    using Member = std::pair<std::string, Json>;
    using Array = std::vector<Json>;
    using Object = std::vector<Member>;

    Json() = default;
    Json(std::nullptr_t) {}
    Json(bool b);
    template<typename T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
    Json(T v)
        : m_type(Type::Number)
        , m_isInt(true)
        , m_int(static_cast<std::int64_t>(v))
        , m_double(static_cast<double>(v))
    {
    }
    Json(double v);
    Json(float v) : Json(static_cast<double>(v)) {}
    Json(const char *s) : Json(std::string(s)) {}
    Json(std::string s);
    Json(std::string_view s) : Json(std::string(s)) {}
    Json(Array a);
    Json(Object o);

    static Json array() { return Json(Array{}); }
    static Json object() { return Json(Object{}); }
    template<typename T>
    static Json arrayOf(const std::vector<T> &values)
    {
        Array a;
        a.reserve(values.size());
        for (const auto &v : values)
            a.emplace_back(v);
        return Json(std::move(a));
    }

    /// Parses `text`; `source` names the file in error messages.
    static Json parse(std::string_view text, const std::string &source = "JSON");
    /// Reads and parses a file; a missing or unreadable file is a BadInput error.
    static Json parseFile(const std::string &path);

    Type type() const { return m_type; }
    bool isNull() const { return m_type == Type::Null; }
    bool isBool() const { return m_type == Type::Bool; }
    bool isNumber() const { return m_type == Type::Number; }
    bool isInteger() const { return m_type == Type::Number && m_isInt; }
    bool isString() const { return m_type == Type::String; }
    bool isArray() const { return m_type == Type::Array; }
    bool isObject() const { return m_type == Type::Object; }

    // Typed access; a wrong type is a BadInput error mentioning `what`.
    bool toBool(const std::string &what = "value") const;
    double toDouble(const std::string &what = "value") const;
    std::int64_t toInt(const std::string &what = "value") const;
    const std::string &toString(const std::string &what = "value") const;
    const Array &toArray(const std::string &what = "value") const;
    const Object &toObject(const std::string &what = "value") const;

    /// Member lookup on an object (nullptr when absent or when this is not an object).
    const Json *find(std::string_view key) const;
    bool contains(std::string_view key) const { return find(key) != nullptr; }
    std::size_t size() const;

    /// Builders.
    Json &set(std::string key, Json value);
    Json &push(Json value);

    /// Serialises; indent < 0 gives one line. Non-finite numbers are written as null.
    std::string dump(int indent = -1) const;

private:
    void dumpTo(std::string &out, int indent, int level) const;

    Type m_type = Type::Null;
    bool m_bool = false;
    bool m_isInt = false;
    std::int64_t m_int = 0;
    double m_double = 0.0;
    std::string m_string;
    Array m_array;
    Object m_object;

    friend class JsonParser;
};

/// Appends `s` to `out` as a quoted JSON string.
void appendJsonString(std::string &out, std::string_view s);
/// Shortest round-trip text for a double (non-finite -> "null").
std::string formatNumber(double v);

} // namespace gb
