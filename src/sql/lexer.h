// Lexer: splits Spark SQL text into tokens for the parser (src/sql/parser.h).
//
// Rules follow Spark's SqlBaseLexer: keywords are case-insensitive words (the parser decides by
// context whether a word is a keyword or an identifier); `backquoted` identifiers with `` as an
// escaped backquote; '...' and "..." strings with backslash escapes, R'...' raw strings; numbers
// with the suffixes L S Y D F BD; -- line comments and nested /* */ comments. A /*+ ... */ comment
// that directly follows the word SELECT becomes a kHint token; elsewhere it is an ordinary comment.
//
// Positions: every token carries its byte offset in the *whole* source text and its 1-based line
// and column, so errors in the third statement of a script point into the script. Lexing errors
// (unterminated string, comment or quoted identifier, unknown character) throw ParseError.
// Thread-compatible; Tokenize() is a pure function.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

enum class TokenKind : uint8_t {
  kEnd,          // end of input (always the last token)
  kWord,         // identifier or keyword: `text` as written, `upper` upper-cased
  kQuotedIdent,  // `name`: `value` is the unescaped name
  kString,       // '...' / "..." / R'...': `value` is the decoded content
  kNumber,       // numeric literal as written in `text` (digits, '.', exponent, suffix)
  kOperator,     // punctuation and operators: `text` ("==" is normalized to "=", "!>" to "<=")
  kHint,         // /*+ ... */ right after SELECT: `value` is the text between /*+ and */
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;   // source text (operators normalized)
  std::string upper;  // kWord: upper-cased text
  std::string value;  // kQuotedIdent / kString / kHint: decoded content
  size_t offset = 0;  // byte offset of the first character in the whole source
  size_t end = 0;     // byte offset one past the last character
  int line = 1;       // 1-based
  int column = 1;     // 1-based, in bytes
};

/// Maps byte offsets of a source text to 1-based line/column.
class SourcePosition {
 public:
  explicit SourcePosition(std::string_view source);
  void Locate(size_t offset, int* line, int* column) const;

 private:
  std::vector<size_t> line_starts_;
};

/// Tokenizes source[begin, end). The returned vector always ends with a kEnd token located at
/// `end`. Throws ParseError (with line and column) for malformed input.
std::vector<Token> Tokenize(std::string_view source, size_t begin, size_t end);
inline std::vector<Token> Tokenize(std::string_view source) {
  return Tokenize(source, 0, source.size());
}

/// How a token is shown in error messages: 'FROM', 'abc' (strings quoted as written), or
/// "end of input".
std::string DescribeToken(const Token& token);

/// Throws ParseError "[PARSE_SYNTAX_ERROR] Syntax error at or near 'tok' (line L, column C)",
/// followed by ": detail" when detail is not empty.
[[noreturn]] void ThrowSyntaxError(const Token& token, std::string_view detail = {});
/// Throws ParseError "message (line L, column C)".
[[noreturn]] void ThrowParseErrorAt(const Token& token, const std::string& message);
[[noreturn]] void ThrowParseErrorAt(int line, int column, const std::string& message);

/// Decodes the body of a Spark string literal (without the quotes) with Spark's escape rules:
/// \n \t \r \b \0 \Z \' \" \\ \uXXXX \UXXXXXXXX \ooo (octal); \% and \_ keep their backslash; any
/// other escaped character stands for itself.
std::string UnescapeSqlString(std::string_view body);

}  // namespace sluice
