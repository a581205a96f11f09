// Expr::ToSql must reproduce Spark's auto-generated column names.
#include <gtest/gtest.h>

#include "sluice/exception.h"
#include "sql/parser.h"
#include "types/datetime.h"

namespace sluice {
namespace {

std::string Sql(std::string_view text) { return ParseExpression(text)->ToSql(); }

TEST(ToSqlTest, Columns) {
  EXPECT_EQ(Sql("amount"), "amount");
  EXPECT_EQ(Sql("data.amount"), "amount");
  EXPECT_EQ(Sql("c.page"), "page");
  EXPECT_EQ(Sql("`my col`"), "my col");
}

TEST(ToSqlTest, Arithmetic) {
  EXPECT_EQ(Sql("amount * 2"), "(amount * 2)");
  EXPECT_EQ(Sql("a + b"), "(a + b)");
  EXPECT_EQ(Sql("-x"), "(- x)");
  EXPECT_EQ(Sql("a % 3"), "(a % 3)");
  EXPECT_EQ(Sql("a / 2.0"), "(a / 2.0)");
}

TEST(ToSqlTest, Boolean) {
  EXPECT_EQ(Sql("NOT a"), "(NOT a)");
  EXPECT_EQ(Sql("a > 1"), "(a > 1)");
  EXPECT_EQ(Sql("a AND b"), "(a AND b)");
  EXPECT_EQ(Sql("a OR b"), "(a OR b)");
  EXPECT_EQ(Sql("a <=> b"), "(a <=> b)");
}

TEST(ToSqlTest, Functions) {
  EXPECT_EQ(Sql("hour(ts)"), "hour(ts)");
  EXPECT_EQ(Sql("count(*)"), "count(1)");
  EXPECT_EQ(Sql("COUNT(*)"), "count(1)");
  EXPECT_EQ(Sql("count(DISTINCT x)"), "count(DISTINCT x)");
  EXPECT_EQ(Sql("sum(amount)"), "sum(amount)");
  EXPECT_EQ(Sql("lower(user)"), "lower(user)");
  EXPECT_EQ(Sql("a || b"), "concat(a, b)");
  EXPECT_EQ(Sql("max(a + 1)"), "max((a + 1))");
}

TEST(ToSqlTest, Literals) {
  EXPECT_EQ(Sql("1"), "1");
  EXPECT_EQ(Sql("'x'"), "x");
  EXPECT_EQ(Sql("1.5"), "1.5");
  EXPECT_EQ(Sql("1.50"), "1.50");
  EXPECT_EQ(Sql("NULL"), "NULL");
  EXPECT_EQ(Sql("true"), "true");
  EXPECT_EQ(Sql("FALSE"), "false");
  EXPECT_EQ(Sql("1L"), "1");
  EXPECT_EQ(Sql("-1"), "-1");
  EXPECT_EQ(Sql("1e3"), "1000.0");
  EXPECT_EQ(Sql("2.5D"), "2.5");
  EXPECT_EQ(Sql("DATE '2024-01-05'"), "DATE '2024-01-05'");
  EXPECT_EQ(Sql("TIMESTAMP '2024-01-01 10:00:00'"), "TIMESTAMP '2024-01-01 10:00:00'");
  EXPECT_EQ(Sql("X'0a1B'"), "X'0A1B'");
  EXPECT_EQ(Sql("INTERVAL 5 MINUTES"), "INTERVAL '0 00:05:00' DAY TO SECOND");
  EXPECT_EQ(Sql("INTERVAL 5 MINUTES"), FormatInterval(5 * kMicrosPerMinute));
}

TEST(ToSqlTest, CastsAndPredicates) {
  EXPECT_EQ(Sql("CAST(x AS INT)"), "CAST(x AS INT)");
  EXPECT_EQ(Sql("cast(x as string)"), "CAST(x AS STRING)");
  EXPECT_EQ(Sql("x::double"), "CAST(x AS DOUBLE)");
  EXPECT_EQ(Sql("x IS NULL"), "(x IS NULL)");
  EXPECT_EQ(Sql("x IS NOT NULL"), "(x IS NOT NULL)");
  EXPECT_EQ(Sql("x IN (1, 2)"), "(x IN (1, 2))");
  EXPECT_EQ(Sql("x LIKE 'a%'"), "x LIKE a%");
  EXPECT_EQ(Sql("x LIKE 'a!%' ESCAPE '!'"), "x LIKE a!% ESCAPE '!'");
  EXPECT_EQ(Sql("CASE WHEN x > 1 THEN a ELSE b END"), "CASE WHEN (x > 1) THEN a ELSE b END");
  EXPECT_EQ(Sql("x AS y"), "y");
}

TEST(ToSqlTest, MakeColumnSplitsDottedNames) {
  EXPECT_EQ(MakeColumn("a.b")->name_parts, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(MakeColumn("`a.b`.c")->name_parts, (std::vector<std::string>{"a.b", "c"}));
  EXPECT_EQ(MakeColumn("`a``b`")->name_parts, (std::vector<std::string>{"a`b"}));
  EXPECT_EQ(MakeColumn("plain")->ToSql(), "plain");
  EXPECT_THROW(MakeColumn("a`b`"), AnalysisError);
  EXPECT_THROW(MakeColumn("`a"), AnalysisError);
}

TEST(ToSqlTest, HelpersRender) {
  EXPECT_EQ(MakeBoundColumn(2, IntegerType(), "k")->ToSql(), "k");
  EXPECT_EQ(MakeBoundColumn(2, IntegerType(), "k")->ToString(), "k#2");
  EXPECT_EQ(MakeStar()->ToSql(), "*");
  EXPECT_EQ(MakeCall("count", {MakeStar()})->ToSql(), "count(1)");
  EXPECT_EQ(MakeCast(MakeColumn("x"), LongType(), true)->ToSql(), "TRY_CAST(x AS BIGINT)");
  EXPECT_EQ(MakeSortOrder(MakeColumn("x"), false, false)->ToSql(), "x DESC NULLS LAST");
  auto gf = std::make_shared<Expr>(ExprKind::kGetField);
  gf->children.push_back(MakeColumn("data"));
  gf->name = "amount";
  EXPECT_EQ(gf->ToSql(), "data.amount");
}

}  // namespace
}  // namespace sluice
