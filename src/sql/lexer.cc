#include "sql/lexer.h"

#include <algorithm>
#include <cctype>

#include "sluice/exception.h"

namespace sluice {

namespace {

bool IsIdentChar(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || u >= 0x80;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

void AppendUtf8(std::string* out, uint32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Tokenizer state over source[begin, end).
class Scanner {
 public:
  Scanner(std::string_view source, size_t begin, size_t end)
      : src_(source), pos_(begin), end_(end), positions_(source) {}

  std::vector<Token> Run() {
    std::vector<Token> tokens;
    while (true) {
      SkipSpaceAndComments(tokens);
      if (pos_ >= end_) break;
      tokens.push_back(NextToken());
    }
    Token eof;
    eof.kind = TokenKind::kEnd;
    eof.offset = eof.end = end_;
    positions_.Locate(end_, &eof.line, &eof.column);
    tokens.push_back(std::move(eof));
    return tokens;
  }

 private:
  char At(size_t i) const { return i < end_ ? src_[i] : '\0'; }

  Token Start(TokenKind kind, size_t offset) const {
    Token t;
    t.kind = kind;
    t.offset = offset;
    positions_.Locate(offset, &t.line, &t.column);
    return t;
  }

  void Finish(Token* t, size_t end) const {
    t->end = end;
    if (t->text.empty()) t->text = std::string(src_.substr(t->offset, end - t->offset));
  }

  [[noreturn]] void Fail(size_t offset, const std::string& message) const {
    int line, column;
    positions_.Locate(offset, &line, &column);
    ThrowParseErrorAt(line, column, message);
  }

  static bool PreviousIsSelect(const std::vector<Token>& tokens) {
    return !tokens.empty() && tokens.back().kind == TokenKind::kWord &&
           tokens.back().upper == "SELECT";
  }

  void SkipSpaceAndComments(std::vector<Token>& tokens) {
    while (pos_ < end_) {
      char c = src_[pos_];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++pos_;
      } else if (c == '-' && At(pos_ + 1) == '-') {
        while (pos_ < end_ && src_[pos_] != '\n') ++pos_;
      } else if (c == '/' && At(pos_ + 1) == '*') {
        size_t start = pos_;
        bool hint = At(pos_ + 2) == '+' && PreviousIsSelect(tokens);
        int depth = 0;
        size_t i = pos_;
        while (true) {
          if (i >= end_) {
            Fail(start,
                 "[UNCLOSED_BRACKETED_COMMENT] Found an unclosed bracketed comment. Please, append "
                 "*/ at the end of the comment");
          }
          if (src_[i] == '/' && At(i + 1) == '*') {
            ++depth;
            i += 2;
          } else if (src_[i] == '*' && At(i + 1) == '/') {
            --depth;
            i += 2;
            if (depth == 0) break;
          } else {
            ++i;
          }
        }
        if (hint) {
          Token t = Start(TokenKind::kHint, start);
          t.value = std::string(src_.substr(start + 3, i - 2 - (start + 3)));
          pos_ = i;
          Finish(&t, i);
          tokens.push_back(std::move(t));
        } else {
          pos_ = i;
        }
      } else {
        return;
      }
    }
  }

  Token NextToken() {
    char c = src_[pos_];
    if ((c == 'r' || c == 'R') && (At(pos_ + 1) == '\'' || At(pos_ + 1) == '"')) {
      return RawString();
    }
    if (c == '\'' || c == '"') return QuotedString();
    if (c == '`') return QuotedIdent();
    if (IsDigit(c) || (c == '.' && IsDigit(At(pos_ + 1)))) return Number();
    if (IsIdentChar(c)) return Word(pos_);
    return Operator();
  }

  Token Word(size_t start) {
    size_t i = start;
    while (i < end_ && IsIdentChar(src_[i])) ++i;
    Token t = Start(TokenKind::kWord, start);
    pos_ = i;
    Finish(&t, i);
    t.upper = Upper(t.text);
    return t;
  }

  Token RawString() {
    size_t start = pos_;
    char quote = src_[pos_ + 1];
    size_t i = pos_ + 2;
    while (i < end_ && src_[i] != quote) ++i;
    if (i >= end_) Fail(start, UnterminatedString(start));
    Token t = Start(TokenKind::kString, start);
    t.value = std::string(src_.substr(start + 2, i - start - 2));
    pos_ = i + 1;
    Finish(&t, pos_);
    return t;
  }

  std::string UnterminatedString(size_t start) const {
    size_t len = std::min<size_t>(end_ - start, 20);
    return "[PARSE_SYNTAX_ERROR] Syntax error at or near '" + std::string(src_.substr(start, len)) +
           "': unterminated string literal";
  }

  Token QuotedString() {
    size_t start = pos_;
    char quote = src_[pos_];
    size_t i = pos_ + 1;
    while (i < end_ && src_[i] != quote) {
      if (src_[i] == '\\') ++i;
      ++i;
    }
    if (i >= end_) Fail(start, UnterminatedString(start));
    Token t = Start(TokenKind::kString, start);
    t.value = UnescapeSqlString(src_.substr(start + 1, i - start - 1));
    pos_ = i + 1;
    Finish(&t, pos_);
    return t;
  }

  Token QuotedIdent() {
    size_t start = pos_;
    std::string name;
    size_t i = pos_ + 1;
    while (true) {
      if (i >= end_) {
        Fail(start, "[PARSE_SYNTAX_ERROR] Syntax error at or near '" +
                        std::string(src_.substr(start, std::min<size_t>(end_ - start, 20))) +
                        "': unterminated quoted identifier");
      }
      if (src_[i] == '`') {
        if (At(i + 1) == '`') {
          name.push_back('`');
          i += 2;
          continue;
        }
        break;
      }
      name.push_back(src_[i]);
      ++i;
    }
    Token t = Start(TokenKind::kQuotedIdent, start);
    t.value = std::move(name);
    pos_ = i + 1;
    Finish(&t, pos_);
    return t;
  }

  Token Number() {
    size_t start = pos_;
    size_t i = pos_;
    while (IsDigit(At(i))) ++i;
    bool has_dot = false;
    if (At(i) == '.') {
      has_dot = true;
      ++i;
      while (IsDigit(At(i))) ++i;
    }
    // Exponent: E[+-]?digits.
    if (At(i) == 'e' || At(i) == 'E') {
      size_t j = i + 1;
      if (At(j) == '+' || At(j) == '-') ++j;
      if (IsDigit(At(j))) {
        while (IsDigit(At(j))) ++j;
        i = j;
      }
    }
    // Suffix.
    char s = static_cast<char>(std::toupper(static_cast<unsigned char>(At(i))));
    if (s == 'B' && std::toupper(static_cast<unsigned char>(At(i + 1))) == 'D') {
      i += 2;
    } else if (s == 'L' || s == 'S' || s == 'Y' || s == 'D' || s == 'F') {
      ++i;
    }
    if (IsIdentChar(At(i))) {
      // Spark's IDENTIFIER rule accepts words starting with digits (e.g. `1abc`, `2024_data`).
      if (!has_dot) return Word(start);
      Fail(start, "[PARSE_SYNTAX_ERROR] Syntax error at or near '" +
                      std::string(src_.substr(start, i + 1 - start)) + "': invalid number");
    }
    Token t = Start(TokenKind::kNumber, start);
    pos_ = i;
    Finish(&t, i);
    return t;
  }

  Token Operator() {
    static const char* const kOps[] = {"<=>", "::", "||", "<=", ">=", "<>", "!=", "==", "!>",
                                       "!<",  "=>", "->", "=",  "<",  ">",  "+",  "-",  "*",
                                       "/",   "%",  "~",  "&",  "|",  "^",  ":",  "(",  ")",
                                       "[",   "]",  ",",  ".",  ";",  "!",  "?",  "{",  "}"};
    size_t start = pos_;
    for (const char* op : kOps) {
      std::string_view o(op);
      if (src_.substr(pos_, o.size()) == o && pos_ + o.size() <= end_) {
        Token t = Start(TokenKind::kOperator, start);
        pos_ += o.size();
        if (o == "==") {
          t.text = "=";
        } else if (o == "!>") {
          t.text = "<=";
        } else if (o == "!<") {
          t.text = ">=";
        } else {
          t.text = std::string(o);
        }
        t.end = pos_;
        return t;
      }
    }
    Fail(start, "[PARSE_SYNTAX_ERROR] Syntax error at or near '" + std::string(1, src_[pos_]) +
                    "': unexpected character");
  }

  std::string_view src_;
  size_t pos_;
  size_t end_;
  SourcePosition positions_;
};

}  // namespace

SourcePosition::SourcePosition(std::string_view source) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < source.size(); ++i) {
    if (source[i] == '\n') line_starts_.push_back(i + 1);
  }
}

