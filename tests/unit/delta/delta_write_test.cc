// Delta batch writes: round trips through Sluice's reader, save modes, partitions, statistics,
// checkpoints, time travel, schema enforcement and evolution, table properties and optimistic
// concurrency.
#include "delta/delta_write.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "api/session_state.h"
#include "columnar/record_batch.h"
#include "delta/delta_commit.h"
#include "delta_test_util.h"
#include "formats/parquet/parquet_reader.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;
using J = nlohmann::json;

class DeltaWriteTest : public DeltaTest {};

DataFrame Numbers(Session& spark, int from, int to) {
  std::vector<std::vector<Value>> rows;
  for (int i = from; i < to; ++i) {
    rows.push_back({Value::Int(i), Value::String("s" + std::to_string(i))});
  }
  return spark.createDataFrame(rows, "id INT, name STRING");
}

TEST_F(DeltaWriteTest, AllTypesRoundTrip) {
  Session spark = NewSession();
  TypePtr schema = ParseSchema(
      "b BOOLEAN, i8 TINYINT, i16 SMALLINT, i32 INT, i64 BIGINT, f FLOAT, d DOUBLE, "
      "dec DECIMAL(20,4), s STRING, bin BINARY, dt DATE, ts TIMESTAMP, "
      "arr ARRAY<INT>, m MAP<STRING, BIGINT>, st STRUCT<x: INT, y: STRING>");
  auto row = [&](int i) {
    TypePtr st = schema->fields()[14].type;
    return std::vector<Value>{
        Value::Boolean(i % 2 == 0),
        Value::Byte(static_cast<int8_t>(i)),
        Value::Short(static_cast<int16_t>(-i)),
        Value::Int(i * 1000),
        Value::Long(int64_t{1} << (30 + i)),
        Value::Float(i + 0.5f),
        Value::Double(i * 1.25),
        Value::Decimal(static_cast<int128_t>(i) * 123456, 20, 4),
        Value::String("héllo " + std::to_string(i)),
        Value::Binary(std::string("\x00\x01", 2)),
        Value::Date(19000 + i),
        Value::Timestamp(1700000000123456LL + i),
        Value::Array(schema->fields()[12].type, {Value::Int(i), Value::Null(IntegerType())}),
        Value::Map(schema->fields()[13].type, {Value::String("k")}, {Value::Long(i)}),
        Value::Struct(st, {Value::Int(i), Value::String("y")})};
  };
  std::vector<std::vector<Value>> rows = {row(1), row(2)};
  std::vector<Value> nulls;
  for (const StructField& f : schema->fields()) nulls.push_back(Value::Null(f.type));
  rows.push_back(nulls);
  DataFrame df = spark.createDataFrame(rows, schema);
  df.write().format("delta").save(Path("t"));
  DataFrame back = spark.read().format("delta").load(Path("t"));
  EXPECT_EQ(back.schema()->ToDdl(), schema->ToDdl());
  EXPECT_EQ(SortedRows(back), SortedRows(df));

  // Protocol, metaData, add with stats.
  auto actions = Actions(Path("t"), 0);
  J protocol, metadata, add, info;
  for (const J& a : actions) {
    if (a.contains("protocol")) protocol = a["protocol"];
    if (a.contains("metaData")) metadata = a["metaData"];
    if (a.contains("add")) add = a["add"];
    if (a.contains("commitInfo")) info = a["commitInfo"];
  }
  EXPECT_EQ(protocol["minReaderVersion"], 1);
  EXPECT_EQ(protocol["minWriterVersion"], 2);
  EXPECT_EQ(ParseSparkJsonSchema(metadata["schemaString"].get<std::string>())->ToDdl(),
            schema->ToDdl());
  EXPECT_EQ(metadata["format"]["provider"], "parquet");
  ASSERT_TRUE(add.is_object());
  EXPECT_TRUE(add["path"].get<std::string>().ends_with(".snappy.parquet"));
  EXPECT_EQ(add["dataChange"], true);
  J stats = J::parse(add["stats"].get<std::string>());
  EXPECT_EQ(stats["numRecords"], 3);
  EXPECT_EQ(stats["minValues"]["i32"], 1000);
  EXPECT_EQ(stats["maxValues"]["i32"], 2000);
  EXPECT_EQ(stats["nullCount"]["i32"], 1);
  EXPECT_EQ(stats["minValues"]["s"], "héllo 1");
  EXPECT_EQ(stats["minValues"]["dt"], "2022-01-09");
  EXPECT_EQ(stats["minValues"]["ts"], "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(stats["maxValues"]["ts"], "2023-11-14T22:13:20.124Z");  // rounded up: an upper bound
  EXPECT_EQ(stats["minValues"]["st"]["x"], 1);
  EXPECT_EQ(stats["nullCount"]["st"]["y"], 1);
  EXPECT_FALSE(stats["minValues"].contains("b"));    // booleans: null counts only
  EXPECT_FALSE(stats["minValues"].contains("dec"));  // DECIMAL(20,4): too wide for a JSON number
  EXPECT_EQ(stats["nullCount"]["dec"], 1);
  EXPECT_EQ(info["operation"], "WRITE");
  EXPECT_EQ(info["operationParameters"]["mode"], "ErrorIfExists");
  EXPECT_EQ(info["isBlindAppend"], true);
  EXPECT_EQ(info["operationMetrics"]["numOutputRows"], "3");
  EXPECT_EQ(info["timestamp"], 1700000000000LL);  // from the session's clock

  // The Parquet data file carries Spark's schema metadata.
  DeltaSnapshot snap = LoadDeltaSnapshot(Path("t"));
  ASSERT_EQ(snap.files.size(), 1u);
  auto reader = ParquetReader::OpenFile(snap.files[0].path);
  EXPECT_EQ(reader->file_schema()->ToDdl(), schema->ToDdl());
}

TEST_F(DeltaWriteTest, AwkwardValuesKeepStatsValid) {
  Session spark = NewSession();
  std::string bad_utf8("\xff\xfe ok", 5);
  std::string long_text(40, 'z');
  DataFrame df = spark.createDataFrame(
      {{Value::String(bad_utf8), Value::Double(1.0 / 0.0), Value::Decimal(12345, 9, 2)},
       {Value::String(long_text), Value::Double(-2.5), Value::Decimal(-5, 9, 2)}},
      "s STRING, d DOUBLE, dec DECIMAL(9,2)");
  df.write().format("delta").save(Path("t"));
  EXPECT_EQ(SortedRows(spark.read().format("delta").load(Path("t"))), SortedRows(df));
  J stats = J::parse(LoadDeltaSnapshot(Path("t")).files[0].stats);
  EXPECT_FALSE(stats["minValues"].contains("d"));  // an infinity: no bounds
  EXPECT_EQ(stats["minValues"]["dec"], -0.05);
  EXPECT_EQ(stats["maxValues"]["dec"], 123.45);
  // Invalid UTF-8 cannot be a JSON bound: the column gets a null count only.
  EXPECT_FALSE(stats["maxValues"].contains("s"));
  EXPECT_EQ(stats["nullCount"]["s"], 0);
  // A long string's max is cut to 32 characters plus U+FFFF, still above the value.
  spark.createDataFrame({{Value::String(long_text)}, {Value::String("a")}}, "s STRING")
      .write().format("delta").save(Path("u"));
  J u = J::parse(LoadDeltaSnapshot(Path("u")).files[0].stats);
  EXPECT_EQ(u["maxValues"]["s"].get<std::string>(), std::string(32, 'z') + "\xEF\xBF\xBF");
  EXPECT_EQ(u["minValues"]["s"], "a");
}

TEST_F(DeltaWriteTest, PartitionsWithNullsAndSpecialCharacters) {
  Session spark = NewSession();
  std::vector<std::string> values = {"a b", "x/y", "é=1", "50%", "c:d", "", "plain"};
  std::vector<std::vector<Value>> rows;
  int i = 0;
  for (const std::string& v : values)
    rows.push_back({Value::Int(i++), Value::String(v), Value::Date(10)});
  rows.push_back({Value::Int(i++), Value::Null(StringType()), Value::Null(DateType())});
  DataFrame df = spark.createDataFrame(rows, "id INT, p STRING, d DATE");
  df.write().format("delta").partitionBy({"p", "d"}).save(Path("t"));
  DataFrame back = spark.read().format("delta").load(Path("t")).select({"id", "p", "d"});
  // "" is stored as NULL, as Delta does.
  auto got = SortedRows(back);
  ASSERT_EQ(got.size(), values.size() + 1);
  EXPECT_NE(std::find(got.begin(), got.end(), "Row(id=0, p='a b', d=1970-01-11)"), got.end())
      << got[0];
  EXPECT_NE(std::find(got.begin(), got.end(), "Row(id=1, p='x/y', d=1970-01-11)"), got.end());
  EXPECT_NE(std::find(got.begin(), got.end(), "Row(id=2, p='é=1', d=1970-01-11)"), got.end());
  EXPECT_NE(std::find(got.begin(), got.end(), "Row(id=3, p='50%', d=1970-01-11)"), got.end());
  EXPECT_NE(std::find(got.begin(), got.end(), "Row(id=4, p='c:d', d=1970-01-11)"), got.end());
  EXPECT_NE(std::find(got.begin(), got.end(), "Row(id=6, p='plain', d=1970-01-11)"), got.end());
  EXPECT_NE(std::find(got.begin(), got.end(), "Row(id=5, p=None, d=1970-01-11)"), got.end());
  EXPECT_NE(std::find(got.begin(), got.end(), "Row(id=7, p=None, d=None)"), got.end());
  DeltaSnapshot snap = LoadDeltaSnapshot(Path("t"));
  EXPECT_EQ(snap.partition_columns, (std::vector<std::string>{"p", "d"}));
  bool saw_null_dir = false;
  for (const DeltaFile& f : snap.files) {
    EXPECT_TRUE(fs::exists(f.path)) << f.path;
    if (f.path.find("p=__HIVE_DEFAULT_PARTITION__/d=__HIVE_DEFAULT_PARTITION__") !=
        std::string::npos) {
      saw_null_dir = true;
    }
    // Partition columns are not stored in the data files.
    EXPECT_EQ(ParquetReader::OpenFile(f.path)->file_schema()->ToDdl(), "id INT");
  }
  EXPECT_TRUE(saw_null_dir);
}

TEST_F(DeltaWriteTest, TimestampPartitionsRoundTripInAnyTimeZone) {
  Session spark = NewSession();
  spark.conf().set("spark.sql.session.timeZone", "America/Los_Angeles");
  DataFrame df = spark.createDataFrame({{Value::Int(1), Value::Timestamp(1700000000123456LL)}},
                                       "id INT, ts TIMESTAMP");
  df.write().format("delta").partitionBy({"ts"}).save(Path("t"));
  DeltaSnapshot snap = LoadDeltaSnapshot(Path("t"));
  ASSERT_EQ(snap.files.size(), 1u);
  EXPECT_EQ(snap.files[0].partition_values[0].second, "2023-11-14T22:13:20.123456Z");
  auto rows = spark.read().format("delta").load(Path("t")).collect();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].get("ts"), Value::Timestamp(1700000000123456LL));
}

