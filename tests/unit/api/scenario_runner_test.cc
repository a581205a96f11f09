// Tests of the scenario runner (src/testing/scenario/scenario_runner.h) against the engine: the
// shared example scenarios must pass, and failures must name the step and show the rows.
#include "testing/scenario/scenario_runner.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace sluice::scenario {
namespace {

ScenarioResult RunText(const std::string& text, int threads = 1) {
  ScenarioOptions options;
  options.threads = threads;
  try {
    return RunScenario(ParseScenario(text, "mem.stest"), options);
  } catch (const ScenarioError& e) {
    ScenarioResult r;
    r.message = e.what();
    return r;
  }
}

#ifdef SLUICE_SHARED_DIR
TEST(ScenarioRunnerTest, SharedExamplesPass) {
  std::filesystem::path dir = std::filesystem::path(SLUICE_SHARED_DIR) / "scenarios" / "examples";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no " << dir;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".stest") continue;
    for (int threads : {1, 4}) {
      ScenarioOptions options;
      options.threads = threads;
      ScenarioResult r = RunScenarioFile(entry.path().string(), options);
      EXPECT_TRUE(r.passed) << entry.path() << " with " << threads << " threads\n  " << r.step
                            << "\n" << r.message;
    }
  }
}
#endif

const char* kStateless =
    "stream s (v INT)\n"
    "\n"
    "query q append\n"
    "SELECT v * 2 AS w FROM s\n"
    "\n"
    "add s\n"
    "1\n"
    "\n"
    "add s\n"
    "2\n"
    "\n";

TEST(ScenarioRunnerTest, AddsBeforeACheckFormOneBatch) {
  ScenarioResult r = RunText(std::string(kStateless) +
                             "check q\n----\n2\n4\n\n"
                             "metric q numInputRows 2\n\n"
                             "metric q batchId 0\n\n"
                             "add s\n3\n\n"
                             "check-ordered q\n----\n6\n\n"
                             "check-all q\n----\n2\n4\n6\n\n"
                             "metric-sum q numInputRows 3\n\n"
                             "metric-sum q numInputRows 0\n");
  EXPECT_TRUE(r.passed) << r.step << "\n" << r.message;
}

