// Entry points of the SQL parser, statement splitting and dispatch, and SqlParser's token helpers.
#include "sql/parser.h"

#include <cctype>
#include <string>

#include "sluice/exception.h"
#include "sql/parser_impl.h"

namespace sluice {

// ---------------------------------------------------------------------------------------------
// SqlParser: token helpers

SqlParser::SqlParser(std::string_view source, std::vector<Token> tokens)
    : source_(source), tokens_(std::move(tokens)) {}

const Token& SqlParser::Peek(size_t ahead) const {
  size_t i = pos_ + ahead;
  return i < tokens_.size() ? tokens_[i] : tokens_.back();
}

const Token& SqlParser::Next() {
  const Token& t = Peek();
  if (pos_ < tokens_.size() - 1) ++pos_;
  return t;
}

bool SqlParser::IsWord(const Token& t, std::string_view upper) const {
  return t.kind == TokenKind::kWord && t.upper == upper;
}

bool SqlParser::PeekOp(std::string_view op, size_t ahead) const {
  const Token& t = Peek(ahead);
  return t.kind == TokenKind::kOperator && t.text == op;
}

bool SqlParser::AcceptWord(std::string_view upper) {
  if (!PeekWord(upper)) return false;
  Next();
  return true;
}

bool SqlParser::AcceptOp(std::string_view op) {
  if (!PeekOp(op)) return false;
  Next();
  return true;
}

void SqlParser::ExpectWord(std::string_view upper) {
  if (!AcceptWord(upper)) Fail("expected " + std::string(upper));
}

void SqlParser::ExpectOp(std::string_view op) {
  if (!AcceptOp(op)) Fail("expected '" + std::string(op) + "'");
}

void SqlParser::ExpectEnd() {
  if (!AtEnd()) Fail();
}

void SqlParser::Fail(std::string_view detail) const { ThrowSyntaxError(Peek(), detail); }

std::string SqlParser::ParseIdentifier() {
  const Token& t = Peek();
  if (t.kind == TokenKind::kQuotedIdent) {
    Next();
    return t.value;
  }
  if (t.kind == TokenKind::kWord && !IsReserved(t)) {
    Next();
    return t.text;
  }
  Fail("expected an identifier");
}

std::vector<std::string> SqlParser::ParseMultipartIdentifier() {
  std::vector<std::string> parts = {ParseIdentifier()};
  while (AcceptOp(".")) parts.push_back(ParseIdentifier());
  return parts;
}

std::vector<std::string> SqlParser::ParseIdentifierList() {
  ExpectOp("(");
  std::vector<std::string> names;
  do {
    names.push_back(ParseIdentifier());
  } while (AcceptOp(","));
  ExpectOp(")");
  return names;
}

ExprPtr SqlParser::ParseSingleExpression() {
  if (AtEnd()) Fail("expected an expression");
  ExprPtr e = ParseNamedExpression();
  ExpectEnd();
  return e;
}

PlanPtr SqlParser::ParseSingleQuery() {
  PlanPtr plan = ParseQuery();
  AcceptOp(";");
  ExpectEnd();
  return plan;
}

// ---------------------------------------------------------------------------------------------
// Statements

namespace {

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// Skips whitespace and comments from `i`; returns the first other offset (or `end`).
size_t SkipBlank(std::string_view text, size_t i, size_t end) {
  while (i < end) {
    if (IsSpace(text[i])) {
      ++i;
    } else if (text[i] == '-' && i + 1 < end && text[i + 1] == '-') {
      while (i < end && text[i] != '\n') ++i;
    } else if (text[i] == '/' && i + 1 < end && text[i + 1] == '*') {
      int depth = 0;
      while (i < end) {
        if (text[i] == '/' && i + 1 < end && text[i + 1] == '*') {
          ++depth;
          i += 2;
        } else if (text[i] == '*' && i + 1 < end && text[i + 1] == '/') {
          i += 2;
          if (--depth == 0) break;
        } else {
          ++i;
        }
      }
    } else {
      break;
    }
  }
  return i;
}

// Splits a script into [begin, end) ranges on `;` outside strings, quoted identifiers and comments.
// An unterminated construct extends to the end; the lexer then reports it.
std::vector<std::pair<size_t, size_t>> SplitScript(std::string_view text) {
  std::vector<std::pair<size_t, size_t>> pieces;
  size_t start = 0;
  size_t i = 0;
  size_t n = text.size();
  while (i < n) {
    char c = text[i];
    if (c == '\'' || c == '"') {
      bool raw =
          i > 0 && (text[i - 1] == 'r' || text[i - 1] == 'R') &&
          (i < 2 || !(std::isalnum(static_cast<unsigned char>(text[i - 2])) || text[i - 2] == '_'));
      ++i;
      while (i < n && text[i] != c) {
        if (text[i] == '\\' && !raw) ++i;
        ++i;
      }
      ++i;
    } else if (c == '`') {
      ++i;
      while (i < n) {
        if (text[i] == '`') {
          if (i + 1 < n && text[i + 1] == '`') {
            i += 2;
            continue;
          }
          break;
        }
        ++i;
      }
      ++i;
    } else if ((c == '-' && i + 1 < n && text[i + 1] == '-') ||
               (c == '/' && i + 1 < n && text[i + 1] == '*')) {
      size_t j = SkipBlank(text, i, n);
      i = j > i ? j : i + 1;
      if (c == '/' && i >= n) break;
    } else if (c == ';') {
      pieces.emplace_back(start, i);
      ++i;
      start = i;
    } else {
      ++i;
    }
  }
  if (start < n) pieces.emplace_back(start, n);
  return pieces;
}

std::string_view Trim(std::string_view s) {
  size_t b = 0;
  while (b < s.size() && IsSpace(s[b])) ++b;
  size_t e = s.size();
  while (e > b && IsSpace(s[e - 1])) --e;
  return s.substr(b, e - b);
}

std::string UpperWord(std::string_view text, size_t i, size_t end, size_t* word_end) {
  std::string w;
  while (i < end && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) {
    w.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(text[i]))));
    ++i;
  }
  *word_end = i;
  return w;
}

