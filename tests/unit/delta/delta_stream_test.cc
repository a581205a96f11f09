// Delta as a streaming sink (exactly-once through txn actions, complete mode) and as a streaming
// source (snapshot then commits, rate limits, restarts, deletes and changes).
#include <gtest/gtest.h>

#include "api/session_state.h"
#include "delta/delta_commit.h"
#include "delta_test_util.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;
using J = nlohmann::json;
using namespace functions;

class DeltaStreamTest : public DeltaTest {
 protected:
  StreamingQuery StartSink(Session& spark, MemoryStream& stream,
                           const std::string& mode = "append") {
    return stream.toDF()
        .writeStream()
        .format("delta")
        .outputMode(mode)
        .option("checkpointLocation", Path("cp"))
        .start(Path("t"));
  }
};

TEST_F(DeltaStreamTest, SinkWritesEachBatchOnceWithTxn) {
  Session spark = NewSession();
  auto stream = spark.memoryStream(ParseSchema("id INT, name STRING"));
  auto q = StartSink(spark, stream);
  stream.addData({{Value::Int(1), Value::String("a")}, {Value::Int(2), Value::String("b")}});
  q.processAllAvailable();
  stream.addData({{Value::Int(3), Value::String("c")}});
  q.processAllAvailable();
  std::string query_id = q.id();
  q.stop();
  EXPECT_EQ(SortedRows(spark.read().format("delta").load(Path("t"))),
            (std::vector<std::string>{"Row(id=1, name='a')", "Row(id=2, name='b')",
                                      "Row(id=3, name='c')"}));
  DeltaSnapshot snap = LoadDeltaSnapshot(Path("t"));
  EXPECT_EQ(snap.version, 1);
  ASSERT_TRUE(snap.app_transactions.contains(query_id));
  EXPECT_EQ(snap.app_transactions.at(query_id).first, 1);
  J info = CommitInfo(Path("t"), 1);
  EXPECT_EQ(info["operation"], "STREAMING UPDATE");
  EXPECT_EQ(info["operationParameters"]["outputMode"], "Append");
  EXPECT_EQ(info["operationParameters"]["queryId"], query_id);
  EXPECT_EQ(info["operationParameters"]["epochId"], "1");
  EXPECT_EQ(q.lastProgress()->json().find("DeltaSink[") != std::string::npos, true);

  // Crash between the Delta commit of batch 1 and its commit log entry: the restarted query
  // re-runs batch 1, and the txn action turns the second write into a no-op.
  ASSERT_TRUE(fs::remove(Path("cp") + "/commits/1"));
  auto q2 = StartSink(spark, stream);
  q2.processAllAvailable();
  EXPECT_TRUE(fs::exists(Path("cp") + "/commits/1"));
  EXPECT_EQ(LoadDeltaSnapshot(Path("t")).version, 1);  // nothing committed again
  stream.addData({{Value::Int(4), Value::String("d")}});
  q2.processAllAvailable();
  q2.stop();
  EXPECT_EQ(spark.read().format("delta").load(Path("t")).count(), 4);
  EXPECT_EQ(LoadDeltaSnapshot(Path("t")).app_transactions.at(query_id).first, 2);
}

TEST_F(DeltaStreamTest, SinkCompleteModeOverwritesEachBatch) {
  Session spark = NewSession();
  auto stream = spark.memoryStream(ParseSchema("k STRING, v INT"));
  auto q = stream.toDF()
               .groupBy({"k"})
               .agg({sum("v").alias("total")})
               .writeStream()
               .format("delta")
               .outputMode("complete")
               .option("checkpointLocation", Path("cp"))
               .start(Path("t"));
  stream.addData({{Value::String("a"), Value::Int(1)}, {Value::String("b"), Value::Int(2)}});
  q.processAllAvailable();
  stream.addData({{Value::String("a"), Value::Int(10)}});
  q.processAllAvailable();
  q.stop();
  EXPECT_EQ(SortedRows(spark.read().format("delta").load(Path("t"))),
            (std::vector<std::string>{"Row(k='a', total=11)", "Row(k='b', total=2)"}));
  EXPECT_EQ(CommitInfo(Path("t"), 1)["operationParameters"]["outputMode"], "Complete");
  ExpectErrorContaining(
      [&] {
        stream.toDF()
            .groupBy({"k"})
            .agg({sum("v").alias("total")})
            .writeStream()
            .format("delta")
            .outputMode("update")
            .option("checkpointLocation", Path("cp2"))
            .start(Path("u"));
      },
      {"does not support Update output mode"});
}

