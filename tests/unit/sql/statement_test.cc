#include <gtest/gtest.h>

#include "sluice/exception.h"
#include "sql/parser.h"

namespace sluice {
namespace {

TEST(StatementTest, SplitsOnSemicolons) {
  auto s = ParseStatements("SELECT 1; SELECT 'a;b' AS `x;y`; -- c;omment\n /* ; */ ;;  SELECT 2 ;");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].kind, StatementKind::kQuery);
  EXPECT_EQ(s[0].text, "SELECT 1");
  EXPECT_EQ(s[1].text, "SELECT 'a;b' AS `x;y`");
  ASSERT_EQ(s[1].plan->kind, PlanKind::kProject);
  EXPECT_EQ(s[1].plan->exprs[0]->name, "x;y");
  EXPECT_EQ(s[2].plan->exprs[0]->ToSql(), "2");
}

TEST(StatementTest, EmptyScript) {
  EXPECT_TRUE(ParseStatements("").empty());
  EXPECT_TRUE(ParseStatements(" ; ;\n -- only a comment\n").empty());
}

TEST(StatementTest, CreateView) {
  auto s = ParseStatements(
      "CREATE OR REPLACE TEMPORARY VIEW v (a, b COMMENT 'x') AS SELECT 1, 2;\n"
      "CREATE TEMP VIEW w AS SELECT * FROM t;\n"
      "create global temporary view g as select 1");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].kind, StatementKind::kCreateView);
  EXPECT_EQ(s[0].view_name, "v");
  EXPECT_TRUE(s[0].replace);
  EXPECT_FALSE(s[0].global);
  EXPECT_EQ(s[0].column_names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(s[0].plan->kind, PlanKind::kProject);
  EXPECT_EQ(s[1].view_name, "w");
  EXPECT_FALSE(s[1].replace);
  EXPECT_TRUE(s[1].column_names.empty());
  EXPECT_TRUE(s[2].global);
  EXPECT_EQ(s[2].view_name, "g");
  EXPECT_THROW(ParseStatements("CREATE VIEW v AS SELECT 1"), ParseError);
  EXPECT_THROW(ParseStatements("CREATE TEMP VIEW a.b AS SELECT 1"), ParseError);
  EXPECT_THROW(ParseStatements("CREATE TEMP VIEW v SELECT 1"), ParseError);
}

TEST(StatementTest, Set) {
  auto s = ParseStatements(
      "SET spark.sql.shuffle.partitions = 4; SET spark.sql.session.timeZone=America/Los_Angeles;"
      "SET x; SET");
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].kind, StatementKind::kSet);
  EXPECT_EQ(s[0].key, "spark.sql.shuffle.partitions");
  EXPECT_EQ(s[0].value, "4");
  EXPECT_TRUE(s[0].has_value);
  EXPECT_EQ(s[1].value, "America/Los_Angeles");
  EXPECT_EQ(s[2].key, "x");
  EXPECT_FALSE(s[2].has_value);
  EXPECT_TRUE(s[2].value.empty());
  EXPECT_EQ(s[3].kind, StatementKind::kSet);
  EXPECT_TRUE(s[3].key.empty());
  EXPECT_FALSE(s[3].has_value);
  auto v = ParseStatements("set a.b = 'x y' ");
  EXPECT_EQ(v[0].value, "'x y'");
}

TEST(StatementTest, Explain) {
  auto s = ParseStatements("EXPLAIN SELECT 1; EXPLAIN EXTENDED SELECT a FROM t");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].kind, StatementKind::kExplain);
  EXPECT_FALSE(s[0].extended);
  EXPECT_TRUE(s[1].extended);
  EXPECT_EQ(s[1].plan->kind, PlanKind::kProject);
}

TEST(StatementTest, QueriesOfAllShapes) {
  auto s = ParseStatements("WITH a AS (SELECT 1) SELECT * FROM a; VALUES (1); (SELECT 1)");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].plan->kind, PlanKind::kWith);
  EXPECT_EQ(s[1].plan->kind, PlanKind::kInlineTable);
  EXPECT_EQ(s[2].plan->kind, PlanKind::kProject);
}

TEST(StatementTest, ErrorPositionsAreScriptRelative) {
  try {
    ParseStatements("SELECT 1;\nSELECT a\nFROM WHERE");
    FAIL();
  } catch (const ParseError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("'WHERE'"), std::string::npos) << m;
    EXPECT_NE(m.find("line 3, column 6"), std::string::npos) << m;
  }
  try {
    ParseStatements("SELECT 1;\nSELECT 'abc;\n");
    FAIL();
  } catch (const ParseError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("line 2, column 8"), std::string::npos) << m;
  }
  try {
    ParseStatements("SELECT 1; /* never closed ; SELECT 2");
    FAIL();
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("line 1, column 11"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ParseStatements("DROP TABLE t"), ParseError);
  EXPECT_THROW(ParseStatements("SELECT 1 SELECT 2"), ParseError);
}

}  // namespace
}  // namespace sluice
