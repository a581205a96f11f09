// Small JSON text utilities shared by the JSON reader and writer: Jackson-compatible string
// escaping, whitespace removal (minify) and comment stripping. Thread-safe, no state.
#pragma once

#include <string>
#include <string_view>

namespace sluice {

/// Appends `s` as a quoted JSON string, escaping as Jackson does: \" \\ \n \r \t \b \f, other
/// control characters as \u00XX; '/' and non-ASCII bytes are written as is.
void AppendJsonString(std::string_view s, std::string* out);

/// Nesting depth beyond which a record is malformed (Jackson's default limit).
constexpr int kMaxJsonNestingDepth = 1000;

/// Replaces `out` with `json` minus whitespace outside strings. Returns false if a string is
/// unterminated or nesting exceeds kMaxJsonNestingDepth.
bool MinifyJson(std::string_view json, std::string* out);

/// Replaces `out` with `json` minus /* ... */ and // ... comments outside strings (allowComments).
void StripJsonComments(std::string_view json, std::string* out);

}  // namespace sluice
