#include <gtest/gtest.h>

#include <filesystem>

#include "platform/clock.h"
#include "platform/file_system.h"
#include "sluice/sluice.h"
#include "streaming/stream_execution.h"

namespace sluice {
namespace {

using namespace functions;
namespace fs = std::filesystem;

class GroupStateTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDirectory("sluice-group-state-"); }
  void TearDown() override { fs::remove_all(dir_); }
  Session NewSession() {
    return Session::builder().config("spark.sql.shuffle.partitions", "3").clock(clock_).getOrCreate();
  }
  static std::vector<std::string> Rows(Session& s, const std::string& sql) {
    std::vector<std::string> out;
    for (const auto& r : s.sql(sql).collect()) out.push_back(r.ToString());
    return out;
  }
  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>(0);
  fs::path dir_;
};

// The seed's update_user_session: count events per user, time out after 10 s of processing time.
StreamingQuery StartSessions(Session& spark, MemoryStream& events, const std::string& checkpoint) {
  auto sessions = events.toDF().groupByKey({col("user_id")}).mapGroupsWithState<std::pair<int64_t, int64_t>>(
      [](const Row& key, const std::vector<Row>& values, GroupState<std::pair<int64_t, int64_t>>& state) {
        if (state.hasTimedOut()) {
          auto s = state.get();
          state.remove();
          return Row(nullptr, {key[0], Value::Long(s.first), Value::Boolean(true)});
        }
        auto s = state.getOption().value_or(std::pair<int64_t, int64_t>{0, 0});
        for (const auto& v : values) {
          s.first += 1;
          s.second = std::max(s.second, v[1].GetInt64());
        }
        state.update(s);
        state.setTimeoutDuration(10000);
        return Row(nullptr, {key[0], Value::Long(s.first), Value::Boolean(false)});
      },
      ParseSchema("user_id STRING, count BIGINT, expired BOOLEAN"), GroupStateTimeout::ProcessingTimeTimeout);
  return sessions.writeStream()
      .format("memory")
      .queryName("sessions")
      .outputMode("update")
      .option("checkpointLocation", checkpoint)
      .start();
}

TEST_F(GroupStateTest, MapGroupsWithStateCountsAndTimesOut) {
  Session spark = NewSession();
  auto events = spark.memoryStream(ParseSchema("user_id STRING, ts BIGINT"));
  std::string cp = (dir_ / "cp").string();
  auto q = StartSessions(spark, events, cp);
  events.addData({{Value::String("u1"), Value::Long(1)}, {Value::String("u2"), Value::Long(2)},
                  {Value::String("u1"), Value::Long(3)}});
  q.execution()->AwaitIdle();
  EXPECT_EQ(Rows(spark, "SELECT * FROM sessions ORDER BY user_id"),
            (std::vector<std::string>{"Row(user_id='u1', count=2, expired=false)",
                                      "Row(user_id='u2', count=1, expired=false)"}));
  clock_->AdvanceMicros(5'000'000);
  events.addData({{Value::String("u2"), Value::Long(4)}});
  q.execution()->AwaitIdle();
  // Restart: state survives through the checkpoint.
  q.stop();
  q = StartSessions(spark, events, cp);
  clock_->AdvanceMicros(6'000'000);  // t = 11 s: u1's timeout (10 s) passed, u2's (15 s) not
  events.addData({{Value::String("u3"), Value::Long(5)}});
  q.execution()->AwaitIdle();
  auto rows = Rows(spark, "SELECT * FROM sessions ORDER BY user_id, count");
  EXPECT_EQ(rows, (std::vector<std::string>{"Row(user_id='u1', count=2, expired=false)",
                                            "Row(user_id='u1', count=2, expired=true)",
                                            "Row(user_id='u2', count=1, expired=false)",
                                            "Row(user_id='u2', count=2, expired=false)",
                                            "Row(user_id='u3', count=1, expired=false)"}));
  // No new data: the timeout of u2 (at 15 s) fires in a no-data batch once the clock passes it.
  clock_->AdvanceMicros(10'001'000);  // t = 21.001 s: past u2's (15 s) and u3's (21 s) timeouts
  q.execution()->AwaitIdle();
  EXPECT_EQ(Rows(spark, "SELECT user_id FROM sessions WHERE expired ORDER BY user_id"),
            (std::vector<std::string>{"Row(user_id='u1')", "Row(user_id='u2')", "Row(user_id='u3')"}));
  auto p = q.lastProgress();
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->state_operators.at(0).operator_name, "flatMapGroupsWithState");
  EXPECT_EQ(p->state_operators.at(0).num_rows_total, 0);
  q.stop();
}

