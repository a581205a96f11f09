// The late-rows dead-letter sink (writeStream options lateRowsPath / lateRowsFormat): rows that
// stateful operators drop as late are written with the operator, reason, batch id and watermark.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>
#include <vector>

#include "platform/clock.h"
#include "platform/file_system.h"
#include "sluice/sluice.h"

namespace sluice {
namespace {

using namespace functions;
namespace fs = std::filesystem;

constexpr int64_t kMinute = 60LL * 1000 * 1000;  // micros

class LateRowsTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDirectory("sluice-late-rows-test-"); }
  void TearDown() override { fs::remove_all(dir_); }

  Session NewSession() {
    return Session::builder().config("spark.sql.shuffle.partitions", "2").clock(clock_).getOrCreate();
  }
  std::string Path(const std::string& name) { return (dir_ / name).string(); }

  // Starts a 10-minute tumbling count per key with a 5-minute watermark, in append mode, whose late
  // rows go to Path("late").
  StreamingQuery StartWindowedCount(MemoryStream& stream, const std::string& format = "json") {
    return stream.toDF()
        .withWatermark("ts", "5 minutes")
        .groupBy({window(col("ts"), "10 minutes"), col("k")})
        .agg({count(lit(1)).alias("n")})
        .writeStream()
        .format("memory")
        .queryName("counts")
        .outputMode("append")
        .option("checkpointLocation", Path("cp"))
        .option("lateRowsPath", Path("late"))
        .option("lateRowsFormat", format)
        .start();
  }

  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>(0);
  fs::path dir_;
};

std::vector<Value> Event(const std::string& k, int64_t minute) {
  return {Value::String(k), Value::Timestamp(minute * kMinute)};
}

TEST_F(LateRowsTest, WindowedAggregationWritesDroppedRowsWithReasonAndWatermark) {
  Session spark = NewSession();
  auto stream = spark.memoryStream(ParseSchema("k STRING, ts TIMESTAMP"));
  auto q = StartWindowedCount(stream);
  stream.addData({Event("a", 0), Event("b", 20)});  // watermark after this batch: minute 15
  q.processAllAvailable();
  stream.addData({Event("late", 2), Event("ok", 16)});  // window [0, 10) ended at or below minute 15
  q.processAllAvailable();
  auto p = q.lastProgress();
  ASSERT_TRUE(p.has_value());
  ASSERT_EQ(p->state_operators.size(), 1u);
  EXPECT_EQ(p->state_operators[0].num_rows_dropped_by_watermark, 1);
  q.stop();

  auto rows = spark.read().json(Path("late")).orderBy({col("batchId")}).collect();
  ASSERT_EQ(rows.size(), 1u);
  const Row& r = rows[0];
  EXPECT_EQ(r.get("batchId").GetInt64(), 2);  // batch 1 was the no-data batch that closed [0, 10)
  EXPECT_EQ(r.get("operatorId").GetInt64(), 0);
  EXPECT_EQ(r.get("operatorName").GetString(), "stateStoreSave");
  EXPECT_EQ(r.get("reason").GetString(), "window end at or below the watermark");
  EXPECT_EQ(r.get("watermark").GetString(), "1970-01-01T00:15:00.000Z");
  EXPECT_EQ(r.get("eventTime").GetString(), "1970-01-01T00:10:00.000Z");
  std::string row(r.get("row").GetString());
  EXPECT_NE(row.find("\"k\":\"late\""), std::string::npos) << row;
  EXPECT_NE(row.find("\"ts\":\"1970-01-01T00:02:00.000Z\""), std::string::npos) << row;
}

// A sliding window drops a row only from the windows that ended at or below the watermark, and
// records it once per such window, with that window in the row.
TEST_F(LateRowsTest, SlidingWindowDropsOnlyTheClosedWindowsOfARow) {
  Session spark = NewSession();
  auto stream = spark.memoryStream(ParseSchema("k STRING, ts TIMESTAMP"));
  auto q = stream.toDF()
               .withWatermark("ts", "5 minutes")
               .groupBy({window(col("ts"), "10 minutes", "5 minutes"), col("k")})
               .agg({count(lit(1)).alias("n")})
               .writeStream()
               .format("memory")
               .queryName("sliding_counts")
               .outputMode("append")
               .option("checkpointLocation", Path("cp"))
               .option("lateRowsPath", Path("late"))
               .start();
  stream.addData({Event("a", 0), Event("b", 20)});  // watermark after this batch: minute 15
  q.processAllAvailable();
  // Minute 12 is in [5, 15) (closed) and [10, 20) (open); minute 3 in [-5, 5) and [0, 10) (closed).
  stream.addData({Event("x", 12), Event("y", 3)});
  q.processAllAvailable();
  auto p = q.lastProgress();
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->state_operators[0].num_rows_dropped_by_watermark, 3);
  stream.addData({Event("c", 40)});  // closes [10, 20)
  q.processAllAvailable();
  q.stop();

  auto counts = spark.sql("SELECT k, n FROM sliding_counts WHERE k = 'x'").collect();
  ASSERT_EQ(counts.size(), 1u);
  EXPECT_EQ(counts[0][1], Value::Long(1));
  auto rows = spark.read().json(Path("late")).orderBy({col("eventTime")}).collect();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].get("eventTime").GetString(), "1970-01-01T00:05:00.000Z");
  EXPECT_EQ(rows[1].get("eventTime").GetString(), "1970-01-01T00:10:00.000Z");
  EXPECT_EQ(rows[2].get("eventTime").GetString(), "1970-01-01T00:15:00.000Z");
  std::string row(rows[2].get("row").GetString());
  EXPECT_NE(row.find("\"k\":\"x\""), std::string::npos) << row;
  EXPECT_NE(row.find("\"start\":\"1970-01-01T00:05:00.000Z\""), std::string::npos) << row;
  for (const auto& r : rows) EXPECT_EQ(r.get("reason").GetString(), "window end at or below the watermark");
}

