// Query and relation rules of SqlParser: WITH, set operations, SELECT, FROM/JOIN, VALUES,
// WATERMARK. The plan shapes produced are documented in src/sql/parser.h.
#include <algorithm>
#include <cctype>

#include "sluice/exception.h"
#include "sql/parser_impl.h"
#include "types/datetime.h"

namespace sluice {

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

PlanPtr OneRowRelation() {
  PlanPtr p = MakePlan(PlanKind::kInlineTable);
  p->rows.emplace_back();
  return p;
}

// Name under which a FROM item can be referenced by a hint: its alias or its last name part.
std::string RelationHintName(const PlanPtr& p) {
  switch (p->kind) {
    case PlanKind::kSubqueryAlias:
      return p->alias;
    case PlanKind::kUnresolvedRelation:
      return p->name_parts.empty() ? "" : p->name_parts.back();
    case PlanKind::kWatermark:
      return p->children.empty() ? "" : RelationHintName(p->children[0]);
    default:
      return "";
  }
}

}  // namespace

bool SqlParser::StartsQuery(size_t ahead) const {
  const Token& t = Peek(ahead);
  if (t.kind == TokenKind::kWord) {
    return t.upper == "SELECT" || t.upper == "WITH" || t.upper == "VALUES" ||
           (t.upper == "TABLE" && Peek(ahead + 1).kind != TokenKind::kOperator);
  }
  if (t.kind == TokenKind::kOperator && t.text == "(") return StartsQuery(ahead + 1);
  return false;
}

PlanPtr SqlParser::ParseQuery() {
  DepthGuard guard(this);
  std::vector<std::pair<std::string, PlanPtr>> ctes;
  if (PeekWord("WITH")) {
    Next();
    if (PeekWord("RECURSIVE"))
      ThrowParseErrorAt(Peek(), "[UNSUPPORTED_FEATURE] recursive CTEs are not supported");
    do {
      const Token& name_token = Peek();
      std::string name = ParseIdentifier();
      for (const auto& [existing, plan] : ctes) {
        if (EqualsIgnoreCase(existing, name)) {
          ThrowParseErrorAt(
              name_token,
              "[DUPLICATED_CTE_NAMES] CTE definition can't have duplicate names: '" + name + "'");
        }
      }
      std::vector<std::string> columns;
      if (PeekOp("(")) columns = ParseIdentifierList();
      AcceptWord("AS");
      ExpectOp("(");
      PlanPtr query = ParseQuery();
      ExpectOp(")");
      PlanPtr alias = MakePlan(PlanKind::kSubqueryAlias, {query});
      alias->alias = name;
      alias->column_names = std::move(columns);
      ctes.emplace_back(name, alias);
    } while (AcceptOp(","));
  }
  PlanPtr plan = ParseSetExpression();
  if (AcceptWord("ORDER")) {
    ExpectWord("BY");
    PlanPtr sort = MakePlan(PlanKind::kSort, {plan});
    sort->exprs = ParseOrderByList();
    plan = sort;
  }
  for (const char* unsupported : {"SORT", "CLUSTER", "DISTRIBUTE"}) {
    if (PeekWord(unsupported) && PeekWord("BY", 1)) {
      ThrowParseErrorAt(
          Peek(), std::string("[UNSUPPORTED_FEATURE] ") + unsupported + " BY is not supported");
    }
  }
  if (AcceptWord("LIMIT")) {
    if (!AcceptWord("ALL")) {
      const Token& t = Peek();
      ExprPtr e = ParseExpr();
      bool ok = e->kind == ExprKind::kLiteral && !e->literal.is_null() &&
                e->literal.type()->IsIntegral() && e->literal.GetInt64() >= 0;
      if (!ok)
        ThrowParseErrorAt(t,
                          "[INVALID_LIMIT_LIKE_EXPRESSION] The limit expression must be a "
                          "non-negative integer literal");
      PlanPtr limit = MakePlan(PlanKind::kLimit, {plan});
      limit->limit = e->literal.GetInt64();
      plan = limit;
    }
  }
  if (PeekWord("OFFSET"))
    ThrowParseErrorAt(Peek(), "[UNSUPPORTED_FEATURE] OFFSET is not supported");
  if (!ctes.empty()) {
    PlanPtr with = MakePlan(PlanKind::kWith, {plan});
    with->ctes = std::move(ctes);
    plan = with;
  }
  return plan;
}