TEST_F(GroupStateTest, FlatMapGroupsWithStateEventTimeTimeoutInAppendMode) {
  Session spark = NewSession();
  auto events = spark.memoryStream(ParseSchema("k STRING, ts TIMESTAMP"));
  auto out = events.toDF()
                 .withWatermark("ts", "0 seconds")
                 .groupByKey({col("k")})
                 .flatMapGroupsWithState<int64_t>(
                     "append", GroupStateTimeout::EventTimeTimeout,
                     [](const Row& key, const std::vector<Row>& values, GroupState<int64_t>& state) {
                       if (state.hasTimedOut()) {
                         int64_t n = state.get();
                         state.remove();
                         return std::vector<Row>{Row(nullptr, {key[0], Value::Long(n)})};
                       }
                       int64_t n = state.getOption().value_or(0) + static_cast<int64_t>(values.size());
                       int64_t last = 0;
                       for (const auto& v : values) last = std::max(last, v[1].GetInt64() / 1000);
                       state.update(n);
                       state.setTimeoutTimestamp(last + 5000);
                       return std::vector<Row>{};
                     },
                     ParseSchema("k STRING, n BIGINT"));
  auto q = out.writeStream().format("memory").queryName("closed").outputMode("append").start();
  events.addData({{Value::String("a"), Value::Timestamp(1'000'000)}, {Value::String("a"), Value::Timestamp(2'000'000)},
                  {Value::String("b"), Value::Timestamp(3'000'000)}});
  q.processAllAvailable();
  EXPECT_TRUE(Rows(spark, "SELECT * FROM closed").empty());
  events.addData({{Value::String("c"), Value::Timestamp(20'000'000)}});
  q.processAllAvailable();
  EXPECT_EQ(Rows(spark, "SELECT * FROM closed ORDER BY k"),
            (std::vector<std::string>{"Row(k='a', n=2)", "Row(k='b', n=1)"}));
  // The watermark is at 20 s: a row at 10 s is dropped before the function sees it (which would
  // otherwise set a timeout before the watermark and fail), and counted.
  events.addData({{Value::String("a"), Value::Timestamp(10'000'000)}, {Value::String("d"), Value::Timestamp(25'000'000)}});
  q.processAllAvailable();
  EXPECT_FALSE(q.exception().has_value());
  int64_t dropped = 0;
  for (const auto& p : q.recentProgress()) dropped += p.state_operators.at(0).num_rows_dropped_by_watermark;
  EXPECT_EQ(dropped, 1);
  q.stop();
}

// State lives in the configured provider as per-batch changes: with RocksDB, a restart restores
// every key, and a key whose state was removed stays removed.
TEST_F(GroupStateTest, RocksDbProviderKeepsStateAcrossRestart) {
  std::string cp = (dir_ / "cp").string();
  auto start = [&](Session& spark, MemoryStream& events) {
    auto counts = events.toDF().groupByKey({col("k")}).mapGroupsWithState<int64_t>(
        [](const Row& key, const std::vector<Row>& values, GroupState<int64_t>& state) {
          int64_t n = state.getOption().value_or(0) + static_cast<int64_t>(values.size());
          if (key[0].GetString() == "drop") {
            state.remove();
          } else {
            state.update(n);
          }
          return Row(nullptr, {key[0], Value::Long(n)});
        },
        ParseSchema("k STRING, n BIGINT"));
    return counts.writeStream().format("memory").queryName("counts").outputMode("update")
        .option("checkpointLocation", cp).start();
  };
  auto session = [&] {
    return Session::builder()
        .config("spark.sql.shuffle.partitions", "3")
        .config("spark.sql.streaming.stateStore.providerClass", "rocksdb")
        .clock(clock_)
        .getOrCreate();
  };
  {
    Session spark = session();
    auto events = spark.memoryStream(ParseSchema("k STRING"));
    auto q = start(spark, events);
    events.addData({{Value::String("a")}, {Value::String("a")}, {Value::String("b")}, {Value::String("drop")}});
    q.processAllAvailable();
    q.stop();
  }
  EXPECT_TRUE(fs::exists(cp + "/state/0/0") || fs::exists(cp + "/state/0/1") || fs::exists(cp + "/state/0/2"));
  Session spark = session();
  auto events = spark.memoryStream(ParseSchema("k STRING"));
  events.addData({{Value::String("a")}, {Value::String("a")}, {Value::String("b")}, {Value::String("drop")}});
  events.addData({{Value::String("a")}, {Value::String("b")}, {Value::String("drop")}});
  auto q = start(spark, events);
  q.processAllAvailable();
  auto p = q.lastProgress();
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->state_operators.at(0).num_rows_total, 2);  // a and b; drop never kept
  q.stop();
  EXPECT_EQ(Rows(spark, "SELECT * FROM counts ORDER BY k"),
            (std::vector<std::string>{"Row(k='a', n=3)", "Row(k='b', n=2)", "Row(k='drop', n=1)"}));
}

