// Global aggregates (no GROUP BY) update their one group chunk by chunk through a separate path
// from grouped ones; both must agree with each other and with values computed here, over a
// Parquet scan streamed in small chunks (nulls, strings longer and shorter than 16 bytes with
// shared prefixes, negative numbers), and raise / null on overflow alike.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "platform/file_system.h"
#include "sluice/sluice.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;

class GlobalAggregateTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDirectory("sluice-global-agg-"); }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(GlobalAggregateTest, AgreesWithGroupedAndComputedValues) {
  Session spark = Session::builder()
                      .config("spark.sql.shuffle.partitions", "3")
                      .config("spark.sluice.maxBatchRows", "97")
                      .getOrCreate();
  std::mt19937_64 rng(5);
  std::vector<std::vector<Value>> rows;
  std::optional<int64_t> min_a, max_a;
  std::optional<std::string> min_s, max_s;
  int64_t sum_a = 0, count_a = 0, positive = 0;
  const std::vector<std::string> prefixes = {"", "cat", "category-with-a-long-prefix-", "\xc3\xa9t\xc3\xa9"};
  for (int i = 0; i < 5000; ++i) {
    Value a = Value::Null(LongType());
    if (rng() % 7 != 0) {
      int64_t x = static_cast<int64_t>(rng() % 2000001) - 1000000;
      a = Value::Long(x);
      sum_a += x;
      ++count_a;
      positive += x > 0;
      min_a = min_a ? std::min(*min_a, x) : x;
      max_a = max_a ? std::max(*max_a, x) : x;
    }
    Value s = Value::Null(StringType());
    if (rng() % 5 != 0) {
      std::string t = prefixes[rng() % prefixes.size()] + std::to_string(rng() % 1000);
      s = Value::String(t);
      min_s = min_s ? std::min(*min_s, t) : t;
      max_s = max_s ? std::max(*max_s, t) : t;
    }
    rows.push_back({a, s});
  }
  spark.createDataFrame(rows, "a BIGINT, s STRING").write().format("parquet").save((dir_ / "t").string());
  spark.read().format("parquet").load((dir_ / "t").string()).createOrReplaceTempView("t");

  const std::string aggs =
      "count(*), count(a), sum(a), avg(a), min(a), max(a), min(s), max(s), count_if(a > 0), "
      "min(length(s)), max(s || '')";
  std::vector<Row> global = spark.sql("SELECT " + aggs + " FROM t").collect();
  std::vector<Row> grouped = spark.sql("SELECT " + aggs + " FROM t GROUP BY 'k'").collect();
  ASSERT_EQ(global.size(), 1u);
  ASSERT_EQ(grouped.size(), 1u);
  EXPECT_EQ(global[0].ToString(), grouped[0].ToString());
  const Row& r = global[0];
  EXPECT_EQ(r[0].GetInt64(), 5000);
  EXPECT_EQ(r[1].GetInt64(), count_a);
  EXPECT_EQ(r[2].GetInt64(), sum_a);
  EXPECT_DOUBLE_EQ(r[3].GetDouble(), static_cast<double>(sum_a) / static_cast<double>(count_a));
  EXPECT_EQ(r[4].GetInt64(), *min_a);
  EXPECT_EQ(r[5].GetInt64(), *max_a);
  EXPECT_EQ(r[6].GetString(), *min_s);
  EXPECT_EQ(r[7].GetString(), *max_s);
  EXPECT_EQ(r[8].GetInt64(), positive);
  EXPECT_EQ(r[10].GetString(), *max_s);
}

TEST_F(GlobalAggregateTest, OverflowRaisesOrNullsAsGroupedDoes) {
  for (const char* ansi : {"true", "false"}) {
    SCOPED_TRACE(ansi);
    Session spark = Session::builder()
                        .config("spark.sql.ansi.enabled", ansi)
                        .config("spark.sluice.maxBatchRows", "2")
                        .getOrCreate();
    std::vector<std::vector<Value>> rows;
    for (int i = 0; i < 5; ++i) rows.push_back({Value::Long(INT64_MAX / 2)});
    spark.createDataFrame(rows, "a BIGINT").createOrReplaceTempView("big");
    for (const char* q : {"SELECT sum(a) FROM big", "SELECT sum(a) FROM big GROUP BY 'k'"}) {
      SCOPED_TRACE(q);
      if (std::string(ansi) == "true") {
        EXPECT_THROW(spark.sql(q).collect(), ExecutionError);
      } else {
        auto out = spark.sql(q).collect();
        ASSERT_EQ(out.size(), 1u);
        EXPECT_TRUE(out[0][0].is_null());
      }
    }
  }
}

}  // namespace
}  // namespace sluice
