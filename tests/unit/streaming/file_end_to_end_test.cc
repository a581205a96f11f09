// File source -> file sink through the public API: a query that stops and restarts on the same
// checkpoint reads each input file once and commits each output row once; batch reads of the
// output see exactly the committed files.
#include "file_test_util.h"
#include "sluice/session.h"
#include "sluice/streaming.h"

namespace sluice::file_test {
namespace {

class FileEndToEndTest : public FileConnectorTest {};

TEST_F(FileEndToEndTest, RestartedQueryWritesEachRowOnce) {
  Session spark = Session::builder().getOrCreate();
  fs::path in = dir_ / "in", out = dir_ / "out", cp = dir_ / "cp";
  fs::create_directories(in);
  Write("in/a.json", "{\"k\":\"x\",\"v\":1}\n{\"k\":\"y\",\"v\":2}\n", 1700000000000);
  Write("in/b.json", "{\"k\":\"x\",\"v\":3}\n", 1700000001000);

  auto run = [&] {
    DataFrame df = spark.readStream()
                       .format("json")
                       .schema("k STRING, v INT")
                       .option("maxFilesPerTrigger", "1")
                       .load(in.string());
    StreamingQuery q = df.writeStream()
                           .format("json")
                           .option("checkpointLocation", cp.string())
                           .partitionBy({"k"})
                           .start(out.string());
    q.processAllAvailable();
    std::optional<std::string> error = q.exception();
    q.stop();
    ASSERT_FALSE(error.has_value()) << *error;
  };
  run();
  std::vector<Row> rows = spark.read().format("json").load(out.string()).collect();
  EXPECT_EQ(rows.size(), 3u);

  Write("in/c.json", "{\"k\":null,\"v\":4}\n", 1700000002000);
  run();  // restart: only c.json is new
  rows = spark.read().format("json").load(out.string()).collect();
  EXPECT_EQ(rows.size(), 4u);
  EXPECT_TRUE(fs::exists(out / "k=__HIVE_DEFAULT_PARTITION__"));
  EXPECT_TRUE(fs::exists(out / "_spark_metadata" / "2"));
  EXPECT_FALSE(fs::exists(out / "_spark_metadata" / "3"));
}

}  // namespace
}  // namespace sluice::file_test
