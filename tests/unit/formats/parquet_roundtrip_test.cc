// Parquet writer -> reader round trips (a property test over random data of every type Sluice
// writes, nested and with NULLs, across codecs, page and row-group sizes), statistics-based
// row-group skipping, and corrupt / truncated input (random byte flips and truncations of valid
// files must fail with IoError, never crash or read out of bounds).
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_writer.h"
#include "sluice/exception.h"

namespace sluice {
namespace {

TypePtr RichSchema() {
  return StructType({
      StructField("b", BooleanType()),
      StructField("i8", ByteType()),
      StructField("i16", ShortType()),
      StructField("i32", IntegerType()),
      StructField("i64", LongType()),
      StructField("f32", FloatType()),
      StructField("f64", DoubleType()),
      StructField("d9", DecimalType(9, 2)),
      StructField("d18", DecimalType(18, 4)),
      StructField("d38", DecimalType(38, 10)),
      StructField("s", StringType()),
      StructField("bin", BinaryType()),
      StructField("date", DateType()),
      StructField("ts", TimestampType()),
      StructField("ntz", TimestampNTZType()),
      StructField("req", LongType(), false),
      StructField("st", StructType({StructField("x", IntegerType()),
                                    StructField("arr", ArrayType(StringType()))})),
      StructField("arr", ArrayType(ArrayType(LongType()))),
      StructField("m", MapType(StringType(), ArrayType(IntegerType()))),
      StructField("as", ArrayType(StructType({StructField("k", StringType()),
                                              StructField("v", DoubleType())}))),
  });
}

class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  int64_t I64() { return static_cast<int64_t>(rng_()) << 32 ^ static_cast<int64_t>(rng_()); }
  bool Null(int pct = 15) { return Int(0, 99) < pct; }
  std::string Str(int max_len) {
    std::string s(static_cast<size_t>(Int(0, max_len)), 'a');
    for (char& c : s) c = static_cast<char>(Int(0, 3) == 0 ? Int(0, 255) : 'a' + Int(0, 5));
    return s;
  }

  Value Make(const TypePtr& t, bool nullable) {
    if (nullable && Null()) return Value::Null(t);
    switch (t->id()) {
      case TypeId::kBoolean: return Value::Boolean(Int(0, 1));
      case TypeId::kByte: return Value::Byte(static_cast<int8_t>(Int(-128, 127)));
      case TypeId::kShort: return Value::Short(static_cast<int16_t>(Int(-32768, 32767)));
      case TypeId::kInt: return Value::Int(Int(0, 3) ? Int(-5, 5) : static_cast<int32_t>(I64()));
      case TypeId::kLong: return Value::Long(Int(0, 1) ? Int(0, 20) : I64());
      case TypeId::kFloat: return Value::Float(static_cast<float>(Int(-1000, 1000)) / 8);
      case TypeId::kDouble: return Value::Double(static_cast<double>(I64() % 1000000) / 1024);
      case TypeId::kDecimal: {
        __int128 v = I64() % 1000000000;
        if (t->precision() > 18) v = v * I64();
        if (t->precision() <= 9) v %= 1000000000;
        return Value::Decimal(v, t->precision(), t->scale());
      }
      case TypeId::kString: return Value::String(Str(Int(0, 10) == 0 ? 3000 : 12));
      case TypeId::kBinary: return Value::Binary(Str(8));
      case TypeId::kDate: return Value::Date(Int(-800000, 2900000));
      case TypeId::kTimestamp: return Value::Timestamp(I64() % 4000000000000000000);
      case TypeId::kTimestampNtz: return Value::TimestampNtz(I64() % 4000000000000000000);
      case TypeId::kStruct: {
        std::vector<Value> f;
        for (const auto& fld : t->fields()) f.push_back(Make(fld.type, fld.nullable));
        return Value::Struct(t, f);
      }
      case TypeId::kArray: {
        std::vector<Value> e;
        int n = Int(0, 4);
        for (int i = 0; i < n; ++i) e.push_back(Make(t->element_type(), t->contains_null()));
        return Value::Array(t, e);
      }
      case TypeId::kMap: {
        std::vector<Value> k, v;
        int n = Int(0, 3);
        for (int i = 0; i < n; ++i) {
          k.push_back(Value::String("k" + std::to_string(i) + Str(3)));
          v.push_back(Make(t->value_type(), t->contains_null()));
        }
        return Value::Map(t, k, v);
      }
      default: return Value::Null(t);
    }
  }

