// Scans are pulled chunk by chunk: LIMIT stops reading once it has its rows (a corrupt file in a
// later read partition is never opened, as with Spark's incremental collect-limit), while a full
// read still reaches it and fails naming the file.
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

}  // namespace
}  // namespace sluice
