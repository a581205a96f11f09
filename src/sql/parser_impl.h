// SqlParser: the recursive-descent parser behind src/sql/parser.h. Internal to src/sql/.
//
// One instance parses one token sequence (one statement or one expression). Expression rules live
// in expression_parser.cc, literal rules in literal_parser.cc, query/relation rules in
// query_parser.cc, and statement dispatch in parser.cc.
//
// Precedence (lowest first), as Spark's grammar: OR < AND < NOT < predicate (BETWEEN, IN, LIKE,
// RLIKE, IS ...) < comparison < | < ^ < & < additive (+ - ||) < multiplicative (* / % DIV) < unary
// (- + ~) < postfix (::type, [i], .field) < primary.
// Thread-compatible.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "expr/expression.h"
#include "plan/logical_plan.h"
#include "sql/lexer.h"

namespace sluice {

class SqlParser {
 public:
  SqlParser(std::string_view source, std::vector<Token> tokens);

  // ---- entry points ----
  /// expr [[AS] alias] <end>
  ExprPtr ParseSingleExpression();
  /// query [;] <end>
  PlanPtr ParseSingleQuery();

  // ---- token access (used by the statement layer too) ----
  const Token& Peek(size_t ahead = 0) const;
  const Token& Next();
  bool AtEnd() const { return Peek().kind == TokenKind::kEnd; }
  bool IsWord(const Token& t, std::string_view upper) const;
  bool PeekWord(std::string_view upper, size_t ahead = 0) const {
    return IsWord(Peek(ahead), upper);
  }
  bool PeekOp(std::string_view op, size_t ahead = 0) const;
  bool AcceptWord(std::string_view upper);
  bool AcceptOp(std::string_view op);
  void ExpectWord(std::string_view upper);
  void ExpectOp(std::string_view op);
  void ExpectEnd();
  [[noreturn]] void Fail(std::string_view detail = {}) const;

  /// An identifier: a word that is not reserved, or a quoted identifier.
  std::string ParseIdentifier();
  /// identifier [. identifier]*
  std::vector<std::string> ParseMultipartIdentifier();
  /// ( identifier [, identifier]* )
  std::vector<std::string> ParseIdentifierList();

  // ---- expressions (expression_parser.cc) ----
  ExprPtr ParseExpr();
  /// expr [[AS] alias]: a select item.
  ExprPtr ParseNamedExpression();

  // ---- queries (query_parser.cc) ----
  /// [WITH ...] query term [ORDER BY ...] [LIMIT ...]
  PlanPtr ParseQuery();
  /// True if the next tokens start a query (SELECT, WITH, VALUES, FROM, TABLE or a parenthesized
  /// one).
  bool StartsQuery(size_t ahead = 0) const;

 private:
  // expressions
  ExprPtr ParseOr();
  ExprPtr ParseAnd();
  ExprPtr ParseNot();
  ExprPtr ParsePredicate();
  ExprPtr ParseComparison();
  ExprPtr ParseBitOr();
  ExprPtr ParseBitXor();
  ExprPtr ParseBitAnd();
  ExprPtr ParseAdditive();
  ExprPtr ParseMultiplicative();
  ExprPtr ParseUnary();
  ExprPtr ParsePostfix();
  /// `is_name` is set when the result is a plain identifier chain that `.field` may extend.
  ExprPtr ParsePrimary(bool* is_name);
  ExprPtr ParseFunctionCall(const Token& name_token);
  ExprPtr ParseCase();
  ExprPtr ParseCastCall(bool is_try);
  ExprPtr ParseExtract();
  /// Parses a data type starting at the current token and hands its source text to ParseDataType.
  /// With `stop_at_paren` (CAST(x AS t)) the type runs to the ')' at nesting depth 0; otherwise
  /// (x::t) it is one word plus an optional (...) or <...> group.
  TypePtr ParseTypeText(bool stop_at_paren);
  bool IsReserved(const Token& t) const;
  bool CanStartImplicitAlias(const Token& t) const;

  // literals (literal_parser.cc)
  ExprPtr ParseNumberLiteral(const Token& token, bool negative);
  ExprPtr ParseTypedLiteral(const Token& type_token, const Token& string_token,
                            const std::string& value);
  ExprPtr ParseIntervalLiteral(const Token& interval_token);
  int64_t ParseIntervalMicros(const Token& interval_token);
  /// Adjacent string tokens concatenated ('a' 'b' -> "ab").
  std::string ParseStringSequence();

  // queries
  PlanPtr ParseSetExpression();
  PlanPtr ParseQueryPrimary();
  PlanPtr ParseSelect();
  PlanPtr ParseInlineTable();
  PlanPtr ParseFromClause();
  PlanPtr ParseJoinedRelation();
  PlanPtr ParseRelationPrimary();
  PlanPtr ParseRelationSuffix(PlanPtr relation);
  /// Time travel after a table name: VERSION AS OF n / TIMESTAMP AS OF 'ts' (relation_options).
  void ParseTimeTravel(const PlanPtr& relation);
  PlanPtr ParseWatermark(PlanPtr relation);
  std::vector<ExprPtr> ParseOrderByList();
  void ApplyHints(const std::vector<std::string>& broadcast_names, const PlanPtr& from);
  std::vector<std::string> ParseHint(const Token& hint);

  std::string_view source_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;  // recursion depth guard
  friend class DepthGuard;
};

/// Limits recursion so that deeply nested input fails with ParseError instead of a stack overflow.
class DepthGuard {
 public:
  explicit DepthGuard(SqlParser* parser);
  ~DepthGuard() { --parser_->depth_; }

 private:
  SqlParser* parser_;
};

}  // namespace sluice
