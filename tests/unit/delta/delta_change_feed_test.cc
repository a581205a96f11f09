// Delta change data feed reads (batch and streaming) and idempotent writes (txnAppId/txnVersion).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>

#include "delta/delta_commit.h"
#include "delta_test_util.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;
using J = nlohmann::json;
using namespace functions;

class DeltaChangeFeedTest : public DeltaTest {
 protected:
  // Appends ids [from, to) (name = "n<id>") to table `name`, creating it with CDF on (or off).
  void Append(Session& spark, int from, int to, const std::string& name = "t",
              bool cdf = true, const std::string& mode = "append") {
    std::vector<std::vector<Value>> rows;
    for (int i = from; i < to; ++i) {
      rows.push_back({Value::Int(i), Value::String("n" + std::to_string(i))});
    }
    spark.createDataFrame(rows, "id INT, name STRING")
        .write()
        .format("delta")
        .mode(mode)
        .option("delta.enableChangeDataFeed", cdf ? "true" : "false")
        .save(Path(name));
    clock_->AdvanceMicros(60LL * 1000000);  // one commit per minute
  }
  DataFrame Changes(Session& spark, const std::map<std::string, std::string>& opts,
                    const std::string& name = "t") {
    DataFrameReader reader = spark.read();
    reader.format("delta").option("readChangeFeed", "true");
    for (const auto& [k, v] : opts) reader.option(k, v);
    return reader.load(Path(name));
  }
  // Rows as "id name type version", sorted.
  static std::vector<std::string> Compact(const DataFrame& df) {
    std::vector<std::string> out;
    for (const Row& r : df.collect()) {
      out.push_back(fmt::format("{} {} {} {}", r[0].ToString(), r[1].ToString(), r[2].ToString(),
                                r[3].ToString()));
    }
    std::sort(out.begin(), out.end());
    return out;
  }
};

TEST_F(DeltaChangeFeedTest, BatchReadsInsertsDeletesAndSkipsOptimize) {
  Session spark = NewSession();
  Append(spark, 1, 3);                                  // v0: 1, 2
  Append(spark, 3, 4);                                  // v1: 3
  Append(spark, 10, 11, "t", true, "overwrite");        // v2: delete 1, 2, 3; insert 10
  Append(spark, 11, 12);                                // v3: 11
  spark.sql("OPTIMIZE delta.`" + Path("t") + "`");      // v4: dataChange = false
  ASSERT_EQ(LoadDeltaSnapshot(Path("t")).version, 4);

  DataFrame all = Changes(spark, {{"startingVersion", "0"}});
  EXPECT_EQ(all.schema()->ToDdl(),
            "id INT, name STRING, _change_type STRING, _commit_version BIGINT, "
            "_commit_timestamp TIMESTAMP");
  EXPECT_EQ(Compact(all), (std::vector<std::string>{
                              "1 n1 delete 2", "1 n1 insert 0", "10 n10 insert 2",
                              "11 n11 insert 3", "2 n2 delete 2", "2 n2 insert 0",
                              "3 n3 delete 2", "3 n3 insert 1"}));
  // Commit timestamps: the session clock at each commit (one minute apart from 22:13:20 UTC).
  auto ts = SortedRows(all.filter("id = 3").select(std::vector<std::string>{"_change_type", "_commit_timestamp"}));
  EXPECT_EQ(ts, (std::vector<std::string>{
                    "Row(_change_type='delete', _commit_timestamp=2023-11-14 22:15:20)",
                    "Row(_change_type='insert', _commit_timestamp=2023-11-14 22:14:20)"}));

  // A range; endingVersion beyond the latest version is capped.
  EXPECT_EQ(Compact(Changes(spark, {{"startingVersion", "1"}, {"endingVersion", "1"}})),
            (std::vector<std::string>{"3 n3 insert 1"}));
  EXPECT_EQ(Compact(Changes(spark, {{"startingVersion", "3"}, {"endingVersion", "99"}})),
            (std::vector<std::string>{"11 n11 insert 3"}));
  EXPECT_EQ(Changes(spark, {{"startingVersion", "4"}}).count(), 0);  // OPTIMIZE only
  // SQL over the change feed.
  Changes(spark, {{"startingVersion", "0"}}).createOrReplaceTempView("changes");
  auto counts = SortedRows(spark.sql(
      "SELECT _change_type, count(*) AS n FROM changes GROUP BY _change_type"));
  EXPECT_EQ(counts, (std::vector<std::string>{"Row(_change_type='delete', n=3)",
                                              "Row(_change_type='insert', n=5)"}));
}

