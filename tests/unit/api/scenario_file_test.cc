// Tests of the scenario file parser (src/testing/scenario/scenario_file.h): every directive, the
// lexical rules, and errors that name file and line.
#include "testing/scenario/scenario_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace sluice::scenario {
namespace {

std::string ErrorOf(const std::string& text) {
  try {
    ParseScenario(text, "t.stest");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

TEST(ScenarioFileTest, ParsesEveryDirective) {
  const std::string text =
      "# name: group/all\n"
      "# description: first line\n"
      "# second line\n"
      "conf spark.sql.shuffle.partitions 2\n"
      "\n"
      "stream events (ts TIMESTAMP, k STRING)\n"
      "\n"
      "table users(id INT, name STRING)\n"
      "1\tann\n"
      "2\tbob\n"
      "\n"
      "query q append processing-time 10 seconds\n"
      "SELECT k\n"
      "FROM events\n"
      "\n"
      "dataframe d update once\n"
      "events.groupBy('k')\n"
      ".count()\n"
      "\n"
      "query bad complete available-now\n"
      "SELECT 1\n"
      "\n"
      "error bad first thing\n"
      "\n"
      "error bad second\n"
      "\n"
      "add events\n"
      "2024-01-01 00:00:01\ta\n"
      "\n"
      "check q\n"
      "----\n"
      "a\n"
      "\n"
      "check-ordered q\n"
      "----\n"
      "\n"
      "check-all q\n"
      "----\n"
      "a\n"
      "\n"
      "advance-clock 5s\n"
      "\n"
      "restart q\n"
      "\n"
      "metric q eventTime.watermark 2024-01-01 00:00:00\n"
      "\n"
      "metric-data q numInputRows 1\n"
      "\n"
      "metric-sum q stateOperators.0.numRowsUpdated 3\n"
      "\n"
      "expect-fail q divide by zero\n";
  ScenarioFile f = ParseScenario(text, "t.stest");
  EXPECT_EQ(f.name, "group/all");
  EXPECT_EQ(f.description, "first line second line");
  ASSERT_EQ(f.directives.size(), 18u);
  const auto& d = f.directives;
  EXPECT_EQ(d[0].kind, DirectiveKind::kConf);
  EXPECT_EQ(d[0].name, "spark.sql.shuffle.partitions");
  EXPECT_EQ(d[0].value, "2");
  EXPECT_EQ(d[0].line, 4);
  EXPECT_EQ(d[1].kind, DirectiveKind::kStream);
  EXPECT_EQ(d[1].name, "events");
  EXPECT_EQ(d[1].schema_ddl, "ts TIMESTAMP, k STRING");
  EXPECT_EQ(d[2].kind, DirectiveKind::kTable);
  EXPECT_EQ(d[2].name, "users");
  ASSERT_EQ(d[2].rows.size(), 2u);
  EXPECT_EQ(d[2].rows[1].cells, (std::vector<std::string>{"2", "bob"}));
  EXPECT_EQ(d[2].rows[1].line, 10);
  EXPECT_EQ(d[3].kind, DirectiveKind::kQuery);
  EXPECT_EQ(d[3].output_mode, "append");
  EXPECT_EQ(d[3].trigger, TriggerKind::kProcessingTime);
  EXPECT_EQ(d[3].micros, 10000000);
  ASSERT_EQ(d[3].body.size(), 2u);
  EXPECT_EQ(d[3].body[1].text, "FROM events");
  EXPECT_EQ(d[3].body[1].line, 14);
  EXPECT_EQ(d[4].kind, DirectiveKind::kDataFrame);
  EXPECT_EQ(d[4].trigger, TriggerKind::kOnce);
  EXPECT_EQ(d[4].output_mode, "update");
  EXPECT_EQ(d[5].trigger, TriggerKind::kAvailableNow);
  EXPECT_EQ(d[5].expected_errors, (std::vector<std::string>{"first thing", "second"}));
  EXPECT_EQ(d[6].kind, DirectiveKind::kError);
  EXPECT_EQ(d[8].kind, DirectiveKind::kAdd);
  EXPECT_EQ(d[8].rows[0].cells, (std::vector<std::string>{"2024-01-01 00:00:01", "a"}));
  EXPECT_EQ(d[9].kind, DirectiveKind::kCheck);
  EXPECT_EQ(d[9].rows.size(), 1u);
  EXPECT_EQ(d[10].kind, DirectiveKind::kCheckOrdered);
  EXPECT_TRUE(d[10].rows.empty());
  EXPECT_EQ(d[11].kind, DirectiveKind::kCheckAll);
  EXPECT_EQ(d[12].kind, DirectiveKind::kAdvanceClock);
  EXPECT_EQ(d[12].micros, 5000000);
  EXPECT_EQ(d[13].kind, DirectiveKind::kRestart);
  EXPECT_EQ(d[14].kind, DirectiveKind::kMetric);
  EXPECT_EQ(d[14].metric_path, "eventTime.watermark");
  EXPECT_EQ(d[14].value, "2024-01-01 00:00:00");
  EXPECT_EQ(d[15].kind, DirectiveKind::kMetricData);
  EXPECT_EQ(d[16].kind, DirectiveKind::kMetricSum);
  EXPECT_EQ(d[16].value, "3");
  EXPECT_EQ(d[17].kind, DirectiveKind::kExpectFail);
  EXPECT_EQ(d[17].value, "divide by zero");
}

TEST(ScenarioFileTest, RowsKeepEmptyCellsAndCommentsAreSkipped) {
  ScenarioFile f = ParseScenario(
      "stream s (a STRING, b STRING)\n\nadd s\n# a comment inside\n\tx\n  y\t\n", "t.stest");
  ASSERT_EQ(f.directives.size(), 2u);
  const auto& rows = f.directives[1].rows;
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].cells, (std::vector<std::string>{"", "x"}));
  EXPECT_EQ(rows[1].cells, (std::vector<std::string>{"  y", ""}));
  EXPECT_EQ(rows[1].line, 6);
}

TEST(ScenarioFileTest, CrLfAndBareCheck) {
  ScenarioFile f =
      ParseScenario("stream s (a INT)\r\n\r\nquery q append\r\nSELECT a FROM s\r\n\r\ncheck q\r\n", "x");
  ASSERT_EQ(f.directives.size(), 3u);
  EXPECT_EQ(f.directives[1].body[0].text, "SELECT a FROM s");
  EXPECT_TRUE(f.directives[2].rows.empty());
}

TEST(ScenarioFileTest, NoBodyDirectivesMayShareABlock) {
  ScenarioFile f = ParseScenario(
      "stream s (a INT)\nquery q append\nSELECT a FROM s\n\nadvance-clock 1 s\nrestart q\n", "x");
  ASSERT_EQ(f.directives.size(), 4u);
  EXPECT_EQ(f.directives[3].kind, DirectiveKind::kRestart);
}

TEST(ScenarioFileTest, ErrorsNameFileAndLine) {
  EXPECT_EQ(ErrorOf("stream s (a INT)\n\nfrobnicate s\n"), "t.stest:3: unknown directive 'frobnicate'");
  EXPECT_NE(ErrorOf("stream s a INT\n").find("t.stest:1:"), std::string::npos);
  EXPECT_NE(ErrorOf("stream s (a INT)\n\nquery q sideways\nSELECT 1\n").find("t.stest:3: query"),
            std::string::npos);
  EXPECT_NE(ErrorOf("stream s (a INT)\n\nquery q append\n").find("t.stest:3:"), std::string::npos);
  EXPECT_NE(ErrorOf("stream s (a INT)\n\nquery q append hourly\nSELECT 1\n").find("unknown trigger"),
            std::string::npos);
  EXPECT_NE(ErrorOf("stream s (a INT)\n\nadd t\n1\n").find("t.stest:3: add"), std::string::npos);
  EXPECT_NE(ErrorOf("stream s (a INT)\n\ncheck q\n----\n").find("t.stest:3: check"),
            std::string::npos);
  EXPECT_NE(ErrorOf("stream s (a INT)\n\nquery q append\nSELECT a FROM s\n\ncheck q\n1\n")
                .find("t.stest:7: check q: expected '----'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("advance-clock 3 fortnights\n").find("t.stest:1: advance-clock"),
            std::string::npos);
  EXPECT_NE(ErrorOf("stream s (a INT)\n\nquery q append\nSELECT a FROM s\n\nadd s\n1\n\nerror q x\n")
                .find("t.stest:9: error: must directly follow"),
            std::string::npos);
  EXPECT_NE(ErrorOf("stream s (a INT)\n\nquery q append\nSELECT a FROM s\n\nmetric q numInputRows\n")
                .find("t.stest:6: metric: missing expected VALUE"),
            std::string::npos);
  EXPECT_NE(ErrorOf("stream s (a INT)\n\nquery q append\nSELECT 1\n\nquery q append\nSELECT 2\n")
                .find("t.stest:6:"),
            std::string::npos);
  EXPECT_NE(ErrorOf("stream s (a INT)\nnonsense here\n").find("t.stest:2: unexpected line"),
            std::string::npos);
  EXPECT_NE(ErrorOf("conf spark.x\n").find("t.stest:1: conf: missing VALUE"), std::string::npos);
  EXPECT_NE(ErrorOf("stream s (a INT)\n\nquery q append\nSELECT a FROM s\n\nrestart q now\n")
                .find("t.stest:6:"),
            std::string::npos);
}

TEST(ScenarioFileTest, Durations) {
  EXPECT_EQ(ParseScenarioDuration("10 s"), 10000000);
  EXPECT_EQ(ParseScenarioDuration("10s"), 10000000);
  EXPECT_EQ(ParseScenarioDuration("250ms"), 250000);
  EXPECT_EQ(ParseScenarioDuration("1 second"), 1000000);
  EXPECT_EQ(ParseScenarioDuration("2 minutes"), 120000000);
  EXPECT_EQ(ParseScenarioDuration("1 hour"), 3600000000LL);
  EXPECT_EQ(ParseScenarioDuration("3 days"), 3LL * 86400000000LL);
  EXPECT_EQ(ParseScenarioDuration("1.5 s"), 1500000);
  EXPECT_THROW(ParseScenarioDuration("s"), std::invalid_argument);
  EXPECT_THROW(ParseScenarioDuration("5 weeks"), std::invalid_argument);
  EXPECT_THROW(ParseScenarioDuration(""), std::invalid_argument);
}

#ifdef SLUICE_SHARED_DIR
TEST(ScenarioFileTest, SharedExamplesParse) {
  std::filesystem::path dir = std::filesystem::path(SLUICE_SHARED_DIR) / "scenarios" / "examples";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no " << dir;
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".stest") continue;
    EXPECT_NO_THROW(ParseScenarioFile(entry.path().string())) << entry.path();
    ++n;
  }
  EXPECT_GT(n, 0);
}
#endif

}  // namespace
}  // namespace sluice::scenario