Statement ParseSet(std::string_view text, size_t after_set, size_t end, const Token& set_token) {
  Statement st;
  st.kind = StatementKind::kSet;
  std::string_view rest = text.substr(after_set, end - after_set);
  size_t eq = rest.find('=');
  if (eq == std::string_view::npos) {
    st.key = std::string(Trim(rest));
  } else {
    st.key = std::string(Trim(rest.substr(0, eq)));
    st.value = std::string(Trim(rest.substr(eq + 1)));
    st.has_value = true;
    if (st.key.empty())
      ThrowParseErrorAt(set_token,
                        "[PARSE_SYNTAX_ERROR] Syntax error at or near '=': SET needs a key");
  }
  return st;
}

// delta.`/path`, a multipart name, or a quoted path string.
void ParseMaintenanceTable(SqlParser& parser, Statement* st) {
  if (parser.Peek().kind == TokenKind::kString) {
    st->table = {parser.Next().value};
    st->table_is_path_string = true;
    return;
  }
  st->table = parser.ParseMultipartIdentifier();
}

// OPTIMIZE / VACUUM / DESCRIBE HISTORY (Delta Lake's SQL for table maintenance).
Statement ParseMaintenance(SqlParser& parser, std::string_view text) {
  Statement st;
  if (parser.AcceptWord("OPTIMIZE")) {
    st.kind = StatementKind::kDeltaOptimize;
    ParseMaintenanceTable(parser, &st);
    if (parser.AcceptWord("WHERE")) {
      size_t from = parser.Peek().offset;
      st.where = parser.ParseExpr();
      size_t to = parser.Peek().offset;
      std::string_view w = text.substr(from, to - from);
      while (!w.empty() && std::isspace(static_cast<unsigned char>(w.back()))) w.remove_suffix(1);
      st.where_text = std::string(w);
    }
    if (parser.AcceptWord("ZORDER")) {
      parser.ExpectWord("BY");
      if (parser.PeekOp("(")) {
        st.zorder_by = parser.ParseIdentifierList();
      } else {
        do {
          st.zorder_by.push_back(parser.ParseIdentifier());
        } while (parser.AcceptOp(","));
      }
    }
  } else if (parser.AcceptWord("VACUUM")) {
    st.kind = StatementKind::kDeltaVacuum;
    ParseMaintenanceTable(parser, &st);
    if (parser.AcceptWord("RETAIN")) {
      const Token& n = parser.Peek();
      if (n.kind != TokenKind::kNumber) parser.Fail("expected the number of hours to retain");
      parser.Next();
      try {
        st.retain_hours = std::stod(n.text);
      } catch (const std::exception&) {
        ThrowParseErrorAt(n, "[PARSE_SYNTAX_ERROR] invalid number of hours '" + n.text + "'");
      }
      st.has_retain = true;
      parser.ExpectWord("HOURS");
    }
    if (parser.AcceptWord("DRY")) {
      parser.ExpectWord("RUN");
      st.dry_run = true;
    }
  } else {
    if (!parser.AcceptWord("DESCRIBE")) parser.ExpectWord("DESC");
    parser.ExpectWord("HISTORY");
    st.kind = StatementKind::kDescribeHistory;
    ParseMaintenanceTable(parser, &st);
    if (parser.AcceptWord("LIMIT")) {
      const Token& n = parser.Peek();
      if (n.kind != TokenKind::kNumber) parser.Fail("expected a row count");
      parser.Next();
      try {
        size_t used = 0;
        st.limit = std::stoll(n.text, &used);
        if (used != n.text.size() || st.limit < 0) throw std::invalid_argument(n.text);
      } catch (const std::exception&) {
        ThrowParseErrorAt(n, "[PARSE_SYNTAX_ERROR] LIMIT expects a non-negative integer, got '" +
                                 n.text + "'");
      }
    }
  }
  parser.AcceptOp(";");
  parser.ExpectEnd();
  return st;
}

