// Tests of the DataFrame script parser (src/testing/scenario/dataframe_script.h): the PySpark
// subset of `dataframe` directives, parsed to an AST without the engine.
#include "testing/scenario/dataframe_script.h"

#include <gtest/gtest.h>

#include "testing/scenario/scenario_file.h"

namespace sluice::scenario {
namespace {

DataFrameScript Parse(const std::vector<std::string>& lines, int first_line = 10) {
  std::vector<ScriptLine> sl;
  for (size_t i = 0; i < lines.size(); ++i) {
    sl.push_back(ScriptLine{first_line + static_cast<int>(i), lines[i]});
  }
  return ParseDataFrameScript(sl, "t.stest");
}

std::string ErrorOf(const std::vector<std::string>& lines) {
  try {
    Parse(lines);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

TEST(ScenarioDataFrameScriptTest, ChainWithContinuationLines) {
  DataFrameScript s = Parse({"events.withWatermark('ts', '10 seconds')", ".dropDuplicates(['id', \"ts\"])"});
  ASSERT_EQ(s.statements.size(), 1u);
  EXPECT_EQ(ScriptToString(s),
            "events.withWatermark('ts', '10 seconds').dropDuplicates(['id', 'ts'])");
  const ScriptNode& top = *s.statements[0].expr;
  EXPECT_EQ(top.kind, ScriptNode::Kind::kMethod);
  EXPECT_EQ(top.text, "dropDuplicates");
  EXPECT_EQ(top.line, 11);
  ASSERT_EQ(top.args.size(), 1u);
  EXPECT_EQ(top.args[0].value->kind, ScriptNode::Kind::kList);
  EXPECT_EQ(top.receiver->kind, ScriptNode::Kind::kMethod);
  EXPECT_EQ(top.receiver->receiver->kind, ScriptNode::Kind::kName);
  EXPECT_EQ(top.receiver->receiver->text, "events");
}

TEST(ScenarioDataFrameScriptTest, AssignmentsKeywordsLiteralsAndNestedCalls) {
  DataFrameScript s = Parse({
      "left = clicks.withColumn('ts', timestamp_seconds('v')).withWatermark('ts', '0 seconds')",
      "right = users.select(col('id').alias('uid'), lit(3), lit(-2.5), lit(True), lit(None))",
      "",
      "left.join(right, expr('id = uid'), how='left_outer')",
      "    .groupBy(window(col('ts'), '10 seconds'), 'k')",
      "    .agg(count('*').alias('n'),",
      "         sum('x').cast('long'))  # trailing comment",
  });
  ASSERT_EQ(s.statements.size(), 3u);
  EXPECT_EQ(s.statements[0].assign_to, "left");
  EXPECT_EQ(s.statements[1].assign_to, "right");
  EXPECT_TRUE(s.statements[2].assign_to.empty());
  EXPECT_EQ(s.statements[2].line, 13);
  EXPECT_EQ(ScriptToString(*s.statements[1].expr),
            "users.select(col('id').alias('uid'), lit(3), lit(-2.5), lit(True), lit(None))");
  EXPECT_EQ(ScriptToString(*s.statements[2].expr),
            "left.join(right, expr('id = uid'), how='left_outer').groupBy(window(col('ts'), '10 "
            "seconds'), 'k').agg(count('*').alias('n'), sum('x').cast('long'))");
  const ScriptNode& join = *s.statements[2].expr->receiver->receiver;
  EXPECT_EQ(join.text, "join");
  ASSERT_EQ(join.args.size(), 3u);
  EXPECT_EQ(join.args[2].keyword, "how");
  EXPECT_EQ(join.args[2].value->text, "left_outer");
  const ScriptNode& lit3 = *s.statements[1].expr->args[1].value->args[0].value;
  EXPECT_EQ(lit3.kind, ScriptNode::Kind::kInt);
  EXPECT_EQ(lit3.int_value, 3);
  const ScriptNode& litf = *s.statements[1].expr->args[2].value->args[0].value;
  EXPECT_EQ(litf.kind, ScriptNode::Kind::kFloat);
  EXPECT_DOUBLE_EQ(litf.float_value, -2.5);
}

TEST(ScenarioDataFrameScriptTest, StringsDictsSubscriptsAndModules) {
  DataFrameScript s = Parse({"t.select(F.col(\"a\\\"b\"), t['x'], r'\\d+', 'it\\'s').agg({'n': 'sum'})"});
  EXPECT_EQ(ScriptToString(s),
            "t.select(F.col('a\"b'), t['x'], '\\\\d+', 'it\\'s').agg({'n': 'sum'})");
  const ScriptNode& sel = *s.statements[0].expr->receiver;
  EXPECT_EQ(sel.args[2].value->text, "\\d+");
  EXPECT_EQ(sel.args[0].value->kind, ScriptNode::Kind::kMethod);
  EXPECT_EQ(sel.args[0].value->receiver->text, "F");
  EXPECT_EQ(sel.args[1].value->kind, ScriptNode::Kind::kIndex);
}

TEST(ScenarioDataFrameScriptTest, BackslashContinuationAndTrailingComma) {
  DataFrameScript s = Parse({"events \\", "  .select('a', 'b',)"});
  EXPECT_EQ(ScriptToString(s), "events.select('a', 'b')");
}

TEST(ScenarioDataFrameScriptTest, ErrorsNameTheLine) {
  EXPECT_EQ(ErrorOf({"events.select('a'", "x"}).substr(0, 10), "t.stest:11");
  EXPECT_NE(ErrorOf({"events.select('a)"}).find("t.stest:10: dataframe: unterminated string"),
            std::string::npos);
  EXPECT_NE(ErrorOf({"a = events"}).find("t.stest:10: dataframe: the last line"), std::string::npos);
  EXPECT_NE(ErrorOf({"events", "other.select('x') extra"}).find("t.stest:11:"), std::string::npos);
  EXPECT_NE(ErrorOf({"events.filter(col('a') > 1)"}).find("t.stest:10:"), std::string::npos);
  EXPECT_NE(ErrorOf({"events.filter(col('a') == 1)"}).find("expr("), std::string::npos);
  EXPECT_NE(ErrorOf({"events.f(a=1, 2)"}).find("positional argument after a keyword"),
            std::string::npos);
  EXPECT_NE(ErrorOf({"events.", "x"}).find("t.stest:10:"), std::string::npos);
}

}  // namespace
}  // namespace sluice::scenario
