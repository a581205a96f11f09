// Stateful queries on each state store provider: restarts restore the committed state, a failed
// batch re-runs from the previous version, and incompatible restarts fail at start naming the
// change.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "platform/clock.h"
#include "platform/file_system.h"
#include "sluice/sluice.h"
#include "state/state_file.h"

namespace sluice {
namespace {

using namespace functions;
namespace fs = std::filesystem;

class StateEndToEndTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { dir_ = MakeTempDirectory("sluice-state-e2e-"); }
  void TearDown() override { fs::remove_all(dir_); }

  Session NewSession(const std::string& provider, int partitions = 2) {
    return Session::builder()
        .config("spark.sql.shuffle.partitions", std::to_string(partitions))
        .config("spark.sql.streaming.stateStore.providerClass", provider)
        .config("spark.sql.streaming.stateStore.minDeltasForSnapshot", "2")
        .clock(clock_)
        .getOrCreate();
  }
  std::string Cp() { return (dir_ / "cp").string(); }
  std::vector<std::string> Sorted(const Session& s, const std::string& table) {
    std::vector<std::string> out;
    for (const auto& r : s.sql("SELECT * FROM " + table).collect()) out.push_back(r.ToString());
    std::sort(out.begin(), out.end());
    return out;
  }
  std::string DeltaExt() { return GetParam() == "hdfs" ? ".delta" : ".changelog"; }

  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>(0);
  fs::path dir_;
};

StreamingQuery StartCounts(MemoryStream& stream, const std::string& cp) {
  return stream.toDF()
      .groupBy({"k"})
      .agg({count("*").alias("n"), sum("v").alias("total")})
      .writeStream()
      .format("memory")
      .queryName("counts")
      .outputMode("complete")
      .option("checkpointLocation", cp)
      .start();
}

TEST_P(StateEndToEndTest, AggregationRestartsFromCommittedState) {
  Session spark = NewSession(GetParam());
  auto stream = spark.memoryStream(ParseSchema("k STRING, v INT"));
  auto q1 = StartCounts(stream, Cp());
  stream.addData({{Value::String("a"), Value::Int(1)}, {Value::String("b"), Value::Int(2)}});
  q1.processAllAvailable();
  stream.addData({{Value::String("a"), Value::Int(3)}});
  q1.processAllAvailable();
  auto p = nlohmann::json::parse(q1.lastProgress()->json());
  auto op = p["stateOperators"][0];
  EXPECT_GT(op["memoryUsedBytes"].get<int64_t>(), 0);
  if (GetParam() == "hdfs") {
    EXPECT_TRUE(op["customMetrics"].contains("loadedMapCacheHitCount")) << op.dump();
    EXPECT_TRUE(op["customMetrics"].contains("stateOnCurrentVersionSizeBytes")) << op.dump();
  } else {
    EXPECT_TRUE(op["customMetrics"].contains("rocksdbCommitWriteBatchLatency")) << op.dump();
    EXPECT_TRUE(op["customMetrics"].contains("rocksdbSstFileSize")) << op.dump();
  }
  EXPECT_EQ(op["numRowsUpdated"], 1);  // one group touched in the second batch
  q1.stop();
  // Only changes are written: the second version's file holds one upserted group.
  bool found_delta = false;
  for (const auto& s : ListStoreDirs(Cp() + "/state")) {
    found_delta |= !ListStoreFiles(s.path, DeltaExt(), ".none").deltas.empty();
  }
  EXPECT_TRUE(found_delta);
  EXPECT_TRUE(fs::exists(Cp() + "/state/0/_metadata/schema"));

  auto q2 = StartCounts(stream, Cp());
  stream.addData({{Value::String("b"), Value::Int(10)}, {Value::String("c"), Value::Int(1)}});
  q2.processAllAvailable();
  EXPECT_EQ(Sorted(spark, "counts"),
            (std::vector<std::string>{"Row(k='a', n=2, total=4)", "Row(k='b', n=2, total=12)",
                                      "Row(k='c', n=1, total=1)"}));
  // Enough versions for a snapshot (minDeltasForSnapshot = 2); another restart reads it.
  for (int i = 0; i < 4; ++i) {
    stream.addData({{Value::String("a"), Value::Int(1)}});
    q2.processAllAvailable();
  }
  q2.stop();
  auto q3 = StartCounts(stream, Cp());
  stream.addData({{Value::String("c"), Value::Int(1)}});
  q3.processAllAvailable();
  EXPECT_EQ(Sorted(spark, "counts"),
            (std::vector<std::string>{"Row(k='a', n=6, total=8)", "Row(k='b', n=2, total=12)",
                                      "Row(k='c', n=2, total=2)"}));
  q3.stop();
}

TEST_P(StateEndToEndTest, FailedBatchReRunsFromPreviousVersion) {
  struct Log {
    std::mutex mu;
    std::map<int64_t, std::vector<std::string>> batches;
  };
  auto log = std::make_shared<Log>();
  auto fail_once = std::make_shared<std::atomic<bool>>(true);
  Session spark = NewSession(GetParam());
  auto stream = spark.memoryStream(ParseSchema("k STRING, v INT"));
  auto start = [&] {
    return stream.toDF()
        .groupBy({"k"})
        .agg({count("*").alias("n")})
        .writeStream()
        .outputMode("update")
        .foreachBatch([log, fail_once](const DataFrame& df, int64_t id) {
          // The state of batch 1 is already written when the sink fails.
          if (id == 1 && fail_once->exchange(false)) throw ExecutionError("injected failure");
          std::vector<std::string> rows;
          for (const auto& r : df.collect()) rows.push_back(r.ToString());
          std::sort(rows.begin(), rows.end());
          std::lock_guard<std::mutex> l(log->mu);
          log->batches[id] = rows;
        })
        .option("checkpointLocation", Cp())
        .start();
  };
  auto q1 = start();
  stream.addData({{Value::String("a"), Value::Int(1)}});
  q1.processAllAvailable();
  stream.addData({{Value::String("a"), Value::Int(1)}, {Value::String("b"), Value::Int(1)}});
  EXPECT_THROW(q1.awaitTermination(), StreamingQueryError);
  auto q2 = start();
  q2.processAllAvailable();
  stream.addData({{Value::String("a"), Value::Int(1)}});
  q2.processAllAvailable();
  q2.stop();
  std::lock_guard<std::mutex> l(log->mu);
  EXPECT_EQ(log->batches[1], (std::vector<std::string>{"Row(k='a', n=2)", "Row(k='b', n=1)"}));
  EXPECT_EQ(log->batches[2], (std::vector<std::string>{"Row(k='a', n=3)"}));
}

TEST_P(StateEndToEndTest, DeduplicationAndSessionWindowsSurviveRestart) {
  Session spark = NewSession(GetParam());
  auto stream = spark.memoryStream(ParseSchema("k STRING, ts TIMESTAMP"));
  auto start = [&] {
    auto dd = stream.toDF()
                  .dropDuplicates({"k"})
                  .writeStream()
                  .format("memory")
                  .queryName("dd")
                  .outputMode("append")
                  .option("checkpointLocation", Cp() + "-dd")
                  .start();
    auto sw = stream.toDF()
                  .groupBy(session_window(col("ts"), "10 seconds"), col("k"))
                  .agg({count("*").alias("n")})
                  .select({col("k"), col("session_window.start").cast("string").alias("s"),
                           col("session_window.end").cast("string").alias("e"), col("n")})
                  .writeStream()
                  .format("memory")
                  .queryName("sw")
                  .outputMode("complete")
                  .option("checkpointLocation", Cp() + "-sw")
                  .start();
    return std::make_pair(dd, sw);
  };
  auto ts = [](int s) { return Value::Timestamp(1704067200000000LL + s * 1000000LL); };
  auto [d1, s1] = start();
  stream.addData({{Value::String("a"), ts(0)}, {Value::String("b"), ts(1)}, {Value::String("a"), ts(30)}});
  d1.processAllAvailable();
  s1.processAllAvailable();
  d1.stop();
  s1.stop();
  auto [d2, s2] = start();
  stream.addData({{Value::String("a"), ts(5)}, {Value::String("c"), ts(12)}, {Value::String("a"), ts(14)}});
  d2.processAllAvailable();
  s2.processAllAvailable();
  // dropDuplicates: the memory sink accumulates appended rows; "a" is never emitted twice.
  auto dd = Sorted(spark, "dd");
  EXPECT_EQ(dd.size(), 3u);
  // Session of "a" from before the restart [0, 10) is extended by 5 and 14 to [0, 24).
  EXPECT_EQ(Sorted(spark, "sw"),
            (std::vector<std::string>{"Row(k='a', s='2024-01-01 00:00:00', e='2024-01-01 00:00:24', n=3)",
                                      "Row(k='a', s='2024-01-01 00:00:30', e='2024-01-01 00:00:40', n=1)",
                                      "Row(k='b', s='2024-01-01 00:00:01', e='2024-01-01 00:00:11', n=1)",
                                      "Row(k='c', s='2024-01-01 00:00:12', e='2024-01-01 00:00:22', n=1)"}));
  d2.stop();
  s2.stop();
}

TEST_P(StateEndToEndTest, CheckpointKeepsItsProvider) {
  std::string other = GetParam() == "hdfs" ? "rocksdb" : "hdfs";
  {
    Session spark = NewSession(GetParam());
    auto stream = spark.memoryStream(ParseSchema("k STRING, v INT"));
    auto q = StartCounts(stream, Cp());
    stream.addData({{Value::String("a"), Value::Int(1)}});
    q.processAllAvailable();
    q.stop();
    Session spark2 = NewSession(other);
    auto q2 = StartCounts(stream, Cp());  // the stream's session still says GetParam()
    q2.stop();
  }
  EXPECT_EQ(ReadFile(Cp() + "/state/_metadata/provider"), GetParam() + "\n");
  Session spark = NewSession(other);
  auto stream = spark.memoryStream(ParseSchema("k STRING, v INT"));
  stream.addData({{Value::String("x"), Value::Int(1)}});  // offset 0 was already processed
  stream.addData({{Value::String("a"), Value::Int(5)}});
  auto q = StartCounts(stream, Cp());
  q.processAllAvailable();
  q.stop();
  EXPECT_EQ(Sorted(spark, "counts"), (std::vector<std::string>{"Row(k='a', n=2, total=6)"}));
  bool own_files = false;
  std::string ext = GetParam() == "hdfs" ? ".delta" : ".changelog";
  for (const auto& s : ListStoreDirs(Cp() + "/state")) {
    own_files |= ListStoreFiles(s.path, ext, ".none").deltas.count(2) > 0;
  }
  EXPECT_TRUE(own_files);
}

INSTANTIATE_TEST_SUITE_P(Providers, StateEndToEndTest, ::testing::Values("hdfs", "rocksdb"),
                         [](const auto& info) { return info.param; });

class StateRestartChecksTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDirectory("sluice-state-checks-"); }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Cp() { return (dir_ / "cp").string(); }
  Session NewSession() {
    return Session::builder().config("spark.sql.shuffle.partitions", "2").clock(clock_).getOrCreate();
  }
  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>(0);
  // Runs `df` once on the checkpoint with one batch of input.
  static void RunOnce(MemoryStream& stream, const DataFrame& df, const std::string& cp) {
    auto q = df.writeStream().format("memory").queryName("out").outputMode("complete")
                 .option("checkpointLocation", cp).start();
    stream.addData({{Value::String("a"), Value::Int(1)}});
    q.processAllAvailable();
    q.stop();
  }
  static std::string StartError(const DataFrame& df, const std::string& cp, const std::string& mode = "complete") {
    try {
      auto q = df.writeStream().format("memory").queryName("out2").outputMode(mode)
                   .option("checkpointLocation", cp).start();
      q.stop();
    } catch (const AnalysisError& e) {
      return e.what();
    }
    return "";
  }
  fs::path dir_;
};