TEST_F(DeltaChangeFeedTest, TimestampBounds) {
  Session spark = NewSession();
  Append(spark, 0, 1);  // v0 at 22:13:20
  Append(spark, 1, 2);  // v1 at 22:14:20
  Append(spark, 2, 3);  // v2 at 22:15:20
  // startingTimestamp: the first commit at or after it; endingTimestamp: the last at or before.
  EXPECT_EQ(Compact(Changes(spark, {{"startingTimestamp", "2023-11-14 22:14:00"},
                                    {"endingTimestamp", "2023-11-14 22:15:00"}})),
            (std::vector<std::string>{"1 n1 insert 1"}));
  EXPECT_EQ(Compact(Changes(spark, {{"startingTimestamp", "2023-11-14 22:14:20"}})),
            (std::vector<std::string>{"1 n1 insert 1", "2 n2 insert 2"}));
  EXPECT_EQ(Compact(Changes(spark, {{"startingTimestamp", "2023-11-14"}})).size(), 3u);
  ExpectErrorContaining(
      [&] { Changes(spark, {{"startingTimestamp", "2023-11-15 00:00:00"}}); },
      {"DELTA_TIMESTAMP_GREATER_THAN_COMMIT", "2023-11-15 00:00:00"});
  ExpectErrorContaining(
      [&] {
        Changes(spark, {{"startingVersion", "0"}, {"endingTimestamp", "2023-11-14 22:00:00"}});
      },
      {"DELTA_TIMESTAMP_EARLIER_THAN_COMMIT_RETENTION", "endingTimestamp"});
  ExpectErrorContaining([&] { Changes(spark, {{"startingTimestamp", "yesterday"}}); },
                        {"DELTA_TIMESTAMP_INVALID", "startingTimestamp"});
  // Out-of-range starts read nothing when the conf allows it.
  spark.conf().set("spark.databricks.delta.changeDataFeed.timestampOutOfRange.enabled", "true");
  EXPECT_EQ(Changes(spark, {{"startingTimestamp", "2023-11-15 00:00:00"}}).count(), 0);
  EXPECT_EQ(Changes(spark, {{"startingVersion", "7"}}).count(), 0);
}

TEST_F(DeltaChangeFeedTest, OptionAndRangeErrors) {
  Session spark = NewSession();
  Append(spark, 0, 1);
  Append(spark, 1, 2);
  ExpectErrorContaining([&] { Changes(spark, {}); }, {"DELTA_NO_START_FOR_CDC_READ"});
  ExpectErrorContaining(
      [&] { Changes(spark, {{"startingVersion", "0"}, {"startingTimestamp", "2023-11-14"}}); },
      {"DELTA_MULTIPLE_CDC_BOUNDARY"});
  ExpectErrorContaining([&] { Changes(spark, {{"startingVersion", "5"}}); },
                        {"DELTA_INVALID_CDC_RANGE", "(5)", "latest version of the table (1)"});
  ExpectErrorContaining(
      [&] { Changes(spark, {{"startingVersion", "1"}, {"endingVersion", "0"}}); },
      {"DELTA_INVALID_CDC_RANGE", "start 1 to end 0"});
  ExpectErrorContaining([&] { Changes(spark, {{"startingVersion", "-1"}}); },
                        {"startingVersion", "'-1'"});
  ExpectErrorContaining(
      [&] { Changes(spark, {{"startingVersion", "0"}, {"versionAsOf", "0"}}); },
      {"versionAsOf"});
}

TEST_F(DeltaChangeFeedTest, NotRecordedWithoutTheProperty) {
  Session spark = NewSession();
  Append(spark, 0, 2, "plain", /*cdf=*/false);
  Append(spark, 2, 3, "plain", /*cdf=*/false);
  ExpectErrorContaining([&] { Changes(spark, {{"startingVersion", "1"}}, "plain"); },
                        {"DELTA_MISSING_CHANGE_DATA", "[1 , 1]", "version [1]",
                         Path("plain"), "delta.enableChangeDataFeed"});
  // The streaming source fails the query on the first commit it reads.
  auto q = spark.readStream()
               .format("delta")
               .option("readChangeFeed", "true")
               .option("startingVersion", "0")
               .load(Path("plain"))
               .writeStream()
               .format("memory")
               .queryName("out")
               .option("checkpointLocation", Path("cp"))
               .start();
  EXPECT_THROW(q.processAllAvailable(), StreamingQueryError);
  ASSERT_TRUE(q.exception().has_value());
  EXPECT_NE(q.exception()->find("version [0]"), std::string::npos) << *q.exception();
}

