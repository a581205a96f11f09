// OPTIMIZE (bin-packing, WHERE on partitions, ZORDER BY), VACUUM and DESCRIBE HISTORY through
// Session::sql.
#include <gtest/gtest.h>

#include <chrono>

#include "columnar/record_batch.h"
#include "delta/delta_optimize.h"
#include "delta_test_util.h"
#include "types/value_format.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;
using J = nlohmann::json;

class DeltaMaintenanceTest : public DeltaTest {
 protected:
  void Append(Session& spark, int from, int to, const std::string& table = "t") {
    std::vector<std::vector<Value>> rows;
    for (int i = from; i < to; ++i) {
      rows.push_back({Value::Int(i), Value::String(i % 2 ? "odd" : "even"), Value::Int(i % 7)});
    }
    spark.createDataFrame(rows, "id INT, p STRING, x INT")
        .write()
        .format("delta")
        .mode("append")
        .partitionBy({"p"})
        .save(Path(table));
  }
  std::string Table(const std::string& name = "t") { return "delta.`" + Path(name) + "`"; }
};

TEST_F(DeltaMaintenanceTest, OptimizeBinPacksSmallFiles) {
  Session spark = NewSession();
  for (int i = 0; i < 6; ++i) Append(spark, i * 10, i * 10 + 10);
  auto before = SortedRows(spark.read().format("delta").load(Path("t")));
  EXPECT_EQ(LoadDeltaSnapshot(Path("t")).files.size(), 12u);
  auto result = spark.sql("OPTIMIZE " + Table()).collect();
  ASSERT_EQ(result.size(), 1u);
  EXPECT_EQ(result[0].get("path").GetString(), "file:" + Path("t"));
  Value metrics = result[0].get("metrics");
  EXPECT_EQ(metrics.children()[0].GetInt64(), 2);   // numFilesAdded: one per partition
  EXPECT_EQ(metrics.children()[1].GetInt64(), 12);  // numFilesRemoved
  EXPECT_EQ(metrics.children()[4].GetInt64(), 2);   // partitionsOptimized
  DeltaSnapshot snap = LoadDeltaSnapshot(Path("t"));
  EXPECT_EQ(snap.version, 6);
  EXPECT_EQ(snap.files.size(), 2u);
  EXPECT_EQ(SortedRows(spark.read().format("delta").load(Path("t"))), before);
  int adds = 0, removes = 0;
  for (const J& a : Actions(Path("t"), 6)) {
    if (a.contains("add")) {
      ++adds;
      EXPECT_EQ(a["add"]["dataChange"], false);
      EXPECT_EQ(J::parse(a["add"]["stats"].get<std::string>())["numRecords"], 30);
    }
    if (a.contains("remove")) {
      ++removes;
      EXPECT_EQ(a["remove"]["dataChange"], false);
    }
  }
  EXPECT_EQ(adds, 2);
  EXPECT_EQ(removes, 12);
  J info = CommitInfo(Path("t"), 6);
  EXPECT_EQ(info["operation"], "OPTIMIZE");
  EXPECT_EQ(info["isolationLevel"], "SnapshotIsolation");
  EXPECT_EQ(info["operationParameters"]["zOrderBy"], "[]");
  // Nothing left to compact: no commit.
  spark.sql("OPTIMIZE " + Table());
  EXPECT_EQ(LoadDeltaSnapshot(Path("t")).version, 6);
  // Older versions still read.
  EXPECT_EQ(spark.read().format("delta").option("versionAsOf", "5").load(Path("t")).count(), 60);
  // Files at or above the maximum size are left alone.
  Append(spark, 100, 102);
  spark.conf().set("spark.databricks.delta.optimize.maxFileSize", "10");
  spark.sql("OPTIMIZE " + Table());
  EXPECT_EQ(LoadDeltaSnapshot(Path("t")).version, 7);
}