TEST_F(DeltaWriteTest, SaveModes) {
  Session spark = NewSession();
  Numbers(spark, 0, 3).write().format("delta").save(Path("t"));
  ExpectErrorContaining([&] { Numbers(spark, 0, 3).write().format("delta").save(Path("t")); },
                        {"DELTA_PATH_EXISTS", Path("t")});
  Numbers(spark, 10, 20).write().format("delta").mode("ignore").save(Path("t"));
  EXPECT_EQ(spark.read().format("delta").load(Path("t")).count(), 3);
  Numbers(spark, 3, 5).write().format("delta").mode("append").save(Path("t"));
  EXPECT_EQ(spark.read().format("delta").load(Path("t")).count(), 5);
  Numbers(spark, 100, 102).write().format("delta").mode("overwrite").save(Path("t"));
  EXPECT_EQ(SortedRows(spark.read().format("delta").load(Path("t"))),
            (std::vector<std::string>{"Row(id=100, name='s100')", "Row(id=101, name='s101')"}));
  J info = CommitInfo(Path("t"), 2);
  EXPECT_EQ(info["operationParameters"]["mode"], "Overwrite");
  EXPECT_EQ(info["isBlindAppend"], false);
  EXPECT_EQ(info["readVersion"], 1);
  int removes = 0;
  for (const J& a : Actions(Path("t"), 2)) {
    if (a.contains("remove")) {
      ++removes;
      EXPECT_EQ(a["remove"]["dataChange"], true);
    }
  }
  EXPECT_EQ(removes, 2);
  // Older versions stay readable (time travel), also through SQL options.
  EXPECT_EQ(spark.read().format("delta").option("versionAsOf", "0").load(Path("t")).count(), 3);
  EXPECT_EQ(spark.read().format("delta").option("versionAsOf", "1").load(Path("t")).count(), 5);
  // Timestamp travel: commit timestamps come from the session clock.
  clock_->AdvanceMicros(3600LL * 1000000);
  Numbers(spark, 200, 201).write().format("delta").mode("append").save(Path("t"));
  EXPECT_EQ(spark.read()
                .format("delta")
                .option("timestampAsOf", "2023-11-14 22:30:00")
                .load(Path("t"))
                .count(),
            2);
  EXPECT_EQ(spark.read().format("delta").load(Path("t")).count(), 3);
  ExpectErrorContaining(
      [&] { Numbers(spark, 0, 1).write().format("delta").mode("bogus").save(Path("t")); },
      {"Unknown save mode: bogus"});
}

