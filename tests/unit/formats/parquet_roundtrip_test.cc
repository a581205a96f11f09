// Parquet writer -> reader round trips (a property test over random data of every type Sluice
// writes, nested and with NULLs, across codecs, page and row-group sizes), statistics-based
// row-group skipping, and corrupt / truncated input (random byte flips and truncations of valid
// files must fail with IoError, never crash or read out of bounds).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
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

  /// `n` random rows of `schema`.
  std::vector<std::vector<Value>> Rows(const TypePtr& schema, int n) {
    std::vector<std::vector<Value>> rows;
    for (int i = 0; i < n; ++i) {
      std::vector<Value> row;
      for (const auto& f : schema->fields()) row.push_back(Make(f.type, f.nullable));
      rows.push_back(std::move(row));
    }
    return rows;
  }

 private:
  std::mt19937 rng_;
};

// A Parquet file of `rows`, written 97 rows per batch.
std::string WriteInChunks(const TypePtr& schema, const std::vector<std::vector<Value>>& rows,
                          const OptionMap& opts) {
  ParquetWriter writer(schema, ParquetWriteOptions::FromMap(opts));
  for (size_t b = 0; b < rows.size(); b += 97) {
    std::vector<std::vector<Value>> chunk(rows.begin() + b, rows.begin() + std::min(rows.size(), b + 97));
    writer.Write(RecordBatch::FromRows(schema, chunk));
  }
  return writer.Finish();
}

std::vector<RecordBatchPtr> ReadBack(const std::string& file, const std::string& name = "mem") {
  ParquetReader reader(InputBuffer::FromString(file, name));
  return reader.ReadAll();
}

// A writer with a sink hands out the same bytes, in order, as the in-memory writer returns, with
// each row group handed out when it is flushed.
TEST(ParquetRoundTrip, SinkReceivesTheSameFileAsFinishReturns) {
  TypePtr schema = RichSchema();
  Gen gen(3);
  std::vector<std::vector<Value>> rows = gen.Rows(schema, 800);
  OptionMap opts{{"parquet.block.size", std::to_string(16 << 10)}};
  ParquetWriter in_memory(schema, ParquetWriteOptions::FromMap(opts));
  std::string streamed;
  int pieces = 0;
  ParquetWriter with_sink(schema, ParquetWriteOptions::FromMap(opts), [&](std::string_view b) {
    streamed.append(b);
    ++pieces;
  });
  for (size_t b = 0; b < rows.size(); b += 50) {
    std::vector<std::vector<Value>> chunk(rows.begin() + b, rows.begin() + std::min(rows.size(), b + 50));
    in_memory.Write(RecordBatch::FromRows(schema, chunk));
    with_sink.Write(RecordBatch::FromRows(schema, chunk));
  }
  std::string file = in_memory.Finish();
  EXPECT_GT(pieces, 2);  // row groups went out before Finish
  EXPECT_EQ(with_sink.Finish(), "");
  EXPECT_EQ(streamed, file);
  EXPECT_EQ(with_sink.bytes_written(), static_cast<int64_t>(file.size()));
}