 private:
  std::mt19937 rng_;
};

std::vector<RecordBatchPtr> ReadBack(const std::string& file, const std::string& name = "mem") {
  ParquetReader reader(InputBuffer::FromString(file, name));
  return reader.ReadAll();
}

TEST(ParquetRoundTrip, RandomDataAllTypesCodecsAndSizes) {
  TypePtr schema = RichSchema();
  struct Case {
    const char* codec;
    int64_t page, group;
    bool dict;
  };
  std::vector<Case> cases = {{"snappy", 1 << 20, 128 << 20, true},
                             {"zstd", 512, 64 << 10, true},
                             {"gzip", 2048, 32 << 10, false},
                             {"none", 1 << 20, 8 << 10, true},
                             {"lz4_raw", 100, 16 << 10, true}};
  uint32_t seed = 1;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.codec);
    Gen gen(seed++);
    std::vector<std::vector<Value>> rows;
    int n = gen.Int(300, 900);
    for (int i = 0; i < n; ++i) {
      std::vector<Value> row;
      for (const auto& f : schema->fields()) row.push_back(gen.Make(f.type, f.nullable));
      rows.push_back(std::move(row));
    }
    OptionMap opts{{"compression", c.codec},
                   {"parquet.page.size", std::to_string(c.page)},
                   {"parquet.block.size", std::to_string(c.group)},
                   {"parquet.enable.dictionary", c.dict ? "true" : "false"}};
    ParquetWriter writer(schema, ParquetWriteOptions::FromMap(opts));
    for (size_t b = 0; b < rows.size(); b += 97) {
      std::vector<std::vector<Value>> chunk(rows.begin() + b,
                                            rows.begin() + std::min(rows.size(), b + 97));
      writer.Write(RecordBatch::FromRows(schema, chunk));
    }
    std::string file = writer.Finish();
    ParquetReader reader(InputBuffer::FromString(file, "mem"));
    EXPECT_TRUE(reader.file_schema()->SameShape(*schema)) << reader.file_schema()->Sql();
    if (c.group < (1 << 20)) EXPECT_GT(reader.num_row_groups(), 1);
    EXPECT_NE(reader.KeyValue("org.apache.spark.sql.parquet.row.metadata").find("\"timestamp_ntz\""),
              std::string::npos);
    size_t r = 0;
    for (const auto& batch : reader.ReadAll()) {
      for (size_t i = 0; i < batch->num_rows(); ++i, ++r) {
        ASSERT_LT(r, rows.size());
        for (size_t col = 0; col < schema->fields().size(); ++col) {
          ASSERT_EQ(batch->column(col)->GetValue(i), rows[r][col])
              << "row " << r << " column " << schema->fields()[col].name << ": "
              << batch->column(col)->GetValue(i).ToString() << " vs " << rows[r][col].ToString();
        }
      }
    }
    EXPECT_EQ(r, rows.size());
  }
}

TEST(ParquetRoundTrip, ProjectionAndMissingColumns) {
  TypePtr schema = ParseSchema("a INT, b STRING, c DOUBLE");
  ParquetWriter w(schema);
  w.Write(RecordBatch::FromRows(schema, {{Value::Int(1), Value::String("x"), Value::Double(2)},
                                         {Value::Int(2), Value::Null(StringType()), Value::Double(3)}}));
  std::string file = w.Finish();
  ParquetReader reader(InputBuffer::FromString(file, "mem"));
  reader.SetReadSchema(ParseSchema("c DOUBLE, zz INT, A INT"));
  auto batches = reader.ReadAll();
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0]->GetRow(1),
            (std::vector<Value>{Value::Double(3), Value::Null(IntegerType()), Value::Int(2)}));
  ParquetReader bad(InputBuffer::FromString(file, "mem"));
  EXPECT_THROW(bad.SetReadSchema(ParseSchema("a STRING")), AnalysisError);
}

TEST(ParquetRoundTrip, RowGroupSkippingFromStatistics) {
  TypePtr schema = ParseSchema("id BIGINT, name STRING, x DOUBLE");
  OptionMap opts{{"parquet.block.size", "1"}};  // one row group per written batch
  ParquetWriter w(schema, ParquetWriteOptions::FromMap(opts));
  for (int g = 0; g < 10; ++g) {
    std::vector<std::vector<Value>> rows;
    for (int i = 0; i < 100; ++i) {
      int64_t id = g * 100 + i;
      rows.push_back({Value::Long(id), Value::String("n" + std::to_string(g)),
                      g == 3 ? Value::Null(DoubleType()) : Value::Double(static_cast<double>(id))});
    }
    w.Write(RecordBatch::FromRows(schema, rows));
  }
  std::string file = w.Finish();
  ParquetReader reader(InputBuffer::FromString(file, "mem"));
  ASSERT_EQ(reader.num_row_groups(), 10);
  using Op = ParquetPredicate::Op;
  auto matching = [&](std::vector<ParquetPredicate> f) {
    reader.SetFilters(std::move(f));
    int n = 0;
    for (int g = 0; g < reader.num_row_groups(); ++g) n += reader.RowGroupMayMatch(g);
    return n;
  };
  EXPECT_EQ(matching({{"id", Op::kEq, Value::Long(250)}}), 1);
  EXPECT_EQ(matching({{"id", Op::kLt, Value::Long(250)}}), 3);
  EXPECT_EQ(matching({{"id", Op::kGe, Value::Int(900)}}), 1);
  EXPECT_EQ(matching({{"ID", Op::kGt, Value::Long(5000)}}), 0);
  EXPECT_EQ(matching({{"name", Op::kEq, Value::String("n7")}}), 1);
  EXPECT_EQ(matching({{"x", Op::kIsNull, Value()}}), 1);
  EXPECT_EQ(matching({{"x", Op::kLe, Value::Double(99.5)}}), 1);
  EXPECT_EQ(matching({{"id", Op::kGt, Value::Long(150)}, {"id", Op::kLt, Value::Long(350)}}), 3);
  EXPECT_EQ(matching({{"unknown", Op::kEq, Value::Long(1)}}), 10);
  int skipped = 0;
  reader.SetFilters({{"id", Op::kEq, Value::Long(250)}});
  auto batches = reader.ReadAll(&skipped);
  EXPECT_EQ(skipped, 9);
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0]->column(0)->GetValue(50), Value::Long(250));
}