std::vector<ExprPtr> SqlParser::ParseOrderByList() {
  std::vector<ExprPtr> orders;
  do {
    ExprPtr e = ParseExpr();
    bool ascending = true;
    if (AcceptWord("DESC")) {
      ascending = false;
    } else {
      AcceptWord("ASC");
    }
    bool nulls_first = ascending;
    if (AcceptWord("NULLS")) {
      if (AcceptWord("FIRST")) {
        nulls_first = true;
      } else if (AcceptWord("LAST")) {
        nulls_first = false;
      } else {
        Fail("expected FIRST or LAST after NULLS");
      }
    }
    orders.push_back(MakeSortOrder(std::move(e), ascending, nulls_first));
  } while (AcceptOp(","));
  return orders;
}

PlanPtr SqlParser::ParseSetExpression() {
  PlanPtr left = ParseQueryPrimary();
  while (PeekWord("UNION") || PeekWord("EXCEPT") || PeekWord("INTERSECT") || PeekWord("MINUS")) {
    const Token& op = Next();
    if (op.upper != "UNION") {
      ThrowParseErrorAt(op, "[UNSUPPORTED_FEATURE] " + op.upper + " is not supported yet");
    }
    bool all = AcceptWord("ALL");
    if (!all) AcceptWord("DISTINCT");
    if (PeekWord("BY") && PeekWord("NAME", 1)) {
      ThrowParseErrorAt(Peek(), "[UNSUPPORTED_FEATURE] UNION BY NAME is not supported yet");
    }
    PlanPtr right = ParseQueryPrimary();
    bool distinct = !all;
    if (left->kind == PlanKind::kUnion && (distinct || !left->distinct)) {
      // a UNION ALL b UNION ALL c == UNION ALL(a, b, c); any union followed by UNION DISTINCT
      // collapses into one distinct union.
      left->children.push_back(std::move(right));
      left->distinct = distinct;
    } else {
      PlanPtr u = MakePlan(PlanKind::kUnion, {left, right});
      u->distinct = distinct;
      left = u;
    }
  }
  return left;
}

PlanPtr SqlParser::ParseQueryPrimary() {
  DepthGuard guard(this);
  if (PeekWord("SELECT")) return ParseSelect();
  if (PeekWord("VALUES")) return ParseRelationSuffix(ParseInlineTable());
  if (PeekWord("TABLE")) {
    Next();
    PlanPtr rel = MakePlan(PlanKind::kUnresolvedRelation);
    rel->name_parts = ParseMultipartIdentifier();
    return rel;
  }
  if (PeekOp("(") && StartsQuery(1)) {
    Next();
    PlanPtr q = ParseQuery();
    ExpectOp(")");
    return q;
  }
  if (PeekWord("FROM")) Fail("FROM-first queries are not supported; write SELECT ... FROM ...");
  Fail("expected SELECT, VALUES or a parenthesized query");
}

std::vector<std::string> SqlParser::ParseHint(const Token& hint) {
  std::vector<std::string> names;
  std::vector<Token> tokens;
  try {
    tokens = Tokenize(source_, hint.offset + 3, hint.end - 2);
  } catch (const ParseError&) {
    return names;
  }
  size_t i = 0;
  while (i < tokens.size() && tokens[i].kind != TokenKind::kEnd) {
    const Token& name = tokens[i++];
    if (name.kind != TokenKind::kWord) continue;
    bool broadcast =
        name.upper == "BROADCAST" || name.upper == "BROADCASTJOIN" || name.upper == "MAPJOIN";
    if (i < tokens.size() && tokens[i].kind == TokenKind::kOperator && tokens[i].text == "(") {
      ++i;
      while (i < tokens.size() && tokens[i].kind != TokenKind::kEnd &&
             !(tokens[i].kind == TokenKind::kOperator && tokens[i].text == ")")) {
        const Token& arg = tokens[i++];
        bool last_part =
            !(i < tokens.size() && tokens[i].kind == TokenKind::kOperator && tokens[i].text == ".");
        if (broadcast && last_part) {
          if (arg.kind == TokenKind::kWord) names.push_back(arg.text);
          if (arg.kind == TokenKind::kQuotedIdent) names.push_back(arg.value);
        }
      }
      ++i;
    }
  }
  return names;
}

void SqlParser::ApplyHints(const std::vector<std::string>& broadcast_names, const PlanPtr& from) {
  if (broadcast_names.empty() || !from) return;
  auto mark = [&](const PlanPtr& node) {
    std::string name = RelationHintName(node);
    if (name.empty()) return;
    for (const std::string& n : broadcast_names) {
      if (EqualsIgnoreCase(n, name)) node->broadcast_hint = true;
    }
  };
  std::vector<PlanPtr> stack = {from};
  while (!stack.empty()) {
    PlanPtr node = stack.back();
    stack.pop_back();
    if (node->kind == PlanKind::kJoin) {
      for (const PlanPtr& c : node->children) stack.push_back(c);
    } else {
      mark(node);
    }
  }
}

