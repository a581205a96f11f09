#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "api/session_state.h"
#include "platform/clock.h"
#include "platform/file_system.h"
#include "sluice/sluice.h"
#include "streaming/stream_execution.h"

namespace sluice {
namespace {

using namespace functions;
namespace fs = std::filesystem;

class StreamingQueryTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDirectory("sluice-streaming-test-"); }
  void TearDown() override { fs::remove_all(dir_); }

  Session NewSession() {
    return Session::builder().config("spark.sql.shuffle.partitions", "2").clock(clock_).getOrCreate();
  }
  std::string Checkpoint(const std::string& name) { return (dir_ / name).string(); }

  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>(0);
  fs::path dir_;
};

// Records what foreachBatch receives, per batch id.
struct BatchLog {
  std::mutex mu;
  std::map<int64_t, std::vector<std::string>> batches;
  std::vector<int64_t> calls;
  void Add(const DataFrame& df, int64_t id) {
    std::vector<std::string> rows;
    for (const auto& r : df.collect()) rows.push_back(r.ToString());
    std::lock_guard<std::mutex> l(mu);
    batches[id] = rows;
    calls.push_back(id);
  }
};

TEST_F(StreamingQueryTest, ProgressAndCheckpointLayoutFollowSpark) {
  Session spark = NewSession();
  auto stream = spark.memoryStream(ParseSchema("k STRING, v INT"));
  auto q = stream.toDF()
               .groupBy({"k"})
               .agg({sum("v").alias("total")})
               .writeStream()
               .format("memory")
               .queryName("totals")
               .outputMode("complete")
               .option("checkpointLocation", Checkpoint("cp"))
               .start();
  stream.addData({{Value::String("a"), Value::Int(1)}, {Value::String("b"), Value::Int(2)}});
  q.processAllAvailable();
  auto p = q.lastProgress();
  ASSERT_TRUE(p.has_value());
  auto j = nlohmann::json::parse(p->json());
  EXPECT_EQ(j["id"], q.id());
  EXPECT_EQ(j["runId"], q.runId());
  EXPECT_EQ(j["name"], "totals");
  EXPECT_EQ(j["batchId"], 0);
  EXPECT_EQ(j["numInputRows"], 2);
  EXPECT_EQ(j["timestamp"], "1970-01-01T00:00:00.000Z");
  for (const char* k : {"latestOffset", "getBatch", "walCommit", "addBatch", "commitOffsets", "triggerExecution"})
    EXPECT_TRUE(j["durationMs"].contains(k)) << k;
  EXPECT_EQ(j["stateOperators"].size(), 1u);
  EXPECT_EQ(j["stateOperators"][0]["numRowsTotal"], 2);
  EXPECT_EQ(j["sources"][0]["endOffset"], 2);
  EXPECT_EQ(j["sink"]["numOutputRows"], 2);
  EXPECT_TRUE(fs::exists(Checkpoint("cp") + "/metadata"));
  EXPECT_TRUE(fs::exists(Checkpoint("cp") + "/offsets/0"));
  EXPECT_TRUE(fs::exists(Checkpoint("cp") + "/commits/0"));
  EXPECT_EQ(ReadFile(Checkpoint("cp") + "/commits/0"), "v1\n{\"nextBatchWatermarkMs\":0}");
  auto rows = spark.sql("SELECT * FROM totals ORDER BY k").collect();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][1], Value::Long(2));
  q.stop();
  EXPECT_FALSE(q.isActive());
}