// Batches smaller than pages, larger than pages and than row groups: flat columns are decoded page
// by page into each batch (dictionary and PLAIN pages, with nulls), nested ones sliced; the rows
// come back in order whatever the batch size.
TEST(ParquetRoundTrip, BatchesOfAnySizeCrossPagesAndRowGroups) {
  TypePtr schema = RichSchema();
  Gen gen(77);
  std::vector<std::vector<Value>> rows = gen.Rows(schema, 1500);
  for (bool dict : {true, false}) {
    SCOPED_TRACE(dict ? "dictionary" : "plain");
    OptionMap opts{{"parquet.page.size", "300"},
                   {"parquet.block.size", std::to_string(24 << 10)},
                   {"parquet.enable.dictionary", dict ? "true" : "false"}};
    std::string file = WriteInChunks(schema, rows, opts);
    for (size_t batch_rows : {size_t{1}, size_t{7}, size_t{64}, size_t{1000}, size_t{100000}}) {
      SCOPED_TRACE(batch_rows);
      ParquetReader reader(InputBuffer::FromString(file, "mem"));
      ASSERT_GT(reader.num_row_groups(), 1);
      reader.SetBatchRows(batch_rows);
      size_t r = 0;
      for (const auto& batch : reader.ReadAll()) {
        ASSERT_LE(batch->num_rows(), batch_rows);
        for (size_t i = 0; i < batch->num_rows(); ++i, ++r) {
          ASSERT_LT(r, rows.size());
          for (size_t col = 0; col < schema->fields().size(); ++col) {
            ASSERT_EQ(batch->column(col)->GetValue(i), rows[r][col])
                << "row " << r << " column " << schema->fields()[col].name;
          }
        }
      }
      EXPECT_EQ(r, rows.size());
    }
  }
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
    std::vector<std::vector<Value>> rows = gen.Rows(schema, gen.Int(300, 900));
    OptionMap opts{{"compression", c.codec},
                   {"parquet.page.size", std::to_string(c.page)},
                   {"parquet.block.size", std::to_string(c.group)},
                   {"parquet.enable.dictionary", c.dict ? "true" : "false"}};
    std::string file = WriteInChunks(schema, rows, opts);
    ParquetReader reader(InputBuffer::FromString(file, "mem"));
    EXPECT_TRUE(reader.file_schema()->SameShape(*schema)) << reader.file_schema()->Sql();
    if (c.group < (1 << 20)) {
      EXPECT_GT(reader.num_row_groups(), 1);
    }
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

// Flat top-level columns take the batch-level paths: the writer appends whole buffers of batches
// without NULLs and value by value otherwise, builds dictionaries in its own hash table (inline keys
// up to 8 bytes, hashed longer ones) and cuts pages of dense columns arithmetically; the reader
// decodes their pages straight into the output vectors. Covers batches with and without NULLs in one
// row group, several row groups and pages, dictionary and PLAIN (fallback) chunks, every codec.
TEST(ParquetRoundTrip, FlatColumnsBatchPathsEveryCodec) {
  TypePtr schema = StructType({
      StructField("b", BooleanType()), StructField("i", IntegerType()), StructField("l", LongType()),
      StructField("f", FloatType()), StructField("d", DoubleType()), StructField("dt", DateType()),
      StructField("ts", TimestampType()), StructField("ntz", TimestampNTZType()),
      StructField("s", StringType()), StructField("bin", BinaryType()),
      StructField("low", StringType()), StructField("lowl", LongType()),
      StructField("dec", DecimalType(38, 2)), StructField("i8", ByteType()),
      // Required columns (maximum definition level 0) next to the nullable ones.
      StructField("req_l", LongType(), false), StructField("req_s", StringType(), false)});
  Gen gen(77);
  std::vector<std::vector<Value>> rows;
  std::vector<RecordBatchPtr> batches;
  const double specials[] = {0.0, -0.0, std::nan(""), 1.5, -2.25};
  for (int b = 0; b < 12; ++b) {
    bool nulls = b % 3 == 1;  // batches 1, 4, 7, 10 hold NULLs; the others none
    std::vector<std::vector<Value>> chunk;
    int n = 150 + 37 * b;
    for (int k = 0; k < n; ++k) {
      int64_t r = static_cast<int64_t>(rows.size() + chunk.size());
      auto maybe = [&](Value v, const TypePtr& t) { return nulls && gen.Null(30) ? Value::Null(t) : v; };
      std::string str = gen.Str(gen.Int(0, 9) == 0 ? 40 : 14);
      chunk.push_back({
          maybe(Value::Boolean(gen.Int(0, 1)), BooleanType()),
          maybe(Value::Int(gen.Int(0, 2) ? gen.Int(-3, 3) : static_cast<int32_t>(gen.I64())), IntegerType()),
          maybe(Value::Long(r * 1000003), LongType()),
          maybe(Value::Float(static_cast<float>(specials[r % 5])), FloatType()),
          maybe(Value::Double(specials[(r / 5) % 5] + static_cast<double>(r % 3)), DoubleType()),
          maybe(Value::Date(static_cast<int32_t>(r % 400) - 200), DateType()),
          maybe(Value::Timestamp(1704067200000000LL + r * 1000000), TimestampType()),
          maybe(Value::TimestampNtz(gen.I64() % 4000000000000000000), TimestampNTZType()),
          maybe(Value::String(str), StringType()),
          maybe(Value::Binary(gen.Str(20)), BinaryType()),
          maybe(Value::String(r % 4 == 0 ? std::string(30, 'z') + std::to_string(r % 3)
                                         : "cat" + std::to_string(r % 10)),
                StringType()),
          maybe(Value::Long(r % 7 - 3), LongType()),
          maybe(Value::Decimal(static_cast<__int128>(r % 5) * 1000000007, 38, 2), DecimalType(38, 2)),
          maybe(Value::Byte(static_cast<int8_t>(r % 200 - 100)), ByteType()),
          Value::Long(r % 5 == 0 ? r : -r),
          Value::String(r % 2 ? "" : "v" + std::to_string(r % 6)),
      });
    }
    batches.push_back(RecordBatch::FromRows(schema, chunk));
    rows.insert(rows.end(), chunk.begin(), chunk.end());
  }
  struct Case {
    const char* codec;
    int64_t page, group, dict_page;
  };
  // Small pages (many per chunk), row groups spanning several batches, and a dictionary limit that
  // sends the high-cardinality columns to the PLAIN fallback.
  std::vector<Case> cases = {{"snappy", 256, 40 << 10, 1 << 20}, {"zstd", 1000, 64 << 10, 600},
                             {"gzip", 4096, 1 << 20, 1 << 20},   {"lz4_raw", 64, 24 << 10, 2000},
                             {"none", 1 << 20, 128 << 20, 300}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.codec);
    OptionMap opts{{"compression", c.codec},
                   {"parquet.page.size", std::to_string(c.page)},
                   {"parquet.block.size", std::to_string(c.group)},
                   {"parquet.dictionary.page.size", std::to_string(c.dict_page)}};
    ParquetWriter writer(schema, ParquetWriteOptions::FromMap(opts));
    for (const auto& b : batches) writer.Write(b);
    std::string file = writer.Finish();
    ParquetReader reader(InputBuffer::FromString(file, "mem"));
    if (c.group < (1 << 20)) {
      EXPECT_GT(reader.num_row_groups(), 1);
    }
    bool saw_dict = false, saw_plain = false;
    for (const auto& g : reader.metadata().row_groups) {
      for (const auto& cc : g.columns) {
        (cc.meta_data->dictionary_page_offset ? saw_dict : saw_plain) = true;
        // Several pages per chunk: the data pages span more than one page's bytes.
        if (c.page <= 256 && g.num_rows > 200 && cc.meta_data->path_in_schema[0] == "l") {
          EXPECT_GT(cc.meta_data->total_uncompressed_size, 2 * c.page);
        }
      }
    }
    EXPECT_TRUE(saw_dict);
    EXPECT_TRUE(saw_plain);
    size_t r = 0;
    for (const auto& batch : reader.ReadAll()) {
      for (size_t i = 0; i < batch->num_rows(); ++i, ++r) {
        ASSERT_LT(r, rows.size());
        for (size_t col = 0; col < schema->fields().size(); ++col) {
          Value got = batch->column(col)->GetValue(i);
          const Value& want = rows[r][col];
          if (!want.is_null() && want.type()->IsFractional() && std::isnan(want.AsDouble())) {
            ASSERT_TRUE(!got.is_null() && std::isnan(got.AsDouble())) << "row " << r;
            continue;
          }
          ASSERT_EQ(got, want) << "row " << r << " column " << schema->fields()[col].name << ": "
                               << got.ToString() << " vs " << want.ToString();
          if (!want.is_null() && want.type()->IsFractional()) {
            ASSERT_EQ(std::signbit(got.AsDouble()), std::signbit(want.AsDouble())) << "row " << r;
          }
        }
      }
    }
    EXPECT_EQ(r, rows.size());
    // Statistics of dictionary chunks come from the dictionary: still the chunk's bounds.
    reader.SetFilters({{"low", ParquetPredicate::Op::kEq, Value::String("cat3")}});
    EXPECT_TRUE(reader.RowGroupMayMatch(0));
    reader.SetFilters({{"low", ParquetPredicate::Op::kGt, Value::String(std::string(30, 'z') + "9")}});
    EXPECT_FALSE(reader.RowGroupMayMatch(0));
    reader.SetFilters({{"lowl", ParquetPredicate::Op::kLt, Value::Long(-3)}});
    EXPECT_FALSE(reader.RowGroupMayMatch(0));
  }
}

