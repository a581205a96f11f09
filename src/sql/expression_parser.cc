// Expression rules of SqlParser (see parser_impl.h for the precedence ladder).
#include <algorithm>
#include <unordered_set>

#include "sluice/exception.h"
#include "sql/parser_impl.h"

namespace sluice {

namespace {

ExprPtr Call(std::string name, std::vector<ExprPtr> args) {
  return MakeCall(std::move(name), std::move(args));
}

ExprPtr Not(ExprPtr e) { return MakeCall("not", {std::move(e)}); }

// Words that can never be a bare column reference or function name.
const std::unordered_set<std::string>& ReservedWords() {
  static const std::unordered_set<std::string> kWords = {
      "SELECT",    "FROM",     "WHERE",   "GROUP", "HAVING", "ORDER", "LIMIT", "UNION", "EXCEPT",
      "INTERSECT", "JOIN",     "ON",      "AND",   "OR",     "NOT",   "IS",    "IN",    "LIKE",
      "RLIKE",     "ILIKE",    "BETWEEN", "CASE",  "WHEN",   "THEN",  "ELSE",  "END",   "AS",
      "BY",        "DISTINCT", "NULL",    "TRUE",  "FALSE",  "WITH",  "INNER", "CROSS", "USING",
      "OUTER",     "ALL",      "NATURAL", "OVER",  "EXISTS", "VALUES"};
  return kWords;
}

// Words that end a select item or a relation instead of being taken as an implicit alias.
const std::unordered_set<std::string>& AliasStopWords() {
  static const std::unordered_set<std::string> kWords = {
      "LEFT",   "RIGHT",   "FULL",        "SEMI",       "ANTI",   "WATERMARK", "DELAY",
      "WINDOW", "LATERAL", "CLUSTER",     "DISTRIBUTE", "SORT",   "OFFSET",    "QUALIFY",
      "PIVOT",  "UNPIVOT", "TABLESAMPLE", "MINUS",      "REGEXP", "DIV"};
  return kWords;
}

bool IsComparisonOp(const Token& t) {
  if (t.kind != TokenKind::kOperator) return false;
  const std::string& s = t.text;
  return s == "=" || s == "<=>" || s == "<>" || s == "!=" || s == "<" || s == "<=" || s == ">" ||
         s == ">=";
}

std::string ExtractFieldName(const std::string& upper) {
  static const std::pair<const char*, const char*> kFields[] = {{"YEAR", "year"},
                                                                {"YEARS", "year"},
                                                                {"Y", "year"},
                                                                {"YR", "year"},
                                                                {"YRS", "year"},
                                                                {"QUARTER", "quarter"},
                                                                {"QTR", "quarter"},
                                                                {"MONTH", "month"},
                                                                {"MONTHS", "month"},
                                                                {"MON", "month"},
                                                                {"MONS", "month"},
                                                                {"WEEK", "weekofyear"},
                                                                {"WEEKS", "weekofyear"},
                                                                {"W", "weekofyear"},
                                                                {"DAY", "day"},
                                                                {"DAYS", "day"},
                                                                {"D", "day"},
                                                                {"DAYOFWEEK", "dayofweek"},
                                                                {"DOW", "dayofweek"},
                                                                {"DAYOFWEEK_ISO", "weekday"},
                                                                {"DOY", "dayofyear"},
                                                                {"HOUR", "hour"},
                                                                {"HOURS", "hour"},
                                                                {"H", "hour"},
                                                                {"HR", "hour"},
                                                                {"HRS", "hour"},
                                                                {"MINUTE", "minute"},
                                                                {"MINUTES", "minute"},
                                                                {"M", "minute"},
                                                                {"MIN", "minute"},
                                                                {"MINS", "minute"},
                                                                {"SECOND", "second"},
                                                                {"SECONDS", "second"},
                                                                {"S", "second"},
                                                                {"SEC", "second"},
                                                                {"SECS", "second"}};
  for (const auto& [k, v] : kFields) {
    if (upper == k) return v;
  }
  return "";
}

}  // namespace

DepthGuard::DepthGuard(SqlParser* parser) : parser_(parser) {
  constexpr int kMaxDepth = 1000;
  if (++parser_->depth_ > kMaxDepth) {
    --parser_->depth_;
    parser_->Fail("the statement is too deeply nested");
  }
}

bool SqlParser::IsReserved(const Token& t) const {
  return t.kind == TokenKind::kWord && ReservedWords().count(t.upper) > 0;
}

bool SqlParser::CanStartImplicitAlias(const Token& t) const {
  if (t.kind == TokenKind::kQuotedIdent) return true;
  if (t.kind != TokenKind::kWord) return false;
  return !IsReserved(t) && AliasStopWords().count(t.upper) == 0;
}

ExprPtr SqlParser::ParseExpr() {
  DepthGuard guard(this);
  return ParseOr();
}

ExprPtr SqlParser::ParseNamedExpression() {
  ExprPtr e = ParseExpr();
  if (AcceptWord("AS")) {
    if (PeekOp("(")) Fail("multiple aliases `AS (a, b)` are not supported");
    return MakeAlias(std::move(e), ParseIdentifier());
  }
  if (CanStartImplicitAlias(Peek())) return MakeAlias(std::move(e), ParseIdentifier());
  return e;
}

ExprPtr SqlParser::ParseOr() {
  ExprPtr left = ParseAnd();
  while (AcceptWord("OR")) left = Call("or", {left, ParseAnd()});
  return left;
}

ExprPtr SqlParser::ParseAnd() {
  ExprPtr left = ParseNot();
  while (AcceptWord("AND")) left = Call("and", {left, ParseNot()});
  return left;
}

ExprPtr SqlParser::ParseNot() {
  DepthGuard guard(this);
  if (AcceptWord("NOT") || AcceptOp("!")) return Not(ParseNot());
  if (PeekWord("EXISTS") && PeekOp("(", 1)) {
    Fail("EXISTS subqueries are not supported yet");
  }
  return ParsePredicate();
}

ExprPtr SqlParser::ParsePredicate() {
  ExprPtr value = ParseComparison();
  size_t save = pos_;
  bool negated = AcceptWord("NOT");
  if (AcceptWord("BETWEEN")) {
    ExprPtr lo = ParseComparison();
    ExprPtr hi;
    ExpectWord("AND");
    hi = ParseComparison();
    ExprPtr e = Call("and", {Call(">=", {value, lo}), Call("<=", {CloneExpr(value), hi})});
    return negated ? Not(e) : e;
  }
  if (PeekWord("IN")) {
    Next();
    ExpectOp("(");
    if (StartsQuery()) Fail("IN subqueries are not supported yet");
    std::vector<ExprPtr> args = {value};
    do {
      args.push_back(ParseExpr());
    } while (AcceptOp(","));
    ExpectOp(")");
    ExprPtr e = Call("in", std::move(args));
    return negated ? Not(e) : e;
  }
  if (PeekWord("LIKE") || PeekWord("ILIKE")) {
    std::string name = Next().upper == "LIKE" ? "like" : "ilike";
    if (PeekWord("ANY") || PeekWord("ALL") || PeekWord("SOME")) {
      Fail("LIKE ANY/ALL/SOME is not supported yet");
    }
    std::vector<ExprPtr> args = {value, ParseComparison()};
    if (AcceptWord("ESCAPE")) {
      const Token& t = Peek();
      if (t.kind != TokenKind::kString) Fail("expected a string after ESCAPE");
      std::string esc = ParseStringSequence();
      if (esc.size() != 1)
        ThrowParseErrorAt(t, "[INVALID_ESCAPE_CHAR] The escape character must be one character");
      args.push_back(MakeLiteral(Value::String(esc)));
    }
    ExprPtr e = Call(name, std::move(args));
    return negated ? Not(e) : e;
  }
  if (PeekWord("RLIKE") || PeekWord("REGEXP")) {
    Next();
    ExprPtr e = Call("rlike", {value, ParseComparison()});
    return negated ? Not(e) : e;
  }
  if (negated) {
    // `x NOT` followed by something else: not a predicate.
    pos_ = save;
    Fail();
  }
  if (AcceptWord("IS")) {
    bool is_not = AcceptWord("NOT");
    if (AcceptWord("NULL")) return Call(is_not ? "isnotnull" : "isnull", {value});
    if (PeekWord("TRUE") || PeekWord("FALSE")) {
      bool b = Next().upper == "TRUE";
      ExprPtr e = Call("<=>", {value, MakeLiteral(Value::Boolean(b))});
      return is_not ? Not(e) : e;
    }
    if (AcceptWord("UNKNOWN")) return Call(is_not ? "isnotnull" : "isnull", {value});
    if (AcceptWord("DISTINCT")) {
      ExpectWord("FROM");
      ExprPtr e = Call("<=>", {value, ParseComparison()});
      return is_not ? e : Not(e);
    }
    Fail("expected NULL, TRUE, FALSE or DISTINCT FROM after IS");
  }
  return value;
}

ExprPtr SqlParser::ParseComparison() {
  ExprPtr left = ParseBitOr();
  while (IsComparisonOp(Peek())) {
    std::string op = Next().text;
    if (op == "<>") op = "!=";
    left = Call(op, {left, ParseBitOr()});
  }
  return left;
}

ExprPtr SqlParser::ParseBitOr() {
  ExprPtr left = ParseBitXor();
  while (AcceptOp("|")) left = Call("|", {left, ParseBitXor()});
  return left;
}

ExprPtr SqlParser::ParseBitXor() {
  ExprPtr left = ParseBitAnd();
  while (AcceptOp("^")) left = Call("^", {left, ParseBitAnd()});
  return left;
}

ExprPtr SqlParser::ParseBitAnd() {
  ExprPtr left = ParseAdditive();
  while (AcceptOp("&")) left = Call("&", {left, ParseAdditive()});
  return left;
}

ExprPtr SqlParser::ParseAdditive() {
  ExprPtr left = ParseMultiplicative();
  while (true) {
    if (AcceptOp("+")) {
      left = Call("+", {left, ParseMultiplicative()});
    } else if (AcceptOp("-")) {
      left = Call("-", {left, ParseMultiplicative()});
    } else if (AcceptOp("||")) {
      left = Call("concat", {left, ParseMultiplicative()});
    } else {
      return left;
    }
  }
}

ExprPtr SqlParser::ParseMultiplicative() {
  ExprPtr left = ParseUnary();
  while (true) {
    if (AcceptOp("*")) {
      left = Call("*", {left, ParseUnary()});
    } else if (AcceptOp("/")) {
      left = Call("/", {left, ParseUnary()});
    } else if (AcceptOp("%")) {
      left = Call("%", {left, ParseUnary()});
    } else if (AcceptWord("DIV")) {
      left = Call("div", {left, ParseUnary()});
    } else {
      return left;
    }
  }
}

ExprPtr SqlParser::ParseUnary() {
  DepthGuard guard(this);
  if (PeekOp("-")) {
    // Spark's grammar reads `-<number>` as one negative literal (its column name is "-1"); the
    // primary rule handles it so that postfix operators apply to the negative literal.
    if (Peek(1).kind == TokenKind::kNumber) return ParsePostfix();
    Next();
    return Call("negative", {ParseUnary()});
  }
  if (AcceptOp("+")) return Call("positive", {ParseUnary()});
  if (AcceptOp("~")) return Call("~", {ParseUnary()});
  return ParsePostfix();
}

ExprPtr SqlParser::ParsePostfix() {
  bool is_name = false;
  ExprPtr e = ParsePrimary(&is_name);
  while (true) {
    if (AcceptOp("[")) {
      ExprPtr index = ParseExpr();
      ExpectOp("]");
      e = Call("subscript", {e, index});
      is_name = false;
    } else if (PeekOp(".")) {
      Next();
      if (PeekOp("*")) {
        if (!is_name) Fail("`.*` needs a qualifier name");
        Next();
        e = MakeStar(e->name_parts);
        is_name = false;
        continue;
      }
      const Token& t = Peek();
      if (t.kind != TokenKind::kWord && t.kind != TokenKind::kQuotedIdent) {
        Fail("expected a field name after '.'");
      }
      std::string field = t.kind == TokenKind::kWord ? t.text : t.value;
      Next();
      if (is_name) {
        e->name_parts.push_back(std::move(field));
      } else {
        e = Call("get_field", {e, MakeLiteral(Value::String(std::move(field)))});
      }
    } else if (AcceptOp("::")) {
      e = MakeCast(e, ParseTypeText(false));
      is_name = false;
    } else {
      return e;
    }
  }
}

ExprPtr SqlParser::ParsePrimary(bool* is_name) {
  DepthGuard guard(this);
  *is_name = false;
  const Token& t = Peek();
  switch (t.kind) {
    case TokenKind::kEnd:
      Fail("expected an expression");
    case TokenKind::kNumber:
      Next();
      return ParseNumberLiteral(t, false);
    case TokenKind::kString:
      return MakeLiteral(Value::String(ParseStringSequence()));
    case TokenKind::kQuotedIdent:
      if (PeekOp("->", 1)) Fail("lambda functions are not supported yet");
      Next();
      *is_name = true;
      return MakeColumn(std::vector<std::string>{t.value});
    case TokenKind::kHint:
      Fail();
    case TokenKind::kOperator:
      break;
    case TokenKind::kWord: {
      const std::string& u = t.upper;
      const Token& next = Peek(1);
      bool call = next.kind == TokenKind::kOperator && next.text == "(";
      if (u == "NULL") {
        Next();
        return MakeLiteral(Value());
      }
      if (u == "TRUE" || u == "FALSE") {
        Next();
        return MakeLiteral(Value::Boolean(u == "TRUE"));
      }
      if (u == "CASE") return ParseCase();
      if ((u == "CAST" || u == "TRY_CAST") && call) return ParseCastCall(u == "TRY_CAST");
      if (u == "EXTRACT" && call) return ParseExtract();
      if (u == "INTERVAL" &&
          (next.kind == TokenKind::kString || next.kind == TokenKind::kNumber ||
           (next.kind == TokenKind::kOperator && (next.text == "-" || next.text == "+")))) {
        Next();
        return ParseIntervalLiteral(t);
      }
      if ((u == "DATE" || u == "TIMESTAMP" || u == "TIMESTAMP_NTZ" || u == "TIMESTAMP_LTZ" ||
           u == "X") &&
          next.kind == TokenKind::kString) {
        Next();
        const Token& s = Peek();
        std::string value = ParseStringSequence();
        return ParseTypedLiteral(t, s, value);
      }
      if (next.kind == TokenKind::kOperator && next.text == "->") {
        Fail("lambda functions are not supported yet");
      }
      if (call) {
        if (IsReserved(t)) Fail();
        Next();
        return ParseFunctionCall(t);
      }
      if (u == "CURRENT_DATE" || u == "CURRENT_TIMESTAMP" || u == "CURRENT_USER" ||
          u == "CURRENT_TIMEZONE") {
        Next();
        std::string name = t.text;
        std::transform(name.begin(), name.end(), name.begin(), ::tolower);
        return Call(name, {});
      }
      if (IsReserved(t)) Fail("expected an expression");
      Next();
      *is_name = true;
      return MakeColumn(std::vector<std::string>{t.text});
    }
  }
  // Operators.
  if (PeekOp("-") && Peek(1).kind == TokenKind::kNumber) {
    Next();
    const Token& number = Next();
    return ParseNumberLiteral(number, true);
  }
  if (AcceptOp("*")) return MakeStar();
  if (AcceptOp("(")) {
    if (StartsQuery()) Fail("scalar subqueries are not supported yet");
    ExprPtr e = ParseExpr();
    if (PeekOp(",")) {
      // Row constructor (a, b): a struct.
      std::vector<ExprPtr> fields = {e};
      while (AcceptOp(",")) fields.push_back(ParseExpr());
      ExpectOp(")");
      if (PeekOp("->")) Fail("lambda functions are not supported yet");
      return Call("struct", std::move(fields));
    }
    ExpectOp(")");
    if (PeekOp("->")) Fail("lambda functions are not supported yet");
    return e;
  }
  Fail("expected an expression");
}

ExprPtr SqlParser::ParseFunctionCall(const Token& name_token) {
  std::string name = name_token.text;
  std::transform(name.begin(), name.end(), name.begin(), ::tolower);
  ExpectOp("(");
  bool distinct = false;
  std::vector<ExprPtr> args;
  if (!PeekOp(")")) {
    if (AcceptWord("DISTINCT")) {
      distinct = true;
    } else if (PeekWord("ALL") && !PeekOp(")", 1) && !PeekOp(",", 1)) {
      Next();
    }
    // Special forms: position(a IN b), substring(s FROM p [FOR l]).
    if (name == "position" || name == "locate") {
      size_t save = pos_;
      ExprPtr needle = ParseComparison();
      if (AcceptWord("IN")) {
        ExprPtr haystack = ParseComparison();
        ExpectOp(")");
        return Call(name, {needle, haystack});
      }
      pos_ = save;
    }
    while (true) {
      if ((Peek().kind == TokenKind::kWord || Peek().kind == TokenKind::kQuotedIdent) &&
          PeekOp("=>", 1)) {
        const Token& arg_name = Next();
        Next();
        std::string n = arg_name.kind == TokenKind::kWord ? arg_name.text : arg_name.value;
        args.push_back(MakeAlias(ParseExpr(), n));
      } else {
        args.push_back(ParseExpr());
      }
      if ((name == "substring" || name == "substr") && args.size() == 1 && AcceptWord("FROM")) {
        args.push_back(ParseExpr());
        if (AcceptWord("FOR")) args.push_back(ParseExpr());
        break;
      }
      if (!AcceptOp(",")) break;
    }
  }
  ExpectOp(")");
  if (PeekWord("OVER")) {
    ThrowParseErrorAt(Peek(),
                      "[UNSUPPORTED_FEATURE] window functions (OVER) are not supported yet");
  }
  if (PeekWord("FILTER") && PeekOp("(", 1)) {
    ThrowParseErrorAt(Peek(),
                      "[UNSUPPORTED_FEATURE] aggregate FILTER clauses are not supported yet");
  }
  if (PeekWord("WITHIN") && PeekWord("GROUP", 1)) {
    ThrowParseErrorAt(Peek(), "[UNSUPPORTED_FEATURE] WITHIN GROUP is not supported yet");
  }
  return MakeCall(std::move(name), std::move(args), distinct);
}

ExprPtr SqlParser::ParseCase() {
  ExpectWord("CASE");
  ExprPtr subject;
  if (!PeekWord("WHEN")) subject = ParseExpr();
  auto e = std::make_shared<Expr>(ExprKind::kCase);
  if (!PeekWord("WHEN")) Fail("expected WHEN");
  while (AcceptWord("WHEN")) {
    ExprPtr cond = ParseExpr();
    if (subject) cond = Call("=", {CloneExpr(subject), cond});
    ExpectWord("THEN");
    ExprPtr value = ParseExpr();
    e->children.push_back(std::move(cond));
    e->children.push_back(std::move(value));
  }
  if (AcceptWord("ELSE")) {
    e->children.push_back(ParseExpr());
    e->has_else = true;
  }
  ExpectWord("END");
  return e;
}

ExprPtr SqlParser::ParseCastCall(bool is_try) {
  Next();  // CAST / TRY_CAST
  ExpectOp("(");
  ExprPtr child = ParseExpr();
  ExpectWord("AS");
  TypePtr type = ParseTypeText(true);
  ExpectOp(")");
  return MakeCast(std::move(child), std::move(type), is_try);
}

ExprPtr SqlParser::ParseExtract() {
  Next();  // EXTRACT
  ExpectOp("(");
  const Token& field = Peek();
  std::string name;
  if (field.kind == TokenKind::kWord) {
    name = ExtractFieldName(field.upper);
  } else if (field.kind == TokenKind::kString) {
    std::string upper = field.value;
    std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
    name = ExtractFieldName(upper);
  }
  if (name.empty()) {
    ThrowParseErrorAt(field, "[INVALID_EXTRACT_FIELD] Cannot extract " + DescribeToken(field));
  }
  Next();
  ExpectWord("FROM");
  ExprPtr source = ParseExpr();
  ExpectOp(")");
  return Call(name, {source});
}

TypePtr SqlParser::ParseTypeText(bool stop_at_paren) {
  const Token& first = Peek();
  if (first.kind != TokenKind::kWord) Fail("expected a data type");
  size_t start = pos_;
  int depth = 0;
  if (stop_at_paren) {
    while (!AtEnd()) {
      const Token& t = Peek();
      if (t.kind == TokenKind::kOperator) {
        if (t.text == "(" || t.text == "<") {
          ++depth;
        } else if (t.text == ")" || t.text == ">") {
          if (depth == 0) break;
          --depth;
        }
      }
      Next();
    }
  } else {
    Next();  // the type name
    // Multi-word types: INTERVAL DAY TO SECOND etc. are not needed after `::`; a parenthesized or
    // angle-bracketed argument list may follow.
    if (PeekOp("(") || PeekOp("<")) {
      do {
        const Token& t = Next();
        if (t.kind == TokenKind::kEnd) break;
        if (t.kind == TokenKind::kOperator) {
          if (t.text == "(" || t.text == "<") ++depth;
          if (t.text == ")" || t.text == ">") --depth;
        }
      } while (depth > 0 && !AtEnd());
    }
  }
  if (pos_ == start) Fail("expected a data type");
  if (depth != 0) Fail("unbalanced data type");
  const Token& last = tokens_[pos_ - 1];
  std::string_view text = source_.substr(first.offset, last.end - first.offset);
  try {
    return ParseDataType(text);
  } catch (const ParseError& e) {
    ThrowParseErrorAt(first, std::string("[UNSUPPORTED_DATATYPE] ") + e.what());
  }
}

}  // namespace sluice