Statement ParseOneStatement(std::string_view text, size_t begin, size_t end) {
  size_t first = SkipBlank(text, begin, end);
  size_t word_end = first;
  std::string word = UpperWord(text, first, end, &word_end);
  if (word == "SET") {
    std::vector<Token> head = Tokenize(text, first, word_end);
    return ParseSet(text, word_end, end, head.front());
  }
  SqlParser parser(text, Tokenize(text, begin, end));
  if (parser.PeekWord("OPTIMIZE") || parser.PeekWord("VACUUM") ||
      ((parser.PeekWord("DESCRIBE") || parser.PeekWord("DESC")) && parser.PeekWord("HISTORY", 1))) {
    return ParseMaintenance(parser, text);
  }
  Statement st;
  if (parser.AcceptWord("CREATE")) {
    st.kind = StatementKind::kCreateView;
    if (parser.AcceptWord("OR")) {
      parser.ExpectWord("REPLACE");
      st.replace = true;
    }
    if (parser.AcceptWord("GLOBAL")) st.global = true;
    if (!parser.AcceptWord("TEMPORARY") && !parser.AcceptWord("TEMP")) {
      if (parser.PeekWord("VIEW")) {
        ThrowParseErrorAt(parser.Peek(),
                          "[UNSUPPORTED_FEATURE] only TEMPORARY views are supported");
      }
      parser.Fail("expected TEMPORARY VIEW");
    }
    parser.ExpectWord("VIEW");
    if (parser.PeekWord("IF")) {
      ThrowParseErrorAt(
          parser.Peek(),
          "[PARSE_SYNTAX_ERROR] It is not allowed to define a TEMPORARY view with IF NOT EXISTS");
    }
    const Token& name_token = parser.Peek();
    std::vector<std::string> name = parser.ParseMultipartIdentifier();
    if (name.size() != 1) {
      ThrowParseErrorAt(name_token,
                        "[TEMP_VIEW_NAME_TOO_MANY_NAME_PARTS] CREATE TEMPORARY VIEW expects a "
                        "single-part view name");
    }
    st.view_name = name[0];
    if (parser.AcceptOp("(")) {
      do {
        st.column_names.push_back(parser.ParseIdentifier());
        if (parser.AcceptWord("COMMENT")) {
          if (parser.Peek().kind != TokenKind::kString) parser.Fail("expected a comment string");
          parser.Next();
        }
      } while (parser.AcceptOp(","));
      parser.ExpectOp(")");
    }
    if (parser.AcceptWord("COMMENT")) {
      if (parser.Peek().kind != TokenKind::kString) parser.Fail("expected a comment string");
      parser.Next();
    }
    parser.ExpectWord("AS");
    st.plan = parser.ParseQuery();
    parser.ExpectEnd();
  } else if (parser.AcceptWord("EXPLAIN")) {
    st.kind = StatementKind::kExplain;
    if (parser.AcceptWord("EXTENDED")) {
      st.extended = true;
    } else if (!parser.AcceptWord("FORMATTED") && !parser.AcceptWord("CODEGEN")) {
      parser.AcceptWord("COST");
    }
    st.plan = parser.ParseQuery();
    parser.ExpectEnd();
  } else if (parser.StartsQuery()) {
    st.kind = StatementKind::kQuery;
    st.plan = parser.ParseQuery();
    parser.ExpectEnd();
  } else {
    parser.Fail();
  }
  return st;
}

}  // namespace

ExprPtr ParseExpression(std::string_view text) {
  SqlParser parser(text, Tokenize(text));
  return parser.ParseSingleExpression();
}

PlanPtr ParseQuery(std::string_view text) {
  SqlParser parser(text, Tokenize(text));
  return parser.ParseSingleQuery();
}

std::vector<Statement> ParseStatements(std::string_view text) {
  std::vector<Statement> out;
  for (const auto& [begin, end] : SplitScript(text)) {
    // A blank piece may still hold an unclosed comment: lexing it reports that.
    size_t first = SkipBlank(text, begin, end);
    if (first >= end) {
      Tokenize(text, begin, end);  // throws for an unclosed comment
      continue;
    }
    Statement st = ParseOneStatement(text, begin, end);
    st.text = std::string(Trim(text.substr(begin, end - begin)));
    out.push_back(std::move(st));
  }
  return out;
}

}  // namespace sluice