TEST_F(DeltaMaintenanceTest, OptimizeWherePartitionPredicate) {
  Session spark = NewSession();
  for (int i = 0; i < 3; ++i) Append(spark, i * 10, i * 10 + 10);
  spark.sql("OPTIMIZE " + Table() + " WHERE p = 'odd'");
  DeltaSnapshot snap = LoadDeltaSnapshot(Path("t"));
  int odd = 0, even = 0;
  for (const DeltaFile& f : snap.files) {
    (f.partition_values[0].second == "odd" ? odd : even)++;
  }
  EXPECT_EQ(odd, 1);
  EXPECT_EQ(even, 3);
  EXPECT_EQ(CommitInfo(Path("t"), 3)["operationParameters"]["predicate"], "[\"p = 'odd'\"]");
  ExpectErrorContaining([&] { spark.sql("OPTIMIZE " + Table() + " WHERE x > 1"); },
                        {"DELTA_NON_PARTITION_COLUMN_REFERENCE", "'x'", "[p]"});
  ExpectErrorContaining([&] { spark.sql("OPTIMIZE delta.`" + Path("nope") + "`"); },
                        {"not a Delta table"});
  ExpectErrorContaining([&] { spark.sql("OPTIMIZE some_table"); }, {"TABLE_OR_VIEW_NOT_FOUND"});
}

TEST_F(DeltaMaintenanceTest, ZOrderPermutationInterleavesRanks) {
  std::vector<std::vector<Value>> rows;
  for (int x = 3; x >= 0; --x) {
    for (int y = 0; y < 4; ++y)
      rows.push_back({Value::Int(x * 100), Value::String(std::string(1, 'a' + y))});
  }
  auto batch = RecordBatch::FromRows(ParseSchema("x INT, y STRING"), rows);
  SelectionVector order = ZOrderPermutation(*batch, {0, 1});
  std::vector<std::string> seq;
  for (uint32_t i : order) {
    seq.push_back(std::to_string(batch->column(0)->GetValue(i).GetInt64() / 100) +
                  batch->column(1)->GetValue(i).GetString());
  }
  EXPECT_EQ(seq, (std::vector<std::string>{"0a", "0b", "1a", "1b", "0c", "0d", "1c", "1d", "2a",
                                           "2b", "3a", "3b", "2c", "2d", "3c", "3d"}));
}

TEST_F(DeltaMaintenanceTest, OptimizeZOrderBy) {
  Session spark = NewSession();
  for (int i = 0; i < 4; ++i) Append(spark, i * 50, i * 50 + 50);
  auto before = SortedRows(spark.read().format("delta").load(Path("t")));
  spark.sql("OPTIMIZE " + Table() + " ZORDER BY (x, id)");
  DeltaSnapshot snap = LoadDeltaSnapshot(Path("t"));
  EXPECT_EQ(snap.files.size(), 2u);
  EXPECT_EQ(SortedRows(spark.read().format("delta").load(Path("t"))), before);
  EXPECT_EQ(CommitInfo(Path("t"), 4)["operationParameters"]["zOrderBy"], "[\"x\",\"id\"]");
  // The rows of a file come out in Z-order: x's top bit does not go down more than once.
  auto rows = spark.read().format("delta").load(Path("t")).where("p = 'even'").collect();
  EXPECT_EQ(rows.size(), 100u);
  // Small maximum file size: the Z-ordered partition is cut into several files with narrower x
  // ranges than the whole partition's.
  spark.conf().set("spark.databricks.delta.optimize.maxFileSize", "300");
  spark.sql("OPTIMIZE " + Table() + " WHERE p = 'even' ZORDER BY x");
  snap = LoadDeltaSnapshot(Path("t"));
  int even_files = 0;
  for (const DeltaFile& f : snap.files) {
    if (f.partition_values[0].second != "even") continue;
    ++even_files;
    J stats = J::parse(f.stats);
    EXPECT_LE(stats["minValues"]["x"].get<int>(), stats["maxValues"]["x"].get<int>());
  }
  EXPECT_GT(even_files, 1);
  EXPECT_EQ(SortedRows(spark.read().format("delta").load(Path("t"))), before);
  ExpectErrorContaining([&] { spark.sql("OPTIMIZE " + Table() + " ZORDER BY (p)"); },
                        {"DELTA_ZORDERING_ON_PARTITION_COLUMN"});
  ExpectErrorContaining([&] { spark.sql("OPTIMIZE " + Table() + " ZORDER BY (nope)"); },
                        {"DELTA_ZORDERING_COLUMN_DOES_NOT_EXIST", "nope"});
}