PlanPtr SqlParser::ParseSelect() {
  ExpectWord("SELECT");
  std::vector<std::string> broadcast;
  while (Peek().kind == TokenKind::kHint) {
    const Token& hint = Next();
    for (std::string& n : ParseHint(hint)) broadcast.push_back(std::move(n));
  }
  bool distinct = false;
  if (AcceptWord("DISTINCT")) {
    distinct = true;
  } else if (PeekWord("ALL") && !PeekOp("(", 1) && !PeekOp(".", 1)) {
    Next();
  }
  if (PeekWord("FROM")) Fail("expected a select list");
  std::vector<ExprPtr> items;
  do {
    items.push_back(ParseNamedExpression());
  } while (AcceptOp(","));

  PlanPtr plan;
  if (AcceptWord("FROM")) {
    plan = ParseFromClause();
    ApplyHints(broadcast, plan);
  } else {
    plan = OneRowRelation();
  }
  if (PeekWord("LATERAL") && PeekWord("VIEW", 1)) {
    ThrowParseErrorAt(Peek(), "[UNSUPPORTED_FEATURE] LATERAL VIEW is not supported yet");
  }
  if (AcceptWord("WHERE")) {
    PlanPtr filter = MakePlan(PlanKind::kFilter, {plan});
    filter->condition = ParseExpr();
    plan = filter;
  }
  bool grouped = false;
  std::vector<ExprPtr> group_by;
  if (AcceptWord("GROUP")) {
    ExpectWord("BY");
    grouped = true;
    bool all = PeekWord("ALL") && !PeekOp("(", 1) && !PeekOp(".", 1) && !PeekOp(",", 1);
    if (all) {
      group_by.push_back(MakeColumn(std::vector<std::string>{Next().text}));
    } else {
      do {
        group_by.push_back(ParseExpr());
      } while (AcceptOp(","));
    }
    if (PeekWord("WITH") && (PeekWord("ROLLUP", 1) || PeekWord("CUBE", 1))) {
      ThrowParseErrorAt(Peek(),
                        "[UNSUPPORTED_FEATURE] GROUP BY ... WITH ROLLUP/CUBE is not supported yet");
    }
    if (PeekWord("GROUPING") && PeekWord("SETS", 1)) {
      ThrowParseErrorAt(Peek(), "[UNSUPPORTED_FEATURE] GROUPING SETS is not supported yet");
    }
  }
  ExprPtr having;
  if (AcceptWord("HAVING")) {
    having = ParseExpr();
    grouped = true;
  }
  if (grouped) {
    PlanPtr agg = MakePlan(PlanKind::kAggregate, {plan});
    agg->exprs = std::move(items);
    agg->group_by = std::move(group_by);
    plan = agg;
  } else {
    PlanPtr project = MakePlan(PlanKind::kProject, {plan});
    project->exprs = std::move(items);
    plan = project;
  }
  if (having) {
    PlanPtr filter = MakePlan(PlanKind::kFilter, {plan});
    filter->condition = std::move(having);
    plan = filter;
  }
  if (PeekWord("WINDOW"))
    ThrowParseErrorAt(Peek(),
                      "[UNSUPPORTED_FEATURE] window functions (OVER) are not supported yet");
  if (PeekWord("QUALIFY"))
    ThrowParseErrorAt(Peek(), "[UNSUPPORTED_FEATURE] QUALIFY is not supported yet");
  if (distinct) plan = MakePlan(PlanKind::kDistinct, {plan});
  return plan;
}

PlanPtr SqlParser::ParseInlineTable() {
  ExpectWord("VALUES");
  PlanPtr table = MakePlan(PlanKind::kInlineTable);
  do {
    std::vector<ExprPtr> row;
    bool parsed = false;
    if (PeekOp("(")) {
      size_t save = pos_;
      Next();
      do {
        row.push_back(ParseExpr());
      } while (AcceptOp(","));
      ExpectOp(")");
      const Token& t = Peek();
      bool row_end =
          t.kind == TokenKind::kEnd || t.kind == TokenKind::kWord ||
          t.kind == TokenKind::kQuotedIdent ||
          (t.kind == TokenKind::kOperator && (t.text == "," || t.text == ")" || t.text == ";"));
      if (row_end) {
        parsed = true;
      } else {
        pos_ = save;
        row.clear();
      }
    }
    if (!parsed) row.push_back(ParseExpr());
    if (!table->rows.empty() && table->rows[0].size() != row.size()) {
      ThrowParseErrorAt(Peek(),
                        "[INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH] Inline table expected " +
                            std::to_string(table->rows[0].size()) + " columns but found " +
                            std::to_string(row.size()) + " columns in a row");
    }
    table->rows.push_back(std::move(row));
  } while (AcceptOp(","));
  return table;
}