void SourcePosition::Locate(size_t offset, int* line, int* column) const {
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  size_t index = static_cast<size_t>(it - line_starts_.begin()) - 1;
  *line = static_cast<int>(index) + 1;
  *column = static_cast<int>(offset - line_starts_[index]) + 1;
}

std::vector<Token> Tokenize(std::string_view source, size_t begin, size_t end) {
  return Scanner(source, begin, std::min(end, source.size())).Run();
}

std::string DescribeToken(const Token& token) {
  if (token.kind == TokenKind::kEnd) return "end of input";
  return "'" + token.text + "'";
}

void ThrowParseErrorAt(int line, int column, const std::string& message) {
  throw ParseError(message + " (line " + std::to_string(line) + ", column " +
                   std::to_string(column) + ")");
}

void ThrowParseErrorAt(const Token& token, const std::string& message) {
  ThrowParseErrorAt(token.line, token.column, message);
}

void ThrowSyntaxError(const Token& token, std::string_view detail) {
  std::string message = "[PARSE_SYNTAX_ERROR] Syntax error at or near " + DescribeToken(token);
  std::string where =
      " (line " + std::to_string(token.line) + ", column " + std::to_string(token.column) + ")";
  if (detail.empty()) throw ParseError(message + where);
  throw ParseError(message + where + ": " + std::string(detail));
}