// Writes `rows` (of `ddl`) as one Parquet file and moves it to `dest`; returns its size.
int64_t WriteParquetFile(Session& spark, const std::vector<std::vector<Value>>& rows,
                         const std::string& ddl, const fs::path& scratch, const fs::path& dest) {
  spark.createDataFrame(rows, ddl).write().format("parquet").mode("overwrite").save(
      scratch.string());
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(scratch)) {
    if (e.path().extension() == ".parquet") files.push_back(e.path());
  }
  if (files.size() != 1) {
    ADD_FAILURE() << files.size() << " Parquet files written under " << scratch;
    return 0;
  }
  fs::create_directories(dest.parent_path());
  fs::rename(files[0], dest);
  return static_cast<int64_t>(fs::file_size(dest));
}

// A commit with `cdc` actions (as Delta's UPDATE writes): the change rows come from the change data
// files, not from the commit's add/remove actions.
TEST_F(DeltaChangeFeedTest, ChangeDataFilesOfAnUpdate) {
  Session spark = NewSession();
  spark.createDataFrame({{Value::Int(1), Value::String("a"), Value::String("x")},
                         {Value::Int(2), Value::String("b"), Value::String("x")},
                         {Value::Int(3), Value::String("c"), Value::String("y")}},
                        "id INT, name STRING, p STRING")
      .write()
      .format("delta")
      .partitionBy({"p"})
      .option("delta.enableChangeDataFeed", "true")
      .save(Path("t"));
  DeltaSnapshot v0 = LoadDeltaSnapshot(Path("t"));
  const DeltaFile* old_x = nullptr;
  for (const DeltaFile& f : v0.files) {
    if (f.partition_values[0].second == "x") old_x = &f;
  }
  ASSERT_NE(old_x, nullptr);
  // UPDATE t SET name = 'B' WHERE id = 2: partition x rewritten, plus one change data file.
  std::string new_rel = "p=x/part-00000-rewritten.c000.snappy.parquet";
  int64_t new_size = WriteParquetFile(
      spark, {{Value::Int(1), Value::String("a")}, {Value::Int(2), Value::String("B")}},
      "id INT, name STRING", dir_ / "scratch1", Path("t") + "/" + new_rel);
  std::string cdc_rel = "_change_data/p=x/cdc-00000-update.c000.snappy.parquet";
  int64_t cdc_size = WriteParquetFile(
      spark,
      {{Value::Int(2), Value::String("b"), Value::String("update_preimage")},
       {Value::Int(2), Value::String("B"), Value::String("update_postimage")}},
      "id INT, name STRING, _change_type STRING", dir_ / "scratch2", Path("t") + "/" + cdc_rel);
  {
    std::ofstream log(Path("t") + "/_delta_log/" + DeltaCommitFileName(1));
    log << J{{"commitInfo", {{"timestamp", 1700000120000LL}, {"operation", "UPDATE"}}}}.dump()
        << "\n"
        << J{{"remove",
              {{"path", old_x->log_path},
               {"deletionTimestamp", 1700000120000LL},
               {"dataChange", true},
               {"partitionValues", {{"p", "x"}}},
               {"size", old_x->size}}}}
               .dump()
        << "\n"
        << J{{"add",
              {{"path", new_rel},
               {"partitionValues", {{"p", "x"}}},
               {"size", new_size},
               {"modificationTime", 1700000120000LL},
               {"dataChange", true}}}}
               .dump()
        << "\n"
        << J{{"cdc",
              {{"path", cdc_rel},
               {"partitionValues", {{"p", "x"}}},
               {"size", cdc_size},
               {"dataChange", false}}}}
               .dump()
        << "\n";
  }
  EXPECT_EQ(SortedRows(spark.read().format("delta").load(Path("t"))),
            (std::vector<std::string>{"Row(id=1, name='a', p='x')", "Row(id=2, name='B', p='x')",
                                      "Row(id=3, name='c', p='y')"}));
  auto rows = SortedRows(Changes(spark, {{"startingVersion", "1"}}));
  EXPECT_EQ(rows, (std::vector<std::string>{
                      "Row(id=2, name='B', p='x', _change_type='update_postimage', "
                      "_commit_version=1, _commit_timestamp=2023-11-14 22:15:20)",
                      "Row(id=2, name='b', p='x', _change_type='update_preimage', "
                      "_commit_version=1, _commit_timestamp=2023-11-14 22:15:20)"}));
  EXPECT_EQ(Changes(spark, {{"startingVersion", "0"}}).count(), 5);  // 3 inserts + 2 images

  // The streaming source reads the same change files.
  auto q = spark.readStream()
               .format("delta")
               .option("readChangeFeed", "true")
               .option("startingVersion", "1")
               .load(Path("t"))
               .writeStream()
               .format("memory")
               .queryName("stream_out")
               .option("checkpointLocation", Path("cp"))
               .start();
  q.processAllAvailable();
  q.stop();
  EXPECT_EQ(SortedRows(spark.sql("SELECT * FROM stream_out")), rows);

  // A change data file without _change_type is an error naming the file and version.
  fs::remove(Path("t") + "/" + cdc_rel);
  WriteParquetFile(spark, {{Value::Int(2), Value::String("b")}}, "id INT, name STRING",
                   dir_ / "scratch3", Path("t") + "/" + cdc_rel);
  ExpectErrorContaining([&] { Changes(spark, {{"startingVersion", "1"}}).collect(); },
                        {cdc_rel, "version 1", "_change_type"});
  // A data file that is gone (a vacuumed remove) is an error naming the file and version.
  fs::remove(old_x->path);
  ExpectErrorContaining([&] { Changes(spark, {{"startingVersion", "0"}}).collect(); },
                        {"DELTA_CHANGE_DATA_FILE_NOT_FOUND", old_x->path, "version 0"});
}

