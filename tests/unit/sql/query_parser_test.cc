#include <gtest/gtest.h>

#include "sluice/exception.h"
#include "sql/parser.h"
#include "types/datetime.h"

namespace sluice {
namespace {

std::vector<std::string> Names(const std::vector<ExprPtr>& exprs) {
  std::vector<std::string> out;
  for (const auto& e : exprs) out.push_back(e->ToSql());
  return out;
}

using Parts = std::vector<std::string>;

TEST(QueryParserTest, SimpleSelect) {
  PlanPtr p = ParseQuery("SELECT a, b AS c FROM t");
  ASSERT_EQ(p->kind, PlanKind::kProject);
  EXPECT_EQ(Names(p->exprs), (Parts{"a", "c"}));
  ASSERT_EQ(p->children.size(), 1u);
  EXPECT_EQ(p->children[0]->kind, PlanKind::kUnresolvedRelation);
  EXPECT_EQ(p->children[0]->name_parts, (Parts{"t"}));
}

TEST(QueryParserTest, KeywordsAreCaseInsensitive) {
  PlanPtr p = ParseQuery("select A from T where A > 1");
  ASSERT_EQ(p->kind, PlanKind::kProject);
  EXPECT_EQ(p->children[0]->kind, PlanKind::kFilter);
  EXPECT_EQ(p->exprs[0]->name_parts, (Parts{"A"}));
}

TEST(QueryParserTest, FullPipelineShape) {
  PlanPtr p = ParseQuery(
      "SELECT DISTINCT k, count(*) AS n FROM t WHERE v > 0 GROUP BY k HAVING count(*) > 1 "
      "ORDER BY n DESC, k LIMIT 10");
  ASSERT_EQ(p->kind, PlanKind::kLimit);
  EXPECT_EQ(p->limit, 10);
  PlanPtr sort = p->children[0];
  ASSERT_EQ(sort->kind, PlanKind::kSort);
  ASSERT_EQ(sort->exprs.size(), 2u);
  EXPECT_FALSE(sort->exprs[0]->ascending);
  EXPECT_FALSE(sort->exprs[0]->nulls_first);
  EXPECT_TRUE(sort->exprs[1]->ascending);
  EXPECT_TRUE(sort->exprs[1]->nulls_first);
  PlanPtr distinct = sort->children[0];
  ASSERT_EQ(distinct->kind, PlanKind::kDistinct);
  PlanPtr having = distinct->children[0];
  ASSERT_EQ(having->kind, PlanKind::kFilter);
  EXPECT_EQ(having->condition->ToSql(), "(count(1) > 1)");
  PlanPtr agg = having->children[0];
  ASSERT_EQ(agg->kind, PlanKind::kAggregate);
  EXPECT_EQ(Names(agg->exprs), (Parts{"k", "n"}));
  EXPECT_EQ(Names(agg->group_by), (Parts{"k"}));
  PlanPtr where = agg->children[0];
  ASSERT_EQ(where->kind, PlanKind::kFilter);
  EXPECT_EQ(where->condition->ToSql(), "(v > 0)");
  EXPECT_EQ(where->children[0]->kind, PlanKind::kUnresolvedRelation);
}

TEST(QueryParserTest, HavingWithoutGroupBy) {
  PlanPtr p = ParseQuery("SELECT sum(x) FROM t HAVING sum(x) > 1");
  ASSERT_EQ(p->kind, PlanKind::kFilter);
  ASSERT_EQ(p->children[0]->kind, PlanKind::kAggregate);
  EXPECT_TRUE(p->children[0]->group_by.empty());
}

TEST(QueryParserTest, AggregatesWithoutGroupByStayProject) {
  PlanPtr p = ParseQuery("SELECT count(*) FROM t");
  EXPECT_EQ(p->kind, PlanKind::kProject);
}

TEST(QueryParserTest, GroupByAll) {
  PlanPtr p = ParseQuery("SELECT k, sum(v) FROM t GROUP BY ALL");
  ASSERT_EQ(p->kind, PlanKind::kAggregate);
  ASSERT_EQ(p->group_by.size(), 1u);
  EXPECT_EQ(p->group_by[0]->kind, ExprKind::kColumn);
  EXPECT_EQ(p->group_by[0]->name_parts, (Parts{"ALL"}));
}

TEST(QueryParserTest, OrderByNulls) {
  PlanPtr p = ParseQuery("SELECT a FROM t ORDER BY a ASC NULLS LAST, b DESC NULLS FIRST");
  ASSERT_EQ(p->kind, PlanKind::kSort);
  EXPECT_TRUE(p->exprs[0]->ascending);
  EXPECT_FALSE(p->exprs[0]->nulls_first);
  EXPECT_FALSE(p->exprs[1]->ascending);
  EXPECT_TRUE(p->exprs[1]->nulls_first);
  EXPECT_EQ(p->exprs[0]->ToSql(), "a ASC NULLS LAST");
}

TEST(QueryParserTest, SelectWithoutFrom) {
  PlanPtr p = ParseQuery("SELECT 1 AS one, 'x'");
  ASSERT_EQ(p->kind, PlanKind::kProject);
  PlanPtr child = p->children[0];
  ASSERT_EQ(child->kind, PlanKind::kInlineTable);
  ASSERT_EQ(child->rows.size(), 1u);
  EXPECT_TRUE(child->rows[0].empty());
}

TEST(QueryParserTest, Joins) {
  struct Case {
    const char* sql;
    JoinType type;
  } cases[] = {
      {"SELECT * FROM a JOIN b ON a.x = b.x", JoinType::kInner},
      {"SELECT * FROM a INNER JOIN b ON a.x = b.x", JoinType::kInner},
      {"SELECT * FROM a LEFT JOIN b ON a.x = b.x", JoinType::kLeftOuter},
      {"SELECT * FROM a LEFT OUTER JOIN b ON a.x = b.x", JoinType::kLeftOuter},
      {"SELECT * FROM a RIGHT JOIN b ON a.x = b.x", JoinType::kRightOuter},
      {"SELECT * FROM a RIGHT OUTER JOIN b ON a.x = b.x", JoinType::kRightOuter},
      {"SELECT * FROM a FULL JOIN b ON a.x = b.x", JoinType::kFullOuter},
      {"SELECT * FROM a FULL OUTER JOIN b ON a.x = b.x", JoinType::kFullOuter},
      {"SELECT * FROM a LEFT SEMI JOIN b ON a.x = b.x", JoinType::kLeftSemi},
      {"SELECT * FROM a SEMI JOIN b ON a.x = b.x", JoinType::kLeftSemi},
      {"SELECT * FROM a LEFT ANTI JOIN b ON a.x = b.x", JoinType::kLeftAnti},
      {"SELECT * FROM a ANTI JOIN b ON a.x = b.x", JoinType::kLeftAnti},
  };
  for (const auto& c : cases) {
    PlanPtr p = ParseQuery(c.sql);
    PlanPtr j = p->children[0];
    ASSERT_EQ(j->kind, PlanKind::kJoin) << c.sql;
    EXPECT_EQ(j->join_type, c.type) << c.sql;
    ASSERT_TRUE(j->condition) << c.sql;
    EXPECT_EQ(j->condition->ToString(), "=('a.x, 'b.x)") << c.sql;
  }
}

TEST(QueryParserTest, CrossAndCommaJoins) {
  PlanPtr p = ParseQuery("SELECT * FROM a CROSS JOIN b");
  EXPECT_EQ(p->children[0]->join_type, JoinType::kCross);
  EXPECT_FALSE(p->children[0]->condition);
  PlanPtr c = ParseQuery("SELECT * FROM a, b, c");
  PlanPtr j = c->children[0];
  ASSERT_EQ(j->kind, PlanKind::kJoin);
  EXPECT_EQ(j->join_type, JoinType::kCross);
  EXPECT_EQ(j->children[0]->kind, PlanKind::kJoin);
  EXPECT_EQ(j->children[1]->name_parts, (Parts{"c"}));
}

TEST(QueryParserTest, JoinUsingAndChains) {
  PlanPtr p = ParseQuery("SELECT * FROM a JOIN b USING (id, k) LEFT JOIN c ON b.id = c.id");
  PlanPtr top = p->children[0];
  ASSERT_EQ(top->kind, PlanKind::kJoin);
  EXPECT_EQ(top->join_type, JoinType::kLeftOuter);
  PlanPtr inner = top->children[0];
  ASSERT_EQ(inner->kind, PlanKind::kJoin);
  EXPECT_EQ(inner->using_columns, (Parts{"id", "k"}));
  EXPECT_FALSE(inner->condition);
}

TEST(QueryParserTest, RelationAliases) {
  PlanPtr p = ParseQuery("SELECT c.page FROM clicks c JOIN users AS u ON c.uid = u.id");
  PlanPtr j = p->children[0];
  ASSERT_EQ(j->children[0]->kind, PlanKind::kSubqueryAlias);
  EXPECT_EQ(j->children[0]->alias, "c");
  EXPECT_EQ(j->children[0]->children[0]->name_parts, (Parts{"clicks"}));
  EXPECT_EQ(j->children[1]->alias, "u");
  EXPECT_EQ(p->exprs[0]->ToSql(), "page");
}

TEST(QueryParserTest, MultipartAndPathRelations) {
  PlanPtr p = ParseQuery("SELECT * FROM db.tbl");
  EXPECT_EQ(p->children[0]->name_parts, (Parts{"db", "tbl"}));
  PlanPtr j = ParseQuery("SELECT * FROM json.`/data/in.json`");
  EXPECT_EQ(j->children[0]->kind, PlanKind::kUnresolvedRelation);
  EXPECT_EQ(j->children[0]->name_parts, (Parts{"json", "/data/in.json"}));
  PlanPtr d = ParseQuery("SELECT * FROM delta.`/tmp/t` AS x");
  EXPECT_EQ(d->children[0]->kind, PlanKind::kSubqueryAlias);
  EXPECT_EQ(d->children[0]->children[0]->name_parts, (Parts{"delta", "/tmp/t"}));
}

TEST(QueryParserTest, Subqueries) {
  PlanPtr p = ParseQuery("SELECT s.a FROM (SELECT a FROM t) AS s (x)");
  PlanPtr alias = p->children[0];
  ASSERT_EQ(alias->kind, PlanKind::kSubqueryAlias);
  EXPECT_EQ(alias->alias, "s");
  EXPECT_EQ(alias->column_names, (Parts{"x"}));
  EXPECT_EQ(alias->children[0]->kind, PlanKind::kProject);
  PlanPtr noalias = ParseQuery("SELECT * FROM (SELECT 1)");
  EXPECT_EQ(noalias->children[0]->kind, PlanKind::kProject);
  PlanPtr nested = ParseQuery("SELECT * FROM (a JOIN b ON a.x = b.x)");
  EXPECT_EQ(nested->children[0]->kind, PlanKind::kJoin);
}

TEST(QueryParserTest, TableFunction) {
  PlanPtr p =
      ParseQuery("SELECT * FROM read_kafka(bootstrapServers => 'h:9092', subscribe => 't') k");
  PlanPtr alias = p->children[0];
  ASSERT_EQ(alias->kind, PlanKind::kSubqueryAlias);
  PlanPtr f = alias->children[0];
  ASSERT_EQ(f->kind, PlanKind::kTableFunction);
  EXPECT_EQ(f->name, "read_kafka");
  ASSERT_EQ(f->exprs.size(), 2u);
  EXPECT_EQ(f->exprs[0]->kind, ExprKind::kAlias);
  EXPECT_EQ(f->exprs[0]->name, "bootstrapServers");
  PlanPtr r = ParseQuery("SELECT * FROM range(10)");
  EXPECT_EQ(r->children[0]->kind, PlanKind::kTableFunction);
  EXPECT_EQ(r->children[0]->exprs[0]->literal.GetInt64(), 10);
}

TEST(QueryParserTest, InlineTables) {
  PlanPtr p = ParseQuery("VALUES (1, 'a'), (2, 'b')");
  ASSERT_EQ(p->kind, PlanKind::kInlineTable);
  ASSERT_EQ(p->rows.size(), 2u);
  EXPECT_EQ(p->rows[1][1]->literal.GetString(), "b");
  PlanPtr named = ParseQuery("SELECT a FROM VALUES (1, 'x'), (2, 'y') AS t(a, b)");
  PlanPtr alias = named->children[0];
  ASSERT_EQ(alias->kind, PlanKind::kSubqueryAlias);
  EXPECT_EQ(alias->alias, "t");
  PlanPtr table = alias->children[0];
  ASSERT_EQ(table->kind, PlanKind::kInlineTable);
  EXPECT_EQ(table->column_names, (Parts{"a", "b"}));
  PlanPtr single = ParseQuery("VALUES 1, 2, 3");
  EXPECT_EQ(single->rows.size(), 3u);
  EXPECT_EQ(single->rows[0].size(), 1u);
  PlanPtr expr_row = ParseQuery("VALUES (1 + 2) * 3");
  ASSERT_EQ(expr_row->rows.size(), 1u);
  EXPECT_EQ(expr_row->rows[0][0]->ToSql(), "((1 + 2) * 3)");
  PlanPtr bare_alias = ParseQuery("VALUES (1, 2) AS t(x, y)");
  EXPECT_EQ(bare_alias->kind, PlanKind::kSubqueryAlias);
  EXPECT_THROW(ParseQuery("VALUES (1, 2), (3)"), ParseError);
}

TEST(QueryParserTest, Unions) {
  PlanPtr p = ParseQuery("SELECT a FROM x UNION ALL SELECT a FROM y UNION ALL SELECT a FROM z");
  ASSERT_EQ(p->kind, PlanKind::kUnion);
  EXPECT_FALSE(p->distinct);
  EXPECT_EQ(p->children.size(), 3u);
  PlanPtr d = ParseQuery("SELECT a FROM x UNION SELECT a FROM y");
  EXPECT_TRUE(d->distinct);
  PlanPtr dd = ParseQuery("SELECT a FROM x UNION DISTINCT SELECT a FROM y");
  EXPECT_TRUE(dd->distinct);
  PlanPtr mixed = ParseQuery("SELECT 1 UNION SELECT 2 UNION ALL SELECT 3");
  ASSERT_EQ(mixed->kind, PlanKind::kUnion);
  EXPECT_FALSE(mixed->distinct);
  ASSERT_EQ(mixed->children.size(), 2u);
  EXPECT_TRUE(mixed->children[0]->distinct);
  PlanPtr ordered = ParseQuery("SELECT a FROM x UNION ALL SELECT a FROM y ORDER BY a LIMIT 3");
  ASSERT_EQ(ordered->kind, PlanKind::kLimit);
  EXPECT_EQ(ordered->children[0]->kind, PlanKind::kSort);
  EXPECT_EQ(ordered->children[0]->children[0]->kind, PlanKind::kUnion);
  PlanPtr paren = ParseQuery("(SELECT a FROM x LIMIT 1) UNION ALL (SELECT a FROM y)");
  ASSERT_EQ(paren->kind, PlanKind::kUnion);
  EXPECT_EQ(paren->children[0]->kind, PlanKind::kLimit);
  EXPECT_THROW(ParseQuery("SELECT 1 INTERSECT SELECT 2"), ParseError);
}

TEST(QueryParserTest, CommonTableExpressions) {
  PlanPtr p = ParseQuery("WITH a AS (SELECT 1 AS x), b (y) AS (SELECT x FROM a) SELECT y FROM b");
  ASSERT_EQ(p->kind, PlanKind::kWith);
  ASSERT_EQ(p->ctes.size(), 2u);
  EXPECT_EQ(p->ctes[0].first, "a");
  EXPECT_EQ(p->ctes[0].second->kind, PlanKind::kSubqueryAlias);
  EXPECT_EQ(p->ctes[0].second->alias, "a");
  EXPECT_EQ(p->ctes[1].second->column_names, (Parts{"y"}));
  EXPECT_EQ(p->children[0]->kind, PlanKind::kProject);
  EXPECT_THROW(ParseQuery("WITH a AS (SELECT 1), a AS (SELECT 2) SELECT * FROM a"), ParseError);
}

TEST(QueryParserTest, Watermark) {
  PlanPtr p = ParseQuery("SELECT * FROM events WATERMARK ts DELAY OF INTERVAL 10 SECONDS");
  PlanPtr w = p->children[0];
  ASSERT_EQ(w->kind, PlanKind::kWatermark);
  EXPECT_EQ(w->alias, "ts");
  EXPECT_EQ(w->delay_micros, 10 * kMicrosPerSecond);
  ASSERT_EQ(w->exprs.size(), 1u);
  EXPECT_EQ(w->exprs[0]->kind, ExprKind::kColumn);
  EXPECT_EQ(w->children[0]->kind, PlanKind::kUnresolvedRelation);

  PlanPtr e = ParseQuery(
      "SELECT * FROM events WATERMARK timestamp_seconds(v) AS ts DELAY OF INTERVAL 1 MINUTE 30 "
      "SECONDS "
      "WHERE v > 0");
  ASSERT_EQ(e->children[0]->kind, PlanKind::kFilter);
  PlanPtr w2 = e->children[0]->children[0];
  ASSERT_EQ(w2->kind, PlanKind::kWatermark);
  EXPECT_EQ(w2->alias, "ts");
  EXPECT_EQ(w2->exprs[0]->name, "timestamp_seconds");
  EXPECT_EQ(w2->delay_micros, 90 * kMicrosPerSecond);

  PlanPtr a = ParseQuery(
      "SELECT * FROM events e WATERMARK e.ts DELAY OF INTERVAL 5 SECONDS JOIN users u ON e.u = "
      "u.id");
  PlanPtr j = a->children[0];
  ASSERT_EQ(j->kind, PlanKind::kJoin);
  PlanPtr w3 = j->children[0];
  ASSERT_EQ(w3->kind, PlanKind::kWatermark);
  EXPECT_EQ(w3->alias, "ts");
  EXPECT_EQ(w3->children[0]->kind, PlanKind::kSubqueryAlias);
  EXPECT_EQ(w3->children[0]->alias, "e");
  EXPECT_THROW(ParseQuery("SELECT * FROM events WATERMARK ts DELAY 10"), ParseError);
}

TEST(QueryParserTest, BroadcastHint) {
  PlanPtr p = ParseQuery("SELECT /*+ BROADCAST(u) */ * FROM events e JOIN users u ON e.u = u.id");
  PlanPtr j = p->children[0];
  EXPECT_FALSE(j->children[0]->broadcast_hint);
  EXPECT_TRUE(j->children[1]->broadcast_hint);
  PlanPtr q = ParseQuery("SELECT /*+ MAPJOIN(dim) */ * FROM facts JOIN dim ON facts.k = dim.k");
  EXPECT_TRUE(q->children[0]->children[1]->broadcast_hint);
  EXPECT_NO_THROW(ParseQuery("SELECT /*+ REPARTITION(3) */ * FROM t"));
}

TEST(QueryParserTest, LimitForms) {
  EXPECT_EQ(ParseQuery("SELECT * FROM t LIMIT 0")->limit, 0);
  EXPECT_EQ(ParseQuery("SELECT * FROM t LIMIT ALL")->kind, PlanKind::kProject);
  EXPECT_THROW(ParseQuery("SELECT * FROM t LIMIT -1"), ParseError);
  EXPECT_THROW(ParseQuery("SELECT * FROM t LIMIT x"), ParseError);
}

TEST(QueryParserTest, TrailingSemicolonAllowed) {
  EXPECT_NO_THROW(ParseQuery("SELECT 1;"));
  EXPECT_THROW(ParseQuery("SELECT 1; SELECT 2"), ParseError);
}

TEST(QueryParserTest, ErrorPositions) {
  try {
    ParseQuery("SELECT a FROM");
    FAIL();
  } catch (const ParseError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("[PARSE_SYNTAX_ERROR]"), std::string::npos) << m;
    EXPECT_NE(m.find("line 1, column 14"), std::string::npos) << m;
  }
  try {
    ParseQuery("SELECT a,\n  FROM t");
    FAIL();
  } catch (const ParseError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("'FROM'"), std::string::npos) << m;
    EXPECT_NE(m.find("line 2, column 3"), std::string::npos) << m;
  }
  try {
    ParseQuery("SELECT a FROM t WHERE");
    FAIL();
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("end of input"), std::string::npos);
  }
  try {
    ParseQuery("SELECT a FROM t GROUP k");
    FAIL();
  } catch (const ParseError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("'k'"), std::string::npos) << m;
    EXPECT_NE(m.find("line 1, column 23"), std::string::npos) << m;
  }
  EXPECT_THROW(ParseQuery("SELECT FROM t"), ParseError);
  EXPECT_THROW(ParseQuery("SELECT a FROM t WHERE x = 1 WHERE y = 2"), ParseError);
  EXPECT_THROW(ParseQuery("SELECT a FROM t LEFT t2"), ParseError);
  EXPECT_THROW(ParseQuery("FROM t SELECT a"), ParseError);
  EXPECT_THROW(ParseQuery(""), ParseError);
}

TEST(QueryParserTest, PlanToString) {
  PlanPtr p = ParseQuery("SELECT a FROM t JOIN u ON t.k = u.k WHERE a > 1");
  std::string s = p->ToString();
  EXPECT_NE(s.find("Project ['a]"), std::string::npos) << s;
  EXPECT_NE(s.find("+- Filter >('a, 1)"), std::string::npos) << s;
  EXPECT_NE(s.find("Join Inner"), std::string::npos) << s;
  EXPECT_NE(s.find(":- 'UnresolvedRelation [t]"), std::string::npos) << s;
  EXPECT_NE(s.find("+- 'UnresolvedRelation [u]"), std::string::npos) << s;
}

}  // namespace
}  // namespace sluice
