#include "formats/read_options.h"

#include <charconv>

#include "sluice/exception.h"

namespace sluice {

namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return std::string(s.substr(b, e - b));
}

}  // namespace

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    char x = Lower(a[i]), y = Lower(b[i]);
    if (x != y) return x < y;
  }
  return a.size() < b.size();
}

bool GetBool(const OptionMap& options, std::string_view name, bool default_value) {
  auto it = options.find(name);
  if (it == options.end()) return default_value;
  std::string v = Trim(it->second);
  if (EqualsIgnoreCase(v, "true")) return true;
  if (EqualsIgnoreCase(v, "false")) return false;
  throw AnalysisError("option '" + std::string(name) + "' must be true or false, got '" +
                      it->second + "'");
}

int64_t GetInt(const OptionMap& options, std::string_view name, int64_t default_value) {
  auto it = options.find(name);
  if (it == options.end()) return default_value;
  std::string v = Trim(it->second);
  int64_t out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size()) {
    throw AnalysisError("option '" + std::string(name) + "' must be an integer, got '" +
                        it->second + "'");
  }
  return out;
}

std::string GetString(const OptionMap& options, std::string_view name,
                      std::string_view default_value) {
  auto it = options.find(name);
  return it == options.end() ? std::string(default_value) : it->second;
}

std::optional<std::string> GetOptionalString(const OptionMap& options, std::string_view name) {
  auto it = options.find(name);
  if (it == options.end()) return std::nullopt;
  return it->second;
}

char GetChar(const OptionMap& options, std::string_view name, char default_value) {
  auto it = options.find(name);
  if (it == options.end()) return default_value;
  const std::string& v = it->second;
  if (v.empty()) return '\0';
  if (v.size() == 1) return v[0];
  if (v == "\\t") return '\t';
  if (v == "\\n") return '\n';
  if (v == "\\r") return '\r';
  if (v == "\\\\") return '\\';
  if (v == "\\0" || v == "\\u0000") return '\0';
  if (v.size() == 6 && v[0] == '\\' && v[1] == 'u') {
    unsigned code = 0;
    auto [p, ec] = std::from_chars(v.data() + 2, v.data() + 6, code, 16);
    if (ec == std::errc() && p == v.data() + 6 && code < 0x80) return static_cast<char>(code);
  }
  throw AnalysisError("option '" + std::string(name) + "' must be a single character, got '" + v +
                      "'");
}

ParseMode ParseModeFromString(std::string_view text) {
  if (EqualsIgnoreCase(text, "DROPMALFORMED")) return ParseMode::kDropMalformed;
  if (EqualsIgnoreCase(text, "FAILFAST")) return ParseMode::kFailFast;
  return ParseMode::kPermissive;
}

void CheckUtf8Encoding(const OptionMap& options) {
  for (const char* key : {"encoding", "charset"}) {
    auto it = options.find(std::string_view(key));
    if (it == options.end()) continue;
    std::string v = Trim(it->second);
    if (!EqualsIgnoreCase(v, "utf-8") && !EqualsIgnoreCase(v, "utf8")) {
      throw AnalysisError("option '" + std::string(key) + "': unsupported encoding '" +
                          it->second + "'; only UTF-8 is supported");
    }
  }
}

}  // namespace sluice