// A Spark-written table with delta.enableChangeDataFeed: two inserts, then OPTIMIZE (ZORDER).
TEST_F(DeltaChangeFeedTest, GoldenSparkTable) {
  Session spark = NewSession();
  std::string table = std::string(SLUICE_SHARED_DIR) +
                      "/testdata/delta-golden/commit-info-containing-arbitrary-operationParams-types";
  auto rows = SortedRows(spark.read()
                             .format("delta")
                             .option("readChangeFeed", "true")
                             .option("startingVersion", "0")
                             .load(table));
  // commitInfo.timestamp 1740185390903 and 1740185395669 ms.
  EXPECT_EQ(rows, (std::vector<std::string>{
                      "Row(id=1, month=1, _change_type='insert', _commit_version=0, "
                      "_commit_timestamp=2025-02-22 00:49:50.903)",
                      "Row(id=2, month=2, _change_type='insert', _commit_version=1, "
                      "_commit_timestamp=2025-02-22 00:49:55.669)"}));
  EXPECT_EQ(spark.read()
                .format("delta")
                .option("readChangeFeed", "true")
                .option("startingVersion", "2")
                .load(table)
                .count(),
            0);
}

TEST_F(DeltaChangeFeedTest, StreamingSnapshotThenChangesAcrossRestart) {
  Session spark = NewSession();
  Append(spark, 0, 2);  // v0
  Append(spark, 2, 3);  // v1
  ASSERT_EQ(LoadDeltaSnapshot(Path("t")).files.size(), 2u);
  auto start = [&] {
    return spark.readStream()
        .format("delta")
        .option("readChangeFeed", "true")
        .option("maxFilesPerTrigger", "1")
        .load(Path("t"))
        .writeStream()
        .format("memory")
        .queryName("out")
        .option("checkpointLocation", Path("cp"))
        .start();
  };
  auto q = start();
  q.processAllAvailable();
  // The snapshot (version 1) reads as inserts of version 1.
  EXPECT_EQ(Compact(spark.sql("SELECT * FROM out")),
            (std::vector<std::string>{"0 n0 insert 1", "1 n1 insert 1", "2 n2 insert 1"}));
  Append(spark, 5, 6, "t", true, "overwrite");  // v2: a rewrite does not fail the query
  clock_->AdvanceMicros(20000);
  q.processAllAvailable();
  // One change file per batch: the snapshot's two files, then v2's two removes and one add.
  std::vector<int64_t> sizes;
  for (const auto& p : q.recentProgress()) {
    int64_t n = J::parse(p.json())["numInputRows"].get<int64_t>();
    if (n > 0) sizes.push_back(n);
  }
  std::sort(sizes.begin(), sizes.end());
  EXPECT_EQ(sizes, (std::vector<int64_t>{1, 1, 1, 2, 2}));
  q.stop();
  spark.sql("OPTIMIZE delta.`" + Path("t") + "`");  // v3: nothing (one file only: no commit)
  Append(spark, 6, 7);                                // v3 or v4
  auto q2 = start();
  q2.processAllAvailable();
  q2.stop();
  int64_t last = LoadDeltaSnapshot(Path("t")).version;
  EXPECT_EQ(Compact(spark.sql("SELECT * FROM out WHERE _commit_version >= 2")),
            (std::vector<std::string>{"0 n0 delete 2", "1 n1 delete 2", "2 n2 delete 2",
                                      "5 n5 insert 2",
                                      fmt::format("6 n6 insert {}", last)}));
}

