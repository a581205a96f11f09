// delta_dump: the Sluice side of the DuckDB comparison of Delta tables (delta_duckdb.mjs).
//
//   delta_dump --write DIR   writes Delta tables with Sluice's writer into DIR/<name>: every type
//                            with NULLs; partitions with NULL, empty and special-character values;
//                            a table of many commits (appends, an overwrite, OPTIMIZE, schema
//                            evolution) that crosses a checkpoint; a partitioned table with
//                            delta.enableChangeDataFeed (appends, an overwrite, OPTIMIZE).
//   delta_dump TABLE         prints every row of the table's latest version as Sluice's Delta
//                            reader reads it, one JSON object per line, in the normalized
//                            rendering of ../normalized_json.h (DATE as days, TIMESTAMP as
//                            microseconds, BINARY as hex, FLOAT/DOUBLE NaN as null).
//   delta_dump --changes TABLE  prints the table's change data feed from version 0 (readChangeFeed)
//                            the same way, with _change_type, _commit_version, _commit_timestamp.
// On an error prints "ERROR <message>" and exits 1.
#include <fmt/format.h>

#include <cmath>
#include <iostream>

#include "normalized_json.h"
#include "sluice/exception.h"
#include "sluice/sluice.h"

namespace {

using sluice::TypeId;
using sluice::Value;

using sluice::conformance::Escape;
using sluice::conformance::Render;

using namespace sluice;  // NOLINT

void WriteTables(const std::string& dir) {
  Session spark = Session::builder().config("spark.sql.shuffle.partitions", "2").getOrCreate();
  // 1. Every type, with NULLs.
  TypePtr all = ParseSchema(
      "b BOOLEAN, i8 TINYINT, i16 SMALLINT, i32 INT, i64 BIGINT, f FLOAT, d DOUBLE, "
      "dec9 DECIMAL(9,2), dec18 DECIMAL(18,3), dec38 DECIMAL(38,10), s STRING, bin BINARY, "
      "dt DATE, ts TIMESTAMP, arr ARRAY<STRING>, m MAP<STRING, INT>, st STRUCT<x: INT, y: "
      "ARRAY<DOUBLE>>");
  std::vector<std::vector<Value>> rows;
  for (int i = 0; i < 200; ++i) {
    std::vector<Value> r;
    const auto& f = all->fields();
    bool n = i % 17 == 5;
    auto v = [&](size_t c, Value val) { return n ? Value::Null(f[c].type) : val; };
    r.push_back(v(0, Value::Boolean(i % 3 == 0)));
    r.push_back(v(1, Value::Byte(static_cast<int8_t>(i - 100))));
    r.push_back(v(2, Value::Short(static_cast<int16_t>(i * 99))));
    r.push_back(v(3, Value::Int(i * 1000003)));
    r.push_back(v(4, Value::Long(static_cast<int64_t>(i) * 1234567890123LL)));
    r.push_back(v(5, Value::Float(static_cast<float>(i) / 8)));
    r.push_back(v(6, Value::Double(i * 3.25 - 7)));
    r.push_back(v(7, Value::Decimal(i * 101 - 5000, 9, 2)));
    r.push_back(v(8, Value::Decimal(static_cast<int128_t>(i) * 1000000007LL, 18, 3)));
    r.push_back(v(9, Value::Decimal(static_cast<int128_t>(i) * 123456789012345LL * 1000, 38, 10)));
    r.push_back(v(10, Value::String("str \"" + std::to_string(i) + "\" é")));
    r.push_back(
        v(11, Value::Binary(std::string(1, static_cast<char>(i)) + std::string("\x00\xff", 2))));
    r.push_back(v(12, Value::Date(-1000 + i * 50)));
    r.push_back(
        v(13, Value::Timestamp(1700000000000000LL + static_cast<int64_t>(i) * 3600000001LL)));
    r.push_back(v(14, Value::Array(f[14].type, {Value::String("a"), Value::Null(StringType())})));
    r.push_back(
        v(15, Value::Map(f[15].type, {Value::String("k" + std::to_string(i))}, {Value::Int(i)})));
    r.push_back(
        v(16, Value::Struct(f[16].type, {Value::Int(i), Value::Array(f[16].type->fields()[1].type,
                                                                     {Value::Double(0.5)})})));
    rows.push_back(std::move(r));
  }
  spark.createDataFrame(rows, all).write().format("delta").save(dir + "/all_types");

  // 2. Partitions with NULL, "" and special characters, two partition columns.
  std::vector<std::vector<Value>> prows;
  std::vector<std::string> keys = {"a b", "x/y", "é=1", "50%", "c:d", "", "q'uote", "plain"};
  for (int i = 0; i < 64; ++i) {
    Value p = i % 9 == 8 ? Value::Null(StringType())
                         : Value::String(keys[static_cast<size_t>(i) % keys.size()]);
    prows.push_back({Value::Int(i), p, Value::Int(i % 3), Value::Double(i * 0.5)});
  }
  spark.createDataFrame(prows, "id INT, p STRING, q INT, v DOUBLE")
      .write()
      .format("delta")
      .partitionBy({"p", "q"})
      .save(dir + "/partitioned");

  // 3. DATE, TIMESTAMP and DECIMAL partition values (a session time zone other than UTC).
  spark.conf().set("spark.sql.session.timeZone", "Asia/Kolkata");
  std::vector<std::vector<Value>> drows;
  for (int i = 0; i < 12; ++i) {
    drows.push_back({Value::Int(i), Value::Date(19000 + i % 3),
                     Value::Timestamp(1700000000123456LL + (i % 2) * 86400000000LL),
                     Value::Decimal(i % 4 * 125, 6, 2)});
  }
  spark.createDataFrame(drows, "id INT, d DATE, ts TIMESTAMP, amount DECIMAL(6,2)")
      .write()
      .format("delta")
      .partitionBy({"d", "ts", "amount"})
      .save(dir + "/partitioned_types");
  spark.conf().set("spark.sql.session.timeZone", "UTC");

  // 4. Many commits: appends, an overwrite, OPTIMIZE, mergeSchema; crosses the checkpoint at 10.
  std::string many = dir + "/many_commits";
  auto batch = [&](int from, int to) {
    std::vector<std::vector<Value>> r;
    for (int i = from; i < to; ++i)
      r.push_back({Value::Int(i), Value::String(i % 2 ? "odd" : "even")});
    return spark.createDataFrame(r, "id INT, kind STRING");
  };
  batch(0, 10).write().format("delta").partitionBy({"kind"}).save(many);
  for (int c = 1; c < 6; ++c)
    batch(c * 10, c * 10 + 10).write().format("delta").mode("append").save(many);
  batch(1000, 1010).write().format("delta").mode("overwrite").save(many);
  for (int c = 0; c < 4; ++c)
    batch(2000 + c * 5, 2005 + c * 5).write().format("delta").mode("append").save(many);
  spark.sql("OPTIMIZE delta.`" + many + "`");
  std::vector<std::vector<Value>> wide;
  for (int i = 0; i < 5; ++i)
    wide.push_back({Value::Int(3000 + i), Value::String("odd"), Value::Long(i * 7)});
  spark.createDataFrame(wide, "id INT, kind STRING, extra BIGINT")
      .write()
      .format("delta")
      .mode("append")
      .option("mergeSchema", "true")
      .save(many);

  // 5. Change data feed: appends, an overwrite, more appends, OPTIMIZE (no changes), an append.
  std::string cdf = dir + "/change_feed";
  batch(0, 6)
      .write()
      .format("delta")
      .partitionBy({"kind"})
      .option("delta.enableChangeDataFeed", "true")
      .save(cdf);
  batch(6, 9).write().format("delta").mode("append").save(cdf);
  batch(100, 104).write().format("delta").mode("overwrite").save(cdf);
  for (int c = 0; c < 3; ++c)
    batch(200 + c * 2, 202 + c * 2).write().format("delta").mode("append").save(cdf);
  spark.sql("OPTIMIZE delta.`" + cdf + "`");
  batch(300, 301).write().format("delta").mode("append").save(cdf);
}

int Dump(const std::string& table, bool changes) {
  Session spark = Session::builder().config("spark.sql.shuffle.partitions", "2").getOrCreate();
  DataFrame df = changes ? spark.read()
                               .format("delta")
                               .option("readChangeFeed", "true")
                               .option("startingVersion", "0")
                               .load(table)
                         : spark.read().format("delta").load(table);
  TypePtr schema = df.schema();
  std::string out;
  for (const Row& r : df.collect()) {
    std::string line = "{";
    for (size_t c = 0; c < schema->fields().size(); ++c) {
      if (c) line += ",";
      Escape(schema->fields()[c].name, &line);
      line += ":";
      Render(r[c], &line);
    }
    line += "}\n";
    out += line;
  }
  std::cout << out;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc == 3 && std::string(argv[1]) == "--write") {
      WriteTables(argv[2]);
      return 0;
    }
    if (argc == 3 && std::string(argv[1]) == "--changes") return Dump(argv[2], true);
    if (argc == 2) return Dump(argv[1], false);
    std::cerr << "usage: delta_dump --write DIR | delta_dump [--changes] TABLE\n";
    return 2;
  } catch (const std::exception& e) {
    std::cout << "ERROR " << e.what() << "\n";
    return 1;
  }
}
