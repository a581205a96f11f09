// ASCII case folding for names that Spark compares case-insensitively: option keys, formats,
// function and column names, SQL keywords. Only A-Z change; other bytes (UTF-8 included) are kept.
#pragma once

#include <string>
#include <string_view>

namespace sluice {

inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace sluice
