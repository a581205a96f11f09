// Stream-stream joins through the public API: a batch that fails before its commit re-runs from
// the state version it started from and gives exactly the rows of an uninterrupted run (both state
// store providers, 1 and 4 threads); (flat)mapGroupsWithState around a time-range join is rejected.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>

#include "api/session_state.h"
#include "platform/clock.h"
#include "platform/file_system.h"
#include "sluice/sluice.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;

// Rows each batch id delivered to foreachBatch, sorted (row order is not part of the contract).
struct BatchLog {
  std::mutex mu;
  std::map<int64_t, std::vector<std::string>> batches;
  void Add(const DataFrame& df, int64_t id) {
    std::vector<std::string> rows;
    for (const auto& r : df.collect()) rows.push_back(r.ToString());
    std::sort(rows.begin(), rows.end());
    std::lock_guard<std::mutex> l(mu);
    batches[id] = rows;
  }
};

Value Ts(int64_t seconds) { return Value::Timestamp(seconds * 1'000'000); }

struct RunConfig {
  std::string provider;
  int threads;
};

class StreamStreamJoinRestartTest : public ::testing::TestWithParam<RunConfig> {
 protected:
  void SetUp() override { dir_ = MakeTempDirectory("sluice-join-test-"); }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs the left outer join over a fixed sequence of inputs, one micro-batch per step. If
  // `fail_batch` >= 0, foreachBatch fails once in that batch (before its commit) and the query is
  // restarted on its checkpoint. Returns the rows per batch id.
  std::map<int64_t, std::vector<std::string>> Run(const std::string& name, int64_t fail_batch) {
    Session spark = Session::builder()
                        .config("spark.sql.shuffle.partitions", "3")
                        .config("spark.sluice.threads", std::to_string(GetParam().threads))
                        .config("spark.sql.streaming.stateStore.providerClass", GetParam().provider)
                        .clock(std::make_shared<ManualClock>(0))
                        .getOrCreate();
    auto imps = spark.memoryStream(ParseSchema("ad INT, imp_ts TIMESTAMP"));
    auto clicks = spark.memoryStream(ParseSchema("ad INT, click_ts TIMESTAMP"));
    imps.toDF().createOrReplaceTempView("imps");
    clicks.toDF().createOrReplaceTempView("clicks");
    auto log = std::make_shared<BatchLog>();
    auto fail_once = std::make_shared<std::atomic<bool>>(fail_batch >= 0);
    std::string checkpoint = (dir_ / name).string();
    auto start = [&] {
      return spark
          .sql("SELECT i.ad, i.imp_ts, c.click_ts "
               "FROM imps i WATERMARK imp_ts DELAY OF INTERVAL 10 SECONDS "
               "LEFT OUTER JOIN clicks c WATERMARK click_ts DELAY OF INTERVAL 10 SECONDS "
               "ON i.ad = c.ad AND c.click_ts BETWEEN i.imp_ts AND i.imp_ts + INTERVAL 1 MINUTE")
          .writeStream()
          .foreachBatch([log, fail_once, fail_batch](const DataFrame& df, int64_t id) {
            if (id == fail_batch && fail_once->exchange(false)) throw ExecutionError("injected failure");
            log->Add(df, id);
          })
          .option("checkpointLocation", checkpoint)
          .trigger(Trigger::AvailableNow())
          .start();
    };
    // Each step: impressions and clicks (ad, seconds) added before one processAllAvailable.
    std::vector<std::pair<std::vector<std::pair<int, int>>, std::vector<std::pair<int, int>>>> steps = {
        {{{1, 0}, {2, 5}, {3, 10}, {3, 12}, {12, 15}}, {{1, 30}, {3, 40}}},
        {{{4, 100}, {5, 110}, {10, 115}}, {{2, 50}, {3, 65}, {4, 130}, {9, 140}}},
        {{{6, 200}, {1, 20}, {11, 300}}, {{5, 150}, {6, 210}, {6, 220}}},
        {{{7, 400}}, {{7, 405}, {8, 420}}},
        {{{8, 600}}, {{8, 610}}},
    };
    for (const auto& [imp_rows, click_rows] : steps) {
      std::vector<std::vector<Value>> a, b;
      for (auto [ad, s] : imp_rows) a.push_back({Value::Int(ad), Ts(s)});
      for (auto [ad, s] : click_rows) b.push_back({Value::Int(ad), Ts(s)});
      imps.addData(a);
      clicks.addData(b);
      // One AvailableNow run per step, so that batches do not depend on timing.
      StreamingQuery q = start();
      try {
        q.awaitTermination();
      } catch (const StreamingQueryError&) {
        EXPECT_NE(q.exception()->find("injected failure"), std::string::npos);
        StreamingQuery again = start();  // re-runs the failed batch from its offsets and state
        again.awaitTermination();
      }
    }
    std::lock_guard<std::mutex> l(log->mu);
    return log->batches;
  }