// Idempotent writes: txnAppId / txnVersion.
TEST_F(DeltaChangeFeedTest, IdempotentWritesSkipRecordedVersions) {
  Session spark = NewSession();
  auto write = [&](int id, const std::string& app, const std::string& version,
                   const std::string& mode = "append") {
    spark.createDataFrame({{Value::Int(id)}}, "id INT")
        .write()
        .format("delta")
        .mode(mode)
        .option("txnAppId", app)
        .option("txnVersion", version)
        .save(Path("t"));
  };
  write(1, "app", "5", "error");
  write(2, "app", "5");  // same version: skipped
  write(3, "app", "4");  // older version: skipped
  write(4, "app", "6");
  write(5, "other", "0");  // another application
  write(6, "app", "6", "overwrite");  // skipped before the save mode applies
  EXPECT_EQ(SortedRows(spark.read().format("delta").load(Path("t"))),
            (std::vector<std::string>{"Row(id=1)", "Row(id=4)", "Row(id=5)"}));
  DeltaSnapshot snap = LoadDeltaSnapshot(Path("t"));
  EXPECT_EQ(snap.version, 2);
  EXPECT_EQ(snap.app_transactions.at("app").first, 6);
  EXPECT_EQ(snap.app_transactions.at("other").first, 0);
  bool found = false;
  for (const J& a : Actions(Path("t"), 1)) {
    if (a.contains("txn")) {
      EXPECT_EQ(a["txn"]["appId"], "app");
      EXPECT_EQ(a["txn"]["version"], 6);
      EXPECT_TRUE(a["txn"].contains("lastUpdated"));
      found = true;
    }
  }
  EXPECT_TRUE(found);
  // Both options or neither; the version is a non-negative integer.
  ExpectErrorContaining(
      [&] {
        spark.createDataFrame({{Value::Int(9)}}, "id INT")
            .write()
            .format("delta")
            .mode("append")
            .option("txnAppId", "app")
            .save(Path("t"));
      },
      {"DELTA_INVALID_IDEMPOTENT_WRITES_OPTIONS", "txnVersion"});
  ExpectErrorContaining([&] { write(9, "app", "x7"); },
                        {"DELTA_INVALID_IDEMPOTENT_WRITES_OPTIONS", "'x7'"});
  EXPECT_EQ(LoadDeltaSnapshot(Path("t")).version, 2);
}

// foreachBatch writing to Delta with txnAppId = a fixed id and txnVersion = the batch id: a batch
// that runs again after a failure between the Delta commit and the query's commit log entry is
// not written twice.
TEST_F(DeltaChangeFeedTest, ForeachBatchRerunIsIdempotent) {
  Session spark = NewSession();
  auto stream = spark.memoryStream(ParseSchema("id INT"));
  std::string table = Path("t");
  auto start = [&] {
    return stream.toDF()
        .writeStream()
        .foreachBatch([table](const DataFrame& df, int64_t batch_id) {
          df.write()
              .format("delta")
              .mode("append")
              .option("txnAppId", "nightly-copy")
              .option("txnVersion", std::to_string(batch_id))
              .save(table);
        })
        .option("checkpointLocation", Path("cp"))
        .start();
  };
  auto q = start();
  stream.addData({{Value::Int(1)}, {Value::Int(2)}});
  q.processAllAvailable();
  stream.addData({{Value::Int(3)}});
  q.processAllAvailable();
  q.stop();
  ASSERT_EQ(LoadDeltaSnapshot(table).version, 1);
  // Lose batch 1's commit log entry: the restarted query runs batch 1 again.
  ASSERT_TRUE(fs::remove(Path("cp") + "/commits/1"));
  auto q2 = start();
  q2.processAllAvailable();
  EXPECT_TRUE(fs::exists(Path("cp") + "/commits/1"));
  EXPECT_EQ(LoadDeltaSnapshot(table).version, 1);  // the re-run wrote nothing
  stream.addData({{Value::Int(4)}});
  q2.processAllAvailable();
  q2.stop();
  EXPECT_EQ(SortedRows(spark.read().format("delta").load(table)),
            (std::vector<std::string>{"Row(id=1)", "Row(id=2)", "Row(id=3)", "Row(id=4)"}));
  EXPECT_EQ(LoadDeltaSnapshot(table).app_transactions.at("nightly-copy").first, 2);
}

}  // namespace
}  // namespace sluice