PlanPtr SqlParser::ParseFromClause() {
  PlanPtr plan = ParseJoinedRelation();
  while (AcceptOp(",")) {
    PlanPtr join = MakePlan(PlanKind::kJoin, {plan, ParseJoinedRelation()});
    join->join_type = JoinType::kCross;
    plan = join;
  }
  return plan;
}

PlanPtr SqlParser::ParseJoinedRelation() {
  DepthGuard guard(this);
  PlanPtr left = ParseRelationPrimary();
  while (true) {
    JoinType type;
    const Token& start = Peek();
    if (PeekWord("NATURAL")) {
      ThrowParseErrorAt(start, "[UNSUPPORTED_FEATURE] NATURAL JOIN is not supported yet");
    }
    if (AcceptWord("JOIN")) {
      type = JoinType::kInner;
    } else if (PeekWord("INNER") && PeekWord("JOIN", 1)) {
      Next();
      Next();
      type = JoinType::kInner;
    } else if (PeekWord("CROSS") && PeekWord("JOIN", 1)) {
      Next();
      Next();
      type = JoinType::kCross;
    } else if (PeekWord("LEFT") || PeekWord("RIGHT") || PeekWord("FULL")) {
      std::string side = Peek().upper;
      size_t k = 1;
      bool semi = false, anti = false;
      if (side == "LEFT" && PeekWord("SEMI", 1)) {
        semi = true;
        ++k;
      } else if (side == "LEFT" && PeekWord("ANTI", 1)) {
        anti = true;
        ++k;
      } else if (PeekWord("OUTER", 1)) {
        ++k;
      }
      if (!PeekWord("JOIN", k)) {
        pos_ += k;
        Fail("expected JOIN");
      }
      pos_ += k + 1;
      if (semi) {
        type = JoinType::kLeftSemi;
      } else if (anti) {
        type = JoinType::kLeftAnti;
      } else if (side == "LEFT") {
        type = JoinType::kLeftOuter;
      } else if (side == "RIGHT") {
        type = JoinType::kRightOuter;
      } else {
        type = JoinType::kFullOuter;
      }
    } else if ((PeekWord("SEMI") || PeekWord("ANTI")) && PeekWord("JOIN", 1)) {
      type = Next().upper == "SEMI" ? JoinType::kLeftSemi : JoinType::kLeftAnti;
      Next();
    } else {
      return left;
    }
    if (PeekWord("LATERAL"))
      ThrowParseErrorAt(Peek(), "[UNSUPPORTED_FEATURE] LATERAL joins are not supported yet");
    PlanPtr right = ParseRelationPrimary();
    PlanPtr join = MakePlan(PlanKind::kJoin, {left, right});
    join->join_type = type;
    if (AcceptWord("ON")) {
      join->condition = ParseExpr();
    } else if (AcceptWord("USING")) {
      join->using_columns = ParseIdentifierList();
    }
    left = join;
  }
}

PlanPtr SqlParser::ParseRelationPrimary() {
  DepthGuard guard(this);
  PlanPtr rel;
  const Token& t = Peek();
  if (PeekOp("(")) {
    Next();
    if (StartsQuery()) {
      rel = ParseQuery();
    } else {
      rel = ParseFromClause();
    }
    ExpectOp(")");
  } else if (PeekWord("VALUES")) {
    rel = ParseInlineTable();
  } else if (PeekWord("LATERAL")) {
    ThrowParseErrorAt(t, "[UNSUPPORTED_FEATURE] LATERAL subqueries are not supported yet");
  } else if (t.kind == TokenKind::kWord && PeekOp("(", 1) && !IsReserved(t)) {
    // Table-valued function: name(args), named arguments as aliases.
    Next();
    Next();
    rel = MakePlan(PlanKind::kTableFunction);
    rel->name = t.text;
    std::transform(rel->name.begin(), rel->name.end(), rel->name.begin(), ::tolower);
    if (!PeekOp(")")) {
      do {
        if ((Peek().kind == TokenKind::kWord || Peek().kind == TokenKind::kQuotedIdent) &&
            PeekOp("=>", 1)) {
          const Token& n = Next();
          Next();
          rel->exprs.push_back(
              MakeAlias(ParseExpr(), n.kind == TokenKind::kWord ? n.text : n.value));
        } else {
          rel->exprs.push_back(ParseExpr());
        }
      } while (AcceptOp(","));
    }
    ExpectOp(")");
  } else if (t.kind == TokenKind::kQuotedIdent || (t.kind == TokenKind::kWord && !IsReserved(t))) {
    rel = MakePlan(PlanKind::kUnresolvedRelation);
    rel->name_parts = ParseMultipartIdentifier();
    ParseTimeTravel(rel);
  } else {
    Fail("expected a table name or a subquery");
  }
  return ParseRelationSuffix(rel);
}