  fs::path dir_;
};

TEST_P(StreamStreamJoinRestartTest, UncommittedBatchRerunGivesTheSameRows) {
  auto expected = Run("uninterrupted", -1);
  // Rows that must come out: the inner matches and every unmatched impression once evicted.
  std::vector<std::string> all;
  for (const auto& [id, rows] : expected) all.insert(all.end(), rows.begin(), rows.end());
  EXPECT_GE(all.size(), 11u) << ::testing::PrintToString(all);
  for (const char* unmatched : {"Row(ad=10, imp_ts=1970-01-01 00:01:55, click_ts=None)",
                                "Row(ad=11, imp_ts=1970-01-01 00:05:00, click_ts=None)",
                                "Row(ad=12, imp_ts=1970-01-01 00:00:15, click_ts=None)"}) {
    EXPECT_NE(std::find(all.begin(), all.end(), unmatched), all.end()) << ::testing::PrintToString(all);
  }
  for (int64_t fail : {1, 2, 3, 4}) {
    auto got = Run("fail" + std::to_string(fail), fail);
    EXPECT_EQ(got, expected) << "failure injected in batch " << fail;
  }
}

INSTANTIATE_TEST_SUITE_P(Providers, StreamStreamJoinRestartTest,
                         ::testing::Values(RunConfig{"hdfs", 1}, RunConfig{"hdfs", 4},
                                           RunConfig{"rocksdb", 1}),
                         [](const auto& info) {
                           return info.param.provider + "_threads" + std::to_string(info.param.threads);
                         });

// Differential check against the batch join of everything both streams received: random rows
// over several micro-batches (many rows per key), then a flush batch far in the future whose
// watermark evicts every earlier row, so that outer joins have emitted all their unmatched rows.
// Every pair must come out exactly once and every unmatched row exactly once.
class StreamStreamJoinReferenceTest : public ::testing::TestWithParam<std::string> {};

// Adds rows to both streams with triggers paused, so that one micro-batch sees both.
void AddBoth(Session& spark, MemoryStream& l, const std::vector<std::vector<Value>>& a, MemoryStream& r,
             const std::vector<std::vector<Value>>& b) {
  spark.state()->PauseTriggers();
  l.addData(a);
  r.addData(b);
  spark.state()->ResumeTriggers();
}