std::string UnescapeSqlString(std::string_view body) {
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\' || i + 1 >= body.size()) {
      out.push_back(c);
      continue;
    }
    char n = body[++i];
    switch (n) {
      case 'n':
        out.push_back('\n');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'Z':
        out.push_back('\x1A');
        break;
      case '%':
        out += "\\%";
        break;
      case '_':
        out += "\\_";
        break;
      case 'u':
      case 'U': {
        size_t digits = n == 'u' ? 4 : 8;
        uint32_t cp = 0;
        bool ok = i + digits < body.size();
        for (size_t k = 1; ok && k <= digits; ++k) {
          int h = HexValue(body[i + k]);
          if (h < 0) {
            ok = false;
          } else {
            cp = cp * 16 + static_cast<uint32_t>(h);
          }
        }
        if (ok && cp <= 0x10FFFF) {
          AppendUtf8(&out, cp);
          i += digits;
        } else {
          out.push_back(n);
        }
        break;
      }
      default:
        if (n >= '0' && n <= '3' && i + 2 < body.size() && body[i + 1] >= '0' &&
            body[i + 1] <= '7' && body[i + 2] >= '0' && body[i + 2] <= '7') {
          int v = (n - '0') * 64 + (body[i + 1] - '0') * 8 + (body[i + 2] - '0');
          AppendUtf8(&out, static_cast<uint32_t>(v));
          i += 2;
        } else if (n == '0') {
          out.push_back('\0');
        } else {
          out.push_back(n);
        }
        break;
    }
  }
  return out;
}

}  // namespace sluice