// A failure after the offset log entry is written and before the commit: on restart the same batch
// id re-runs on exactly the same input, once.
TEST_F(StreamingQueryTest, UncommittedBatchRerunsWithSameOffsets) {
  auto log = std::make_shared<BatchLog>();
  auto fail_once = std::make_shared<std::atomic<bool>>(true);
  auto start = [&](Session& spark, MemoryStream& stream) {
    return stream.toDF()
        .withColumn("w", col("v") * 10)
        .writeStream()
        .foreachBatch([log, fail_once](const DataFrame& df, int64_t id) {
          if (id == 1 && fail_once->exchange(false)) throw ExecutionError("injected failure in batch 1");
          log->Add(df, id);
        })
        .option("checkpointLocation", Checkpoint("rerun"))
        .start();
  };
  Session spark = NewSession();
  auto stream = spark.memoryStream(ParseSchema("v INT"));
  auto q1 = start(spark, stream);
  stream.addData({{Value::Int(1)}});
  q1.processAllAvailable();
  stream.addData({{Value::Int(2)}, {Value::Int(3)}});
  EXPECT_THROW(q1.awaitTermination(), StreamingQueryError);
  ASSERT_TRUE(q1.exception().has_value());
  EXPECT_NE(q1.exception()->find("injected failure"), std::string::npos);
  EXPECT_TRUE(fs::exists(Checkpoint("rerun") + "/offsets/1"));
  EXPECT_FALSE(fs::exists(Checkpoint("rerun") + "/commits/1"));
  // More input arrives while the query is down; the re-run batch must not include it.
  stream.addData({{Value::Int(4)}});
  auto q2 = start(spark, stream);
  q2.processAllAvailable();
  q2.stop();
  std::lock_guard<std::mutex> l(log->mu);
  EXPECT_EQ(log->calls, (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(log->batches[0], (std::vector<std::string>{"Row(v=1, w=10)"}));
  EXPECT_EQ(log->batches[1], (std::vector<std::string>{"Row(v=2, w=20)", "Row(v=3, w=30)"}));
  EXPECT_EQ(log->batches[2], (std::vector<std::string>{"Row(v=4, w=40)"}));
  EXPECT_EQ(q1.id(), q2.id());
  EXPECT_NE(q1.runId(), q2.runId());
}

TEST_F(StreamingQueryTest, ProcessingTimeTriggerFollowsTheClock) {
  Session spark = NewSession();
  auto stream = spark.memoryStream(ParseSchema("v INT"));
  auto log = std::make_shared<BatchLog>();
  auto q = stream.toDF()
               .writeStream()
               .foreachBatch([log](const DataFrame& df, int64_t id) { log->Add(df, id); })
               .trigger(Trigger::ProcessingTime("10 seconds"))
               .start();
  q.execution()->AwaitIdle();
  stream.addData({{Value::Int(1)}});
  q.execution()->AwaitIdle();
  EXPECT_TRUE(log->calls.empty());
  clock_->AdvanceMicros(10 * 1000000);
  q.execution()->AwaitIdle();
  EXPECT_EQ(log->calls.size(), 1u);
  q.stop();
}

TEST_F(StreamingQueryTest, RateSourceIsDrivenByTheSessionClock) {
  Session spark = NewSession();
  auto df = spark.readStream().format("rate").option("rowsPerSecond", int64_t{5}).option("numPartitions", int64_t{2}).load();
  EXPECT_EQ(df.schema()->SimpleString(), "struct<timestamp:timestamp,value:bigint>");
  auto q = df.writeStream().format("memory").queryName("rates").trigger(Trigger::ProcessingTime("1 second")).start();
  clock_->AdvanceMicros(2 * 1000000);
  q.execution()->AwaitIdle();
  auto rows = spark.sql("SELECT value, timestamp FROM rates ORDER BY value").collect();
  ASSERT_EQ(rows.size(), 10u);
  EXPECT_EQ(rows[0][0], Value::Long(0));
  EXPECT_EQ(rows[9][0], Value::Long(9));
  EXPECT_EQ(rows[5][1], Value::Timestamp(1000000));  // value 5 is the first of second 1
  q.stop();
  EXPECT_THROW(spark.readStream().format("rate").option("rowsPerSecond", int64_t{0}).load(), AnalysisError);
}

TEST_F(StreamingQueryTest, ListenersSeeLifecycle) {
  struct Listener : StreamingQueryListener {
    std::atomic<int> started{0}, progress{0}, terminated{0};
    void onQueryStarted(const QueryStartedEvent&) override { ++started; }
    void onQueryProgress(const QueryProgressEvent&) override { ++progress; }
    void onQueryTerminated(const QueryTerminatedEvent&) override { ++terminated; }
  };
  Session spark = NewSession();
  auto listener = std::make_shared<Listener>();
  spark.streams().addListener(listener);
  auto stream = spark.memoryStream(ParseSchema("v INT"));
  stream.addData({{Value::Int(1)}});
  auto q = stream.toDF().writeStream().format("noop").trigger(Trigger::Once()).start();
  q.awaitTermination();
  EXPECT_EQ(listener->started, 1);
  EXPECT_EQ(listener->progress, 1);
  EXPECT_EQ(listener->terminated, 1);
  EXPECT_TRUE(spark.streams().active().empty());
}

TEST_F(StreamingQueryTest, InvalidQueriesFailBeforeStarting) {
  Session spark = NewSession();
  auto stream = spark.memoryStream(ParseSchema("k STRING, ts TIMESTAMP"));
  auto agg = stream.toDF().groupBy({"k"}).count();
  try {
    agg.writeStream().format("memory").queryName("x").outputMode("append").start();
    FAIL();
  } catch (const AnalysisError& e) {
    EXPECT_NE(std::string(e.what()).find("Append output mode not supported"), std::string::npos);
  }
  EXPECT_THROW(stream.toDF().writeStream().format("memory").queryName("y").outputMode("complete").start(),
               AnalysisError);
  EXPECT_THROW(stream.toDF().writeStream().format("json").start(), AnalysisError);  // no checkpoint
  EXPECT_THROW(stream.toDF().writeStream().outputMode("sometimes"), AnalysisError);
}

}  // namespace
}  // namespace sluice