TEST_P(StreamStreamJoinReferenceTest, MatchesTheBatchJoinOfAllInput) {
  const std::string how = GetParam();
  for (int threads : {1, 4}) {
    Session spark = Session::builder()
                        .config("spark.sql.shuffle.partitions", "3")
                        .config("spark.sluice.threads", std::to_string(threads))
                        .getOrCreate();
    auto l = spark.memoryStream(ParseSchema("k INT, lts TIMESTAMP, lv INT"));
    auto r = spark.memoryStream(ParseSchema("k INT, rts TIMESTAMP, rv INT"));
    l.toDF().createOrReplaceTempView("ls");
    r.toDF().createOrReplaceTempView("rs");
    const std::string cond =
        "a.k = b.k AND b.rts BETWEEN a.lts - INTERVAL 30 SECONDS AND a.lts + INTERVAL 30 SECONDS "
        "AND a.lv + b.rv < 150";
    const std::string cols = how == "LEFT SEMI" ? "a.k, a.lts, a.lv" : "a.k, a.lts, a.lv, b.k, b.rts, b.rv";
    auto q = spark
                 .sql("SELECT " + cols + " FROM ls a WATERMARK lts DELAY OF INTERVAL 0 SECONDS " + how +
                      " JOIN rs b WATERMARK rts DELAY OF INTERVAL 0 SECONDS ON " + cond)
                 .writeStream()
                 .format("memory")
                 .queryName("streamed")
                 .outputMode("append")
                 .start();
    std::mt19937 rng(42 + threads);
    std::vector<std::vector<Value>> all_l, all_r;
    for (int batch = 0; batch < 8; ++batch) {
      // Event times within this batch's minute: never late, since the watermark trails the
      // previous batch's data.
      auto rows = [&](int n) {
        std::vector<std::vector<Value>> out;
        for (int i = 0; i < n; ++i) {
          int64_t s = batch * 60 + static_cast<int64_t>(rng() % 60);
          out.push_back({Value::Int(static_cast<int32_t>(rng() % 6)), Ts(s), Value::Int(static_cast<int32_t>(rng() % 100))});
        }
        return out;
      };
      auto a = rows(static_cast<int>(rng() % 25));
      auto b = rows(static_cast<int>(rng() % 25));
      all_l.insert(all_l.end(), a.begin(), a.end());
      all_r.insert(all_r.end(), b.begin(), b.end());
      // Both sides go into one micro-batch: a batch with only one side's rows would move the
      // watermark (a side without data yet does not hold it back) and make the other side's rows
      // late, so the comparison would depend on thread timing.
      AddBoth(spark, l, a, r, b);
      q.processAllAvailable();
    }
    // Flush: unmatched rows (keys 1000, 1001) far ahead move the watermark past every earlier row.
    AddBoth(spark, l, {{Value::Int(1000), Ts(1'000'000), Value::Int(0)}}, r,
            {{Value::Int(1001), Ts(1'000'000), Value::Int(0)}});
    q.processAllAvailable();
    q.stop();

    spark.createDataFrame(all_l, "k INT, lts TIMESTAMP, lv INT").createOrReplaceTempView("lb");
    spark.createDataFrame(all_r, "k INT, rts TIMESTAMP, rv INT").createOrReplaceTempView("rb");
    auto render = [](const std::vector<Row>& rows) {
      std::vector<std::string> out;
      for (const auto& row : rows) out.push_back(row.ToString());
      std::sort(out.begin(), out.end());
      return out;
    };
    auto streamed = render(spark.sql("SELECT * FROM streamed").collect());
    auto expected = render(spark.sql("SELECT " + cols + " FROM lb a " + how + " JOIN rb b ON " + cond).collect());
    EXPECT_FALSE(expected.empty());
    std::vector<std::string> missing, extra;
    std::set_difference(expected.begin(), expected.end(), streamed.begin(), streamed.end(),
                        std::back_inserter(missing));
    std::set_difference(streamed.begin(), streamed.end(), expected.begin(), expected.end(),
                        std::back_inserter(extra));
    EXPECT_TRUE(missing.empty() && extra.empty())
        << how << " with " << threads << " threads: missing " << ::testing::PrintToString(missing)
        << ", extra " << ::testing::PrintToString(extra);
  }
}

INSTANTIATE_TEST_SUITE_P(JoinTypes, StreamStreamJoinReferenceTest,
                         ::testing::Values("INNER", "LEFT OUTER", "RIGHT OUTER", "FULL OUTER", "LEFT SEMI"),
                         [](const auto& info) {
                           std::string n = info.param;
                           std::replace(n.begin(), n.end(), ' ', '_');
                           return n;
                         });