TEST_F(DeltaWriteTest, SqlTimeTravel) {
  Session spark = NewSession();
  Numbers(spark, 0, 3).write().format("delta").save(Path("t"));
  clock_->AdvanceMicros(3600LL * 1000000);
  Numbers(spark, 3, 5).write().format("delta").mode("append").save(Path("t"));
  std::string t = "delta.`" + Path("t") + "`";
  auto count = [&](const std::string& sql) { return spark.sql(sql).collect()[0][0].GetInt64(); };
  EXPECT_EQ(count("SELECT count(*) FROM " + t), 5);
  EXPECT_EQ(count("SELECT count(*) FROM " + t + " VERSION AS OF 0"), 3);
  EXPECT_EQ(count("SELECT count(*) FROM " + t + " FOR VERSION AS OF 1 AS x WHERE x.id > 1"), 3);
  EXPECT_EQ(count("SELECT count(*) FROM " + t + " TIMESTAMP AS OF '2023-11-14 22:30:00'"), 3);
  EXPECT_EQ(count("SELECT count(*) FROM " + t + " TIMESTAMP AS OF '2023-11-14 23:13:20'"), 5);
  ExpectErrorContaining(
      [&] { spark.sql("SELECT * FROM " + t + " TIMESTAMP AS OF '2023-11-14 23:30:00'"); },
      {"DELTA_TIMESTAMP_GREATER_THAN_COMMIT"});
  ExpectErrorContaining([&] { spark.sql("SELECT * FROM " + t + " VERSION AS OF 7"); },
                        {"DELTA_VERSIONS_NOT_CONTIGUOUS", "[0, 1]"});
  ExpectErrorContaining(
      [&] { spark.sql("SELECT * FROM json.`" + Path("t") + "` VERSION AS OF 0"); },
      {"TIME_TRAVEL"});
  EXPECT_THROW(spark.sql("SELECT * FROM " + t + " VERSION AS OF x"), ParseError);
}