TEST(ParquetRoundTrip, DictionaryFallbackAndLargeStrings) {
  TypePtr schema = ParseSchema("s STRING");
  OptionMap opts{{"parquet.dictionary.page.size", "1000"}};
  ParquetWriter w(schema, ParquetWriteOptions::FromMap(opts));
  std::vector<std::vector<Value>> rows;
  for (int i = 0; i < 500; ++i) rows.push_back({Value::String(std::string(i % 7 == 0 ? 70000 : 10, 'a' + i % 26) + std::to_string(i))});
  w.Write(RecordBatch::FromRows(schema, rows));
  auto batches = ReadBack(w.Finish());
  ASSERT_EQ(batches.size(), 1u);
  for (size_t i = 0; i < rows.size(); ++i) ASSERT_EQ(batches[0]->column(0)->GetValue(i), rows[i][0]);
}

// Byte flips and truncations of valid files: IoError or a successful read, never anything else.
void FuzzFile(const std::string& file, int iterations, uint32_t seed) {
  std::mt19937 rng(seed);
  for (int it = 0; it < iterations; ++it) {
    std::string bad = file;
    int mode = static_cast<int>(rng() % 3);
    if (mode == 0) {
      bad.resize(rng() % bad.size());
    } else {
      int flips = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < flips; ++k) {
        size_t pos = rng() % bad.size();
        bad[pos] = mode == 1 ? static_cast<char>(bad[pos] ^ (1 << (rng() % 8))) : static_cast<char>(rng());
      }
    }
    try {
      ParquetReader reader(InputBuffer::FromString(bad, "fuzzed.parquet"));
      reader.ReadAll();
    } catch (const IoError& e) {
      ASSERT_NE(std::string(e.what()).find("fuzzed.parquet"), std::string::npos) << e.what();
    } catch (const std::exception& e) {
      FAIL() << "iteration " << it << ": unexpected " << typeid(e).name() << ": " << e.what();
    }
  }
}

TEST(ParquetCorruptInput, ByteFlipsAndTruncationsOfWrittenFiles) {
  TypePtr schema = RichSchema();
  Gen gen(99);
  std::vector<std::vector<Value>> rows;
  for (int i = 0; i < 60; ++i) {
    std::vector<Value> row;
    for (const auto& f : schema->fields()) row.push_back(gen.Make(f.type, f.nullable));
    rows.push_back(std::move(row));
  }
  for (const char* codec : {"none", "snappy", "zstd", "gzip", "lz4_raw"}) {
    ParquetWriter w(schema, ParquetWriteOptions::FromMap({{"compression", codec}}));
    w.Write(RecordBatch::FromRows(schema, rows));
    FuzzFile(w.Finish(), 300, 7);
  }
}

TEST(ParquetCorruptInput, ByteFlipsAndTruncationsOfTestingFiles) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(SLUICE_SHARED_DIR) / "testdata/parquet-testing/data";
  if (!fs::exists(dir)) GTEST_SKIP() << "no parquet-testing";
  uint32_t seed = 1;
  for (const char* name : {"alltypes_plain.parquet", "nested_lists.snappy.parquet",
                           "delta_byte_array.parquet", "datapage_v2.snappy.parquet",
                           "nested_maps.snappy.parquet", "byte_stream_split.zstd.parquet",
                           "delta_length_byte_array.parquet", "old_list_structure.parquet",
                           "rle_boolean_encoding.parquet", "fixed_length_decimal.parquet",
                           "lz4_raw_compressed.parquet", "hadoop_lz4_compressed.parquet"}) {
    SCOPED_TRACE(name);
    auto input = InputBuffer::FromFile((dir / name).string());
    FuzzFile(std::string(input->view()), 150, seed++);
  }
}

TEST(ParquetCorruptInput, NotParquet) {
  EXPECT_THROW(ParquetReader(InputBuffer::FromString("", "empty.parquet")), IoError);
  EXPECT_THROW(ParquetReader(InputBuffer::FromString("PAR1 hello PAR1", "x.parquet")), IoError);
  try {
    ParquetReader(InputBuffer::FromString(std::string("PAR1") + std::string(20, 'x') + "PARE", "enc.parquet"));
    FAIL();
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("encrypted"), std::string::npos);
  }
}

}  // namespace
}  // namespace sluice