// Late rows of either side go to the late-rows dead-letter sink (writeStream option
// lateRowsPath), attributed to that side's state operator id.
TEST(StreamStreamJoinLateRows, DroppedRowsGoToTheDeadLetterSink) {
  fs::path dir = MakeTempDirectory("sluice-join-late-");
  Session spark = Session::builder().config("spark.sql.shuffle.partitions", "2").getOrCreate();
  auto l = spark.memoryStream(ParseSchema("k INT, lts TIMESTAMP"));
  auto r = spark.memoryStream(ParseSchema("k INT, rts TIMESTAMP"));
  l.toDF().createOrReplaceTempView("l_late");
  r.toDF().createOrReplaceTempView("r_late");
  auto q = spark
               .sql("SELECT a.k, a.lts, b.rts FROM l_late a WATERMARK lts DELAY OF INTERVAL 0 SECONDS "
                    "JOIN r_late b WATERMARK rts DELAY OF INTERVAL 0 SECONDS "
                    "ON a.k = b.k AND b.rts BETWEEN a.lts AND a.lts + INTERVAL 1 MINUTE")
               .writeStream()
               .format("noop")
               .option("checkpointLocation", (dir / "cp").string())
               .option("lateRowsPath", (dir / "late").string())
               .start();
  AddBoth(spark, l, {{Value::Int(1), Ts(100)}}, r, {{Value::Int(1), Ts(120)}});
  q.processAllAvailable();  // watermark 100 s; a no-data batch uses it
  AddBoth(spark, l, {{Value::Int(2), Ts(50)}}, r, {{Value::Int(3), Ts(90)}, {Value::Int(4), Ts(200)}});
  q.processAllAvailable();
  q.stop();
  int64_t dropped = 0;
  for (const auto& pr : q.recentProgress()) {
    for (const auto& op : pr.state_operators) dropped += op.num_rows_dropped_by_watermark;
  }
  EXPECT_EQ(dropped, 2);
  auto rows = spark.read().json((dir / "late").string()).orderBy({functions::col("operatorId")}).collect();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].get("operatorName").GetString(), "symmetricHashJoin");
  EXPECT_EQ(rows[0].get("operatorId").GetInt64(), 0);
  EXPECT_EQ(rows[0].get("reason").GetString(), "left event time at or below the watermark");
  EXPECT_NE(std::string(rows[0].get("row").GetString()).find("\"k\":2"), std::string::npos);
  EXPECT_EQ(rows[1].get("operatorId").GetInt64(), 1);
  EXPECT_EQ(rows[1].get("reason").GetString(), "right event time at or below the watermark");
  EXPECT_EQ(rows[1].get("watermark").GetString(), "1970-01-01T00:01:40.000Z");
  fs::remove_all(dir);
}

// flatMapGroupsWithState with an event-time timeout can emit rows below the watermark: a
// stream-stream join after it is rejected (as Spark's global watermark check does); with a
// processing-time timeout it is allowed. mapGroupsWithState needs Update mode, which joins of
// two streams do not support.
TEST(StreamStreamJoinChecks, GroupsWithStateAroundJoins) {
  Session spark = Session::builder().config("spark.sql.shuffle.partitions", "2").getOrCreate();
  auto a = spark.memoryStream(ParseSchema("k STRING, ts TIMESTAMP"));
  auto b = spark.memoryStream(ParseSchema("k STRING, ts TIMESTAMP"));
  auto count_fn = [](const Row& key, const std::vector<Row>& values, GroupState<int64_t>& state) {
    state.update(state.getOption().value_or(0) + static_cast<int64_t>(values.size()));
    return std::vector<Row>{Row(nullptr, {key[0], Value::Long(state.get())})};
  };
  auto counted = [&](GroupStateTimeout timeout) {
    return a.toDF()
        .withWatermark("ts", "0 seconds")
        .groupByKey({functions::col("k")})
        .flatMapGroupsWithState<int64_t>("append", timeout, count_fn, ParseSchema("k STRING, n BIGINT"))
        .alias("x");
  };
  DataFrame right = b.toDF().withWatermark("ts", "0 seconds").alias("y");
  auto join = [&](const DataFrame& left) {
    return left.join(right, functions::expr("x.k = y.k"), "inner").writeStream().format("noop");
  };
  try {
    join(counted(GroupStateTimeout::EventTimeTimeout)).start();
    FAIL() << "expected an AnalysisError";
  } catch (const AnalysisError& e) {
    EXPECT_NE(std::string(e.what()).find("possible 'correctness' issue due to global watermark"),
              std::string::npos)
        << e.what();
  }
  auto ok = join(counted(GroupStateTimeout::ProcessingTimeTimeout)).start();
  ok.stop();

  auto mapped = a.toDF()
                    .groupByKey({functions::col("k")})
                    .mapGroupsWithState<int64_t>(
                        [](const Row& key, const std::vector<Row>& values, GroupState<int64_t>& state) {
                          return Row(nullptr, {key[0], Value::Long(static_cast<int64_t>(values.size()))});
                        },
                        ParseSchema("k STRING, n BIGINT"))
                    .alias("x");
  try {
    mapped.join(right, functions::expr("x.k = y.k"), "inner").writeStream().format("noop").outputMode("update").start();
    FAIL() << "expected an AnalysisError";
  } catch (const AnalysisError& e) {
    EXPECT_NE(std::string(e.what()).find("not supported in Update output mode"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace sluice