// A file input is read with pread, a window of about a page at a time (column chunks here span
// several windows, with pages both smaller and larger than a window, so headers and pages cross
// window ends); the result equals an in-memory read.
TEST(ParquetRoundTrip, FileInputReadsChunksLikeMemoryInput) {
  TypePtr schema = ParseSchema("id BIGINT, s STRING, x DOUBLE");
  for (const char* page : {"3000", "3000000"}) {
    SCOPED_TRACE(page);
    OptionMap opts{{"parquet.block.size", "3000000"}, {"parquet.page.size", page},
                   {"compression", "none"}};
    ParquetWriter w(schema, ParquetWriteOptions::FromMap(opts));
    for (int b = 0; b < 6; ++b) {
      std::vector<std::vector<Value>> rows;
      for (int i = 0; i < 20000; ++i) {
        int64_t id = b * 20000 + i;
        rows.push_back({Value::Long(id),
                        i % 9 == 0 ? Value::Null(StringType())
                                   : Value::String(std::string(static_cast<size_t>(i % 50), 'q') + std::to_string(id)),
                        Value::Double(static_cast<double>(id % 77))});
      }
      w.Write(RecordBatch::FromRows(schema, rows));
    }
    std::string file = w.Finish();
    auto path = std::filesystem::temp_directory_path() /
                ("sluice_parquet_pread_test_" + std::to_string(::getpid()) + ".parquet");
    {
      std::ofstream(path, std::ios::binary).write(file.data(), static_cast<std::streamsize>(file.size()));
    }
    auto from_file = ParquetReader::OpenFile(path.string());
    EXPECT_GT(from_file->num_row_groups(), 1);
    auto a = from_file->ReadAll();
    auto b = ReadBack(file);
    ASSERT_EQ(a.size(), b.size());
    for (size_t g = 0; g < a.size(); ++g) {
      ASSERT_EQ(a[g]->num_rows(), b[g]->num_rows());
      for (size_t i = 0; i < a[g]->num_rows(); ++i) ASSERT_EQ(a[g]->GetRow(i), b[g]->GetRow(i));
    }
    // A file cut short fails cleanly, naming it.
    {
      std::ofstream(path, std::ios::binary).write(file.data(), static_cast<std::streamsize>(file.size() / 2));
    }
    EXPECT_THROW(ParquetReader::OpenFile(path.string())->ReadAll(), IoError);
    std::filesystem::remove(path);
  }
}

