// Scans are pulled chunk by chunk: LIMIT stops reading once it has its rows (a corrupt file in a
// later read partition is never opened, as with Spark's incremental collect-limit), while a full
// read still reaches it and fails naming the file; an aggregation's Parquet scan reads only the
// columns the aggregation and the filters / projections under it use.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "platform/file_system.h"
#include "sluice/sluice.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;

class PulledScanTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDirectory("sluice-pulled-scan-"); }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(PulledScanTest, LimitStopsBeforeLaterPartitions) {
  Session spark = Session::builder()
                      .config("spark.sql.files.maxPartitionBytes", "64")
                      .config("spark.sql.files.openCostInBytes", "0")
                      .config("spark.sluice.maxBatchRows", "10")
                      .getOrCreate();
  std::vector<std::vector<Value>> rows;
  for (int i = 0; i < 1000; ++i) rows.push_back({Value::Long(i)});
  fs::path table = dir_ / "t";
  spark.createDataFrame(rows, "id BIGINT").write().format("parquet").save(table.string());
  // Smaller than every data file: packed into the last read partition.
  std::ofstream(table / "part-zz-corrupt.parquet") << "PAR1 not a parquet file";

  std::vector<Row> first = spark.read().format("parquet").load(table.string()).limit(25).collect();
  ASSERT_EQ(first.size(), 25u);
  try {
    spark.read().format("parquet").load(table.string()).collect();
    ADD_FAILURE() << "reading every file should fail on the corrupt one";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("part-zz-corrupt.parquet"), std::string::npos) << e.what();
  }
}

TEST_F(PulledScanTest, AggregationsReadOnlyTheColumnsTheyUse) {
  Session spark = Session::builder()
                      .config("spark.sql.shuffle.partitions", "2")
                      .config("spark.sluice.maxBatchRows", "64")
                      .getOrCreate();
  std::vector<std::vector<Value>> rows;
  for (int i = 0; i < 700; ++i) {
    rows.push_back({i % 9 == 0 ? Value::Null(LongType()) : Value::Long(i * 3 - 500),
                    Value::String("x" + std::to_string(i % 7)), Value::Double(i / 4.0),
                    Value::Int(i % 3)});
  }
  DataFrame df = spark.createDataFrame(rows, "a BIGINT, b STRING, c DOUBLE, p INT");
  fs::path table = dir_ / "t";
  df.write().format("parquet").partitionBy({"p"}).save(table.string());
  spark.read().format("parquet").load(table.string()).createOrReplaceTempView("t");
  df.createOrReplaceTempView("m");  // the same rows in memory: an unpruned oracle
  const std::vector<std::string> queries = {
      "SELECT count(*) FROM {}",
      "SELECT sum(a), count(a) FROM {} WHERE b = 'x3'",
      "SELECT p, max(c), min(b) FROM {} GROUP BY p ORDER BY p",
      "SELECT sum(a1) FROM (SELECT a + 1 AS a1, b FROM {}) WHERE length(b) > 1",
      "SELECT b, count(*) FROM {} WHERE c > 100 GROUP BY b ORDER BY b"};
  for (const std::string& q : queries) {
    SCOPED_TRACE(q);
    auto render = [](const std::vector<Row>& rs) {
      std::string out;
      for (const Row& r : rs) out += r.ToString() + "\n";
      return out;
    };
    std::string pruned = render(spark.sql(fmt::format(fmt::runtime(q), "t")).collect());
    std::string all = render(spark.sql(fmt::format(fmt::runtime(q), "m")).collect());
    EXPECT_EQ(pruned, all);
  }
  std::string plan = spark.sql("SELECT sum(a) FROM t WHERE b = 'x3'").explainString();
  EXPECT_NE(plan.find("ReadSchema: [a, b]"), std::string::npos) << plan;
}

}  // namespace
}  // namespace sluice