TEST_F(DeltaWriteTest, ManyCommitsCrossCheckpoints) {
  Session spark = NewSession();
  for (int v = 0; v < 25; ++v) {
    Numbers(spark, v * 2, v * 2 + 2).write().format("delta").mode("append").save(Path("t"));
  }
  std::string log = Path("t") + "/_delta_log/";
  EXPECT_TRUE(fs::exists(log + "00000000000000000010.checkpoint.parquet"));
  EXPECT_TRUE(fs::exists(log + "00000000000000000020.checkpoint.parquet"));
  EXPECT_FALSE(fs::exists(log + "00000000000000000015.checkpoint.parquet"));
  J last = J::parse(ReadFile(log + "_last_checkpoint"));
  EXPECT_EQ(last["version"], 20);
  EXPECT_EQ(last["numOfAddFiles"], 21);  // one file per commit
  // Every version reads back with the rows written so far.
  for (int v = 0; v < 25; ++v) {
    EXPECT_EQ(spark.read()
                  .format("delta")
                  .option("versionAsOf", std::to_string(v))
                  .load(Path("t"))
                  .count(),
              2 * (v + 1))
        << "version " << v;
  }
  // The checkpoint alone reconstructs the state: drop the commits it covers.
  for (int v = 0; v <= 20; ++v) fs::remove(log + DeltaCommitFileName(v));
  EXPECT_EQ(spark.read().format("delta").load(Path("t")).count(), 50);
  DeltaSnapshot snap = LoadDeltaSnapshot(Path("t"));
  EXPECT_EQ(snap.version, 24);
  EXPECT_FALSE(snap.table_id.empty());
  for (const DeltaFile& f : snap.files) EXPECT_FALSE(f.stats.empty());
  // Writes continue on top of a checkpoint-only prefix.
  Numbers(spark, 1000, 1001).write().format("delta").mode("append").save(Path("t"));
  EXPECT_EQ(spark.read().format("delta").load(Path("t")).count(), 51);
}

