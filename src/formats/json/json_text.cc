#include "formats/json/json_text.h"

namespace sluice {

namespace {

// 0: no escape; 1: \uXXXX; other: the escape letter.
constexpr char EscapeFor(unsigned char c) {
  switch (c) {
    case '"': return '"';
    case '\\': return '\\';
    case '\n': return 'n';
    case '\r': return 'r';
    case '\t': return 't';
    case '\b': return 'b';
    case '\f': return 'f';
    default: return c < 0x20 ? 1 : 0;
  }
}

struct EscapeTable {
  char v[256];
  constexpr EscapeTable() : v() {
    for (int i = 0; i < 256; ++i) v[i] = EscapeFor(static_cast<unsigned char>(i));
  }
};
constexpr EscapeTable kEscapes;

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char e = kEscapes.v[static_cast<unsigned char>(s[i])];
    if (e == 0) continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    if (e == 1) {
      static const char kHex[] = "0123456789ABCDEF";
      unsigned char c = static_cast<unsigned char>(s[i]);
      char buf[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
      out->append(buf, 6);
    } else {
      out->push_back('\\');
      out->push_back(e);
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

bool MinifyJson(std::string_view json, std::string* out) {
  out->clear();
  out->reserve(json.size());
  bool in_string = false;
  int depth = 0;
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (in_string) {
      out->push_back(c);
      if (c == '\\' && i + 1 < json.size()) {
        out->push_back(json[++i]);
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonNestingDepth) return false;
      out->push_back(c);
    } else if (c == ']' || c == '}') {
      --depth;
      out->push_back(c);
    } else if (c == '"') {
      in_string = true;
      out->push_back(c);
    } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      out->push_back(c);
    }
  }
  return !in_string;
}

void StripJsonComments(std::string_view json, std::string* out) {
  std::string result;
  result.reserve(json.size());
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (in_string) {
      result.push_back(c);
      if (c == '\\' && i + 1 < json.size()) {
        result.push_back(json[++i]);
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      result.push_back(c);
    } else if (c == '/' && i + 1 < json.size() && json[i + 1] == '/') {
      while (i < json.size() && json[i] != '\n') ++i;
      if (i < json.size()) result.push_back('\n');
    } else if (c == '/' && i + 1 < json.size() && json[i + 1] == '*') {
      size_t end = json.find("*/", i + 2);
      if (end == std::string_view::npos) {
        result.append(json.substr(i));  // unterminated: leave it for the parser to reject
        break;
      }
      result.push_back(' ');
      i = end + 1;
    } else {
      result.push_back(c);
    }
  }
  *out = std::move(result);
}

}  // namespace sluice
