// parquet_dump FILE...: prints every row of each Parquet file as one JSON object per line, in the
// normalized rendering the DuckDB comparison (duckdb_compare.mjs) expects:
//   integers and decimals as JSON numbers, FLOAT/DOUBLE as numbers (NaN/Infinity as null), DATE as
//   days since the epoch, TIMESTAMP(_NTZ) as microseconds since the epoch, BINARY as upper-case
//   hex, STRUCT as an object, ARRAY as an array, MAP as an object keyed by the rendered key.
// On a read error prints "ERROR <message>" and exits 1.
//
// parquet_dump --write-samples DIR: writes Parquet files with Sluice's writer into DIR (every type,
// NULLs, nested types, large strings, many row groups, each codec) for the DuckDB comparison.
#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_writer.h"
#include "normalized_json.h"
#include "sluice/exception.h"

namespace {

using sluice::TypeId;
using sluice::Value;

using sluice::conformance::Escape;
using sluice::conformance::Render;

void WriteSamples(const std::string& dir) {
  using namespace sluice;  // NOLINT
  std::filesystem::create_directories(dir);
  TypePtr schema = ParseSchema(
      "b BOOLEAN, i8 TINYINT, i16 SMALLINT, i32 INT, i64 BIGINT, f32 FLOAT, f64 DOUBLE, "
      "d9 DECIMAL(9,2), d18 DECIMAL(18,4), d38 DECIMAL(38,6), s STRING, bin BINARY, dt DATE, "
      "ts TIMESTAMP, st STRUCT<x: INT, y: ARRAY<STRING>>, arr ARRAY<ARRAY<BIGINT>>, "
      "m MAP<STRING, INT>, big STRING");
  for (const char* codec : {"snappy", "zstd", "gzip", "none"}) {
    OptionMap opts{{"compression", codec}, {"parquet.block.size", "65536"}, {"parquet.page.size", "4096"}};
    ParquetWriter writer(schema, ParquetWriteOptions::FromMap(opts));
    uint64_t x = 88172645463325252ULL;
    auto next = [&] { x ^= x << 13; x ^= x >> 7; x ^= x << 17; return x; };
    for (int b = 0; b < 20; ++b) {
      std::vector<std::vector<Value>> rows;
      for (int i = 0; i < 250; ++i) {
        int64_t n = static_cast<int64_t>(next() % 2000000) - 1000000;
        bool null = next() % 7 == 0;
        auto maybe = [&](Value v) { return null ? Value::Null(v.type()) : v; };
        std::vector<Value> ev;
        for (int k = 0; k < static_cast<int>(next() % 3); ++k) ev.push_back(Value::String("e" + std::to_string(k)));
        TypePtr st = schema->fields()[14].type;
        TypePtr arr = schema->fields()[15].type;
        TypePtr m = schema->fields()[16].type;
        std::vector<Value> outer;
        for (int k = 0; k < static_cast<int>(next() % 3); ++k) {
          std::vector<Value> inner{Value::Long(n + k), Value::Null(LongType())};
          outer.push_back(k == 1 ? Value::Null(arr->element_type()) : Value::Array(arr->element_type(), inner));
        }
        rows.push_back({maybe(Value::Boolean(n & 1)), maybe(Value::Byte(static_cast<int8_t>(n))),
                        maybe(Value::Short(static_cast<int16_t>(n))), maybe(Value::Int(static_cast<int32_t>(n))),
                        maybe(Value::Long(n * 1000003)), maybe(Value::Float(static_cast<float>(n) / 4)),
                        maybe(Value::Double(static_cast<double>(n) / 3)), maybe(Value::Decimal(n, 9, 2)),
                        maybe(Value::Decimal(static_cast<__int128>(n) * 1000000007, 18, 4)),
                        maybe(Value::Decimal(static_cast<__int128>(n) * 1000000007 * 1000000007, 38, 6)),
                        maybe(Value::String("s" + std::to_string(n % 100))),
                        maybe(Value::Binary(std::string(1 + (n & 3), static_cast<char>(n)))),
                        maybe(Value::Date(static_cast<int32_t>(n % 40000))),
                        maybe(Value::Timestamp(n * 1000003117)),
                        maybe(Value::Struct(st, {Value::Int(static_cast<int32_t>(n)), Value::Array(st->fields()[1].type, ev)})),
                        Value::Array(arr, outer),
                        maybe(Value::Map(m, {Value::String("a"), Value::String("b")}, {Value::Int(1), Value::Null(IntegerType())})),
                        Value::String(i == 0 ? std::string(200000 + b, static_cast<char>('a' + b)) : "")});
      }
      writer.Write(RecordBatch::FromRows(schema, rows));
    }
    std::ofstream(dir + "/sluice_all_types." + codec + ".parquet", std::ios::binary) << writer.Finish();
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--write-samples") {
    WriteSamples(argv[2]);
    return 0;
  }
  if (argc < 2) {
    std::cerr << "usage: parquet_dump FILE...\n";
    return 2;
  }
  int rc = 0;
  for (int a = 1; a < argc; ++a) {
    try {
      auto reader = sluice::ParquetReader::OpenFile(argv[a]);
      const auto& fields = reader->schema()->fields();
      std::string line;
      for (const auto& batch : reader->ReadAll()) {
        for (size_t r = 0; r < batch->num_rows(); ++r) {
          line.clear();
          line.push_back('{');
          for (size_t c = 0; c < fields.size(); ++c) {
            if (c) line.push_back(',');
            Escape(fields[c].name, &line);
            line.push_back(':');
            Render(batch->column(c)->GetValue(r), &line);
          }
          line += "}\n";
          std::cout << line;
        }
      }
    } catch (const std::exception& e) {
      std::cout << "ERROR " << e.what() << "\n";
      rc = 1;
    }
  }
  return rc;
}