// Dictionary keys that differ only in length or trailing zero bytes stay distinct: short strings
// (up to 8 bytes) are held inline in the dictionary table together with their length.
TEST(ParquetRoundTrip, DictionaryKeysDifferingInLengthOrZeroBytes) {
  TypePtr schema = ParseSchema("s STRING, b BINARY");
  const std::vector<std::string> keys = {"",         std::string(1, '\0'), "a",
                                         std::string("a\0", 2), std::string("a\0\0", 3), "12345678",
                                         "123456789", std::string(8, '\0'), std::string(9, '\0')};
  std::vector<std::vector<Value>> rows;
  for (int i = 0; i < 3000; ++i) {
    const std::string& k = keys[static_cast<size_t>(i * 7 % 9)];
    rows.push_back({Value::String(k), Value::Binary(keys[static_cast<size_t>(i % 9)])});
  }
  ParquetWriter w(schema);
  w.Write(RecordBatch::FromRows(schema, rows));
  std::string file = w.Finish();
  ParquetReader reader(InputBuffer::FromString(file, "mem"));
  const auto& cc = reader.metadata().row_groups[0].columns[0];
  EXPECT_TRUE(cc.meta_data->dictionary_page_offset.has_value());
  auto batches = reader.ReadAll();
  ASSERT_EQ(batches.size(), 1u);
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(batches[0]->column(0)->GetValue(i), rows[i][0]) << i;
    ASSERT_EQ(batches[0]->column(1)->GetValue(i), rows[i][1]) << i;
  }
}

// The writer refuses NULLs in a required column on the batch path too.
TEST(ParquetRoundTrip, NullInRequiredFlatColumnIsAnError) {
  TypePtr schema = StructType({StructField("a", LongType(), false)});
  ParquetWriter w(schema);
  EXPECT_THROW(
      {
        w.Write(RecordBatch::FromRows(schema, {{Value::Long(1)}, {Value::Null(LongType())}}));
        w.Finish();
      },
      ExecutionError);
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
  std::vector<std::vector<Value>> rows = gen.Rows(schema, 60);
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