TEST_F(DeltaMaintenanceTest, VacuumRespectsRetention) {
  Session spark = NewSession();
  Append(spark, 0, 10);
  Append(spark, 10, 20);
  spark.sql("OPTIMIZE " + Table());  // tombstones the 4 small files
  // An untracked file, as a failed write would leave.
  WriteFileAtomic(Path("t") + "/p=odd/part-99999-orphan.c000.snappy.parquet", "junk");
  ExpectErrorContaining(
      [&] { spark.sql("VACUUM " + Table() + " RETAIN 0 HOURS"); },
      {"DELTA_VACUUM_RETENTION_PERIOD_TOO_SHORT",
       "spark.databricks.delta.retentionDurationCheck.enabled = false", "168 hours"});
  // Default retention (7 days): everything is too recent.
  EXPECT_EQ(spark.sql("VACUUM " + Table() + " DRY RUN").count(), 0);
  spark.conf().set("spark.databricks.delta.retentionDurationCheck.enabled", "false");
  clock_->AdvanceMicros(1000000);  // the tombstones are now 1 s old
  auto dry = spark.sql("VACUUM " + Table() + " RETAIN 0 HOURS DRY RUN").collect();
  // The clock is in the past of the file system's times: only tombstones are old enough.
  EXPECT_EQ(dry.size(), 4u);
  // Move the clock 8 days past the wall clock: untracked files are old enough too.
  int64_t wall = std::chrono::duration_cast<std::chrono::microseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  clock_->AdvanceMicros(wall - clock_->NowMicros() + 8LL * 86400 * 1000000);
  spark.conf().set("spark.databricks.delta.retentionDurationCheck.enabled", "true");
  EXPECT_EQ(spark.sql("VACUUM " + Table() + " DRY RUN").count(), 5);
  auto out = spark.sql("VACUUM " + Table()).collect();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].get("path").GetString(), "file:" + Path("t"));
  EXPECT_FALSE(fs::exists(Path("t") + "/p=odd/part-99999-orphan.c000.snappy.parquet"));
  DeltaSnapshot snap = LoadDeltaSnapshot(Path("t"));
  for (const DeltaFile& f : snap.files) EXPECT_TRUE(fs::exists(f.path));
  EXPECT_EQ(spark.read().format("delta").load(Path("t")).count(), 20);
  EXPECT_TRUE(fs::exists(Path("t") + "/_delta_log/" + DeltaCommitFileName(0)));
  // The vacuumed files of version 1 are gone: reading it fails clearly.
  EXPECT_THROW(spark.read().format("delta").option("versionAsOf", "1").load(Path("t")).collect(),
               SluiceError);
  EXPECT_EQ(CommitInfo(Path("t"), 3)["operation"], "VACUUM START");
  EXPECT_EQ(CommitInfo(Path("t"), 3)["operationMetrics"]["numFilesToDelete"], "5");
  EXPECT_EQ(CommitInfo(Path("t"), 4)["operation"], "VACUUM END");
}

TEST_F(DeltaMaintenanceTest, DescribeHistory) {
  Session spark = NewSession();
  Append(spark, 0, 4);
  clock_->AdvanceMicros(1000000);
  Append(spark, 4, 8);
  spark.sql("OPTIMIZE " + Table());
  auto rows = spark.sql("DESCRIBE HISTORY " + Table()).collect();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].get("version").GetInt64(), 2);
  EXPECT_EQ(rows[0].get("operation").GetString(), "OPTIMIZE");
  EXPECT_EQ(rows[1].get("operation").GetString(), "WRITE");
  EXPECT_EQ(rows[1].get("timestamp"), Value::Timestamp(1700000001000000LL));
  EXPECT_EQ(rows[1].get("readVersion").GetInt64(), 0);
  EXPECT_EQ(rows[2].get("readVersion").is_null(), true);
  EXPECT_EQ(rows[1].get("isBlindAppend").GetBool(), true);
  EXPECT_EQ(rows[1].get("engineInfo").GetString(), "Sluice/0.1.0");
  EXPECT_EQ(FormatCastString(rows[1].get("operationParameters")),
            "{mode -> Append, partitionBy -> [\"p\"]}");
  EXPECT_EQ(spark.sql("DESC HISTORY '" + Path("t") + "' LIMIT 1").count(), 1);
  EXPECT_THROW(spark.sql("DESCRIBE HISTORY " + Table() + " LIMIT x"), ParseError);
  EXPECT_THROW(spark.sql("VACUUM " + Table() + " RETAIN HOURS"), ParseError);
  ExpectErrorContaining([&] { spark.sql("DESCRIBE HISTORY delta.`" + Path("none") + "`"); },
                        {"not a Delta table"});
}

}  // namespace
}  // namespace sluice