TEST(ScenarioRunnerTest, MismatchNamesStepAndShowsRows) {
  ScenarioResult r = RunText(std::string(kStateless) + "check q\n----\n2\n5\n");
  ASSERT_FALSE(r.passed);
  EXPECT_EQ(r.step, "mem.stest:12: check q");
  EXPECT_NE(r.message.find("missing '5'"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("unexpected '4'"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("expected (2 rows)"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("actual (2 rows)"), std::string::npos) << r.message;
}

TEST(ScenarioRunnerTest, QueriesKeepTheirOwnOffsets) {
  ScenarioResult r = RunText(
      "stream s (v INT)\n\n"
      "query a append\nSELECT v FROM s\n\n"
      "query b append\nSELECT v FROM s\n\n"
      "add s\n1\n\n"
      "check a\n----\n1\n\n"
      "add s\n2\n\n"
      "check a\n----\n2\n\n"
      "check b\n----\n1\n2\n\n"
      "metric b numInputRows 2\n\n"
      "metric b batchId 0\n");
  EXPECT_TRUE(r.passed) << r.step << "\n" << r.message;
}

TEST(ScenarioRunnerTest, DataFrameScript) {
  ScenarioResult r = RunText(
      "stream s (k STRING, v INT)\n\n"
      "dataframe q append\n"
      "big = s.filter('v > 1')\n"
      "big.select(col('k'), expr('v * 10').alias('x'))\n"
      "   .withColumnRenamed('k', 'key')\n\n"
      "add s\na\t1\nb\t2\n\n"
      "check q\n----\nb\t20\n");
  EXPECT_TRUE(r.passed) << r.step << "\n" << r.message;
}

TEST(ScenarioRunnerTest, RestartKeepsTheSink) {
  ScenarioResult r = RunText(std::string(kStateless) +
                             "check q\n----\n2\n4\n\n"
                             "restart q\n\n"
                             "add s\n5\n\n"
                             "check q\n----\n10\n\n"
                             "check-all q\n----\n2\n4\n10\n");
  EXPECT_TRUE(r.passed) << r.step << "\n" << r.message;
}

TEST(ScenarioRunnerTest, ExpectedErrorMustMatch) {
  const char* text =
      "stream events (ts TIMESTAMP, k STRING)\n\n"
      "query q append\nSELECT k, count(*) AS c FROM events GROUP BY k\n\n"
      "error q %s\n";
  char buf[512];
  std::snprintf(buf, sizeof(buf), text, "append output mode not supported");
  ScenarioResult ok = RunText(buf);
  EXPECT_TRUE(ok.passed) << ok.step << "\n" << ok.message;
  std::snprintf(buf, sizeof(buf), text, "some other complaint");
  ScenarioResult bad = RunText(buf);
  EXPECT_FALSE(bad.passed);
  EXPECT_NE(bad.message.find("some other complaint"), std::string::npos) << bad.message;
}

TEST(ScenarioRunnerTest, UnexpectedSuccessOfAnErrorQueryFails) {
  ScenarioResult r = RunText(
      "stream s (v INT)\n\nquery q append\nSELECT v FROM s\n\nerror q boom\n\n"
      "add s\n1\n\ncheck q\n----\n");
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.step, "mem.stest:11: check q");
}

TEST(ScenarioRunnerTest, ExpectFail) {
  ScenarioResult r = RunText(
      "conf spark.sql.ansi.enabled true\n\n"
      "stream s (v INT)\n\nquery q append\nSELECT 10 / v AS x FROM s\n\n"
      "add s\n0\n\nexpect-fail q divide\n\ncheck q\n----\n");
  EXPECT_TRUE(r.passed) << r.step << "\n" << r.message;
}

TEST(ScenarioRunnerTest, MetricMismatchShowsTheProgress) {
  ScenarioResult r =
      RunText(std::string(kStateless) + "check q\n----\n2\n4\n\nmetric q numInputRows 7\n");
  ASSERT_FALSE(r.passed);
  EXPECT_EQ(r.step, "mem.stest:17: metric q numInputRows 7");
  EXPECT_NE(r.message.find("numInputRows is 2, expected 7"), std::string::npos) << r.message;
}

TEST(ScenarioRunnerTest, DataFrameWindowAggregationWithRestart) {
  ScenarioResult r = RunText(
      "# name: custom/df_window_agg\n"
      "stream events (ts TIMESTAMP, k STRING, v INT)\n"
      "\n"
      "dataframe q update\n"
      "w = events.withWatermark(\"ts\", \"10 seconds\")\n"
      "w.groupBy(window(col(\"ts\"), \"10 seconds\"), \"k\")\n"
      " .agg(count(\"*\").alias(\"n\"), sum(\"v\").alias(\"s\"), F.max(col(\"v\")).alias(\"m\"))\n"
      "\n"
      "add events\n"
      "2024-01-01 00:00:01\ta\t1\n"
      "2024-01-01 00:00:02\ta\t5\n"
      "2024-01-01 00:00:03\tb\t2\n"
      "\n"
      "check q\n"
      "----\n"
      "{2024-01-01 00:00:00, 2024-01-01 00:00:10}\ta\t2\t6\t5\n"
      "{2024-01-01 00:00:00, 2024-01-01 00:00:10}\tb\t1\t2\t2\n"
      "\n"
      "metric q stateOperators.0.numRowsTotal 2\n"
      "\n"
      "restart q\n"
      "\n"
      "add events\n"
      "2024-01-01 00:00:04\tb\t10\n"
      "\n"
      "check q\n"
      "----\n"
      "{2024-01-01 00:00:00, 2024-01-01 00:00:10}\tb\t2\t12\t10\n"
      "\n"
      "metric-sum q numInputRows 1\n");
  EXPECT_TRUE(r.passed) << r.step << "\n" << r.message;
}

TEST(ScenarioRunnerTest, DataFrameJoinUnionAndNestedTableValues) {
  ScenarioResult r = RunText(
      "stream a (k INT, x STRING)\n"
      "\n"
      "table dim (k INT, tags ARRAY<STRING>, m MAP<STRING, INT>, st STRUCT<p: INT, q: STRING>)\n"
      "1\t[x, y]\t{a -> 1}\t{7, seven}\n"
      "2\t[]\t{}\tNULL\n"
      "\n"
      "dataframe j append\n"
      "a.join(spark.table(\"dim\"), \"k\", \"left\").select(\"k\", \"x\", \"tags\", \"m\", \"st\")\n"
      "\n"
      "dataframe u append\n"
      "a.union(a.select(expr(\"k + 10\").alias(\"k\"), \"x\")).filter(col(\"k\").isNotNull())\n"
      "\n"
      "add a\n"
      "1\tone\n"
      "3\tthree\n"
      "\n"
      "check j\n"
      "----\n"
      "1\tone\t[x, y]\t{a -> 1}\t{7, seven}\n"
      "3\tthree\tNULL\tNULL\tNULL\n"
      "\n"
      "check u\n"
      "----\n"
      "1\tone\n"
      "3\tthree\n"
      "11\tone\n"
      "13\tthree\n");
  EXPECT_TRUE(r.passed) << r.step << "\n" << r.message;
}

TEST(ScenarioRunnerTest, SessionTimeZoneAndEscapes) {
  ScenarioResult r = RunText(
      "conf spark.sql.session.timeZone +02:00\n"
      "\n"
      "stream s (ts TIMESTAMP, name STRING)\n"
      "\n"
      "query q append\n"
      "SELECT ts, name, hour(ts) AS h FROM s\n"
      "\n"
      "add s\n"
      "2024-01-01 10:00:00\ta\\tb\n"
      "\n"
      "check q\n"
      "----\n"
      "2024-01-01 10:00:00\ta\\tb\t10\n"
      "\n"
      "check-all q\n"
      "----\n"
      "2024-01-01 10:00:00\ta\\tb\t10\n");
  EXPECT_TRUE(r.passed) << r.step << "\n" << r.message;
}

TEST(ScenarioRunnerTest, AvailableNowStartsOnEachCheck) {
  ScenarioResult r = RunText(
      "stream s (v INT)\n"
      "\n"
      "query q append available-now\n"
      "SELECT v, v * 2 AS w FROM s\n"
      "\n"
      "add s\n"
      "1\n"
      "\n"
      "add s\n"
      "2\n"
      "\n"
      "check-ordered q\n"
      "----\n"
      "1\t2\n"
      "2\t4\n"
      "\n"
      "metric q numInputRows 2\n"
      "\n"
      "check q\n"
      "----\n"
      "\n"
      "add s\n"
      "3\n"
      "\n"
      "check q\n"
      "----\n"
      "3\t6\n");
  EXPECT_TRUE(r.passed) << r.step << "\n" << r.message;
}

TEST(ScenarioRunnerTest, ErrorInTheFirstBatch) {
  ScenarioResult r = RunText(
      "stream s (v INT)\n"
      "\n"
      "query q append\n"
      "SELECT 10 / v AS x FROM s\n"
      "\n"
      "error q DIVIDE_BY_ZERO\n"
      "\n"
      "error q zero\n"
      "\n"
      "add s\n"
      "0\n"
      "\n"
      "check q\n"
      "----\n");
  EXPECT_TRUE(r.passed) << r.step << "\n" << r.message;
}

TEST(ScenarioRunnerTest, FileErrorsNameTheLine) {
  ScenarioResult r = RunText("stream s (v INT)\n\nfrobnicate\n");
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.message.find("mem.stest:3: unknown directive"), std::string::npos) << r.message;
  r = RunText("stream s (v INT)\n\ndataframe q append\ns.nosuchmethod()\n\nadd s\n1\n\ncheck q\n----\n");
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.message.find("mem.stest:4: dataframe: unsupported DataFrame method 'nosuchmethod'"),
            std::string::npos)
      << r.message;
}

}  // namespace
}  // namespace sluice::scenario