class DeltaSourceTest : public DeltaTest {
 protected:
  void Append(Session& spark, int from, int to) {
    std::vector<std::vector<Value>> rows;
    for (int i = from; i < to; ++i) rows.push_back({Value::Int(i)});
    spark.createDataFrame(rows, "id INT").write().format("delta").mode("append").save(Path("src"));
  }
  StreamingQuery Start(Session& spark, const std::map<std::string, std::string>& opts,
                       const std::string& cp = "cp") {
    DataStreamReader reader = spark.readStream().format("delta");
    for (const auto& [k, v] : opts) reader.option(k, v);
    return reader.load(Path("src"))
        .writeStream()
        .format("memory")
        .queryName("out")
        .option("checkpointLocation", Path(cp))
        .start();
  }
  // The default trigger sleeps on the manual clock between polls: move it so the query looks at
  // the table again, then wait until it is idle.
  void Process(const StreamingQuery& q) {
    clock_->AdvanceMicros(20000);
    q.processAllAvailable();
  }
  static std::vector<int64_t> BatchSizes(const StreamingQuery& q) {
    std::vector<int64_t> out;
    for (const auto& p : q.recentProgress()) {
      auto j = J::parse(p.json());
      if (j["numInputRows"].get<int64_t>() > 0) out.push_back(j["numInputRows"].get<int64_t>());
    }
    return out;
  }
};

TEST_F(DeltaSourceTest, SnapshotThenCommitsWithMaxFilesPerTriggerAndRestart) {
  Session spark = NewSession();
  for (int v = 0; v < 5; ++v) Append(spark, v * 10, v * 10 + 2);  // 5 files of 2 rows
  auto q = Start(spark, {{"maxFilesPerTrigger", "2"}});
  Process(q);
  EXPECT_EQ(BatchSizes(q), (std::vector<int64_t>{4, 4, 2}));
  EXPECT_EQ(spark.sql("SELECT * FROM out").count(), 10);
  // Offsets are written as Delta writes them.
  std::string offsets = ReadFile(Path("cp") + "/offsets/0");
  auto last_line = offsets.substr(offsets.rfind('\n') + 1);
  J off = J::parse(last_line);
  EXPECT_EQ(off["sourceVersion"], 1);
  EXPECT_EQ(off["reservoirId"], LoadDeltaSnapshot(Path("src")).table_id);
  EXPECT_EQ(off["reservoirVersion"], 4);
  EXPECT_EQ(off["index"], 1);
  EXPECT_EQ(off["isStartingVersion"], true);
  auto progress = J::parse(q.recentProgress()[0].json());
  EXPECT_EQ(progress["sources"][0]["description"], "DeltaSource[file:" + Path("src") + "]");
  EXPECT_EQ(progress["sources"][0]["metrics"]["numFilesOutstanding"], "3");
  q.stop();
  // New commits while stopped; the restarted query reads only them.
  Append(spark, 100, 103);
  Append(spark, 200, 201);
  auto q2 = Start(spark, {{"maxFilesPerTrigger", "1"}});
  Process(q2);
  EXPECT_EQ(BatchSizes(q2), (std::vector<int64_t>{3, 1}));
  q2.stop();
  J off2 = J::parse([&] {
    std::string t = ReadFile(Path("cp") + "/offsets/4");
    return t.substr(t.rfind('\n') + 1);
  }());
  EXPECT_EQ(off2["reservoirVersion"], 6);
  EXPECT_EQ(off2["index"], 0);
  EXPECT_EQ(off2["isStartingVersion"], false);
}

TEST_F(DeltaSourceTest, StartingVersionAndBytesLimit) {
  Session spark = NewSession();
  for (int v = 0; v < 4; ++v) Append(spark, v * 10, v * 10 + 3);
  auto q = Start(spark, {{"startingVersion", "2"}, {"maxBytesPerTrigger", "1"}});
  Process(q);
  EXPECT_EQ(BatchSizes(q), (std::vector<int64_t>{3, 3}));  // versions 2 and 3, one file each
  q.stop();
  auto rows = SortedRows(spark.sql("SELECT * FROM out"));
  EXPECT_EQ(rows.front(), "Row(id=20)");
  auto q2 = Start(spark, {{"startingVersion", "latest"}}, "cp2");
  Process(q2);
  Append(spark, 99, 100);
  Process(q2);
  EXPECT_EQ(BatchSizes(q2), (std::vector<int64_t>{1}));
  q2.stop();
  ExpectErrorContaining(
      [&] {
        Start(spark, {{"startingVersion", "x"}}, "cp3");
      },
      {"DELTA_INVALID_STARTING_VERSION"});
  ExpectErrorContaining(
      [&] {
        Start(spark, {{"maxFilesPerTrigger", "0"}}, "cp3");
      },
      {"maxFilesPerTrigger"});
}