TEST_F(DeltaWriteTest, CheckpointKeepsTombstonesAndTxns) {
  Session spark = NewSession();
  spark.conf().set("spark.sql.shuffle.partitions", "1");
  Numbers(spark, 0, 2)
      .write()
      .format("delta")
      .option("delta.checkpointInterval", "2")
      .save(Path("t"));
  Numbers(spark, 2, 4).write().format("delta").mode("overwrite").save(Path("t"));
  Numbers(spark, 4, 6).write().format("delta").mode("append").save(Path("t"));  // version 2:
                                                                                // checkpoint
  std::string cp = Path("t") + "/_delta_log/00000000000000000002.checkpoint.parquet";
  ASSERT_TRUE(fs::exists(cp));
  auto reader = ParquetReader::OpenFile(cp);
  EXPECT_EQ(reader->file_schema()->fields().size(), 5u);
  for (const char* c : {"txn", "add", "remove", "metaData", "protocol"}) {
    EXPECT_GE(reader->file_schema()->FieldIndex(c), 0) << c;
  }
  for (int v = 0; v <= 2; ++v) fs::remove(Path("t") + "/_delta_log/" + DeltaCommitFileName(v));
  DeltaSnapshot snap = LoadDeltaSnapshot(Path("t"));
  EXPECT_EQ(snap.tombstones.size(), 1u);
  EXPECT_EQ(snap.configuration.at("delta.checkpointInterval"), "2");
  EXPECT_EQ(SortedRows(spark.read().format("delta").load(Path("t"))),
            (std::vector<std::string>{"Row(id=2, name='s2')", "Row(id=3, name='s3')",
                                      "Row(id=4, name='s4')", "Row(id=5, name='s5')"}));
}

TEST_F(DeltaWriteTest, SchemaEnforcement) {
  Session spark = NewSession();
  Numbers(spark, 0, 2).write().format("delta").save(Path("t"));
  auto extra = spark.createDataFrame({{Value::Int(1), Value::String("a"), Value::Double(1.5)}},
                                     "id INT, name STRING, score DOUBLE");
  ExpectErrorContaining([&] { extra.write().format("delta").mode("append").save(Path("t")); },
                        {"DELTA_SCHEMA_MISMATCH", "score DOUBLE", "mergeSchema"});
  auto wrong_type =
      spark.createDataFrame({{Value::String("x"), Value::String("a")}}, "id STRING, name STRING");
  ExpectErrorContaining([&] { wrong_type.write().format("delta").mode("append").save(Path("t")); },
                        {"DELTA_SCHEMA_MISMATCH", "id (table: INT, data: STRING)"});
  // A missing (nullable) column is written as NULL, as Delta does; column order and case do not
  // matter.
  auto missing = spark.createDataFrame({{Value::Int(7)}}, "ID INT");
  missing.write().format("delta").mode("append").save(Path("t"));
  auto rows = SortedRows(spark.read().format("delta").load(Path("t")).where("id = 7"));
  EXPECT_EQ(rows, (std::vector<std::string>{"Row(id=7, name=None)"}));
  // Nothing was committed by the failed writes.
  EXPECT_EQ(LoadDeltaSnapshot(Path("t")).version, 1);

  // mergeSchema: adds columns and widens SMALLINT -> INT.
  extra.write().format("delta").mode("append").option("mergeSchema", "true").save(Path("t"));
  EXPECT_EQ(spark.read().format("delta").load(Path("t")).schema()->ToDdl(),
            "id INT, name STRING, score DOUBLE");
  EXPECT_EQ(spark.read().format("delta").load(Path("t")).where("score IS NULL").count(), 3);
  auto small = spark.createDataFrame({{Value::Short(5), Value::Long(9)}}, "s SMALLINT, big BIGINT");
  small.write().format("delta").save(Path("w"));
  auto wide = spark.createDataFrame({{Value::Int(70000), Value::Long(1)}}, "s INT, big BIGINT");
  ExpectErrorContaining([&] { wide.write().format("delta").mode("append").save(Path("w")); },
                        {"s (table: SMALLINT, data: INT)"});
  wide.write().format("delta").mode("append").option("mergeSchema", "true").save(Path("w"));
  EXPECT_EQ(SortedRows(spark.read().format("delta").load(Path("w"))),
            (std::vector<std::string>{"Row(s=5, big=9)", "Row(s=70000, big=1)"}));
  // BIGINT -> INT is not a widening Delta's schema merge allows.
  auto narrow = spark.createDataFrame({{Value::Int(1), Value::Int(1)}}, "s INT, big INT");
  ExpectErrorContaining(
      [&] {
        narrow.write().format("delta").mode("append").option("mergeSchema", "true").save(Path("w"));
      },
      {"big (table: BIGINT, data: INT)"});

  // overwriteSchema replaces the schema and partitioning.
  auto other =
      spark.createDataFrame({{Value::String("k"), Value::Long(1)}}, "key STRING, v BIGINT");
  ExpectErrorContaining([&] { other.write().format("delta").mode("overwrite").save(Path("t")); },
                        {"DELTA_SCHEMA_MISMATCH", "key STRING", "overwriteSchema"});
  other.write()
      .format("delta")
      .mode("overwrite")
      .option("overwriteSchema", "true")
      .partitionBy({"key"})
      .save(Path("t"));
  DeltaSnapshot snap = LoadDeltaSnapshot(Path("t"));
  EXPECT_EQ(snap.schema->ToDdl(), "key STRING, v BIGINT");
  EXPECT_EQ(snap.partition_columns, (std::vector<std::string>{"key"}));
  EXPECT_EQ(SortedRows(spark.read().format("delta").load(Path("t"))),
            (std::vector<std::string>{"Row(key='k', v=1)"}));
  ExpectErrorContaining(
      [&] { other.write().format("delta").mode("append").partitionBy({"v"}).save(Path("t")); },
      {"DELTA_PARTITION_COLUMNS_MISMATCH"});
}