void SqlParser::ParseTimeTravel(const PlanPtr& relation) {
  // [FOR] {VERSION | SYSTEM_VERSION} AS OF n  /  [FOR] {TIMESTAMP | SYSTEM_TIME} AS OF 'ts'
  size_t k = PeekWord("FOR") ? 1 : 0;
  bool version = PeekWord("VERSION", k) || PeekWord("SYSTEM_VERSION", k);
  bool timestamp = PeekWord("TIMESTAMP", k) || PeekWord("SYSTEM_TIME", k);
  if (!(version || timestamp) || !PeekWord("AS", k + 1) || !PeekWord("OF", k + 2)) return;
  for (size_t i = 0; i < k + 3; ++i) Next();
  const Token& value = Peek();
  if (version) {
    if (value.kind == TokenKind::kNumber) {
      Next();
      relation->relation_options.emplace_back("versionAsOf", value.text);
    } else if (value.kind == TokenKind::kString) {
      Next();
      relation->relation_options.emplace_back("versionAsOf", value.value);
    } else {
      Fail("expected a version number after VERSION AS OF");
    }
  } else {
    if (value.kind != TokenKind::kString) Fail("expected a timestamp string after TIMESTAMP AS OF");
    Next();
    relation->relation_options.emplace_back("timestampAsOf", value.value);
  }
}

PlanPtr SqlParser::ParseRelationSuffix(PlanPtr relation) {
  std::string alias;
  bool has_alias = false;
  if (AcceptWord("AS")) {
    alias = ParseIdentifier();
    has_alias = true;
  } else if (CanStartImplicitAlias(Peek())) {
    alias = ParseIdentifier();
    has_alias = true;
  }
  if (has_alias) {
    std::vector<std::string> columns;
    if (PeekOp("(")) columns = ParseIdentifierList();
    if (relation->kind == PlanKind::kInlineTable && !columns.empty()) {
      relation->column_names = std::move(columns);
      columns.clear();
    }
    PlanPtr node = MakePlan(PlanKind::kSubqueryAlias, {relation});
    node->alias = std::move(alias);
    node->column_names = std::move(columns);
    relation = node;
  }
  if (PeekWord("WATERMARK")) relation = ParseWatermark(relation);
  if (PeekWord("TABLESAMPLE"))
    ThrowParseErrorAt(Peek(), "[UNSUPPORTED_FEATURE] TABLESAMPLE is not supported");
  if (PeekWord("PIVOT") || PeekWord("UNPIVOT")) {
    ThrowParseErrorAt(Peek(), "[UNSUPPORTED_FEATURE] " + Peek().upper + " is not supported");
  }
  return relation;
}

PlanPtr SqlParser::ParseWatermark(PlanPtr relation) {
  ExpectWord("WATERMARK");
  ExprPtr event_time = ParseExpr();
  std::string name;
  if (AcceptWord("AS")) {
    name = ParseIdentifier();
  } else if (event_time->kind == ExprKind::kColumn && !event_time->name_parts.empty()) {
    name = event_time->name_parts.back();
  } else {
    name = event_time->ToSql();
  }
  ExpectWord("DELAY");
  ExpectWord("OF");
  int64_t delay = 0;
  const Token& t = Peek();
  if (PeekWord("INTERVAL")) {
    Next();
    delay = ParseIntervalMicros(t);
  } else if (t.kind == TokenKind::kString) {
    std::string text = ParseStringSequence();
    try {
      delay = ParseDurationMicros(text);
    } catch (const SluiceError& e) {
      ThrowParseErrorAt(t, std::string("[INVALID_INTERVAL_FORMAT] ") + e.what());
    }
  } else {
    Fail("expected an INTERVAL after DELAY OF");
  }
  if (delay < 0)
    ThrowParseErrorAt(t, "[INVALID_WATERMARK_DELAY] The watermark delay must not be negative");
  PlanPtr node = MakePlan(PlanKind::kWatermark, {relation});
  node->exprs.push_back(std::move(event_time));
  node->alias = std::move(name);
  node->delay_micros = delay;
  return node;
}

}  // namespace sluice