TEST_F(StateRestartChecksTest, ChangedShufflePartitionsIsAnErrorNamingBothValues) {
  Session spark = NewSession();
  auto stream = spark.memoryStream(ParseSchema("k STRING, v INT"));
  auto df = stream.toDF().groupBy({"k"}).agg({count("*").alias("n")});
  RunOnce(stream, df, Cp());
  spark.conf().set("spark.sql.shuffle.partitions", "4");
  std::string err = StartError(df, Cp());
  EXPECT_NE(err.find("spark.sql.shuffle.partitions was 2 when the checkpoint at " + Cp() +
                     " was created and is 4 now"), std::string::npos) << err;
  // Unset (default 200): the checkpoint's value is used, as Spark does.
  spark.conf().unset("spark.sql.shuffle.partitions");
  EXPECT_EQ(StartError(df, Cp()), "");
}

TEST_F(StateRestartChecksTest, IncompatibleQueryChangesFailAtStartNamingTheChange) {
  Session spark = NewSession();
  auto stream = spark.memoryStream(ParseSchema("k STRING, v INT"));
  RunOnce(stream, stream.toDF().groupBy({"k"}).agg({count("*").alias("n")}), Cp());
  // Same state shape, other names: allowed.
  EXPECT_EQ(StartError(stream.toDF().withColumnRenamed("k", "key").groupBy({"key"}).agg({count("*").alias("cnt")}), Cp()), "");
  // Other key type.
  std::string err = StartError(stream.toDF().groupBy({length(col("k")).alias("k")}).agg({count("*").alias("n")}), Cp());
  EXPECT_NE(err.find("[STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE]"), std::string::npos) << err;
  EXPECT_NE(err.find("operator 0 (stateStoreSave): key schema was `k STRING`, now `"), std::string::npos) << err;
  EXPECT_NE(err.find(" INT`"), std::string::npos) << err;
  // Other aggregates.
  err = StartError(stream.toDF().groupBy({"k"}).agg({avg("v").alias("n")}), Cp());
  EXPECT_NE(err.find("[STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE]"), std::string::npos) << err;
  EXPECT_NE(err.find("value schema was `count(1) BIGINT`"), std::string::npos) << err;
  // Other stateful operators.
  err = StartError(stream.toDF().dropDuplicates({"k"}), Cp(), "append");
  EXPECT_NE(err.find("[STREAMING_STATEFUL_OPERATOR_NOT_MATCH_IN_STATE_METADATA]"), std::string::npos) << err;
  EXPECT_NE(err.find("(OperatorId: 0 -> OperatorName: stateStoreSave)"), std::string::npos) << err;
  EXPECT_NE(err.find("(OperatorId: 0 -> OperatorName: dedupe)"), std::string::npos) << err;
  // The original query still runs on the checkpoint.
  EXPECT_EQ(StartError(stream.toDF().groupBy({"k"}).agg({count("*").alias("n")}), Cp()), "");
}

}  // namespace
}  // namespace sluice