TEST_F(DeltaWriteTest, TableProperties) {
  Session spark = NewSession();
  ExpectErrorContaining(
      [&] {
        Numbers(spark, 0, 1).write().format("delta").option("delta.bogus", "1").save(Path("t"));
      },
      {"DELTA_UNKNOWN_CONFIGURATION", "delta.bogus"});
  ExpectErrorContaining(
      [&] {
        Numbers(spark, 0, 1)
            .write()
            .format("delta")
            .option("delta.appendOnly", "yes")
            .save(Path("t"));
      },
      {"delta.appendOnly", "'true' or 'false'"});
  EXPECT_FALSE(fs::exists(Path("t") + "/_delta_log"));
  Numbers(spark, 0, 2)
      .write()
      .format("delta")
      .option("delta.appendOnly", "true")
      .option("DELTA.enableChangeDataFeed", "true")
      .save(Path("t"));
  DeltaSnapshot snap = LoadDeltaSnapshot(Path("t"));
  EXPECT_EQ(snap.configuration.at("delta.appendOnly"), "true");
  EXPECT_EQ(snap.configuration.at("delta.enableChangeDataFeed"), "true");
  EXPECT_EQ(snap.min_writer_version, 4);
  ExpectErrorContaining(
      [&] { Numbers(spark, 0, 1).write().format("delta").mode("overwrite").save(Path("t")); },
      {"DELTA_CANNOT_MODIFY_APPEND_ONLY"});
  Numbers(spark, 2, 3).write().format("delta").mode("append").save(Path("t"));
  EXPECT_EQ(spark.read().format("delta").load(Path("t")).count(), 3);
  // Session defaults for new tables.
  spark.conf().set("spark.databricks.delta.properties.defaults.checkpointInterval", "3");
  Numbers(spark, 0, 1).write().format("delta").save(Path("u"));
  EXPECT_EQ(LoadDeltaSnapshot(Path("u")).configuration.at("delta.checkpointInterval"), "3");
}

TEST_F(DeltaWriteTest, OptimizeWritePoolsPartitions) {
  Session spark = NewSession();
  spark.conf().set("spark.sql.shuffle.partitions", "4");
  DataFrame df = spark.createDataFrame({}, "id INT, p STRING");
  for (int part = 0; part < 4; ++part) {
    std::vector<std::vector<Value>> rows;
    for (int i = 0; i < 10; ++i) {
      rows.push_back({Value::Int(part * 10 + i), Value::String(i % 2 ? "odd" : "even")});
    }
    df = df.union_(spark.createDataFrame(rows, "id INT, p STRING"));
  }
  df.write().format("delta").partitionBy({"p"}).save(Path("plain"));
  df.write()
      .format("delta")
      .partitionBy({"p"})
      .option("delta.autoOptimize.optimizeWrite", "true")
      .save(Path("ow"));
  EXPECT_GT(LoadDeltaSnapshot(Path("plain")).files.size(), 2u);
  EXPECT_EQ(LoadDeltaSnapshot(Path("ow")).files.size(), 2u);  // one file per table partition
  EXPECT_EQ(SortedRows(spark.read().format("delta").load(Path("ow"))),
            SortedRows(spark.read().format("delta").load(Path("plain"))));
}