// Restarting on a checkpoint whose flatMapGroupsWithState had other grouping keys fails at start.
TEST_F(GroupStateTest, ChangedGroupingKeyFailsAtRestart) {
  std::string cp = (dir_ / "cp").string();
  Session spark = NewSession();
  auto events = spark.memoryStream(ParseSchema("k STRING, v INT"));
  auto fn = [](const Row& key, const std::vector<Row>&, GroupState<int64_t>& state) {
    state.update(1);
    return Row(nullptr, {key[0]});
  };
  auto q = events.toDF().groupByKey({col("k")}).mapGroupsWithState<int64_t>(fn, ParseSchema("k STRING"))
               .writeStream().format("memory").queryName("m").outputMode("update")
               .option("checkpointLocation", cp).start();
  events.addData({{Value::String("x"), Value::Int(1)}});
  q.processAllAvailable();
  q.stop();
  try {
    events.toDF().groupByKey({col("v")}).mapGroupsWithState<int64_t>(
        [](const Row& key, const std::vector<Row>&, GroupState<int64_t>& state) {
          state.update(1);
          return Row(nullptr, {Value::String("k")});
        },
        ParseSchema("k STRING"))
        .writeStream().format("memory").queryName("m2").outputMode("update")
        .option("checkpointLocation", cp).start();
    FAIL() << "expected a state schema error";
  } catch (const AnalysisError& e) {
    EXPECT_NE(std::string(e.what()).find("flatMapGroupsWithState"), std::string::npos) << e.what();
  }
}

TEST_F(GroupStateTest, RejectedShapesAndMisuse) {
  Session spark = NewSession();
  auto events = spark.memoryStream(ParseSchema("k STRING, v INT"));
  auto fn = [](const Row& key, const std::vector<Row>&, GroupState<int64_t>& state) {
    state.update(1);
    return Row(nullptr, {key[0]});
  };
  auto mapped = events.toDF().groupByKey({col("k")}).mapGroupsWithState<int64_t>(fn, ParseSchema("k STRING"));
  try {
    mapped.writeStream().format("memory").queryName("m1").outputMode("append").start();
    FAIL();
  } catch (const AnalysisError& e) {
    EXPECT_NE(std::string(e.what()).find("mapGroupsWithState is not supported with Append output mode"),
              std::string::npos);
  }
  EXPECT_THROW(events.toDF().groupByKey({col("k")}).mapGroupsWithState<int64_t>(
                   fn, ParseSchema("k STRING"), GroupStateTimeout::EventTimeTimeout),
               AnalysisError);
  // Setting a processing-time timeout without enabling it fails the query at run time.
  auto bad = events.toDF().groupByKey({col("k")}).mapGroupsWithState<int64_t>(
      [](const Row& key, const std::vector<Row>&, GroupState<int64_t>& state) {
        state.setTimeoutDuration(1000);
        return Row(nullptr, {key[0]});
      },
      ParseSchema("k STRING"));
  auto q = bad.writeStream().format("memory").queryName("m2").outputMode("update").start();
  events.addData({{Value::String("x"), Value::Int(1)}});
  EXPECT_THROW(q.awaitTermination(), StreamingQueryError);
  EXPECT_NE(q.exception()->find("Cannot set timeout duration without enabling processing time timeout"),
            std::string::npos);
}

TEST(StateCodecTest, RoundTripsCommonTypes) {
  std::map<std::string, std::vector<double>> m = {{"a", {1.5, 2}}, {"b", {}}};
  EXPECT_EQ(StateCodec<decltype(m)>::Decode(StateCodec<decltype(m)>::Encode(m)), m);
  std::optional<std::pair<int, std::string>> o = std::make_pair(3, std::string("x"));
  EXPECT_EQ(StateCodec<decltype(o)>::Decode(StateCodec<decltype(o)>::Encode(o)), o);
  EXPECT_THROW(StateCodec<int64_t>::Decode("abc"), IoError);
  EXPECT_THROW(StateCodec<std::vector<int>>::Decode(std::string("\x05\0\0\0\0\0\0\0", 8)), IoError);
}

}  // namespace
}  // namespace sluice
