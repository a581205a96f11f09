#include <gtest/gtest.h>

#include <random>

#include "formats/csv/csv_reader.h"
#include "formats/csv/csv_writer.h"
#include "formats/json/json_reader.h"
#include "formats/json/json_schema_inference.h"
#include "formats/json/json_writer.h"
#include "formats/read_options.h"
#include "formats/text_reader.h"
#include "sluice/exception.h"

namespace sluice {
namespace {

TEST(ReadOptionsTest, TypedGetters) {
  OptionMap m{{"Header", "TRUE"}, {"n", "12"}, {"bad", "x"}};
  EXPECT_TRUE(GetBool(m, "header", false));
  EXPECT_EQ(GetInt(m, "N", 0), 12);
  EXPECT_EQ(GetString(m, "missing", "d"), "d");
  EXPECT_THROW(GetBool(m, "bad", false), AnalysisError);
  EXPECT_THROW(GetInt(m, "bad", 0), AnalysisError);
  EXPECT_EQ(ParseModeFromString("failFast"), ParseMode::kFailFast);
}

TEST(TextReaderTest, LinesAndWholeText) {
  TextReader r;
  r.OpenString("a\r\nb\n\nc\rd\n");
  std::vector<std::string> got;
  while (auto b = r.Next()) {
    for (size_t i = 0; i < b->num_rows(); ++i) got.push_back(b->GetRow(i)[0].GetString());
  }
  EXPECT_EQ(got, (std::vector<std::string>{"a", "b", "", "c", "d"}));
  TextReader w(TextOptions::FromMap({{"wholetext", "true"}}));
  w.OpenString("x\ny\n");
  auto b = w.Next();
  ASSERT_EQ(b->num_rows(), 1u);
  EXPECT_EQ(b->GetRow(0)[0], Value::String("x\ny\n"));
  EXPECT_EQ(w.Next(), nullptr);
  TextReader s(TextOptions::FromMap({{"lineSep", ";"}}));
  s.OpenString("p;q");
  EXPECT_EQ(s.Next()->num_rows(), 2u);
}

TEST(JsonInferenceTest, InfersAsSpark) {
  auto in = InputBuffer::FromString(
      "{\"b\":1,\"a\":\"x\",\"n\":null,\"arr\":[1,2.5],\"s\":{\"z\":true,\"y\":1}}\n"
      "{\"b\":2.5,\"a\":3,\"e\":[],\"s\":{\"w\":\"q\"},\"big\":123456789012345678901234}\n"
      "\n");
  auto schema = InferJsonSchema({in}, JsonOptions());
  EXPECT_EQ(schema->ToDdl(),
            "a STRING, arr ARRAY<DOUBLE>, b DOUBLE, big DECIMAL(24,0), e ARRAY<STRING>, "
            "n STRING, s STRUCT<w: STRING, y: BIGINT, z: BOOLEAN>")
      << schema->ToDdl();
  auto dropped = InferJsonSchema({in}, JsonOptions::FromMap({{"dropFieldIfAllNull", "true"}}));
  EXPECT_EQ(dropped->FieldIndex("n"), -1);
  EXPECT_EQ(dropped->FieldIndex("e"), -1);
  auto strs = InferJsonSchema({in}, JsonOptions::FromMap({{"primitivesAsString", "true"}}));
  EXPECT_EQ(strs->fields()[2].type->id(), TypeId::kString);
  auto dec = InferJsonSchema({InputBuffer::FromString("{\"x\":1.25}\n")},
                             JsonOptions::FromMap({{"prefersDecimal", "true"}}));
  EXPECT_EQ(dec->ToDdl(), "x DECIMAL(3,2)");
  auto bad = InputBuffer::FromString("{\"x\":1}\n{oops\n5\n");
  EXPECT_EQ(InferJsonSchema({bad}, JsonOptions())->ToDdl(), "_corrupt_record STRING, x BIGINT");
  EXPECT_EQ(InferJsonSchema({bad}, JsonOptions::FromMap({{"mode", "DROPMALFORMED"}}))->ToDdl(),
            "x BIGINT");
  EXPECT_THROW(InferJsonSchema({bad}, JsonOptions::FromMap({{"mode", "FAILFAST"}})),
               ExecutionError);
}

// ---- property test: random rows of a random schema survive write -> read ----

TypePtr RandomScalarType(std::mt19937& rng, bool csv) {
  static const std::vector<TypePtr> kTypes = {
      IntegerType(), LongType(), DoubleType(), BooleanType(), StringType(),
      DateType(),    TimestampType(), DecimalType(12, 3), ShortType()};
  return kTypes[rng() % kTypes.size()];
}

TypePtr RandomType(std::mt19937& rng, int depth) {
  int k = depth > 1 ? 0 : static_cast<int>(rng() % 5);
  if (k == 1) return ArrayType(RandomType(rng, depth + 1));
  if (k == 2) return MapType(StringType(), RandomType(rng, depth + 1));
  if (k == 3) {
    return StructType({StructField("x", RandomType(rng, depth + 1)),
                       StructField("Y", RandomType(rng, depth + 1))});
  }
  return RandomScalarType(rng, false);
}

std::string RandomString(std::mt19937& rng, bool csv) {
  static const std::vector<std::string> kChars = {"a", "b", " ", ",", "\"", "\\", "\n", "\t",
                                                  "{", "}", "[", ":", "\xc3\xa9", "/"};
  std::string s;
  int n = rng() % 8;
  for (int i = 0; i < n; ++i) s += kChars[rng() % kChars.size()];
  if (!csv) return s;
  // The CSV writer trims whitespace and "" reads back as NULL: avoid those cases.
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.pop_back();
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.erase(0, 1);
  return s.empty() ? "z" : s;
}

Value RandomValue(std::mt19937& rng, const TypePtr& t, bool csv) {
  if (rng() % 6 == 0) return Value::Null(t);
  switch (t->id()) {
    case TypeId::kInt: return Value::Int(static_cast<int32_t>(rng()));
    case TypeId::kShort: return Value::Short(static_cast<int16_t>(rng()));
    case TypeId::kLong: return Value::Long((static_cast<int64_t>(rng()) << 32) ^ rng());
    case TypeId::kDouble: return Value::Double(static_cast<double>(static_cast<int32_t>(rng())) / 64.0);
    case TypeId::kBoolean: return Value::Boolean(rng() & 1);
    case TypeId::kString: return Value::String(RandomString(rng, csv));
    case TypeId::kDate: return Value::Date(static_cast<int32_t>(rng() % 40000));
    case TypeId::kTimestamp:
      return Value::Timestamp(static_cast<int64_t>(rng() % 2000000000) * 1000000 +
                              (rng() % 1000) * 1000);
    case TypeId::kDecimal:
      return Value::Decimal(static_cast<int128_t>(static_cast<int32_t>(rng())) % 1000000000, 12, 3);
    case TypeId::kArray: {
      std::vector<Value> e;
      for (int i = rng() % 3; i > 0; --i) e.push_back(RandomValue(rng, t->element_type(), csv));
      return Value::Array(t, e);
    }
    case TypeId::kMap: {
      std::vector<Value> k, v;
      for (int i = rng() % 3; i > 0; --i) {
        k.push_back(Value::String("k" + std::to_string(i)));
        Value x = RandomValue(rng, t->value_type(), csv);
        if (x.is_null()) x = RandomValue(rng, t->value_type(), csv);
        if (x.is_null()) continue;  // null map values are omitted by the writer
        v.push_back(x);
        if (v.size() < k.size()) k.pop_back();
      }
      k.resize(v.size());
      return Value::Map(t, k, v);
    }
    case TypeId::kStruct: {
      std::vector<Value> f;
      for (const auto& fld : t->fields()) f.push_back(RandomValue(rng, fld.type, csv));
      return Value::Struct(t, f);
    }
    default: return Value::Null(t);
  }
}

TEST(RoundTripTest, JsonWriteThenReadIsIdentity) {
  std::mt19937 rng(7);
  for (int iter = 0; iter < 60; ++iter) {
    std::vector<StructField> fields;
    int ncols = 1 + rng() % 5;
    for (int c = 0; c < ncols; ++c) fields.emplace_back("c" + std::to_string(c), RandomType(rng, 0));
    auto schema = StructType(fields);
    std::vector<std::vector<Value>> rows;
    for (int r = rng() % 20; r > 0; --r) {
      std::vector<Value> row;
      for (const auto& f : fields) row.push_back(RandomValue(rng, f.type, false));
      rows.push_back(row);
    }
    auto batch = RecordBatch::FromRows(schema, rows);
    std::string text;
    JsonWriter().WriteBatch(*batch, &text);
    JsonReader reader(schema, JsonOptions::FromMap({{"mode", "FAILFAST"}}));
    reader.OpenString(text);
    size_t r = 0;
    while (auto b = reader.Next()) {
      for (size_t i = 0; i < b->num_rows(); ++i, ++r) {
        ASSERT_LT(r, rows.size());
        auto got = b->GetRow(i);
        for (size_t c = 0; c < got.size(); ++c) {
          // A struct whose fields are all null is written as {} and reads back as such.
          EXPECT_EQ(got[c], rows[r][c]) << got[c].ToString() << " vs " << rows[r][c].ToString() << " " << schema->ToDdl() << "\n" << text;
        }
      }
    }
    EXPECT_EQ(r, rows.size());
  }
}

TEST(RoundTripTest, CsvWriteThenReadIsIdentity) {
  std::mt19937 rng(11);
  for (int iter = 0; iter < 60; ++iter) {
    std::vector<StructField> fields;
    int ncols = 2 + rng() % 5;  // one NULL column would be an empty line, which CSV skips
    for (int c = 0; c < ncols; ++c) fields.emplace_back("c" + std::to_string(c), RandomScalarType(rng, true));
    auto schema = StructType(fields);
    std::vector<std::vector<Value>> rows;
    for (int r = 1 + rng() % 20; r > 0; --r) {
      std::vector<Value> row;
      for (const auto& f : fields) row.push_back(RandomValue(rng, f.type, true));
      rows.push_back(row);
    }
    auto batch = RecordBatch::FromRows(schema, rows);
    std::string text;
    CsvWriter writer(schema, CsvOptions::FromMap({{"header", "true"}}));
    writer.WriteHeader(&text);
    writer.WriteBatch(*batch, &text);
    CsvReader reader(schema, CsvOptions::FromMap({{"header", "true"}, {"multiLine", "true"},
                                                  {"mode", "FAILFAST"}}));
    reader.OpenString(text);
    size_t r = 0;
    while (auto b = reader.Next()) {
      for (size_t i = 0; i < b->num_rows(); ++i, ++r) {
        ASSERT_LT(r, rows.size());
        auto got = b->GetRow(i);
        for (size_t c = 0; c < got.size(); ++c) {
          bool all_null_row = true;
          for (const auto& v : rows[r]) all_null_row &= v.is_null();
          EXPECT_EQ(got[c], rows[r][c]) << got[c].ToString() << " vs " << rows[r][c].ToString() << " " << schema->ToDdl() << "\n" << text;
          (void)all_null_row;
        }
      }
    }
    // A row whose single column is NULL is written as an empty line, which CSV skips (as Spark).
    size_t expected = 0;
    for (const auto& row : rows) expected += !(row.size() == 1 && row[0].is_null());
    EXPECT_EQ(r, expected);
  }
}

TEST(CsvReaderTest, RandomGarbageNeverCrashes) {
  std::mt19937 rng(3);
  auto schema = ParseSchema("a INT, b STRING, c DOUBLE, _corrupt_record STRING");
  for (int iter = 0; iter < 300; ++iter) {
    std::string text;
    for (int i = rng() % 200; i > 0; --i) text.push_back(static_cast<char>(rng() % 128));
    for (bool ml : {false, true}) {
      CsvReader reader(schema, CsvOptions::FromMap({{"multiLine", ml ? "true" : "false"}}));
      reader.OpenString(text);
      while (reader.Next()) {
      }
      EXPECT_EQ(reader.counts().records,
                reader.counts().rows_emitted + reader.counts().dropped);
    }
    InferCsvSchema({InputBuffer::FromString(text)}, CsvOptions::FromMap({{"inferSchema", "true"}}));
    InferJsonSchema({InputBuffer::FromString(text)}, JsonOptions());
  }
}

}  // namespace
}  // namespace sluice
