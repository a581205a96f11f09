// Delta batch reads over the Spark-written golden tables in ../shared/testdata/delta-golden.
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <set>

#include "delta/delta_log.h"
#include "sluice/exception.h"
#include "sluice/session.h"
#include "sluice/row.h"

namespace sluice {
namespace {

const std::string kGolden = std::string(SLUICE_SHARED_DIR) + "/testdata/delta-golden/";

Session MakeSession() {
  return Session::builder().config("spark.sql.shuffle.partitions", "2").getOrCreate();
}

int64_t Count(Session& spark, const std::string& table,
              const std::map<std::string, std::string>& opts = {}) {
  DataFrameReader reader = spark.read().format("delta");
  for (const auto& [k, v] : opts) reader.option(k, v);
  return static_cast<int64_t>(reader.load(kGolden + table).collect().size());
}

TEST(DeltaSchema, ParsesSparkJson) {
  TypePtr t = ParseSparkJsonSchema(
      R"x({"type":"struct","fields":[{"name":"a","type":"integer","nullable":true,"metadata":{}},)x"
      R"x({"name":"d","type":"decimal(38,18)","nullable":false,"metadata":{"delta.columnMapping.physicalName":"col-1"}},)x"
      R"x({"name":"m","type":{"type":"map","keyType":"string","valueType":{"type":"array","elementType":"long","containsNull":true},"valueContainsNull":true},"nullable":true,"metadata":{}}]})x");
  EXPECT_EQ(t->ToDdl(), "a INT, d DECIMAL(38,18) NOT NULL, m MAP<STRING, ARRAY<BIGINT>>");
  TypePtr p = ParseSparkJsonSchema(
      R"x({"type":"struct","fields":[{"name":"d","type":"long","nullable":true,"metadata":{"delta.columnMapping.physicalName":"col-1"}}]})x",
      true);
  EXPECT_EQ(p->fields()[0].name, "col-1");
}

TEST(DeltaRead, Primitives) {
  Session spark = MakeSession();
  auto rows = spark.read().format("delta").load(kGolden + "data-reader-primitives").collect();
  ASSERT_EQ(rows.size(), 11u);
  EXPECT_EQ(rows[0].schema()->ToDdl(),
            "as_int INT, as_long BIGINT, as_byte TINYINT, as_short SMALLINT, as_boolean BOOLEAN, "
            "as_float FLOAT, as_double DOUBLE, as_string STRING, as_binary BINARY, "
            "as_big_decimal DECIMAL(1,0)");
  // Spark's golden writer: rows i in 0..9 with as_int = i, as_string = str(i), plus one all-null row.
  std::set<int64_t> ints;
  int nulls = 0;
  for (const Row& r : rows) {
    if (r[0].is_null()) {
      ++nulls;
      continue;
    }
    ints.insert(r[0].GetInt64());
    EXPECT_EQ(r[1].GetInt64(), r[0].GetInt64());
    EXPECT_EQ(r[7].GetString(), std::to_string(r[0].GetInt64()));
  }
  EXPECT_EQ(nulls, 1);
  EXPECT_EQ(ints.size(), 10u);
}

TEST(DeltaRead, SqlPathTable) {
  Session spark = MakeSession();
  auto rows = spark.sql("SELECT count(*) FROM delta.`" + kGolden + "data-reader-primitives`").collect();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0].GetInt64(), 11);
}

TEST(DeltaRead, DecimalPartitions) {
  Session spark = MakeSession();
  auto rows = spark.read().format("delta").load(kGolden + "basic-decimal-table").collect();
  ASSERT_EQ(rows.size(), 4u);
  std::set<std::string> parts;
  for (const Row& r : rows) parts.insert(r.get("part").ToString());
  EXPECT_TRUE(parts.contains("234.00000")) << *parts.begin();
  EXPECT_TRUE(parts.contains("-2342342.23423"));
}

TEST(DeltaRead, CheckpointAndTimeTravel) {
  Session spark = MakeSession();
  // `checkpoint` is a log-only table (no data files): replay from the version-10 checkpoint.
  DeltaSnapshot s = LoadDeltaSnapshot(kGolden + "checkpoint");
  EXPECT_EQ(s.version, 14);
  ASSERT_EQ(s.files.size(), 1u);
  EXPECT_TRUE(s.files[0].path.ends_with("/15"));
  // corrupted-last-checkpoint: a bad _last_checkpoint is ignored, the listing is authoritative.
  // It is a log-only table whose metaData has no schemaString, which fails clearly.
  EXPECT_THROW(LoadDeltaSnapshot(kGolden + "corrupted-last-checkpoint"), AnalysisError);
  // basic-with-inserts-deletes-checkpoint: checkpoint at 10, later commits; every version reads.
  for (int v : {0, 5, 10, 13}) {
    EXPECT_GE(Count(spark, "basic-with-inserts-deletes-checkpoint", {{"versionAsOf", std::to_string(v)}}), 0);
  }
  EXPECT_THROW(Count(spark, "basic-with-inserts-deletes-checkpoint", {{"versionAsOf", "99"}}),
               AnalysisError);
}

TEST(DeltaRead, TimeTravelStart) {
  Session spark = MakeSession();
  DeltaSnapshot s0 = LoadDeltaSnapshot(kGolden + "time-travel-start-start20", DeltaTimeTravel{0, {}});
  DeltaSnapshot s1 = LoadDeltaSnapshot(kGolden + "time-travel-start-start20", DeltaTimeTravel{1, {}});
  EXPECT_EQ(s0.version, 0);
  EXPECT_EQ(s1.version, 1);
  EXPECT_LT(Count(spark, "time-travel-start-start20", {{"versionAsOf", "0"}}),
            Count(spark, "time-travel-start-start20"));
}

TEST(DeltaRead, CorruptTablesFailClearly) {
  Session spark = MakeSession();
  auto expect_error = [&](const std::string& table, const std::string& needle) {
    try {
      Count(spark, table);
      ADD_FAILURE() << table << " read without error";
    } catch (const SluiceError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << table << ": " << e.what();
    }
  };
  expect_error("versions-not-contiguous", "DELTA_VERSIONS_NOT_CONTIGUOUS");
  expect_error("deltalog-invalid-protocol-version", "DELTA_INVALID_PROTOCOL_VERSION");
  expect_error("deltalog-state-reconstruction-without-metadata", "metaData");
  expect_error("deltalog-state-reconstruction-without-protocol", "protocol");
  expect_error("no-delta-log-folder", "not a Delta table");
}

// Survey of every golden table: prints which read and which fail (and why).
TEST(DeltaRead, GoldenSurvey) {
  Session spark = MakeSession();
  int ok = 0, failed = 0;
  for (const auto& e : std::filesystem::directory_iterator(kGolden)) {
    if (!e.is_directory()) continue;
    std::string name = e.path().filename().string();
    try {
      auto rows = spark.read().format("delta").load(e.path().string()).collect();
      std::cout << "GOLDEN OK   " << name << " rows=" << rows.size() << "\n";
      ++ok;
    } catch (const std::exception& ex) {
      std::string msg = ex.what();
      std::cout << "GOLDEN FAIL " << name << ": " << msg.substr(0, 300) << "\n";
      ++failed;
    }
  }
  std::cout << "GOLDEN ok=" << ok << " failed=" << failed << "\n";
  EXPECT_GT(ok, 0);
}

}  // namespace
}  // namespace sluice