TEST_F(DeltaSourceTest, StartingTimestamp) {
  Session spark = NewSession();
  Append(spark, 0, 1);
  clock_->AdvanceMicros(60LL * 1000000);
  Append(spark, 1, 2);
  clock_->AdvanceMicros(60LL * 1000000);
  Append(spark, 2, 3);
  // 1700000000 s = 2023-11-14 22:13:20 UTC; version 1 was committed 60 s later.
  auto q = Start(spark, {{"startingTimestamp", "2023-11-14 22:14:00"}});
  Process(q);
  q.stop();
  EXPECT_EQ(SortedRows(spark.sql("SELECT * FROM out")),
            (std::vector<std::string>{"Row(id=1)", "Row(id=2)"}));
}

TEST_F(DeltaSourceTest, DeletesAndChangesFailUnlessIgnored) {
  Session spark = NewSession();
  Append(spark, 0, 2);
  Append(spark, 2, 4);
  auto q = Start(spark, {});
  Process(q);
  // A commit that only removes a file (a delete).
  {
    DeltaTransaction txn(Path("src"), spark.state()->clock());
    txn.RemoveFile(txn.snapshot()->files[0], true);
    txn.Commit(DeltaCommitInfo{"DELETE"});
  }
  EXPECT_THROW(Process(q), StreamingQueryError);
  ASSERT_TRUE(q.exception().has_value());
  EXPECT_NE(q.exception()->find("DELTA_SOURCE_IGNORE_DELETE"), std::string::npos) << *q.exception();
  EXPECT_NE(q.exception()->find("ignoreDeletes"), std::string::npos);
  auto q2 = Start(spark, {{"ignoreDeletes", "true"}});
  Process(q2);
  Append(spark, 4, 5);
  Process(q2);
  EXPECT_EQ(spark.sql("SELECT * FROM out").count(), 5);
  // An overwrite removes and adds: a data change.
  spark.createDataFrame({{Value::Int(50)}}, "id INT")
      .write()
      .format("delta")
      .mode("overwrite")
      .save(Path("src"));
  EXPECT_THROW(Process(q2), StreamingQueryError);
  EXPECT_NE(q2.exception()->find("DELTA_SOURCE_TABLE_IGNORE_CHANGES"), std::string::npos);
  auto q3 = Start(spark, {{"ignoreDeletes", "true"}, {"skipChangeCommits", "true"}});
  Process(q3);
  Append(spark, 6, 7);
  Process(q3);
  q3.stop();
  auto rows = SortedRows(spark.sql("SELECT * FROM out"));
  EXPECT_EQ(rows.size(), 6u);  // the overwrite's row 50 was skipped with its commit
  EXPECT_EQ(std::count(rows.begin(), rows.end(), "Row(id=50)"), 0);
}

TEST_F(DeltaSourceTest, OptimizeCommitsAreSkippedAndAvailableNowStops) {
  Session spark = NewSession();
  for (int v = 0; v < 3; ++v) Append(spark, v, v + 1);
  auto q = spark.readStream()
               .format("delta")
               .load(Path("src"))
               .writeStream()
               .format("memory")
               .queryName("out")
               .trigger(Trigger::AvailableNow())
               .option("checkpointLocation", Path("cp"))
               .start();
  q.awaitTermination();
  EXPECT_EQ(spark.sql("SELECT * FROM out").count(), 3);
  spark.sql("OPTIMIZE delta.`" + Path("src") + "`");
  Append(spark, 10, 11);
  auto q2 = spark.readStream()
                .format("delta")
                .load(Path("src"))
                .writeStream()
                .format("memory")
                .queryName("out")
                .trigger(Trigger::AvailableNow())
                .option("checkpointLocation", Path("cp"))
                .start();
  q2.awaitTermination();
  // The memory sink keeps the first run's rows; OPTIMIZE's rewritten files are not read again.
  EXPECT_EQ(SortedRows(spark.sql("SELECT * FROM out")),
            (std::vector<std::string>{"Row(id=0)", "Row(id=1)", "Row(id=10)", "Row(id=2)"}));
}

// Delta -> Delta: a streaming copy of a table.
TEST_F(DeltaSourceTest, DeltaToDeltaPipeline) {
  Session spark = NewSession();
  Append(spark, 0, 3);
  auto q = spark.readStream()
               .format("delta")
               .load(Path("src"))
               .withColumn("twice", col("id") * 2)
               .writeStream()
               .format("delta")
               .option("checkpointLocation", Path("cp"))
               .start(Path("dst"));
  Process(q);
  Append(spark, 3, 4);
  Process(q);
  q.stop();
  EXPECT_EQ(SortedRows(spark.read().format("delta").load(Path("dst"))),
            (std::vector<std::string>{"Row(id=0, twice=0)", "Row(id=1, twice=2)",
                                      "Row(id=2, twice=4)", "Row(id=3, twice=6)"}));
  ExpectErrorContaining([&] { spark.readStream().format("delta").load(Path("nothing")); },
                        {"PATH_NOT_FOUND"});
}

}  // namespace
}  // namespace sluice
