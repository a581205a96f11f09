// Compiled regular expressions for the regexp_* / rlike / split / like functions: translation of
// Java regex syntax (what Spark accepts) to RE2, and a small per-kernel cache for patterns that
// vary per row. A RegexCache is not thread-safe (one per kernel invocation); a compiled RE2 is
// immutable and may be shared across threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <re2/re2.h>

#include "sluice/exception.h"

namespace sluice::scalar {

/// Rewrites Java regex constructs RE2 spells differently: `(?<name>` -> `(?P<name>`, POSIX classes
/// `\p{Alpha}` etc. -> `[[:alpha:]]`, `\Z` -> `(?:\n?\z)`. Constructs RE2 lacks (lookaround,
/// backreferences, possessive quantifiers) are left as is and fail to compile.
inline std::string JavaRegexToRe2(std::string_view p) {
  static const std::pair<const char*, const char*> kPosix[] = {
      {"Lower", "a-z"},     {"Upper", "A-Z"},       {"ASCII", "\\x00-\\x7F"},
      {"Alpha", "a-zA-Z"},  {"Digit", "0-9"},       {"Alnum", "a-zA-Z0-9"},
      {"Punct", "!-/:-@\\[-`{-~"}, {"Graph", "!-~"}, {"Print", " -~"},
      {"Blank", " \\t"},    {"Cntrl", "\\x00-\\x1F\\x7F"}, {"XDigit", "0-9a-fA-F"},
      {"Space", " \\t\\n\\x0B\\f\\r"}, {"javaLowerCase", "\\p{Ll}"}, {"javaUpperCase", "\\p{Lu}"},
      {"IsAlphabetic", "\\p{L}"}, {"IsDigit", "\\p{Nd}"}, {"IsLetter", "\\p{L}"}};
  std::string out;
  out.reserve(p.size() + 8);
  int class_depth = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      char n = p[i + 1];
      if ((n == 'p' || n == 'P') && i + 2 < p.size() && p[i + 2] == '{') {
        size_t close = p.find('}', i + 3);
        if (close != std::string_view::npos) {
          std::string_view name = p.substr(i + 3, close - i - 3);
          if (name.substr(0, 2) == "Is" && name.size() > 2 && name != "IsAlphabetic" &&
              name != "IsDigit" && name != "IsLetter")
            name = name.substr(2);  // \p{IsLatin} -> \p{Latin}
          for (const auto& [java, ranges] : kPosix) {
            if (name == java) {
              bool neg = n == 'P';
              std::string set = std::string(ranges);
              if (class_depth > 0 && !neg) {
                out += set;
              } else {
                out += neg ? "[^" : "[";
                out += set;
                out += "]";
              }
              i = close;
              goto next;
            }
          }
          out += '\\';
          out += n;
          out += '{';
          out += name;
          out += '}';
          i = close;
          goto next;
        }
      }
      if (n == 'Z' && class_depth == 0) {
        out += "(?:\\n?\\z)";
        ++i;
        goto next;
      }
      out += c;
      out += n;
      ++i;
      goto next;
    }
    if (c == '[') {
      ++class_depth;
      out += c;
      if (i + 1 < p.size() && p[i + 1] == '^') out += p[++i];
      if (i + 1 < p.size() && p[i + 1] == ']') out += p[++i];  // literal ] first in a class
      goto next;
    }
    if (c == ']' && class_depth > 0) {
      --class_depth;
      out += c;
      goto next;
    }
    if (c == '(' && class_depth == 0 && p.substr(i, 3) == "(?<" && i + 3 < p.size() &&
        p[i + 3] != '=' && p[i + 3] != '!') {
      out += "(?P<";
      i += 2;
      goto next;
    }
    out += c;
  next:;
  }
  return out;
}

/// Compiles a Java-syntax pattern; throws ExecutionError with Spark's
/// "[INVALID_PARAMETER_VALUE.PATTERN]" text when it is invalid or unsupported.
inline std::shared_ptr<const RE2> CompileJavaRegex(std::string_view pattern,
                                                   std::string_view function,
                                                   bool dot_all = false) {
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_encoding(RE2::Options::EncodingUTF8);
  opts.set_dot_nl(dot_all);
  auto re = std::make_shared<RE2>(JavaRegexToRe2(pattern), opts);
  if (!re->ok()) {
    throw ExecutionError(fmt::format(
        "[INVALID_PARAMETER_VALUE.PATTERN] The value of parameter(s) `regexp` in `{}` is invalid: "
        "'{}' ({}).",
        function, pattern, re->error()));
  }
  return re;
}

/// Remembers the last few compiled patterns of one kernel invocation.
class RegexCache {
 public:
  explicit RegexCache(std::string function, bool dot_all = false)
      : function_(std::move(function)), dot_all_(dot_all) {}

  const RE2& Get(std::string_view pattern) {
    for (auto& [p, re] : entries_)
      if (p == pattern) return *re;
    if (entries_.size() >= kMaxEntries) entries_.erase(entries_.begin());
    entries_.emplace_back(std::string(pattern), CompileJavaRegex(pattern, function_, dot_all_));
    return *entries_.back().second;
  }

 private:
  static constexpr size_t kMaxEntries = 16;
  std::string function_;
  bool dot_all_;
  std::vector<std::pair<std::string, std::shared_ptr<const RE2>>> entries_;
};

}  // namespace sluice::scalar