TEST_F(DeltaWriteTest, AutoCompactAfterWrites) {
  Session spark = NewSession();
  spark.conf().set("spark.databricks.delta.autoCompact.minNumFiles", "3");
  for (int i = 0; i < 3; ++i) {
    Numbers(spark, i * 10, i * 10 + 3)
        .write()
        .format("delta")
        .mode("append")
        .option("delta.autoOptimize.autoCompact", "true")
        .option("optimizeWrite", "true")
        .save(Path("t"));
  }
  // Writes 0 and 1 leave 1 and 2 files; write 2 reaches 3 small files and compacts them.
  DeltaSnapshot snap = LoadDeltaSnapshot(Path("t"));
  EXPECT_EQ(snap.version, 3);
  EXPECT_EQ(snap.files.size(), 1u);
  J info = CommitInfo(Path("t"), 3);
  EXPECT_EQ(info["operation"], "OPTIMIZE");
  EXPECT_EQ(info["operationParameters"]["auto"], "true");
  EXPECT_EQ(spark.read().format("delta").load(Path("t")).count(), 9);
}

TEST_F(DeltaWriteTest, NotNullColumnsAreEnforced) {
  Session spark = NewSession();
  // A NOT NULL column can only come from an existing table's schema: write one by hand.
  fs::create_directories(Path("t") + "/_delta_log");
  J md = {
      {"id", "11111111-1111-1111-1111-111111111111"},
      {"format", {{"provider", "parquet"}, {"options", J::object()}}},
      {"schemaString",
       R"({"type":"struct","fields":[{"name":"id","type":"integer","nullable":false,"metadata":{}},{"name":"v","type":"string","nullable":true,"metadata":{}}]})"},
      {"partitionColumns", J::array()},
      {"configuration", J::object()}};
  WriteFileAtomic(Path("t") + "/_delta_log/" + DeltaCommitFileName(0),
                  J{{"protocol", {{"minReaderVersion", 1}, {"minWriterVersion", 2}}}}.dump() +
                      "\n" + J{{"metaData", md}}.dump() + "\n");
  auto with_null =
      spark.createDataFrame({{Value::Null(IntegerType()), Value::String("a")}}, "id INT, v STRING");
  ExpectErrorContaining([&] { with_null.write().format("delta").mode("append").save(Path("t")); },
                        {"NOT NULL constraint violated for column: id"});
  auto missing = spark.createDataFrame({{Value::String("a")}}, "v STRING");
  ExpectErrorContaining([&] { missing.write().format("delta").mode("append").save(Path("t")); },
                        {"NOT NULL columns missing from the data: id"});
  // Failed writes leave no data files behind.
  for (const auto& e : fs::directory_iterator(Path("t"))) {
    EXPECT_EQ(e.path().filename(), "_delta_log");
  }
}

