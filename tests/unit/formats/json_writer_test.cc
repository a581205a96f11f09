#include "formats/json/json_writer.h"

#include <gtest/gtest.h>

#include <cmath>

#include "formats/json/json_reader.h"

namespace sluice {
namespace {

std::string WriteRows(const TypePtr& schema, const std::vector<std::vector<Value>>& rows,
                      const OptionMap& opts = {}) {
  auto batch = RecordBatch::FromRows(schema, rows);
  std::string out;
  JsonWriter(JsonOptions::FromMap(opts)).WriteBatch(*batch, &out);
  return out;
}

TEST(JsonWriterTest, ScalarsAsSpark) {
  auto schema = ParseSchema(
      "i INT, s STRING, d DOUBLE, b BOOLEAN, ts TIMESTAMP, dt DATE, dec DECIMAL(10,2), f FLOAT, "
      "n STRING");
  const int64_t ts = 1704103200LL * 1000000;
  auto out = WriteRows(schema, {{Value::Int(1), Value::String("a\"b\\c\n\x01/é"), Value::Double(1e10),
                                 Value::Boolean(true), Value::Timestamp(ts), Value::Date(19723),
                                 Value::Decimal(-5, 10, 2), Value::Float(0.1f),
                                 Value::Null(StringType())}});
  EXPECT_EQ(out,
            "{\"i\":1,\"s\":\"a\\\"b\\\\c\\n\\u0001/é\",\"d\":1.0E10,\"b\":true,"
            "\"ts\":\"2024-01-01T10:00:00.000Z\",\"dt\":\"2024-01-01\",\"dec\":-0.05,\"f\":0.1}\n");
}

TEST(JsonWriterTest, TimeZoneAndIgnoreNullFields) {
  auto schema = ParseSchema("ts TIMESTAMP, n INT");
  const int64_t ts = 1704103200LL * 1000000 + 123456;
  auto out = WriteRows(schema, {{Value::Timestamp(ts), Value::Null(IntegerType())}},
                       {{"timeZone", "+02:00"}, {"ignoreNullFields", "false"}});
  EXPECT_EQ(out, "{\"ts\":\"2024-01-01T12:00:00.123+02:00\",\"n\":null}\n");
}

TEST(JsonWriterTest, NestedAndSpecialDoubles) {
  auto schema = ParseSchema("s STRUCT<a: INT, b: STRING>, l ARRAY<DOUBLE>, m MAP<STRING, INT>");
  auto st = schema->fields()[0].type;
  auto lt = schema->fields()[1].type;
  auto mt = schema->fields()[2].type;
  auto out = WriteRows(
      schema,
      {{Value::Struct(st, {Value::Int(1), Value::Null(StringType())}),
        Value::Array(lt, {Value::Double(NAN), Value::Null(DoubleType()), Value::Double(-INFINITY),
                          Value::Double(2)}),
        Value::Map(mt, {Value::String("k"), Value::String("z")},
                   {Value::Int(1), Value::Null(IntegerType())})},
       {Value::Null(st), Value::Array(lt, {}), Value::Map(mt, {}, {})}});
  EXPECT_EQ(out,
            "{\"s\":{\"a\":1},\"l\":[\"NaN\",null,\"-Infinity\",2.0],\"m\":{\"k\":1}}\n"
            "{\"l\":[],\"m\":{}}\n");
}

TEST(JsonWriterTest, JavaBigDecimalRendering) {
  auto schema = ParseSchema("a DECIMAL(20,10), b DECIMAL(38,0)");
  auto out = WriteRows(schema, {{Value::Decimal(0, 20, 10), Value::Decimal(12345, 38, 0)},
                                {Value::Decimal(1000, 20, 10), Value::Decimal(-1, 38, 0)}});
  EXPECT_EQ(out, "{\"a\":0E-10,\"b\":12345}\n{\"a\":1.000E-7,\"b\":-1}\n");
}

}  // namespace
}  // namespace sluice