TEST_F(LateRowsTest, ReRunBatchDoesNotDuplicateLateRows) {
  {
    Session spark = NewSession();
    auto stream = spark.memoryStream(ParseSchema("k STRING, ts TIMESTAMP"));
    auto q = StartWindowedCount(stream);
    stream.addData({Event("a", 0), Event("b", 20)});
    q.processAllAvailable();
    stream.addData({Event("late", 1), Event("late", 3)});
    q.processAllAvailable();
    q.stop();
    // A crash after the late rows were written but before the last batch's commit.
    int64_t last = -1;
    for (const auto& e : fs::directory_iterator(Path("cp") + "/commits")) {
      std::string name = e.path().filename().string();
      if (!name.empty() && std::isdigit(static_cast<unsigned char>(name[0]))) last = std::max<int64_t>(last, std::stoll(name));
    }
    ASSERT_GE(last, 1);
    ASSERT_TRUE(fs::remove(Path("cp") + "/commits/" + std::to_string(last)));
  }
  Session spark = NewSession();
  auto stream = spark.memoryStream(ParseSchema("k STRING, ts TIMESTAMP"));
  stream.addData({Event("a", 0), Event("b", 20)});
  stream.addData({Event("late", 1), Event("late", 3)});
  auto q = StartWindowedCount(stream);
  q.processAllAvailable();
  q.stop();
  EXPECT_EQ(spark.read().json(Path("late")).count(), 2);
}

TEST_F(LateRowsTest, DeduplicationAndParquetFormat) {
  Session spark = NewSession();
  auto stream = spark.memoryStream(ParseSchema("k STRING, ts TIMESTAMP"));
  auto q = stream.toDF()
               .withWatermark("ts", "1 minute")
               .dropDuplicates({"k", "ts"})
               .writeStream()
               .format("memory")
               .queryName("dedup")
               .option("checkpointLocation", Path("cp"))
               .option("lateRowsPath", Path("late"))
               .option("lateRowsFormat", "parquet")
               .start();
  stream.addData({Event("a", 10)});  // watermark: minute 9
  q.processAllAvailable();
  stream.addData({Event("x", 9), Event("y", 8), Event("a", 10)});  // two late rows, one duplicate
  q.processAllAvailable();
  q.stop();
  auto rows = spark.read().parquet(Path("late")).orderBy({col("eventTime")}).collect();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].get("operatorName").GetString(), "dedupe");
  EXPECT_EQ(rows[0].get("reason").GetString(), "event time at or below the watermark");
  EXPECT_NE(rows[0].get("row").GetString().find("\"k\":\"y\""), std::string::npos);
  EXPECT_NE(rows[1].get("row").GetString().find("\"k\":\"x\""), std::string::npos);
  EXPECT_EQ(rows[1][4], Value::Timestamp(9 * kMinute));  // watermark
}

TEST_F(LateRowsTest, SessionWindowDropsRowsWhoseSessionEndIsAtOrBelowTheWatermark) {
  Session spark = NewSession();
  auto stream = spark.memoryStream(ParseSchema("k STRING, ts TIMESTAMP"));
  auto q = stream.toDF()
               .withWatermark("ts", "10 minutes")
               .groupBy({session_window(col("ts"), "5 minutes"), col("k")})
               .agg({count(lit(1)).alias("n")})
               .writeStream()
               .format("memory")
               .queryName("sessions")
               .outputMode("append")
               .option("checkpointLocation", Path("cp"))
               .option("lateRowsPath", Path("late"))
               .start();
  stream.addData({Event("a", 30)});  // watermark: minute 20
  q.processAllAvailable();
  stream.addData({Event("late", 15), Event("kept", 16)});  // sessions end at 20 (late) and 21
  q.processAllAvailable();
  q.stop();
  auto rows = spark.read().json(Path("late")).collect();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].get("operatorName").GetString(), "sessionWindowStateStoreSaveExec");
  EXPECT_EQ(rows[0].get("eventTime").GetString(), "1970-01-01T00:20:00.000Z");
  EXPECT_NE(rows[0].get("row").GetString().find("\"k\":\"late\""), std::string::npos);
}

TEST_F(LateRowsTest, InvalidOptionsFailAtStart) {
  Session spark = NewSession();
  auto stream = spark.memoryStream(ParseSchema("k STRING, ts TIMESTAMP"));
  auto writer = [&] {
    return stream.toDF().writeStream().format("memory").queryName("q").option("checkpointLocation", Path("cp"));
  };
  EXPECT_THROW(writer().option("lateRowsPath", Path("late")).option("lateRowsFormat", "avro").start(),
               AnalysisError);
  EXPECT_THROW(writer().option("lateRowsFormat", "json").start(), AnalysisError);
}

}  // namespace
}  // namespace sluice