// Two transactions from the same snapshot: the second loses version 1 and must look at it.
TEST_F(DeltaWriteTest, ConcurrentTransactionsConflictAsDeltaDoes) {
  Session spark = NewSession();
  Numbers(spark, 0, 2).write().format("delta").save(Path("t"));
  auto state = spark.state();
  auto add_file = [&](DeltaTransaction& txn, int from) {
    DeltaFileWriter writer(Path("t"), ParseSchema("id INT, name STRING"), {},
                           DeltaFileWriterOptions());
    auto batch = RecordBatch::FromRows(ParseSchema("id INT, name STRING"),
                                       {{Value::Int(from), Value::String("s")}});
    for (const DeltaAddFile& a : writer.WriteTask({batch}, 0, true)) txn.AddFile(a);
  };
  DeltaCommitInfo info{"WRITE"};
  int64_t removed_rows = 0;
  {
    // Blind append vs blind append: both commit, at versions 1 and 2.
    DeltaTransaction a(Path("t"), state->clock());
    DeltaTransaction b(Path("t"), state->clock());
    add_file(a, 10);
    add_file(b, 20);
    EXPECT_TRUE(a.IsBlindAppend());
    EXPECT_EQ(a.Commit(info), 1);
    EXPECT_EQ(b.Commit(info), 2);
    EXPECT_EQ(CommitInfo(Path("t"), 2)["readVersion"], 0);
  }
  {
    // Overwrite (reads the whole table) vs a concurrent append: ConcurrentAppendException.
    DeltaTransaction ow(Path("t"), state->clock());
    DeltaTransaction ap(Path("t"), state->clock());
    ow.ReadWholeTable();
    for (const DeltaFile& f : ow.snapshot()->files) ow.RemoveFile(f, true);
    add_file(ow, 30);
    add_file(ap, 40);
    EXPECT_EQ(ap.Commit(info), 3);
    ExpectErrorContaining([&] { ow.Commit(info); },
                          {"DELTA_CONCURRENT_APPEND", "ConcurrentAppendException", "version 3"});
  }
  {
    // Two removes of the same file: ConcurrentDeleteDeleteException.
    DeltaTransaction r1(Path("t"), state->clock());
    DeltaTransaction r2(Path("t"), state->clock());
    const DeltaFile& f = r1.snapshot()->files[0];
    removed_rows = J::parse(f.stats)["numRecords"].get<int64_t>();
    r1.RemoveFile(f, false);
    r2.RemoveFile(f, false);
    EXPECT_EQ(r1.Commit(info), 4);
    ExpectErrorContaining([&] { r2.Commit(info); },
                          {"DELTA_CONCURRENT_DELETE_DELETE", "version 4"});
  }
  {
    // A metadata change by the winner fails the loser.
    DeltaTransaction m(Path("t"), state->clock());
    DeltaTransaction ap(Path("t"), state->clock());
    m.SetMetadata(J::parse(m.snapshot()->metadata_json));
    EXPECT_EQ(m.Commit(info), 5);
    add_file(ap, 50);
    ExpectErrorContaining([&] { ap.Commit(info); }, {"DELTA_METADATA_CHANGED", "version 5"});
  }
  {
    // Same streaming appId committed concurrently.
    DeltaTransaction s1(Path("t"), state->clock());
    DeltaTransaction s2(Path("t"), state->clock());
    s1.AddTxn("query-1", 0);
    s2.AddTxn("query-1", 0);
    EXPECT_EQ(s1.Commit(info), 6);
    ExpectErrorContaining([&] { s2.Commit(info); }, {"DELTA_CONCURRENT_TRANSACTION", "query-1"});
  }
  // Two writers creating the same table: the loser fails.
  {
    DeltaTransaction c1(Path("new"), state->clock());
    DeltaTransaction c2(Path("new"), state->clock());
    J md = J::parse(LoadDeltaSnapshot(Path("t")).metadata_json);
    c1.SetProtocol(J{{"minReaderVersion", 1}, {"minWriterVersion", 2}});
    c1.SetMetadata(md);
    c2.SetProtocol(J{{"minReaderVersion", 1}, {"minWriterVersion", 2}});
    c2.SetMetadata(md);
    EXPECT_EQ(c1.Commit(info), 0);
    ExpectErrorContaining([&] { c2.Commit(info); }, {"DELTA_PROTOCOL_CHANGED"});
  }
  // 2 initial rows + 3 appended, minus the removed file's.
  EXPECT_EQ(spark.read().format("delta").load(Path("t")).count(), 5 - removed_rows);
}

// Real threads appending at once: every write lands exactly once, versions stay contiguous.
TEST_F(DeltaWriteTest, RacingThreadsAllCommit) {
  Session spark = NewSession();
  Numbers(spark, 0, 1).write().format("delta").save(Path("t"));
  constexpr int kThreads = 4;
  constexpr int kWrites = 5;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        Session s = NewSession();
        for (int w = 0; w < kWrites; ++w) {
          int id = 1000 + t * 100 + w;
          Numbers(s, id, id + 1).write().format("delta").mode("append").save(Path("t"));
        }
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  DeltaSnapshot snap = LoadDeltaSnapshot(Path("t"));
  EXPECT_EQ(snap.version, kThreads * kWrites);
  EXPECT_EQ(spark.read().format("delta").load(Path("t")).count(), 1 + kThreads * kWrites);
  for (int64_t v = 1; v <= snap.version; ++v) {
    EXPECT_EQ(CommitInfo(Path("t"), v)["isBlindAppend"], true);
  }
}

TEST_F(DeltaWriteTest, UnsupportedTablesAreRejectedForWrites) {
  Session spark = NewSession();
  const std::string golden = std::string(SLUICE_SHARED_DIR) + "/testdata/delta-golden/";
  fs::copy(golden + "data-reader-timestamp_ntz-name-mode", Path("cm"), fs::copy_options::recursive);
  auto df = spark.read().format("delta").load(Path("cm"));
  ExpectErrorContaining([&] { df.write().format("delta").mode("append").save(Path("cm")); },
                        {"DELTA_UNSUPPORTED_FEATURE", "columnMapping"});
  ExpectErrorContaining(
      [&] {
        Numbers(spark, 0, 1)
            .write()
            .format("delta")
            .option("delta.columnMapping.mode", "name")
            .save(Path("x"));
      },
      {"DELTA_UNSUPPORTED_FEATURE"});
}

}  // namespace
}  // namespace sluice
